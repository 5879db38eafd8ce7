//! A SOAP 1.2 endpoint: envelope checks, WS-Addressing, dispatch on `wsa:Action`
//! [ITI TF-2 App V], and the response envelope.

use crate::error::RequestError;
use crate::gateway::Gateway;
use crate::wire;
use crate::xcpd;
use xcgate_ihe::hl7v3::actions;
use xcgate_ihe::soap::{self, Envelope};
use xcgate_ihe::wsa;
use xcgate_ihe::xml::ns;

/// Which of the two endpoints a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/initiating`: local initiators; xcgate fans out to the communities.
    Initiating,
    /// `/responding`: remote gateways; reserved for the responding-gateway role.
    Responding,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Initiating => "/initiating",
            Endpoint::Responding => "/responding",
        }
    }

    fn supported(self) -> &'static [&'static str] {
        match self {
            Endpoint::Initiating => &[actions::ITI55_REQUEST, actions::ITI55_DEFERRED_REQUEST],
            Endpoint::Responding => &[],
        }
    }
}

/// Header namespaces this gateway understands: WS-Addressing (both), WS-Security (its
/// content is the security layer's business and is ignored here), XCPD
/// (CorrelationTimeToLive).
const UNDERSTOOD: &[&str] = &[ns::WSA, ns::WSA_2004, ns::WSSE, ns::XCPD];

/// A finished SOAP answer.
#[derive(Debug)]
pub struct SoapReply {
    pub status: u16,
    pub envelope: String,
}

/// The transaction a payload element stands for, when the action is missing.
fn action_for_body(local: &str, namespace: &str) -> Option<&'static str> {
    (namespace == ns::HL7 && local == "PRPA_IN201305UV02").then_some(actions::ITI55_REQUEST)
}

/// Serve one SOAP request.
pub async fn handle(gw: &Gateway, endpoint: Endpoint, body: &[u8], request_id: &str) -> SoapReply {
    let mut relates_to = None;
    let result = serve(gw, endpoint, body, request_id, &mut relates_to).await;
    match result {
        Ok((action, payload)) => {
            let headers =
                wsa::response_headers(action, &wire::new_message_id(), relates_to.as_deref());
            SoapReply {
                status: 200,
                envelope: soap::build_envelope(&headers, &payload),
            }
        }
        Err(e) => {
            tracing::info!(
                request_id,
                endpoint = endpoint.path(),
                status = e.http_status(),
                "request refused: {e}"
            );
            SoapReply {
                status: e.http_status(),
                envelope: e.fault().to_envelope(relates_to.as_deref()),
            }
        }
    }
}

async fn serve(
    gw: &Gateway,
    endpoint: Endpoint,
    body: &[u8],
    request_id: &str,
    relates_to: &mut Option<String>,
) -> Result<(&'static str, String), RequestError> {
    let env: Envelope = soap::parse_envelope(body)?;
    *relates_to = env.addressing.message_id.clone();
    let not_understood = env.not_understood(UNDERSTOOD);
    if !not_understood.is_empty() {
        return Err(RequestError::MustUnderstand(not_understood));
    }
    let body_name = format!("{{{}}}{}", env.body.ns, env.body.local);
    let inferred = action_for_body(&env.body.local, &env.body.ns);
    let action = match env.addressing.action.as_deref() {
        Some(a) => a,
        // Some SOAP stacks (SoapUI projects, HIEOS tests) send no WS-Addressing at all; the
        // payload names the transaction unambiguously, so serve it rather than refuse.
        None => inferred.ok_or_else(|| RequestError::ActionMissing {
            body: body_name.clone(),
        })?,
    };
    let supported = endpoint.supported();
    let Some(&action) = supported.iter().find(|s| **s == action) else {
        return Err(RequestError::ActionNotSupported {
            action: action.to_string(),
            endpoint: endpoint.path(),
            supported: if supported.is_empty() {
                "none yet".to_string()
            } else {
                supported.join(", ")
            },
        });
    };
    if action == actions::ITI55_REQUEST || action == actions::ITI55_DEFERRED_REQUEST {
        if inferred != Some(actions::ITI55_REQUEST) {
            let body = if env.body.local == "PRPA_IN201305UV02" {
                format!("{body_name}, not in the HL7 V3 namespace {}", ns::HL7)
            } else {
                body_name
            };
            return Err(RequestError::ActionBodyMismatch {
                action: action.to_string(),
                body,
            });
        }
        let reply = xcpd::initiating(gw, &env.body, request_id).await?;
        return Ok((reply.action, reply.body));
    }
    Err(RequestError::Internal {
        request_id: request_id.to_string(),
    })
}
