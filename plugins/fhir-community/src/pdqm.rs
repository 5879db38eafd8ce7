//! ITI-55 as PDQm Patient searches [ITI TF-2 3.78.4.1.2.1]: the XCPD query parameters
//! [ITI TF-2 Table 3.55.4.1.2.2-1] become `identifier`, `family`, `given`, `birthdate` and
//! `gender`; what the server returned is checked again here with the gateway's own
//! matching, because FHIR string search matches prefixes ("Virta" finds "Virtanen")
//! [FHIR R4 search.html#string] where XCPD wants the parts it gives [ITI TF-2 3.55.4.1.3].
//!
//! Identifiers go first, as in the demo community: a query id that the server knows
//! decides the match; otherwise demographics do.

use crate::client::Query;
use crate::codes;
use crate::time;
use xcgate_sdk::xcpd::{PatientMatch, PatientQuery, TimeQuery};
use xcgate_sdk::{AdapterError, RequestedAttribute, hl7_time, matching};

/// At most this many name alternatives are searched (each is one request).
const MAX_NAME_SEARCHES: usize = 3;

/// The identifier search for the query's ids, if it has any:
/// `identifier=urn:oid:<root>|<extension>,...` (alternatives OR-ed [FHIR R4 search.html#combining]).
pub fn id_search(query: &PatientQuery) -> Option<String> {
    let tokens: Vec<(String, String)> = query
        .ids
        .iter()
        .filter_map(|id| {
            let ext = id.extension.as_deref()?.trim();
            let root = id.root.trim();
            (!ext.is_empty() && !root.is_empty())
                .then(|| (format!("urn:oid:{root}"), ext.to_string()))
        })
        .collect();
    if tokens.is_empty() {
        return None;
    }
    let mut q = Query::new();
    q.tokens("identifier", &tokens);
    Some(q.path("Patient"))
}

fn birthdate(q: &mut Query, t: &TimeQuery) {
    // A value of lower precision names its whole period, as FHIR date search does
    // [FHIR R4 search.html#date]; a range is `ge`low and `le`high.
    if let Some(v) = t.value.as_deref().and_then(time::ts_to_fhir_date) {
        q.add("birthdate", &v);
        return;
    }
    if let Some(low) = t.low.as_deref().and_then(time::ts_to_fhir_date) {
        q.add("birthdate", &format!("ge{low}"));
    }
    if let Some(high) = t.high.as_deref().and_then(time::ts_to_fhir_date) {
        q.add("birthdate", &format!("le{high}"));
    }
}

/// One demographic search per name alternative (XCPD requires a name
/// [ITI TF-2 3.55.4.1.2.2]; without one nothing is searched). `_count` asks for one more
/// than `max_matches` so that "too many" can be told from "exactly enough".
pub fn demographic_searches(query: &PatientQuery, max_matches: usize) -> Vec<String> {
    query
        .names
        .iter()
        .filter(|n| {
            n.family
                .iter()
                .chain(&n.given)
                .any(|p| !p.trim().is_empty())
        })
        .take(MAX_NAME_SEARCHES)
        .map(|name| {
            let mut q = Query::new();
            let family = name.family.join(" ");
            if !family.trim().is_empty() {
                q.add("family", family.trim());
            }
            // Repeated `given` parameters must all match [FHIR R4 search.html#combining],
            // as every given part of the query must [ITI TF-2 3.55.4.1.3].
            for given in name.given.iter().filter(|g| !g.trim().is_empty()) {
                q.add("given", given.trim());
            }
            if let Some(t) = &query.birth_time {
                birthdate(&mut q, t);
            }
            if let Some(g) = query.gender.as_deref().and_then(codes::gender_to_fhir) {
                q.add("gender", g);
            }
            q.add("_count", &(max_matches + 1).to_string());
            q.path("Patient")
        })
        .collect()
}

/// Demographic score 0-99 of a candidate, or `None` when a parameter the query gives
/// contradicts it (weights as in the demo community).
fn score(query: &PatientQuery, m: &PatientMatch) -> Option<u8> {
    if !query
        .names
        .iter()
        .any(|q| m.names.iter().any(|n| matching::name_matches(q, n)))
    {
        return None;
    }
    let mut score: u8 = 60;
    if let Some(t) = &query.birth_time {
        let born = m.birth_time.as_deref()?;
        let ok = match &t.value {
            Some(v) => hl7_time::same_period(v, born),
            None => hl7_time::within(t.low.as_deref(), t.high.as_deref(), born),
        };
        if !ok {
            return None;
        }
        score += 20;
    }
    if let Some(g) = query
        .gender
        .as_deref()
        .filter(|g| codes::gender_to_fhir(g).is_some())
    {
        if m.gender
            .as_deref()
            .is_some_and(|mg| !mg.eq_ignore_ascii_case(g.trim()))
        {
            return None;
        }
        score += 10;
    }
    let address = query
        .addresses
        .iter()
        .any(|q| m.addresses.iter().any(|a| matching::address_matches(q, a)));
    let telecom = query
        .telecoms
        .iter()
        .any(|q| m.telecoms.iter().any(|t| matching::telecom_matches(q, t)));
    if let (Some(q), Some(c)) = (&query.mothers_maiden_name, &m.mothers_maiden_name)
        && !matching::name_matches(q, c)
    {
        return None;
    }
    score += 5 * u8::from(address) + 5 * u8::from(telecom);
    if !query.addresses.is_empty() && !address {
        score = score.saturating_sub(10);
    }
    Some(score.min(99))
}

/// The attributes a Case 3 answer may ask for [ITI TF-2 3.55.4.2.2.6]: the ones PDQm Patient search reads.
const ASKABLE: [RequestedAttribute; 3] = [
    RequestedAttribute::AdministrativeGender,
    RequestedAttribute::PatientAddress,
    RequestedAttribute::PatientTelecom,
];

/// Decide the answer from the candidates of the searches. `by_id`: they came from the
/// identifier search, an exact match (quality 100). Duplicates (one patient found by two
/// name alternatives) are dropped; more than `max_matches` asks for more attributes.
pub fn decide(
    query: &PatientQuery,
    candidates: Vec<PatientMatch>,
    by_id: bool,
    max_matches: usize,
) -> Result<Vec<PatientMatch>, AdapterError> {
    let minimum = query.minimum_degree_match.unwrap_or(0);
    let mut out: Vec<PatientMatch> = Vec::new();
    for mut m in candidates {
        if out.iter().any(|o| o.patient_id.same_as(&m.patient_id)) {
            continue;
        }
        let quality = if by_id { Some(100) } else { score(query, &m) };
        if let Some(q) = quality.filter(|q| *q >= minimum) {
            m.match_quality = Some(q);
            out.push(m);
        }
    }
    out.sort_by_key(|m| std::cmp::Reverse(m.match_quality));
    if out.len() > max_matches {
        let wanted = matching::missing_attributes(query, &ASKABLE);
        if !wanted.is_empty() {
            return Err(AdapterError::MoreAttributesRequested(wanted));
        }
        out.truncate(max_matches);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
