//! Host-side bindings of the WIT package `xcgate:adapter`, one module per capability world.
//! The shared interfaces (`types`, `config`, `log`) are generated once, in `xcpd`.

pub mod xcpd {
    wasmtime::component::bindgen!({
        world: "patient-discovery-adapter",
        path: "../wit/v0.6",
        imports: { "xcgate:adapter/transport.send": async },
        exports: { default: async },
    });
}

pub mod query {
    wasmtime::component::bindgen!({
        world: "document-query-adapter",
        path: "../wit/v0.6",
        exports: { default: async },
        with: {
            "xcgate:adapter/types": crate::plugin::bindings::xcpd::xcgate::adapter::types,
            "xcgate:adapter/config": crate::plugin::bindings::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log": crate::plugin::bindings::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport": crate::plugin::bindings::xcpd::xcgate::adapter::transport,
        },
    });
}

pub mod retrieve {
    wasmtime::component::bindgen!({
        world: "document-retrieve-adapter",
        path: "../wit/v0.6",
        exports: { default: async },
        with: {
            "xcgate:adapter/types": crate::plugin::bindings::xcpd::xcgate::adapter::types,
            "xcgate:adapter/config": crate::plugin::bindings::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log": crate::plugin::bindings::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport": crate::plugin::bindings::xcpd::xcgate::adapter::transport,
        },
    });
}

pub use xcpd::xcgate;

pub mod location {
    wasmtime::component::bindgen!({
        world: "patient-location-adapter",
        path: "../wit/v0.6",
        exports: { default: async },
        with: {
            "xcgate:adapter/types": crate::plugin::bindings::xcpd::xcgate::adapter::types,
            "xcgate:adapter/config": crate::plugin::bindings::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log": crate::plugin::bindings::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport": crate::plugin::bindings::xcpd::xcgate::adapter::transport,
        },
    });
}

pub mod deferred {
    wasmtime::component::bindgen!({
        world: "deferred-discovery-adapter",
        path: "../wit/v0.6",
        exports: { default: async },
        with: {
            "xcgate:adapter/types": crate::plugin::bindings::xcpd::xcgate::adapter::types,
            "xcgate:adapter/config": crate::plugin::bindings::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log": crate::plugin::bindings::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport": crate::plugin::bindings::xcpd::xcgate::adapter::transport,
        },
    });
}

pub mod settings_check {
    wasmtime::component::bindgen!({
        world: "settings-check-adapter",
        path: "../wit/v0.6",
        exports: { default: async },
        with: {
            "xcgate:adapter/config": crate::plugin::bindings::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log": crate::plugin::bindings::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport": crate::plugin::bindings::xcpd::xcgate::adapter::transport,
        },
    });
}
