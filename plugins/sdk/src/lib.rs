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
//! The helpers ([`matching`], [`hl7_time`], and [`xds`] for XCA adapters) are plain Rust and also build natively, so an
//! adapter's logic can be unit-tested with `cargo test` on the host.

pub mod config;
pub mod hl7_time;
pub mod log;
pub mod matching;
pub mod panic;
pub mod transport;
pub mod xds;

/// Generated bindings, one module per capability world. The interfaces every world shares
/// (`types`, `config`, `log`) are generated once, in `xcpd`, and reused by the others, so a
/// component may export any set of capabilities (wit-component merges the worlds).
#[allow(missing_docs, clippy::all, unsafe_code)]
pub mod bindings {
    pub mod xcpd {
        wit_bindgen::generate!({
            world: "patient-discovery-adapter",
            path: "../../wit/v0.5",
            pub_export_macro: true,
            export_macro_name: "export_patient_discovery",
            default_bindings_module: "xcgate_sdk::bindings::xcpd",
            additional_derives: [PartialEq, Clone],
            generate_all,
        });
    }
    pub mod query {
        wit_bindgen::generate!({
            world: "document-query-adapter",
            path: "../../wit/v0.5",
            pub_export_macro: true,
            export_macro_name: "export_document_query",
            default_bindings_module: "xcgate_sdk::bindings::query",
            additional_derives: [PartialEq, Clone],
            with: {
                "xcgate:adapter/types@0.5.0": crate::bindings::xcpd::xcgate::adapter::types,
                "xcgate:adapter/config@0.5.0": crate::bindings::xcpd::xcgate::adapter::config,
                "xcgate:adapter/log@0.5.0": crate::bindings::xcpd::xcgate::adapter::log,
                "xcgate:adapter/transport@0.5.0": crate::bindings::xcpd::xcgate::adapter::transport,
            },
        });
    }
    pub mod retrieve {
        wit_bindgen::generate!({
            world: "document-retrieve-adapter",
            path: "../../wit/v0.5",
            pub_export_macro: true,
            export_macro_name: "export_document_retrieve",
            default_bindings_module: "xcgate_sdk::bindings::retrieve",
            additional_derives: [PartialEq, Clone],
            with: {
                "xcgate:adapter/types@0.5.0": crate::bindings::xcpd::xcgate::adapter::types,
                "xcgate:adapter/config@0.5.0": crate::bindings::xcpd::xcgate::adapter::config,
                "xcgate:adapter/log@0.5.0": crate::bindings::xcpd::xcgate::adapter::log,
                "xcgate:adapter/transport@0.5.0": crate::bindings::xcpd::xcgate::adapter::transport,
            },
        });
    }
    pub mod location {
        wit_bindgen::generate!({
            world: "patient-location-adapter",
            path: "../../wit/v0.5",
            pub_export_macro: true,
            export_macro_name: "export_patient_location",
            default_bindings_module: "xcgate_sdk::bindings::location",
            additional_derives: [PartialEq, Clone],
            with: {
                "xcgate:adapter/types@0.5.0": crate::bindings::xcpd::xcgate::adapter::types,
                "xcgate:adapter/config@0.5.0": crate::bindings::xcpd::xcgate::adapter::config,
                "xcgate:adapter/log@0.5.0": crate::bindings::xcpd::xcgate::adapter::log,
                "xcgate:adapter/transport@0.5.0": crate::bindings::xcpd::xcgate::adapter::transport,
            },
        });
    }
    pub mod settings_check {
        wit_bindgen::generate!({
            world: "settings-check-adapter",
            path: "../../wit/v0.5",
            pub_export_macro: true,
            export_macro_name: "export_settings_check",
            default_bindings_module: "xcgate_sdk::bindings::settings_check",
            additional_derives: [PartialEq, Clone],
            with: {
                "xcgate:adapter/config@0.5.0": crate::bindings::xcpd::xcgate::adapter::config,
                "xcgate:adapter/log@0.5.0": crate::bindings::xcpd::xcgate::adapter::log,
                "xcgate:adapter/transport@0.5.0": crate::bindings::xcpd::xcgate::adapter::transport,
            },
        });
    }
    pub use xcpd::xcgate;
}

pub use bindings::xcgate::adapter::types::{
    AdapterError, AssertedUser, CallContext, Coded, InstanceId, RegistryError, RequestedAttribute,
    Severity, Slot,
};

/// XCPD Cross Gateway Patient Discovery (ITI-55) types and trait.
pub mod xcpd {
    pub use crate::bindings::xcpd::exports::xcgate::adapter::patient_discovery::{
        Address, Guest as PatientDiscovery, PatientMatch, PatientQuery, PersonName, Telecom,
        TimeQuery,
    };

    /// An empty query: no demographics, no ids, no options. The gateway never sends one;
    /// it is the start of a query built field by field
    /// (`PatientQuery { gender, ..Default::default() }`), mostly in an adapter's unit tests.
    impl Default for PatientQuery {
        fn default() -> Self {
            PatientQuery {
                names: vec![],
                birth_time: None,
                gender: None,
                ids: vec![],
                addresses: vec![],
                telecoms: vec![],
                mothers_maiden_name: None,
                birth_place_address: None,
                birth_place_name: None,
                principal_care_provider_ids: vec![],
                match_algorithm: None,
                minimum_degree_match: None,
                reverse_query_assigning_authority: None,
                extensions: vec![],
            }
        }
    }
}

/// XCA Cross Gateway Query (ITI-38) types and trait.
pub mod xca_query {
    pub use crate::bindings::query::exports::xcgate::adapter::document_query::{
        Guest as DocumentQuery, LocalizedString, NestedObject, QueryRequest, QueryResponse,
        RegistryObject, RegistrySlot, ReturnType, VersionInfo,
    };
}

/// XCA Cross Gateway Retrieve (ITI-39) types and trait.
pub mod xca_retrieve {
    pub use crate::bindings::retrieve::exports::xcgate::adapter::document_retrieve::{
        Document, DocumentRequest, Guest as DocumentRetrieve, RetrieveResponse,
    };
}

/// XCPD Health Data Locator (ITI-56 Patient Location Query) types and trait (since 0.5.0).
pub mod plq {
    pub use crate::bindings::location::exports::xcgate::adapter::patient_location::{
        Guest as PatientLocator, PatientLocation,
    };
}

/// Settings the host can check (since 0.5.0): see [`settings_check`].
pub mod settings_check;

/// The WIT package version this SDK was built against.
pub const CONTRACT_VERSION: &str = "0.5.0";

/// Register a type implementing [`xcpd::PatientDiscovery`] as this component's
/// `patient-discovery` export.
#[macro_export]
macro_rules! register_patient_discovery {
    ($ty:ident) => {
        // Exported only when building the component, so that the adapter crate also builds
        // (and unit-tests) natively; the check below keeps the trait bound visible there.
        #[cfg(target_family = "wasm")]
        $crate::bindings::xcpd::export_patient_discovery!($ty with_types_in $crate::bindings::xcpd);
        const _: fn() = || {
            fn implements<T: $crate::xcpd::PatientDiscovery>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`xca_query::DocumentQuery`] as this component's
/// `document-query` export.
#[macro_export]
macro_rules! register_document_query {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::bindings::query::export_document_query!($ty with_types_in $crate::bindings::query);
        const _: fn() = || {
            fn implements<T: $crate::xca_query::DocumentQuery>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`xca_retrieve::DocumentRetrieve`] as this component's
/// `document-retrieve` export.
#[macro_export]
macro_rules! register_document_retrieve {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::bindings::retrieve::export_document_retrieve!($ty with_types_in $crate::bindings::retrieve);
        const _: fn() = || {
            fn implements<T: $crate::xca_retrieve::DocumentRetrieve>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`plq::PatientLocator`] as this component's
/// `patient-location` export (ITI-56).
#[macro_export]
macro_rules! register_patient_location {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::bindings::location::export_patient_location!($ty with_types_in $crate::bindings::location);
        const _: fn() = || {
            fn implements<T: $crate::plq::PatientLocator>() {}
            implements::<$ty>();
        };
    };
}

/// Register a type implementing [`settings_check::SettingsCheck`] as this component's
/// `settings-check` export: the host runs it at start-up, reload and `check-config`.
#[macro_export]
macro_rules! register_settings_check {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::bindings::settings_check::export_settings_check!($ty with_types_in $crate::bindings::settings_check);
        const _: fn() = || {
            fn implements<T: $crate::settings_check::SettingsCheck>() {}
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
