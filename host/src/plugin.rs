//! The plugin runtime: community adapters are WebAssembly components run in a sandbox.
//!
//! One [`PluginRuntime`] (one wasmtime `Engine` with the pooling allocator and epoch
//! interruption) serves every community. Each community's component is compiled and
//! linked once at start-up ([`CommunityPlugin`]); every call then gets a fresh `Store`
//! with the community's memory limit and the call's deadline, so no patient data survives
//! a call in guest memory and one community's failure cannot touch another's.

mod answer_checks;
mod bindings;
mod capabilities;
pub(crate) mod community;
pub(crate) mod convert;
mod convert_xca;
mod host_api;
mod runtime;
pub(crate) mod transport;
mod xca_calls;

pub use capabilities::Capability;
pub use community::CommunityPlugin;
pub use convert_xca::RetrievedDocument;
pub use runtime::{PluginRuntime, RuntimeOptions};
pub use xca_calls::{FoundObjects, Retrieved};

use std::time::Duration;

/// Why a call into a plugin produced no answer. Mapped to the wire in `crate::error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// The call ran past the community's timeout or the request deadline.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The guest trapped (panic, unreachable, stack overflow, ...).
    #[error("the adapter crashed: {0}")]
    Trap(String),
    /// The guest tried to grow its memory past the community's limit.
    #[error("the adapter exceeded its memory limit of {0} bytes")]
    MemoryLimit(u64),
    /// The plugin needs (or tried to grow) a table larger than `max_table_elements`.
    #[error(
        "the adapter wanted a table of {wanted} elements, over its limit of {limit} (max_table_elements)"
    )]
    TableLimit { limit: u32, wanted: u64 },
    /// The adapter answered with an error.
    #[error("the adapter reported: {0}")]
    Adapter(AdapterError),
    /// The adapter answered with something that is not a valid answer (e.g. malformed
    /// extra XML in a registry object).
    #[error("the adapter's answer is invalid: {0}")]
    InvalidAnswer(String),
    /// The community already has its maximum number of calls in flight (bulkhead).
    #[error("the community is at its limit of {0} concurrent calls")]
    Overloaded(u32),
    /// The adapter could not be instantiated for this call.
    #[error("the adapter could not be started: {0}")]
    Instantiate(String),
    /// The answer is over the community's `max_answer` or `max_answer_items`.
    #[error("the adapter's answer is too large: {0}")]
    AnswerTooLarge(String),
    /// The community failed its last calls in a row and is skipped for this much longer
    /// (circuit breaker); it was not called.
    #[error("skipped after repeated failures; retried in {}s", .0.as_secs().max(1))]
    CircuitOpen(Duration),
}

/// The errors an adapter may return (the WIT `adapter-error` variant).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdapterError {
    #[error("community unavailable: {0}")]
    Unavailable(String),
    #[error("community busy: {0}")]
    Busy(String),
    #[error("more attributes requested")]
    MoreAttributesRequested(Vec<xcgate_ihe::xcpd::RequestedAttribute>),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("bad response from the community: {0}")]
    BadResponse(String),
    #[error("adapter internal error: {0}")]
    Internal(String),
}

/// The per-call context handed to adapters.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub request_id: String,
    /// When the call must be over (the earlier of the community timeout and the request
    /// deadline).
    pub deadline: tokio::time::Instant,
    pub target_home_community_id: String,
    pub initiator_home_community_id: Option<String>,
    /// The verified XUA user of the request, handed to the adapter as attributes.
    pub user: Option<std::sync::Arc<xcgate_xua::VerifiedAssertion>>,
}
