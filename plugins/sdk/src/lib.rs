//! The SDK for xcgate community adapters: WebAssembly components, built for
//! `wasm32-wasip2` against the contract `xcgate:adapter` (`wit/v0.6` of the xcgate
//! repository), that the gateway runs in a sandbox per call.
//!
//! An adapter implements one trait per capability it serves and registers it:
//!
//! | Capability | Trait | Macro |
//! |---|---|---|
//! | ITI-55 patient discovery | [`xcpd::PatientDiscovery`] | [`register_patient_discovery!`] |
//! | ITI-38 document query | [`xca_query::DocumentQuery`] | [`register_document_query!`] |
//! | ITI-39 document retrieve | [`xca_retrieve::DocumentRetrieve`] | [`register_document_retrieve!`] |
//! | ITI-56 patient location | [`plq::PatientLocator`] | [`register_patient_location!`] |
//! | ITI-55 answered later (0.6.0) | [`deferred::DeferredDiscovery`] | [`register_deferred_discovery!`] |
//! | its own settings check | [`settings_check::SettingsCheck`] | [`register_settings_check!`] |
//!
//! ```no_run
//! use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
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
//! The records it returns have `Default` and builders ([`xcpd::PatientMatch::new`],
//! [`xds::DocumentEntry`], [`xca_retrieve::Document::answering`], [`RegistryError::error`]).
//! The helpers ([`matching`], [`hl7_time`], [`ids`], [`xds`], [`model`]) are plain Rust;
//! with [`testing`] the host imports (`config`, `log`, `transport`) have native doubles, so
//! `cargo test` calls an adapter's trait functions themselves. The SDK is the one
//! dependency an adapter needs: the IHE message model is re-exported as [`ihe`].

pub mod config;
pub mod deferred;
pub mod hl7_time;
pub mod ids;
pub mod log;
pub mod matching;
pub mod panic;
pub mod plq;
pub mod settings_check;
#[cfg(not(target_family = "wasm"))]
pub mod testing;
pub mod transport;
pub mod xca_query;
pub mod xca_retrieve;
pub mod xcpd;
pub mod xds;

mod macros;
mod records;

/// The generated bindings, for the registration macros only: not part of the SDK's API.
#[doc(hidden)]
#[allow(missing_docs, clippy::all, unsafe_code)]
#[path = "bindings.rs"]
pub mod __private;
use __private as bindings;

/// The IHE message model the gateway itself uses (`xcgate-ihe`): HL7v3 and ebRS messages,
/// the ebRIM ids, the calendar. An adapter that speaks IHE to its community (see `ihe-soap`)
/// needs nothing else; conversions between it and the contract's records are in [`model`].
pub use xcgate_ihe as ihe;

pub mod model;

pub use bindings::xcgate::adapter::types::{
    AdapterError, AssertedUser, CallContext, Coded, InstanceId, RegistryError, RequestedAttribute,
    Severity, Slot,
};

/// The WIT package version this SDK was built against (`wit/v0.6`).
pub const CONTRACT_VERSION: &str = "0.6.0";
