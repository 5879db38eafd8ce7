//! Asynchronous exchanges: answers that leave on a new connection, not on the request's
//! own [ITI TF-2 Appendix V; 3.55.6.2].
//!
//! - **WS-Addressing asynchronous**: a request whose `wsa:ReplyTo` is a real address
//!   (not anonymous, not none) is accepted with HTTP 202 and no body once it has passed
//!   the checks of every request; its answer is then sent as a new SOAP request to that
//!   address, with `wsa:RelatesTo` = the request's MessageID and the response action (an
//!   MTOM answer stays MTOM).
//! - **XCPD Deferred Response option**: a deferred ITI-55 (`responsePriorityCode="D"`,
//!   `respondTo`) is acknowledged at once with MCCI_IN000002UV01 AA; the PRPA_IN201306UV02
//!   then goes to the `respondTo` URL with the Deferred action and the same queryId.
//!
//! An accepted request is an owed exchange in the state store *before* it is
//! acknowledged, so a restart (even `kill -9`) loses nothing: the request is kept until its
//! answer is made, the answer until it is delivered. The replica that accepted it answers
//! at once; the delivery worker retries a receiver that is down with backoff until
//! `[gateway.replies] horizon`, then gives the exchange up (kept, reported, audited). Each
//! delivery and each give-up writes the transaction's audit records, whose Source is the
//! reply address [ITI TF-2 3.55.5.1, 3.18.5.1]. Only addresses in `[gateway.replies]
//! allow` are ever contacted.

mod accept;
mod context;
mod discovery;
mod owed;
mod received;
mod worker;

pub use accept::{Acceptance, accept};
pub use received::received;
pub use worker::{deliver_owed, take_back_leases};

/// The path answers to this gateway's own asynchronous requests come to.
pub const REPLIES: &str = "/replies";

use crate::config::Config;
use std::time::Duration;

use crate::wire::{millis, now_ms};

/// How long a replica holds an exchange it works on: longer than making the answer (the
/// longest deadline) and one delivery attempt, so that no other replica takes it while
/// it is still being answered.
fn lease(config: &Config) -> Duration {
    let c = &config.gateway;
    let deadline = [
        xcgate_ihe::transaction::Transaction::Iti55,
        xcgate_ihe::transaction::Transaction::Iti38,
        xcgate_ihe::transaction::Transaction::Iti39,
    ]
    .into_iter()
    .map(|t| c.deadline_for(t))
    .max()
    .unwrap_or_default();
    deadline + c.replies.timeout.0 + Duration::from_secs(30)
}
