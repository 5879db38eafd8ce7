//! Host-side bindings of the WIT package `xcgate:adapter` (one world per capability).

wasmtime::component::bindgen!({
    world: "patient-discovery-adapter",
    path: "../wit",
    exports: { default: async },
});
