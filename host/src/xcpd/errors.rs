//! ITI-55 answers that carry an error instead of matches: a query whose parameters are
//! wrong (AE/QE [ITI TF-2 3.55.4.2.3]), and an answer withheld because its audit records
//! could not be made durable (AE with an `InternalError` issue, `audit.on_failure =
//! "refuse"`).

use super::new_hl7_id;
use crate::audit::Facts;
use crate::gateway::Gateway;
use crate::reply::Reply;
use crate::wire;
use xcgate_ihe::hl7v3::{self, AckCode, DiscoveryResponse, Hl7Error, Party, QueryResponseCode};
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xcpd::{DetectedIssue, IssueCode};
use xcgate_ihe::xml::{Element, ns::HL7};

/// A PRPA_IN201306UV02 with no match, acknowledging `payload` with `ack` and the text
/// `detail`; `None` when the payload does not name itself (message id, queryId), and
/// there is nothing to answer to.
fn error_answer(
    gw: &Gateway,
    payload: &Element,
    detail: &str,
    query_response: QueryResponseCode,
    issues: &[DetectedIssue],
) -> Option<(String, String, Vec<u8>)> {
    let id = payload.child(HL7, "id").and_then(hl7v3::read_ii);
    let qbp = payload.path(HL7, &["controlActProcess", "queryByParameter"]);
    let query_id = qbp
        .and_then(|q| q.child(HL7, "queryId"))
        .and_then(hl7v3::read_ii);
    let (Some(id), Some(qbp), Some(query_id), true) =
        (id, qbp, query_id, payload.is(HL7, "PRPA_IN201305UV02"))
    else {
        return None;
    };
    let sender = payload.path(HL7, &["sender", "device"]);
    let receiver = Party {
        device: sender
            .and_then(|d| d.child(HL7, "id"))
            .and_then(hl7v3::read_ii),
        home_community: sender
            .and_then(|d| d.path(HL7, &["asAgent", "representedOrganization", "id"]))
            .and_then(hl7v3::read_ii)
            .map(|i| i.root),
    };
    let response = DiscoveryResponse {
        message_id: new_hl7_id(gw),
        creation_time: &wire::hl7_now(),
        processing_code: "P",
        sender: gw.our_party(),
        receiver,
        ack: AckCode::AE,
        ack_detail: Some(detail),
        target_message: Some(&id),
        query_response,
        query_id: &query_id,
        events: &[],
        issues,
        query_by_parameter: Some(qbp),
    };
    let query_id = format!(
        "{}@{}",
        query_id.extension.as_deref().unwrap_or(""),
        query_id.root
    );
    Some((response.build(), query_id, crate::audit::serialize(qbp)))
}

/// A query that names itself (message id, queryId) but whose parameters are wrong gets an
/// HL7 answer: AE with queryResponseCode QE and the reason [ITI TF-2 3.55.4.2.3]. Without
/// those ids there is nothing to answer to, and the SOAP layer sends a fault.
pub(super) fn query_error(
    gw: &Gateway,
    payload: &Element,
    error: Hl7Error,
) -> Result<Reply, Hl7Error> {
    let Some((body, query_id, query_by_parameter)) =
        error_answer(gw, payload, &error.to_string(), QueryResponseCode::QE, &[])
    else {
        return Err(error);
    };
    let mut facts = Facts::refused(Transaction::Iti55, "query error");
    facts.query = Some(xcgate_audit::QueryParameters::Xcpd {
        query_id,
        query_by_parameter,
        home_community_id: String::new(),
    });
    Ok(Reply::soap(
        Transaction::Iti55.response_action(),
        body,
        facts,
    ))
}

/// The ITI-55 answer when its audit records could not be made durable: AE, no match, an
/// `InternalError` issue saying why (the matches are withheld). `None` when the request
/// does not name itself (the caller sends a fault).
pub fn unaudited(gw: &Gateway, payload: &Element, why: &str) -> Option<String> {
    let issue = DetectedIssue::Error {
        code: IssueCode::InternalError,
        text: Some(why.to_string()),
    };
    error_answer(gw, payload, why, QueryResponseCode::AE, &[issue]).map(|(body, _, _)| body)
}
