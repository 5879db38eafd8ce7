//! Working on one owed exchange: make its answer (once, from the kept request), keep it,
//! then deliver it to the reply address; a failed attempt is retried later or, past the
//! horizon, given up. The audit records of the transaction are written when the answer is
//! delivered, or (marked failed) when it is given up.

use super::context::{Context, Mode};
use super::discovery::Advanced;
use crate::error::RequestError;
use crate::gateway::Gateway;
use crate::reply::Reply;
use crate::soap_endpoint;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use xcgate_ihe::hl7v3::{self, actions};
use xcgate_ihe::soap;
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::wsa;
use xcgate_state::{Exchange, ExchangeState};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// An answer ready to leave, with the audit records of its delivery and of its give-up.
struct Made {
    content_type: String,
    body: Vec<u8>,
    audit_delivered: String,
    audit_given_up: String,
}

/// Work on `exchange`, which this replica holds the lease of.
pub async fn work_on(gw: Arc<Gateway>, mut exchange: Exchange) {
    let Some(store) = gw.process.store.as_ref() else {
        return;
    };
    let owner = gw.process.replica.as_str();
    let context = exchange.context.as_deref().map(Context::from_json);
    let request_id = match &context {
        Some(Ok(c)) => c.request_id.clone(),
        _ => exchange.id.clone(),
    };
    if let Some(request) = exchange.request.take() {
        let made = match &context {
            Some(Ok(context)) => match make(&gw, &exchange, context, &request).await {
                Making::Made(made) => made,
                Making::Waiting { progress, next_at } => {
                    // The request stays kept: the answer is made once the communities
                    // that answer later have settled.
                    match store
                        .discovery_pending(&exchange.id, owner, &progress, next_at)
                        .await
                    {
                        Ok(_) => gw.process.metrics.async_event("polled"),
                        Err(e) => {
                            tracing::warn!(request_id, exchange = %exchange.id, "discovery progress not kept: {e}");
                            gw.process.metrics.state_failure("discovery_pending");
                        }
                    }
                    return;
                }
            },
            Some(Err(why)) => fault_answer(&exchange, &RequestError::NotAccepted(why.clone())),
            None => fault_answer(
                &exchange,
                &RequestError::NotAccepted("the exchange has no context".to_string()),
            ),
        };
        match store
            .answered(
                &exchange.id,
                owner,
                &made.content_type,
                &made.body,
                &made.audit_delivered,
                &made.audit_given_up,
                super::now_ms().saturating_add(super::millis(gw.replies.section().horizon.0)),
            )
            .await
        {
            Ok(true) => {}
            // Another replica holds it now (this one was too slow): it answers.
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(request_id, exchange = %exchange.id, "answer not kept: {e}");
                gw.process.metrics.state_failure("answered");
                return;
            }
        }
        exchange.content_type = made.content_type;
        exchange.body = made.body;
        exchange.audit_delivered = Some(made.audit_delivered);
        exchange.audit_given_up = Some(made.audit_given_up);
    }
    deliver(
        &gw,
        exchange,
        context.and_then(Result::ok).map(|c| c.mode),
        &request_id,
    )
    .await;
}

/// Making an answer: made, or waiting for communities that answer later.
enum Making {
    Made(Made),
    Waiting { progress: String, next_at: i64 },
}

impl From<Made> for Making {
    fn from(made: Made) -> Making {
        Making::Made(made)
    }
}

/// Make the answer of the kept `request`, as the endpoint it came to would have answered
/// it at once (its XUA assertion judged at the time it arrived); an ITI-55 first waits
/// for the communities that answer later ([`super::discovery`]).
async fn make(gw: &Gateway, exchange: &Exchange, context: &Context, request: &[u8]) -> Making {
    let request_id = context.request_id.as_str();
    let Some(at) = gw.endpoint_at(&context.endpoint) else {
        return fault_answer(
            exchange,
            &RequestError::NotAccepted(format!(
                "{} is no longer served by this gateway",
                context.endpoint
            )),
        )
        .into();
    };
    let arrived =
        UNIX_EPOCH + Duration::from_millis(u64::try_from(exchange.created_at).unwrap_or(0));
    let checked = match soap_endpoint::check(gw, at.role, request, arrived) {
        Ok(c) => c,
        Err(refusal) => return fault_answer(exchange, &refusal.error).into(),
    };
    let settled = match checked.transaction {
        Transaction::Iti55 => {
            let progress = exchange.discovery.as_deref();
            match super::discovery::advance(gw, &at, &checked, progress, request_id).await {
                Advanced::Settled(settled) => Some(settled),
                Advanced::Waiting { progress, next_at } => {
                    return Making::Waiting { progress, next_at };
                }
            }
        }
        _ => None,
    };
    let replied = soap_endpoint::reply_with(gw, &at, &checked, request_id, settled.as_ref()).await;
    let mut reply = match replied {
        Ok(r) => r,
        Err(e) => return fault_answer(exchange, &e).into(),
    };
    let peer = context.peer();
    let (audit_delivered, audit_given_up) = match reply.audit.take() {
        Some(facts) => {
            let record = crate::audit::Exchange {
                role: at.role,
                endpoint_uri: &context.endpoint_uri,
                peer: &peer,
                // The Source of an asynchronous exchange is the reply address
                // [ITI TF-2 3.55.5.1, 3.18.5.1].
                reply_to: Some(&exchange.address),
                user: checked.user.as_deref().map(|v| &v.user),
                request_id,
                home_community_id: &gw.config.gateway.home_community_id,
            };
            gw.process.audit.records_to_keep(&record, &facts)
        }
        None => (String::new(), String::new()),
    };
    let mut made = match reply.fault.take() {
        Some(error) => fault_answer(exchange, &error),
        None => message(context.mode, exchange, reply),
    };
    made.audit_delivered = audit_delivered;
    made.audit_given_up = audit_given_up;
    Making::Made(made)
}

/// The answer as a new SOAP request to the reply address: WS-Addressing headers that
/// relate it to the request; MTOM when the transaction's answer is.
fn message(mode: Mode, exchange: &Exchange, reply: Reply) -> Made {
    let action = match mode {
        Mode::WsAddressing => reply.action,
        Mode::Deferred => actions::ITI55_DEFERRED_RESPONSE,
    };
    let headers = wsa::answer_headers(
        action,
        &crate::wire::new_message_id(),
        &exchange.relates_to,
        &exchange.address,
    );
    let envelope = soap::build_envelope(&headers, &reply.body);
    let (content_type, body) = match reply.attachments {
        None => (
            format!("{SOAP}; action=\"{action}\""),
            envelope.into_bytes(),
        ),
        Some(attachments) => {
            let mut builder =
                xcgate_ihe::mtom::MtomBuilder::new(&exchange.id, envelope).action(action);
            for a in attachments {
                builder = builder.attachment(a.content_id, a.content_type, a.body);
            }
            match builder.build() {
                Ok((content_type, chunks)) => (content_type, chunks.concat()),
                Err(e) => {
                    tracing::error!(exchange = %exchange.id, "MTOM answer could not be built: {e}");
                    return fault_answer(
                        exchange,
                        &RequestError::Internal {
                            request_id: exchange.id.clone(),
                        },
                    );
                }
            }
        }
    };
    Made {
        content_type,
        body,
        audit_delivered: String::new(),
        audit_given_up: String::new(),
    }
}

/// A SOAP fault as the answer, sent where the answer would have gone [WS-Addressing 1.0
/// SOAP Binding 6: faults go to the ReplyTo when no FaultTo is given].
fn fault_answer(exchange: &Exchange, error: &RequestError) -> Made {
    Made {
        content_type: SOAP.to_string(),
        body: error
            .fault()
            .to_envelope(Some(&exchange.relates_to))
            .into_bytes(),
        audit_delivered: String::new(),
        audit_given_up: String::new(),
    }
}

/// Send the kept answer; record how it went.
async fn deliver(gw: &Gateway, mut exchange: Exchange, mode: Option<Mode>, request_id: &str) {
    let Some(store) = gw.process.store.as_ref() else {
        return;
    };
    let owner = gw.process.replica.as_str();
    let audit = &gw.process.audit;
    let outcome = if audit.refuses() && !audit.writable() {
        // Its records could not be written at delivery: it waits, as for a receiver
        // that is down (audit.on_failure = "refuse").
        Err("the audit journal cannot store records now".to_string())
    } else {
        let sent = gw
            .replies
            .send(
                &exchange.address,
                &exchange.content_type,
                // The kept answer goes out as it is, without a copy (it may hold documents).
                std::mem::take(&mut exchange.body),
            )
            .await;
        sent.and_then(|receipt| judge(mode, receipt.status, &receipt.body))
    };
    let now = super::now_ms();
    let metrics = &gw.process.metrics;
    match outcome {
        Ok(()) => match store.delivered(&exchange.id, owner, now).await {
            Ok(true) => {
                metrics.async_event("delivered");
                tracing::info!(request_id, exchange = %exchange.id, attempts = exchange.attempts + 1, "asynchronous answer delivered");
                if let Some(lines) = &exchange.audit_delivered {
                    gw.process.audit.record_kept(lines, request_id).await;
                }
            }
            Ok(false) => {}
            Err(e) => {
                metrics.state_failure("delivered");
                tracing::warn!(request_id, exchange = %exchange.id, "delivery not recorded: {e}");
            }
        },
        Err(why) => {
            let attempts = u32::try_from(exchange.attempts).unwrap_or(u32::MAX);
            let wait = gw.replies.section().backoff(attempts);
            let retry_at = now.saturating_add(super::millis(wait));
            metrics.async_event("failed_attempt");
            match store
                .attempt_failed(&exchange.id, owner, now, retry_at, &why)
                .await
            {
                Ok(ExchangeState::GivenUp) => {
                    metrics.async_event("given_up");
                    tracing::warn!(request_id, exchange = %exchange.id, attempts = exchange.attempts + 1, "asynchronous answer given up after its horizon: {why}");
                    if let Some(lines) = &exchange.audit_given_up {
                        gw.process.audit.record_kept(lines, request_id).await;
                    }
                }
                Ok(_) => {
                    tracing::info!(request_id, exchange = %exchange.id, attempts = exchange.attempts + 1, retry_in_ms = wait.as_millis() as u64, "asynchronous answer not delivered, will retry: {why}");
                }
                Err(e) => {
                    metrics.state_failure("attempt_failed");
                    tracing::warn!(request_id, exchange = %exchange.id, "failed attempt not recorded: {e}");
                }
            }
        }
    }
}

/// Did the receiver take the answer? A 2xx; for a deferred answer, an MCCI
/// acknowledgement that does not refuse it [ITI TF-2 3.55.6.2]; never a SOAP fault.
fn judge(mode: Option<Mode>, status: u16, body: &[u8]) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("the receiver answered HTTP {status}"));
    }
    if body.is_empty() {
        return Ok(());
    }
    let Ok(env) = soap::parse_envelope(body) else {
        return Ok(());
    };
    if env.body.ns == xcgate_ihe::xml::ns::SOAP12 && env.body.local == "Fault" {
        return Err("the receiver answered with a SOAP fault".to_string());
    }
    if mode == Some(Mode::Deferred)
        && let Ok(ack) = hl7v3::parse_ack(&env.body)
        && !ack.accepted()
    {
        return Err(format!(
            "the receiver refused the answer: acknowledgement {}",
            ack.code
        ));
    }
    Ok(())
}
