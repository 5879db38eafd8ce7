//! One call to a community: what it is given ([`CallContext`]) and how it can fail
//! ([`CallFailure`], [`AdapterError`]). The fan-out, the circuit breaker and the plugin
//! runtime speak this vocabulary; `crate::error` maps it to the wire.

use std::time::Duration;

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
    /// What a development tool measures of the call (`xcgate plugin call` and `test`);
    /// the gateway's own calls carry none.
    pub probe: Option<std::sync::Arc<CallProbe>>,
}

/// Measurements of one sandboxed call, written by the sandbox as the call runs.
#[derive(Debug, Default)]
pub struct CallProbe {
    /// The largest linear memory the guest had (bytes), instantiation included.
    pub peak_memory: std::sync::atomic::AtomicU64,
}

/// Why a call to a community produced no answer. (Serializable: an owed ITI-55 keeps the
/// failures of communities that answer later in the state store.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum CallFailure {
    /// The call ran past the community's timeout or the request deadline.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The guest trapped (panic, unreachable, stack overflow, ...).
    #[error("the adapter crashed: {0}")]
    Trap(String),
    /// The adapter panicked; the SDK's hook sent the message, which is in the gateway's
    /// log (tagged with the community and request id), never in the answer: the initiator
    /// is told only that the adapter panicked.
    #[error("the adapter panicked")]
    Panic(String),
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
    /// The gateway itself failed while calling the community (the call's task panicked):
    /// a bug of ours, not the community's, and not a timeout.
    #[error("internal error of the gateway while calling the community")]
    Internal,
}

/// The errors an adapter may return (the WIT `adapter-error` variant).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
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

impl CallFailure {
    /// A short, log-safe name of the kind of failure (metrics label, log field, audit
    /// outcome description); never request content.
    pub fn kind(&self) -> &'static str {
        match self {
            CallFailure::Timeout(_) => "timeout",
            CallFailure::Trap(_) => "trap",
            CallFailure::Panic(_) => "panic",
            CallFailure::MemoryLimit(_) => "memory_limit",
            CallFailure::TableLimit { .. } => "table_limit",
            CallFailure::Instantiate(_) => "instantiate",
            CallFailure::Overloaded(_) => "overloaded",
            CallFailure::CircuitOpen(_) => "circuit_open",
            CallFailure::AnswerTooLarge(_) => "answer_too_large",
            CallFailure::InvalidAnswer(_) => "invalid_answer",
            CallFailure::Internal => "internal",
            CallFailure::Adapter(AdapterError::Unavailable(_)) => "unavailable",
            CallFailure::Adapter(AdapterError::Busy(_)) => "busy",
            CallFailure::Adapter(AdapterError::MoreAttributesRequested(_)) => "more_attributes",
            CallFailure::Adapter(AdapterError::Unauthorized(_)) => "unauthorized",
            CallFailure::Adapter(AdapterError::BadResponse(_)) => "bad_response",
            CallFailure::Adapter(AdapterError::Internal(_)) => "adapter_error",
        }
    }
}
