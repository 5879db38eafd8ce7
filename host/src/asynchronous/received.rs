//! `POST /replies`: answers to the asynchronous requests this gateway sent (endpoints marked
//! `async = true`), each handed to the call that awaits it by its `wsa:RelatesTo`
//! [ITI TF-2 App V V.5]. The sender gets 202, or for a deferred ITI-55 answer the
//! MCCI_IN000002UV01 accept acknowledgement [ITI TF-2 3.55.6.2].

use crate::answer::{self, Chunks};
use crate::error::{Refusal, RequestError};
use crate::gateway::Gateway;
use crate::plugin::Arrived;
use bytes::Bytes;
use http::{Response, StatusCode};
use xcgate_ihe::hl7v3::{self, actions};
use xcgate_ihe::soap;

/// Take the answer `raw` (`envelope` is its SOAP envelope, the root part when MTOM).
pub async fn received(
    gw: &Gateway,
    envelope: &[u8],
    content_type: &str,
    raw: Bytes,
) -> Result<Response<Chunks>, Refusal> {
    let env = soap::parse_envelope(envelope).map_err(|e| Refusal::from(RequestError::from(e)))?;
    let Some(relates_to) = env.addressing.relates_to.clone() else {
        return Err(RequestError::RelatesToMissing.into());
    };
    let content_type = if content_type.is_empty() {
        "application/soap+xml; charset=utf-8".to_string()
    } else {
        content_type.to_string()
    };
    gw.process
        .awaited
        .arrive(
            &relates_to,
            Arrived {
                content_type,
                body: raw,
            },
        )
        .await
        .map_err(|why| Refusal {
            error: RequestError::NotAwaited(why),
            relates_to: env.addressing.message_id.clone(),
            reply_to: None,
        })?;
    let request_id = crate::wire::new_uuid();
    if env.addressing.action.as_deref() == Some(actions::ITI55_DEFERRED_RESPONSE)
        && let Ok(ack) = deferred_ack(gw, &env)
    {
        return Ok(answer::soap(StatusCode::OK, ack, &request_id));
    }
    Ok(answer::accepted(&request_id))
}

/// The accept acknowledgement of a deferred answer.
fn deferred_ack(gw: &Gateway, env: &soap::Envelope) -> Result<String, hl7v3::Hl7Error> {
    let response = hl7v3::parse_response(&env.body)?;
    let body = crate::xcpd::answer_ack(gw, response.message_id.as_ref());
    let headers = xcgate_ihe::wsa::response_headers(
        actions::MCCI_ACK,
        &crate::wire::new_message_id(),
        env.addressing.message_id.as_deref(),
    );
    Ok(soap::build_envelope(&headers, &body))
}
