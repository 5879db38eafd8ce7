//! XCPD patient discovery that finishes later (WIT `deferred-discovery`, since 0.6.0): for a
//! community whose MPI needs a person to confirm a match, or works in batches.
//!
//! The gateway uses it when it owes the answer of an ITI-55 anyway (an XCPD Deferred
//! Response [ITI TF-2 3.55.6.2] or an asynchronous WS-Addressing exchange): it calls
//! [`DeferredDiscovery::start_discovery`] once, keeps the token in its state store, and
//! calls [`DeferredDiscovery::poll_discovery`] every `deferred.poll` of the community until
//! the matches are there or `deferred.within` has passed. A synchronous request is still
//! answered through [`PatientDiscovery`](crate::xcpd::PatientDiscovery), so an adapter
//! implements and registers both:
//!
//! ```no_run
//! use xcgate_sdk::deferred::{DeferredDiscovery, Discovery};
//! use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
//! use xcgate_sdk::{AdapterError, CallContext};
//!
//! struct Mpi;
//! impl PatientDiscovery for Mpi {
//!     fn discover_patients(_: CallContext, _: PatientQuery) -> Result<Vec<PatientMatch>, AdapterError> {
//!         Err(AdapterError::Unavailable("matches take hours: ask with the Deferred Response option".into()))
//!     }
//! }
//! impl DeferredDiscovery for Mpi {
//!     fn start_discovery(_: CallContext, _: PatientQuery) -> Result<Discovery, AdapterError> {
//!         // POST the query to the MPI's job queue (transport), keep its job id.
//!         Ok(Discovery::Deferred("job-17".into()))
//!     }
//!     fn poll_discovery(_: CallContext, token: String) -> Result<Option<Vec<PatientMatch>>, AdapterError> {
//!         // GET the job `token`: None while it runs.
//!         Ok(None)
//!     }
//! }
//! xcgate_sdk::register_patient_discovery!(Mpi);
//! xcgate_sdk::register_deferred_discovery!(Mpi);
//! ```
//!
//! Each call is a fresh instance: the token is all that survives between the calls, and the
//! gateway keeps it at rest, so it names the work (a job id) and holds no patient data.

use crate::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use crate::{AdapterError, CallContext};

pub use crate::__private::deferred::exports::xcgate::adapter::deferred_discovery::Discovery;

/// The longest token the gateway keeps (bytes); a longer one fails the call.
pub const MAX_TOKEN_BYTES: usize = 1024;

/// An adapter whose discovery may finish later: register it with
/// [`register_deferred_discovery!`](crate::register_deferred_discovery) beside
/// [`register_patient_discovery!`](crate::register_patient_discovery).
pub trait DeferredDiscovery: PatientDiscovery {
    /// Start finding the patients that match `query`: [`Discovery::Matches`] when the answer
    /// is there already, [`Discovery::Deferred`] with a token to poll with otherwise.
    fn start_discovery(ctx: CallContext, query: PatientQuery) -> Result<Discovery, AdapterError>;

    /// The matches of the discovery `token` names once it is done, `None` while it runs.
    /// [`AdapterError::Unavailable`] or [`AdapterError::Busy`] (the MPI cannot be reached
    /// for now) is polled again later; any other error ends the work for this community
    /// (the gateway reports it as it would a failed `discover_patients`).
    fn poll_discovery(
        ctx: CallContext,
        token: String,
    ) -> Result<Option<Vec<PatientMatch>>, AdapterError>;
}
