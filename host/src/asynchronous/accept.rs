//! Accepting an asynchronous request: is it one, may its answer go where it asks, and if
//! so keep it as an owed exchange before it is acknowledged.

use super::context::{Context, Mode};
use crate::audit::Facts;
use crate::error::{Refusal, RequestError};
use crate::gateway::{Endpoint, Gateway};
use crate::reply::Reply;
use crate::soap_endpoint::Checked;
use std::sync::Arc;
use xcgate_ihe::hl7v3::{self, actions};
use xcgate_ihe::transaction::Transaction;
use xcgate_state::{Exchange, ExchangeDirection};

/// What becomes of a checked request.
#[derive(Debug)]
pub enum Acceptance {
    /// Answer it on this connection, as usual.
    Synchronous,
    /// Kept for an asynchronous answer: HTTP 202, no body (WS-Addressing).
    Accepted,
    /// A deferred ITI-55: answer this accept acknowledgement now (AA when kept, AE when it
    /// cannot be answered that way).
    Acknowledged(Box<Reply>),
}

/// How a request asks to be answered later.
enum Asked {
    /// At its `wsa:ReplyTo`.
    WsAddressing(String),
    /// A deferred ITI-55, at its `respondTo` (when it names one).
    Deferred(Box<hl7v3::DiscoveryRequest>),
}

impl Asked {
    fn mode(&self) -> Mode {
        match self {
            Asked::WsAddressing(_) => Mode::WsAddressing,
            Asked::Deferred(_) => Mode::Deferred,
        }
    }
}

/// Whether the request asks to be answered later, and where.
fn asked(checked: &Checked) -> Option<Asked> {
    // The Deferred Response option is asked in the payload [ITI TF-2 3.55.4.1.2]: look at
    // the one attribute first, so that an immediate ITI-55 is not parsed twice; a payload
    // that does not parse is answered synchronously with its error.
    if checked.transaction == Transaction::Iti55
        && deferred_asked(&checked.env.body)
        && let Ok(req) = hl7v3::parse_query(&checked.env.body)
        && req.priority == hl7v3::Priority::Deferred
    {
        return Some(Asked::Deferred(Box::new(req)));
    }
    checked
        .env
        .addressing
        .reply_address()
        .map(|a| Asked::WsAddressing(a.to_string()))
}

/// `controlActProcess/queryByParameter/responsePriorityCode/@code` is `D`.
fn deferred_asked(payload: &xcgate_ihe::xml::Element) -> bool {
    payload
        .path(
            xcgate_ihe::xml::ns::HL7,
            &[
                "controlActProcess",
                "queryByParameter",
                "responsePriorityCode",
            ],
        )
        .and_then(|e| e.attr("code"))
        .is_some_and(|code| code.trim() == "D")
}

/// Decide what becomes of `checked` (the request `envelope` as received at `at`), and keep
/// it when it is accepted. A refusal says why, synchronously: a ReplyTo this gateway may
/// not answer, a request without the MessageID its answer must relate to, a store that
/// cannot keep it.
#[allow(clippy::too_many_arguments)]
pub async fn accept(
    gw: &Arc<Gateway>,
    at: &Endpoint,
    checked: &Checked,
    envelope: &[u8],
    request_id: &str,
    peer: &crate::peer::Peer,
    endpoint_uri: &str,
) -> Result<Acceptance, Refusal> {
    let Some(asked) = asked(checked) else {
        return Ok(Acceptance::Synchronous);
    };
    let mode = asked.mode();
    let refuse_deferred = |req: &hl7v3::DiscoveryRequest, why: &str| {
        tracing::info!(request_id, "deferred ITI-55 refused: {why}");
        Acceptance::Acknowledged(Box::new(Reply::soap(
            actions::MCCI_ACK,
            crate::xcpd::deferred_ack(gw, req, Some(why)),
            Facts::refused(Transaction::Iti55, why.to_string()),
        )))
    };
    let address = match &asked {
        Asked::WsAddressing(address) => address.clone(),
        Asked::Deferred(req) => match &req.respond_to {
            Some(address) => address.clone(),
            None => {
                return Ok(refuse_deferred(
                    req,
                    "a deferred request names where its answer goes in respondTo/telecom/@value; this one has none",
                ));
            }
        },
    };
    if let Err(why) = gw.replies.allows(&address) {
        return match &asked {
            Asked::Deferred(req) => Ok(refuse_deferred(
                req,
                &format!("this gateway does not send answers to the respondTo address: {why}"),
            )),
            Asked::WsAddressing(_) => Err(checked.refusal(RequestError::ReplyToRefused(why))),
        };
    }
    let Some(message_id) = checked.env.addressing.message_id.clone() else {
        return Err(checked.refusal(RequestError::MessageIdMissing));
    };
    if mode == Mode::WsAddressing && !payload_parses(checked) {
        // The error answer is the same either way: give it now, where it is expected
        // least to be lost.
        return Ok(Acceptance::Synchronous);
    }
    let Some(store) = &gw.process.store else {
        return Err(checked.refusal(RequestError::NotAccepted(
            "this gateway has no state store".to_string(),
        )));
    };
    let context = Context {
        mode,
        endpoint: at.path(),
        endpoint_uri: endpoint_uri.to_string(),
        peer_address: peer.address,
        peer_certificate: peer.certificate_subject.clone(),
        request_id: request_id.to_string(),
    };
    let now = super::now_ms();
    let replies = gw.replies.section();
    let exchange = Exchange::new(
        crate::wire::new_uuid(),
        ExchangeDirection::Owed,
        checked.transaction.label(),
        message_id,
        address,
        "",
        Vec::new(),
        now,
        now.saturating_add(super::millis(replies.horizon.0)),
    )
    .to_answer(envelope.to_vec(), context.to_json());
    let owner = &gw.process.replica;
    let lease_until = now.saturating_add(super::millis(super::lease(&gw.config)));
    if let Err(e) = store
        .add_exchange_leased(&exchange, owner, lease_until)
        .await
    {
        tracing::error!(request_id, "asynchronous request not kept: {e}");
        return Err(checked.refusal(RequestError::NotAccepted(
            "the state store cannot keep it now; send it again later".to_string(),
        )));
    }
    gw.process.metrics.async_accepted();
    tracing::info!(
        request_id,
        exchange = %exchange.id,
        transaction = checked.transaction.label(),
        mode = ?mode,
        "asynchronous request accepted"
    );
    // This replica answers it at once; the worker only takes over what is left (a failed
    // delivery, a replica that died).
    tokio::spawn(super::owed::work_on(gw.clone(), exchange));
    Ok(match asked {
        Asked::Deferred(req) => Acceptance::Acknowledged(Box::new(Reply {
            action: actions::MCCI_ACK,
            body: crate::xcpd::deferred_ack(gw, &req, None),
            attachments: None,
            audit: None,
            fault: None,
        })),
        Asked::WsAddressing(_) => Acceptance::Accepted,
    })
}

/// True when the payload is a request of its transaction (what its handler would parse).
fn payload_parses(checked: &Checked) -> bool {
    let body = &checked.env.body;
    match checked.transaction {
        Transaction::Iti55 => hl7v3::parse_query(body).is_ok(),
        Transaction::Iti38 | Transaction::Iti18 => {
            xcgate_ihe::ebrs::AdhocQueryRequest::parse(body).is_ok()
        }
        Transaction::Iti39 | Transaction::Iti43 => {
            xcgate_ihe::retrieve::RetrieveDocumentSetRequest::parse(body).is_ok()
        }
        Transaction::Iti56 => xcgate_ihe::plq::parse_request(body).is_ok(),
    }
}
