//! `GET /admin/correlations?patient=CX` lists what the gateway knows of a patient;
//! `POST /admin/correlations/revoke?patient=CX[&community=HCID]` forgets it, audited as
//! done by the client's address. Both answer JSON; the CX is percent-encoded
//! (`curl -G --data-urlencode patient=...`).

use crate::answer::{self, Chunks};
use crate::correlation::operator;
use crate::live::LiveGateway;
use crate::peer::Peer;
use http::{Response, StatusCode};

fn parameter(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.trim().is_empty())
}

fn json(status: StatusCode, body: String) -> Response<Chunks> {
    let mut r = answer::plain(status, body);
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    r
}

/// The patient the query names, or why not (for a 400).
fn patient(query: Option<&str>) -> Result<xcgate_state::PatientId, String> {
    let text = parameter(query, "patient").ok_or_else(|| {
        "name the patient: ?patient=<CX, percent-encoded> (curl -G --data-urlencode 'patient=120390-904J^^^&1.2.246.21&ISO')".to_string()
    })?;
    operator::parse_patient(&text)
}

fn bad_request(why: String) -> Response<Chunks> {
    answer::plain(StatusCode::BAD_REQUEST, why + "\n")
}

pub(super) async fn list(live: &LiveGateway, query: Option<&str>) -> Response<Chunks> {
    let patient = match patient(query) {
        Ok(p) => p,
        Err(why) => return bad_request(why),
    };
    match operator::list(&live.current().process, &patient).await {
        Ok(body) => json(StatusCode::OK, body),
        Err(e) => answer::plain(StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}\n")),
    }
}

pub(super) async fn revoke(
    live: &LiveGateway,
    query: Option<&str>,
    peer: &Peer,
    via: String,
) -> Response<Chunks> {
    let patient = match patient(query) {
        Ok(p) => p,
        Err(why) => return bad_request(why),
    };
    let community = parameter(query, "community");
    let operator = xcgate_audit::Peer::new(
        &parameter(query, "operator").unwrap_or_else(|| "admin".into()),
        &peer.address.ip().to_string(),
    );
    match operator::revoke(
        &live.current().process,
        &patient,
        community.as_deref(),
        operator,
        &via,
    )
    .await
    {
        Ok(rows) => json(StatusCode::OK, format!("{{\"revoked\": {rows}}}\n")),
        Err(e) => answer::plain(StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}\n")),
    }
}
