//! What the host checks in an adapter's ITI-55 answer before it reaches the initiator.
//!
//! A plugin can return any string; the initiator must get a message that is well-formed
//! and valid against the HL7 schemas, and the patient ids it learns are used in later
//! XCA queries [ITI TF-2 3.55.4.2.2.4]. An answer that fails a check is refused as
//! invalid (the community is named in a detectedIssueEvent); the error names the match
//! and the field, never the value, which may be patient data.

use xcgate_ihe::xcpd::{Ii, PatientMatch, PersonName};
use xcgate_ihe::xml::is_forbidden_in_xml;

/// Longest single value accepted from an adapter (a name, an id, a street line).
const MAX_VALUE: usize = 4096;

fn value(field: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_VALUE {
        return Err(format!("{field} is longer than {MAX_VALUE} bytes"));
    }
    if text.chars().any(is_forbidden_in_xml) {
        return Err(format!(
            "{field} holds a control character XML cannot carry"
        ));
    }
    Ok(())
}

/// A token: non-empty, no whitespace (HL7 `uid`/`cs` and II roots).
fn token(field: &str, text: &str) -> Result<(), String> {
    value(field, text)?;
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return Err(format!("{field} is empty or holds whitespace"));
    }
    Ok(())
}

fn ii(field: &str, id: &Ii) -> Result<(), String> {
    token(&format!("{field} root"), &id.root)?;
    match &id.extension {
        Some(e) if e.is_empty() => Err(format!("{field} extension is empty")),
        Some(e) => value(&format!("{field} extension"), e),
        None => Ok(()),
    }
}

pub use xcgate_ihe::hl7v3::is_hl7_ts;

fn name(field: &str, n: &PersonName) -> Result<(), String> {
    for part in n
        .family
        .iter()
        .chain(&n.given)
        .chain(&n.prefix)
        .chain(&n.suffix)
    {
        value(field, part)?;
    }
    if let Some(u) = &n.name_use {
        token(&format!("{field} use"), u)?;
    }
    Ok(())
}

/// What an adapter may write in a meaningful but non-standard way, read as it is meant
/// before the checks: an ISO 8601 birth date becomes the HL7 TS it names
/// [host/ihe/README.md, "What real peers send"].
pub fn read_liberally(m: &mut PatientMatch) {
    if let Some(b) = m.birth_time.take() {
        m.birth_time = Some(xcgate_ihe::hl7v3::hl7_ts_liberal(&b).unwrap_or(b));
    }
}

/// Check one match; `index` counts from 1 in the error text.
pub fn check_match(index: usize, m: &PatientMatch) -> Result<(), String> {
    let at = |what: &str| format!("match {index}: {what}");
    ii(&at("patient-id"), &m.patient_id)?;
    for id in &m.other_ids {
        ii(&at("other-ids"), id)?;
    }
    for n in &m.names {
        name(&at("name"), n)?;
    }
    if let Some(n) = &m.mothers_maiden_name {
        name(&at("mothers-maiden-name"), n)?;
    }
    if let Some(g) = &m.gender {
        token(&at("gender"), g)?;
    }
    if let Some(t) = &m.birth_time
        && !is_hl7_ts(t)
    {
        return Err(at("birth-time is not an HL7 TS (YYYY[MM[DD[HH[MM[SS]]]]])"));
    }
    for a in &m.addresses {
        let parts = a.street_lines.iter().chain(&a.city).chain(&a.state);
        for part in parts.chain(&a.postal_code).chain(&a.country) {
            value(&at("address"), part)?;
        }
    }
    for t in &m.telecoms {
        token(&at("telecom"), &t.value)?;
    }
    if let Some(h) = &m.home_community_id {
        let oid = h.strip_prefix("urn:oid:").unwrap_or("");
        if !crate::config::is_oid(oid) {
            return Err(at("home-community-id is not urn:oid:<OID>"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
