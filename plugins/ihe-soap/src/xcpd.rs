//! ITI-55 Cross Gateway Patient Discovery to the responding gateway: the
//! PRPA_IN201305UV02 out, the PRPA_IN201306UV02 back into matches or an error
//! [ITI TF-2 3.55.4.1.2, 3.55.4.2.3].

use crate::settings::Settings;
use xcgate_sdk::AdapterError;
use xcgate_sdk::ihe::hl7v3::{self, ParsedResponse, QueryBuilder, bare_oid};
use xcgate_sdk::ihe::xcpd::{DetectedIssue, Ii, IssueCode};
use xcgate_sdk::ihe::xml::Element;
use xcgate_sdk::model::xcpd::{attribute_in, match_in, query_out};
use xcgate_sdk::xcpd::{PatientMatch, PatientQuery};

/// The ids and time of one request (random and clock values come from the caller).
#[derive(Debug, Clone)]
pub struct Wrapper {
    /// A UUID, upper case as an HL7 II root wants it.
    pub message_id: String,
    pub query_id: String,
    pub creation_time: String,
}

/// The PRPA_IN201305UV02 for `query`, with the wrapper values of
/// [ITI TF-2 Table 3.55.4.1.2.3-1]: our homeCommunityId in the sender (required so the
/// responder can correlate [3.55.4.1.2.4]), the responder's in the receiver, devices by
/// setting or by homeCommunityId, immediate priority (no Deferred Response Option).
pub fn request(
    settings: &Settings,
    query: &PatientQuery,
    wrapper: &Wrapper,
) -> Result<String, AdapterError> {
    let sender_home = settings.sender_home()?;
    let model = query_out(query, settings.assigning_authority.as_deref());
    let device = |configured: &Option<String>, home: &str| {
        Ii::new(
            configured
                .clone()
                .unwrap_or_else(|| bare_oid(home).to_string()),
            None,
        )
    };
    Ok(QueryBuilder {
        message_id: Ii::new(wrapper.message_id.clone(), None),
        creation_time: &wrapper.creation_time,
        sender_device: device(&settings.sender_device_id, sender_home),
        sender_home_community: sender_home,
        receiver_device: device(
            &settings.receiver_device_id,
            &settings.remote_home_community_id,
        ),
        receiver_home_community: Some(&settings.remote_home_community_id),
        query_id: Ii::new(bare_oid(sender_home), Some(&wrapper.query_id)),
        query: &model,
    }
    .build())
}

/// The error for a responder that could not answer [ITI TF-2 3.55.4.2.3 Case 5], chosen by
/// its detectedIssueManagement code [Table 3.55.4.2.2.7-1] so the initiator sees the same
/// code: ResponderBusy → busy, AnswerNotAvailable (or no code) → unavailable,
/// InternalError → bad-response (the host answers InternalError for it).
fn case5(parsed: &ParsedResponse, code: Option<IssueCode>) -> AdapterError {
    let text = format!(
        "the responding gateway could not answer the ITI-55 query (acknowledgement {}, queryResponseCode {}{})",
        parsed.ack_code.as_deref().unwrap_or("absent"),
        parsed.query_response_code.as_deref().unwrap_or("absent"),
        code.map(|c| format!(", {}", c.code())).unwrap_or_default()
    );
    match code {
        Some(IssueCode::ResponderBusy) => AdapterError::Busy(text),
        Some(IssueCode::InternalError) => AdapterError::BadResponse(text),
        Some(IssueCode::AnswerNotAvailable) | None => AdapterError::Unavailable(text),
    }
}

fn error_code(parsed: &ParsedResponse) -> Option<IssueCode> {
    parsed.issues.iter().find_map(|i| match i {
        DetectedIssue::Error { code, .. } => Some(*code),
        DetectedIssue::AttributesRequested(_) => None,
    })
}

/// Interpret a parsed PRPA_IN201306UV02 [ITI TF-2 3.55.4.2.3]:
/// - AE (acknowledgement or queryAck), QE (CONNECT sends it [ITI TF-2 3.55.4.2.3]), or a
///   rejecting acknowledgement (AR, CE, CR) → Case 5, an error;
/// - matches → the matches (Cases 1 and 2), whatever else came along;
/// - requested attributes and no match → Case 3;
/// - an error issue and no match → an error, never "no match";
/// - otherwise no match (Case 4, NF).
pub fn interpret(parsed: ParsedResponse) -> Result<Vec<PatientMatch>, AdapterError> {
    let refused = matches!(parsed.ack_code.as_deref(), Some("AE" | "AR" | "CE" | "CR"))
        || matches!(parsed.query_response_code.as_deref(), Some("AE" | "QE"));
    if refused {
        return Err(case5(&parsed, error_code(&parsed)));
    }
    if !parsed.matches.is_empty() {
        return Ok(parsed.matches.into_iter().map(match_in).collect());
    }
    let requested: Vec<_> = parsed
        .issues
        .iter()
        .filter_map(|i| match i {
            DetectedIssue::AttributesRequested(a) => Some(a.iter().copied()),
            DetectedIssue::Error { .. } => None,
        })
        .flatten()
        .map(attribute_in)
        .collect();
    if !requested.is_empty() {
        return Err(AdapterError::MoreAttributesRequested(requested));
    }
    if let Some(code) = error_code(&parsed) {
        return Err(case5(&parsed, Some(code)));
    }
    Ok(Vec::new())
}

/// Read the answer payload: a PRPA_IN201306UV02 in the HL7 namespace, else bad-response
/// (e.g. a payload bound to the wrong namespace [host/ihe/README.md, "What real peers send"]).
pub fn parse(payload: &Element) -> Result<ParsedResponse, AdapterError> {
    hl7v3::parse_response(payload).map_err(|e| {
        AdapterError::BadResponse(format!(
            "the ITI-55 answer is not a usable PRPA_IN201306UV02: {e}"
        ))
    })
}

/// The whole answer: parsed, then interpreted.
pub fn answer(payload: &Element) -> Result<Vec<PatientMatch>, AdapterError> {
    interpret(parse(payload)?)
}

#[cfg(test)]
mod tests;
