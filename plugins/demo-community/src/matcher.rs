//! Patient matching of the demo community [ITI TF-2 3.55.4.1.3].

use crate::records::{Index, Patient};
use xcgate_sdk::hl7_time;
use xcgate_sdk::matching::{self, address_matches, name_matches, telecom_matches};
use xcgate_sdk::xcpd::{PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, RequestedAttribute};

/// What the matcher decided.
#[derive(Debug)]
pub enum Outcome {
    Matches(Vec<PatientMatch>),
    /// Case 3: too many candidates; these attributes were not given and would help.
    NeedMore(Vec<RequestedAttribute>),
}

impl Outcome {
    /// A log-safe summary (counts only, no patient data).
    pub fn summary(&self) -> String {
        match self {
            Outcome::Matches(m) => format!("{} matches", m.len()),
            Outcome::NeedMore(a) => format!("{} attributes requested", a.len()),
        }
    }

    pub fn into_result(self) -> Result<Vec<PatientMatch>, AdapterError> {
        match self {
            Outcome::Matches(m) => Ok(m),
            Outcome::NeedMore(a) => Err(AdapterError::MoreAttributesRequested(a)),
        }
    }
}

/// Score of an identifier match.
const ID_MATCH: u8 = 100;

fn id_match(query: &PatientQuery, p: &Patient) -> bool {
    query.ids.iter().any(|q| {
        q.extension.as_deref().is_some_and(|e| !e.trim().is_empty())
            && std::iter::once(&p.id)
                .chain(&p.other_ids)
                .any(|id| id.same_as(q))
    })
}

/// Demographic score 0-100, or `None` when a given parameter contradicts the record.
fn demographic_score(query: &PatientQuery, p: &Patient) -> Option<u8> {
    // Name and birth time are the required pair of a demographic query [3.55.4.1.2.2].
    if query.names.is_empty() || !query.names.iter().any(|n| name_matches(n, &p.name)) {
        return None;
    }
    let mut score: u8 = 60;
    if let Some(bt) = &query.birth_time {
        let born = p.birth_time.as_deref()?;
        let ok = match (&bt.value, &bt.low, &bt.high) {
            (Some(v), _, _) => hl7_time::same_period(v, born),
            (None, None, None) => return None,
            (None, low, high) => hl7_time::within(low.as_deref(), high.as_deref(), born),
        };
        if !ok {
            return None;
        }
        score += 20;
    }
    if let Some(g) = query
        .gender
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty() && *g != "UN")
    {
        match p.gender.as_deref() {
            Some(pg) if pg.eq_ignore_ascii_case(g) => score += 10,
            Some(_) => return None,
            None => {}
        }
    }
    if !query.addresses.is_empty() {
        if query
            .addresses
            .iter()
            .any(|q| p.addresses.iter().any(|a| address_matches(q, a)))
        {
            score += 5;
        } else {
            score = score.saturating_sub(10);
        }
    }
    if !query.telecoms.is_empty()
        && query
            .telecoms
            .iter()
            .any(|q| p.telecoms.iter().any(|t| telecom_matches(q, t)))
    {
        score += 5;
    }
    if let (Some(q), Some(m)) = (&query.mothers_maiden_name, &p.mothers_maiden_name)
        && !name_matches(q, m)
    {
        return None;
    }
    Some(score.min(99))
}

fn to_match(p: &Patient, quality: u8) -> PatientMatch {
    PatientMatch {
        patient_id: p.id.clone(),
        other_ids: p.other_ids.clone(),
        names: vec![p.name.clone()],
        gender: p.gender.clone(),
        birth_time: p.birth_time.clone(),
        addresses: p.addresses.clone(),
        telecoms: p.telecoms.clone(),
        mothers_maiden_name: p.mothers_maiden_name.clone(),
        match_quality: Some(quality),
        home_community_id: None,
        extensions: vec![],
    }
}

/// The attributes a Case 3 answer may ask for [ITI TF-2 3.55.4.2.2.6]: the demo records
/// hold all four.
const ASKABLE: [RequestedAttribute; 4] = [
    RequestedAttribute::AdministrativeGender,
    RequestedAttribute::PatientAddress,
    RequestedAttribute::PatientTelecom,
    RequestedAttribute::MothersMaidenName,
];

/// Match the query against the index.
pub fn discover(index: &Index, query: &PatientQuery) -> Outcome {
    let minimum = query.minimum_degree_match.unwrap_or(0);
    let mut scored: Vec<(u8, &Patient)> = index
        .patients
        .iter()
        .filter_map(|p| {
            let score = if id_match(query, p) {
                Some(ID_MATCH)
            } else {
                demographic_score(query, p)
            };
            score.filter(|s| *s >= minimum).map(|s| (s, p))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    if scored.len() > index.max_matches {
        let wanted = matching::missing_attributes(query, &ASKABLE);
        if !wanted.is_empty() {
            return Outcome::NeedMore(wanted);
        }
        scored.truncate(index.max_matches);
    }
    Outcome::Matches(scored.into_iter().map(|(s, p)| to_match(p, s)).collect())
}

#[cfg(test)]
mod tests;
