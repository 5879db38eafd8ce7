//! Guest SDK for xcgate community adapters.
//!
//! An adapter is a WebAssembly component built for `wasm32-wasip2` against the WIT package
//! `xcgate:adapter` (the `wit/` folder of the xcgate repository). This crate holds the
//! generated bindings, a registration macro, and typed helpers:
//!
//! ```no_run
//! use xcgate_sdk::xcpd::{PatientDiscovery, PatientQuery, PatientMatch};
//! use xcgate_sdk::{AdapterError, CallContext};
//!
//! struct MyAdapter;
//! impl PatientDiscovery for MyAdapter {
//!     fn discover_patients(ctx: CallContext, query: PatientQuery) -> Result<Vec<PatientMatch>, AdapterError> {
//!         xcgate_sdk::info!("query with {} names", query.names.len());
//!         Ok(vec![])
//!     }
//! }
//! xcgate_sdk::register_patient_discovery!(MyAdapter);
//! ```
//!
//! The helpers ([`matching`], [`hl7_time`]) are plain Rust and also build natively, so an
//! adapter's logic can be unit-tested with `cargo test` on the host.

pub mod config;
pub mod hl7_time;
pub mod log;
pub mod matching;

/// Generated bindings of the `patient-discovery-adapter` world.
#[allow(missing_docs, clippy::all, unsafe_code)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "patient-discovery-adapter",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export_patient_discovery",
        default_bindings_module: "xcgate_sdk::bindings",
        additional_derives: [PartialEq, Clone],
        generate_all,
    });
}

pub use bindings::xcgate::adapter::types::{
    AdapterError, AssertedUser, CallContext, Coded, InstanceId, RequestedAttribute, Slot,
};

/// XCPD Cross Gateway Patient Discovery (ITI-55) types and trait.
pub mod xcpd {
    pub use crate::bindings::exports::xcgate::adapter::patient_discovery::{
        Address, Guest as PatientDiscovery, PatientMatch, PatientQuery, PersonName, Telecom,
        TimeQuery,
    };
}

/// The WIT package version this SDK was built against.
pub const CONTRACT_VERSION: &str = "0.1.0";

/// Register a type implementing [`xcpd::PatientDiscovery`] as this component's
/// `patient-discovery` export.
#[macro_export]
macro_rules! register_patient_discovery {
    ($ty:ident) => {
        // Exported only when building the component, so that the adapter crate also builds
        // (and unit-tests) natively; the check below keeps the trait bound visible there.
        #[cfg(target_family = "wasm")]
        $crate::bindings::export_patient_discovery!($ty with_types_in $crate::bindings);
        const _: fn() = || {
            fn implements<T: $crate::xcpd::PatientDiscovery>() {}
            implements::<$ty>();
        };
    };
}

impl InstanceId {
    /// An identifier with root and extension.
    pub fn new(root: impl Into<String>, extension: impl Into<String>) -> Self {
        InstanceId {
            root: root.into(),
            extension: Some(extension.into()),
        }
    }

    /// True when both have the same root and the same extension (OIDs compare exactly;
    /// an absent extension equals only an absent extension).
    pub fn same_as(&self, other: &InstanceId) -> bool {
        self.root.trim() == other.root.trim()
            && self.extension.as_deref().map(str::trim) == other.extension.as_deref().map(str::trim)
    }
}
