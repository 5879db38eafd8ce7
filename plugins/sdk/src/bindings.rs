//! The generated bindings, one module per capability world: private to the SDK (reachable
//! only by the registration macros, through `xcgate_sdk::__private`). Partners use the
//! SDK's own traits and re-exported records instead. The interfaces every world shares
//! (`types`, `config`, `log`, `transport`) are generated once, in `xcpd`, and reused by the
//! others, so a component may export any set of capabilities (wit-component merges the
//! worlds).

pub mod xcpd {
    wit_bindgen::generate!({
        world: "patient-discovery-adapter",
        path: "../../wit/v0.6",
        pub_export_macro: true,
        export_macro_name: "export_patient_discovery",
        default_bindings_module: "xcgate_sdk::__private::xcpd",
        additional_derives: [PartialEq, Clone],
        generate_all,
    });
}

/// The shared interfaces of [`xcpd`], by the names the other worlds use for them.
macro_rules! with_shared {
    ($($rest:tt)*) => {
        wit_bindgen::generate!({
            $($rest)*
            path: "../../wit/v0.6",
            pub_export_macro: true,
            additional_derives: [PartialEq, Clone],
            with: {
                "xcgate:adapter/types@0.6.0": crate::__private::xcpd::xcgate::adapter::types,
                "xcgate:adapter/config@0.6.0": crate::__private::xcpd::xcgate::adapter::config,
                "xcgate:adapter/log@0.6.0": crate::__private::xcpd::xcgate::adapter::log,
                "xcgate:adapter/transport@0.6.0": crate::__private::xcpd::xcgate::adapter::transport,
            },
        });
    };
}

pub mod query {
    with_shared!(
        world: "document-query-adapter",
        export_macro_name: "export_document_query",
        default_bindings_module: "xcgate_sdk::__private::query",
    );
}

pub mod retrieve {
    with_shared!(
        world: "document-retrieve-adapter",
        export_macro_name: "export_document_retrieve",
        default_bindings_module: "xcgate_sdk::__private::retrieve",
    );
}

pub mod location {
    with_shared!(
        world: "patient-location-adapter",
        export_macro_name: "export_patient_location",
        default_bindings_module: "xcgate_sdk::__private::location",
    );
}

// Its world uses no `types`, and wit-bindgen refuses an unused `with` entry.
pub mod settings_check {
    wit_bindgen::generate!({
        world: "settings-check-adapter",
        path: "../../wit/v0.6",
        pub_export_macro: true,
        export_macro_name: "export_settings_check",
        default_bindings_module: "xcgate_sdk::__private::settings_check",
        additional_derives: [PartialEq, Clone],
        with: {
            "xcgate:adapter/config@0.6.0": crate::__private::xcpd::xcgate::adapter::config,
            "xcgate:adapter/log@0.6.0": crate::__private::xcpd::xcgate::adapter::log,
            "xcgate:adapter/transport@0.6.0": crate::__private::xcpd::xcgate::adapter::transport,
        },
    });
}

pub use xcpd::xcgate;

pub mod deferred {
    with_shared!(
        world: "deferred-discovery-adapter",
        export_macro_name: "export_deferred_discovery",
        default_bindings_module: "xcgate_sdk::__private::deferred",
    );
}
