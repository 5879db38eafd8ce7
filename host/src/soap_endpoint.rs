//! A SOAP 1.2 endpoint: envelope checks, WS-Addressing, dispatch on `wsa:Action`
//! [ITI TF-2 App V], and the response envelope.

use crate::error::RequestError;
use crate::gateway::{Gateway, Role};
use crate::wire;
use crate::xca::{self, Attachment};
use crate::xcpd;
use std::sync::Arc;
use xcgate_ihe::ebrs::actions as xds;
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

/// A transaction this gateway serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transaction {
    Iti55,
    Iti55Deferred,
    Iti38,
    Iti18,
    Iti39,
    Iti43,
}

/// An action, the Body element it carries, and the transaction it starts.
struct Route {
    action: &'static str,
    body: (&'static str, &'static str),
    transaction: Transaction,
    /// A cross-gateway transaction, also served on `/responding` to remote gateways
    /// [ITI TF-2 3.55, 3.38, 3.39]; ITI-18/43 come from local consumers only.
    cross_gateway: bool,
}

const PRPA: (&str, &str) = (ns::HL7, "PRPA_IN201305UV02");
const ADHOC: (&str, &str) = (ns::QUERY, "AdhocQueryRequest");
const RETRIEVE: (&str, &str) = (ns::XDS_B, "RetrieveDocumentSetRequest");

/// Every route. Without WS-Addressing the first route whose Body matches is taken (ITI-38
/// for a query, ITI-39 for a retrieve).
const ROUTES: &[Route] = &[
    Route {
        action: actions::ITI55_REQUEST,
        body: PRPA,
        transaction: Transaction::Iti55,
        cross_gateway: true,
    },
    Route {
        action: actions::ITI55_DEFERRED_REQUEST,
        body: PRPA,
        transaction: Transaction::Iti55Deferred,
        cross_gateway: true,
    },
    Route {
        action: xds::ITI38_REQUEST,
        body: ADHOC,
        transaction: Transaction::Iti38,
        cross_gateway: true,
    },
    Route {
        action: xds::ITI18_REQUEST,
        body: ADHOC,
        transaction: Transaction::Iti18,
        cross_gateway: false,
    },
    Route {
        action: xds::ITI39_REQUEST,
        body: RETRIEVE,
        transaction: Transaction::Iti39,
        cross_gateway: true,
    },
    Route {
        action: xds::ITI43_REQUEST,
        body: RETRIEVE,
        transaction: Transaction::Iti43,
        cross_gateway: false,
    },
];

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Initiating => "/initiating",
            Endpoint::Responding => "/responding",
        }
    }

    fn role(self) -> Role {
        match self {
            Endpoint::Initiating => Role::Initiating,
            Endpoint::Responding => Role::Responding,
        }
    }

    /// The routes served; the responding endpoint serves nothing until the config names a
    /// community it fronts (`gateway.responding`).
    fn routes(self, gw: &Gateway) -> impl Iterator<Item = &'static Route> + Clone {
        let responding = self == Endpoint::Responding;
        let off = responding && gw.config.gateway.responding.is_empty();
        ROUTES
            .iter()
            .filter(move |r| !off && (r.cross_gateway || !responding))
    }
}

/// Header namespaces this gateway understands: WS-Addressing (both), WS-Security (its
/// content is the security layer's business and is ignored here), XCPD
/// (CorrelationTimeToLive).
const UNDERSTOOD: &[&str] = &[ns::WSA, ns::WSA_2004, ns::WSSE, ns::XCPD];

/// A finished SOAP answer; with attachments it goes out as MTOM/XOP.
#[derive(Debug)]
pub struct SoapReply {
    pub status: u16,
    pub envelope: String,
    /// `Some` for answers that must be MTOM (ITI-39/43), even without attachments.
    pub attachments: Option<Vec<Attachment>>,
}

/// What a served request produced.
struct Served {
    action: &'static str,
    payload: String,
    attachments: Option<Vec<Attachment>>,
    audit: Option<crate::audit::Facts>,
}

/// What serving a request learned that its answer and its audit record need.
#[derive(Default)]
struct Seen {
    relates_to: Option<String>,
    reply_to: Option<String>,
    user: Option<Arc<xcgate_xua::VerifiedAssertion>>,
}

/// Serve one SOAP request; `endpoint_uri` is our endpoint as the requester addressed it
/// (for the audit record).
pub async fn handle(
    gw: &Gateway,
    endpoint: Endpoint,
    body: &[u8],
    request_id: &str,
    peer: &crate::peer::Peer,
    endpoint_uri: &str,
) -> SoapReply {
    if let Some(subject) = &peer.certificate_subject {
        // A certificate subject names a system, not a patient.
        tracing::debug!(request_id, peer = %peer.address, client_certificate = %subject, "request");
    }
    let mut seen = Seen::default();
    let result = serve(gw, endpoint, body, request_id, &mut seen).await;
    match result {
        Ok(mut served) => {
            if let Some(facts) = served.audit.take() {
                let exchange = crate::audit::Exchange {
                    role: endpoint.role(),
                    endpoint_uri,
                    peer,
                    reply_to: seen.reply_to.as_deref(),
                    user: seen.user.as_deref().map(|v| &v.user),
                    request_id,
                };
                crate::audit::record(gw, &exchange, &facts).await;
            }
            let headers = wsa::response_headers(
                served.action,
                &wire::new_message_id(),
                seen.relates_to.as_deref(),
            );
            SoapReply {
                status: 200,
                envelope: soap::build_envelope(&headers, &served.payload),
                attachments: served.attachments,
            }
        }
        Err(e) => {
            gw.metrics.fault(e.kind());
            tracing::info!(
                request_id,
                endpoint = endpoint.path(),
                kind = e.kind(),
                status = e.http_status(),
                "request refused: {e}"
            );
            if let RequestError::Security(x) = &e {
                crate::audit::security_alert(
                    gw,
                    xcgate_audit::AlertKind::AuthenticationDecision,
                    &x.reason(),
                    endpoint_uri,
                    peer,
                    seen.reply_to.as_deref(),
                )
                .await;
            }
            SoapReply {
                status: e.http_status(),
                envelope: e.fault().to_envelope(seen.relates_to.as_deref()),
                attachments: None,
            }
        }
    }
}

/// Check the XUA assertion as the endpoint's `[gateway.xua]` mode asks; the verified user,
/// if any.
fn check_xua(
    gw: &Gateway,
    endpoint: Endpoint,
    body: &[u8],
) -> Result<Option<Arc<xcgate_xua::VerifiedAssertion>>, RequestError> {
    use crate::config::XuaMode;
    let xua = &gw.config.gateway.xua;
    let policy = match endpoint {
        Endpoint::Initiating => xua.initiating,
        Endpoint::Responding => xua.responding,
    };
    let policy = match policy {
        XuaMode::Off => return Ok(None),
        XuaMode::Required => xcgate_xua::XuaPolicy::Required,
        XuaMode::Optional => xcgate_xua::XuaPolicy::Optional,
    };
    // The config check makes trusted issuers mandatory when XUA is on.
    let Some(trust) = gw.xua_trust.as_deref() else {
        return Err(RequestError::Security(xcgate_xua::XuaError::Untrusted(
            "no trusted issuers are configured".into(),
        )));
    };
    let verified = xcgate_xua::verify_envelope(
        body,
        policy,
        trust,
        std::time::SystemTime::now(),
        xua.clock_skew(),
    )
    .map_err(RequestError::Security)?;
    if let Some(v) = &verified
        && !xua.audiences.is_empty()
        && !v.audiences.is_empty()
        && !v.audiences.iter().any(|a| xua.audiences.contains(a))
    {
        return Err(RequestError::Security(xcgate_xua::XuaError::Untrusted(
            "the assertion is restricted to other audiences than this gateway's".into(),
        )));
    }
    Ok(verified.map(Arc::new))
}

async fn serve(
    gw: &Gateway,
    endpoint: Endpoint,
    body: &[u8],
    request_id: &str,
    seen: &mut Seen,
) -> Result<Served, RequestError> {
    let env: Envelope = soap::parse_envelope(body)?;
    seen.relates_to = env.addressing.message_id.clone();
    seen.reply_to = env.addressing.reply_to.clone();
    let not_understood = env.not_understood(UNDERSTOOD);
    if !not_understood.is_empty() {
        return Err(RequestError::MustUnderstand(not_understood));
    }
    seen.user = check_xua(gw, endpoint, body)?;
    let user = seen.user.as_ref();
    let body_is = |b: (&str, &str)| env.body.ns == b.0 && env.body.local == b.1;
    let body_name = format!("{{{}}}{}", env.body.ns, env.body.local);
    let routes = endpoint.routes(gw);
    let route =
        match env.addressing.action.as_deref() {
            Some(action) => routes.clone().find(|r| r.action == action).ok_or_else(|| {
                RequestError::ActionNotSupported {
                    action: action.to_string(),
                    endpoint: endpoint.path(),
                    supported: if routes.clone().next().is_none() {
                        "none (this gateway fronts no community: set gateway.responding)"
                            .to_string()
                    } else {
                        routes
                            .clone()
                            .map(|r| r.action)
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                }
            })?,
            // Some SOAP stacks (SoapUI projects, HIEOS tests) send no WS-Addressing at all; the
            // payload names the transaction, so serve it rather than refuse.
            None => routes.clone().find(|r| body_is(r.body)).ok_or_else(|| {
                RequestError::ActionMissing {
                    body: body_name.clone(),
                }
            })?,
        };
    if !body_is(route.body) {
        let body = if env.body.local == route.body.1 {
            format!("{body_name}, not in the namespace {}", route.body.0)
        } else {
            body_name
        };
        return Err(RequestError::ActionBodyMismatch {
            action: route.action.to_string(),
            body,
        });
    }
    let role = endpoint.role();
    let soap = |reply: xcpd::Reply| Served {
        action: reply.action,
        payload: reply.body,
        attachments: None,
        audit: reply.audit,
    };
    let body = &env.body;
    Ok(match route.transaction {
        Transaction::Iti55 | Transaction::Iti55Deferred => {
            soap(xcpd::patient_discovery(gw, role, body, request_id, user).await?)
        }
        Transaction::Iti38 => {
            soap(xca::stored_query(gw, role, body, request_id, user, false).await)
        }
        Transaction::Iti18 => soap(xca::stored_query(gw, role, body, request_id, user, true).await),
        Transaction::Iti39 | Transaction::Iti43 => {
            let iti43 = route.transaction == Transaction::Iti43;
            let reply = xca::retrieve(gw, role, body, request_id, user, iti43).await;
            Served {
                action: reply.action,
                payload: reply.body,
                attachments: Some(reply.attachments),
                audit: Some(reply.audit),
            }
        }
    })
}
