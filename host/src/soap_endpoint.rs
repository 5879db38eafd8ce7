//! A SOAP 1.2 endpoint: envelope checks, WS-Addressing, XUA, dispatch on `wsa:Action`
//! [ITI TF-2 App V] to the transaction handlers, the response envelope and the audit
//! records of what was answered. [`check`] is what every request passes, [`reply`] what
//! the transaction answers; [`answer`] sends it on this connection, and
//! [`crate::asynchronous`] later, to a ReplyTo or respondTo address.

use crate::error::{Refusal, RequestError};
use crate::gateway::{Endpoint, Gateway};
use crate::plq;
use crate::reply::{Attachment, Reply};
use crate::wire;
use crate::xca;
use crate::xcpd;
use std::sync::Arc;
use xcgate_ihe::ebrs::actions as xds;
use xcgate_ihe::hl7v3::actions;
use xcgate_ihe::soap::{self, Envelope};
use xcgate_ihe::transaction::{Role, Transaction};
use xcgate_ihe::wsa;
use xcgate_ihe::xml::ns;

/// An action, the Body element it carries, and the transaction it starts.
struct Route {
    action: &'static str,
    body: (&'static str, &'static str),
    transaction: Transaction,
}

const PRPA: (&str, &str) = (ns::HL7, "PRPA_IN201305UV02");
const ADHOC: (&str, &str) = (ns::QUERY, "AdhocQueryRequest");
const RETRIEVE: (&str, &str) = (ns::XDS_B, "RetrieveDocumentSetRequest");
const PLQ: (&str, &str) = (ns::XCPD, "PatientLocationQueryRequest");

/// Every route. Without WS-Addressing the first route whose Body matches is taken (ITI-38
/// for a query, ITI-39 for a retrieve).
const ROUTES: &[Route] = &[
    Route {
        action: actions::ITI55_REQUEST,
        body: PRPA,
        transaction: Transaction::Iti55,
    },
    Route {
        // The Deferred Response option [ITI TF-2 3.55.6.2]: `crate::asynchronous` accepts it.
        action: actions::ITI55_DEFERRED_REQUEST,
        body: PRPA,
        transaction: Transaction::Iti55,
    },
    Route {
        action: actions::ITI56_REQUEST,
        body: PLQ,
        transaction: Transaction::Iti56,
    },
    Route {
        action: xds::ITI38_REQUEST,
        body: ADHOC,
        transaction: Transaction::Iti38,
    },
    Route {
        action: xds::ITI18_REQUEST,
        body: ADHOC,
        transaction: Transaction::Iti18,
    },
    Route {
        action: xds::ITI39_REQUEST,
        body: RETRIEVE,
        transaction: Transaction::Iti39,
    },
    Route {
        action: xds::ITI43_REQUEST,
        body: RETRIEVE,
        transaction: Transaction::Iti43,
    },
];

/// The routes served in `role`: cross-gateway transactions on both endpoints, ITI-18/43
/// from local consumers only on `/initiating` [ITI TF-2 3.38.4.1.4, 3.39.6]; the
/// responding endpoint serves nothing until the config names a community it fronts
/// (`gateway.responding`).
fn routes(gw: &Gateway, role: Role) -> impl Iterator<Item = &'static Route> + Clone {
    let responding = role == Role::Responding;
    let off = responding && gw.config.gateway.responding.is_empty();
    ROUTES
        .iter()
        .filter(move |r| !off && (r.transaction.is_cross_gateway() || !responding))
}

/// Header namespaces this gateway understands: WS-Addressing (both), WS-Security (its
/// content is the security layer's business and is ignored here), XCPD
/// (CorrelationTimeToLive).
const UNDERSTOOD: &[&str] = &[ns::WSA, ns::WSA_2004, ns::WSSE, ns::XCPD];

/// A finished SOAP answer; with attachments it goes out as MTOM/XOP.
#[derive(Debug)]
pub struct Served {
    pub envelope: String,
    /// `Some` for answers that must be MTOM (ITI-39/43), even without attachments.
    pub attachments: Option<Vec<Attachment>>,
}

/// A request that passed the checks every request passes, synchronous or not: the
/// envelope, its mustUnderstand headers, the XUA assertion and the route.
#[derive(Debug)]
pub struct Checked {
    pub env: Envelope,
    pub transaction: Transaction,
    /// The request's `wsa:Action` (or the one its Body implies).
    pub action: &'static str,
    /// The verified XUA user, if any.
    pub user: Option<Arc<xcgate_xua::VerifiedAssertion>>,
}

impl Checked {
    /// A refusal of this request (its fault relates to the request's MessageID).
    pub fn refusal(&self, error: RequestError) -> Refusal {
        refusal_of(&self.env, error)
    }
}

fn refusal_of(env: &Envelope, error: RequestError) -> Refusal {
    Refusal {
        error,
        relates_to: env.addressing.message_id.clone(),
        reply_to: env.addressing.reply_to.clone(),
    }
}

/// Check one SOAP request that came to `role`. `now` is the time its XUA assertion is
/// judged at: the arrival, also when an asynchronous request is answered later.
pub fn check(
    gw: &Gateway,
    role: Role,
    body: &[u8],
    now: std::time::SystemTime,
) -> Result<Checked, Refusal> {
    let env: Envelope =
        soap::parse_envelope(body).map_err(|e| Refusal::from(RequestError::from(e)))?;
    let not_understood = env.not_understood(UNDERSTOOD);
    if !not_understood.is_empty() {
        return Err(refusal_of(
            &env,
            RequestError::MustUnderstand(not_understood),
        ));
    }
    let user = check_xua(gw, role, body, now).map_err(|e| refusal_of(&env, e))?;
    let route = route_of(gw, role, &env).map_err(|e| refusal_of(&env, e))?;
    Ok(Checked {
        transaction: route.transaction,
        action: route.action,
        user,
        env,
    })
}

/// Answer a checked request on this connection: its reply, audited, in its envelope.
/// `endpoint_uri` is our endpoint as the requester addressed it (for the audit record).
/// A refusal is answered by [`crate::error::refuse`].
pub async fn answer(
    gw: &Gateway,
    at: &Endpoint,
    checked: &Checked,
    request_id: &str,
    peer: &crate::peer::Peer,
    endpoint_uri: &str,
) -> Result<Served, Refusal> {
    if let Some(subject) = &peer.certificate_subject {
        // A certificate subject names a system, not a patient.
        tracing::debug!(request_id, peer = %peer.address, client_certificate = %subject, "request");
    }
    let reply = reply(gw, at, checked, request_id)
        .await
        .map_err(|e| checked.refusal(e))?;
    respond(gw, at, checked, reply, request_id, peer, endpoint_uri).await
}

/// Send `reply` to a checked request on this connection: audited, in its envelope.
pub async fn respond(
    gw: &Gateway,
    at: &Endpoint,
    checked: &Checked,
    mut reply: Reply,
    request_id: &str,
    peer: &crate::peer::Peer,
    endpoint_uri: &str,
) -> Result<Served, Refusal> {
    if let Some(facts) = reply.audit.take() {
        let exchange = crate::audit::Exchange {
            role: at.role,
            endpoint_uri,
            peer,
            reply_to: checked.env.addressing.reply_to.as_deref(),
            user: checked.user.as_deref().map(|v| &v.user),
            request_id,
            home_community_id: &gw.config.gateway.home_community_id,
        };
        let audit = &gw.process.audit;
        if !audit.record(&exchange, &facts).await && audit.refuses() {
            // Nothing leaves without its record: the transaction's error instead.
            gw.process.metrics.audit_refused();
            reply = crate::unaudited::answer(gw, checked.transaction, &checked.env.body);
        }
    }
    if let Some(error) = reply.fault.take() {
        return Err(checked.refusal(error));
    }
    let headers = wsa::response_headers(
        reply.action,
        &wire::new_message_id(),
        checked.env.addressing.message_id.as_deref(),
    );
    Ok(Served {
        envelope: soap::build_envelope(&headers, &reply.body),
        attachments: reply.attachments,
    })
}

/// Check the XUA assertion as the endpoint's `[gateway.xua]` mode asks; the verified user,
/// if any.
fn check_xua(
    gw: &Gateway,
    role: Role,
    body: &[u8],
    now: std::time::SystemTime,
) -> Result<Option<Arc<xcgate_xua::VerifiedAssertion>>, RequestError> {
    use crate::config::XuaMode;
    let xua = &gw.config.gateway.xua;
    let policy = match role {
        Role::Initiating => xua.initiating,
        Role::Responding => xua.responding,
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
    let verified = xcgate_xua::verify_envelope_with(
        body,
        policy,
        trust,
        now,
        xua.clock_skew(),
        xua.profile(role).to_network(),
        xua.freshness(),
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

/// The route of a request at `role`: by its `wsa:Action`, else by its Body.
fn route_of(gw: &Gateway, role: Role, env: &Envelope) -> Result<&'static Route, RequestError> {
    let body_is = |b: (&str, &str)| env.body.ns == b.0 && env.body.local == b.1;
    let body_name = format!("{{{}}}{}", env.body.ns, env.body.local);
    let routes = routes(gw, role);
    let route =
        match env.addressing.action.as_deref() {
            Some(action) => routes.clone().find(|r| r.action == action).ok_or_else(|| {
                RequestError::ActionNotSupported {
                    action: action.to_string(),
                    endpoint: role.path(),
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
    Ok(route)
}

/// The transaction's reply to a checked request, before its envelope: the same whether it
/// leaves on this connection or later, to a ReplyTo.
pub async fn reply(
    gw: &Gateway,
    at: &Endpoint,
    checked: &Checked,
    request_id: &str,
) -> Result<Reply, RequestError> {
    reply_with(gw, at, checked, request_id, None).await
}

/// [`reply`], with what communities that answer later answered (an owed ITI-55).
pub async fn reply_with(
    gw: &Gateway,
    at: &Endpoint,
    checked: &Checked,
    request_id: &str,
    settled: Option<&xcpd::Settled>,
) -> Result<Reply, RequestError> {
    let body = &checked.env.body;
    let user = checked.user.as_ref();
    Ok(match checked.transaction {
        Transaction::Iti55 => {
            xcpd::patient_discovery(gw, at, body, request_id, user, settled).await?
        }
        t @ (Transaction::Iti38 | Transaction::Iti18) => {
            xca::stored_query(gw, at, t, body, request_id, user).await
        }
        t @ (Transaction::Iti39 | Transaction::Iti43) => {
            xca::retrieve(gw, at, t, body, request_id, user).await
        }
        Transaction::Iti56 => plq::patient_location(gw, at, body, request_id, user).await,
    })
}
