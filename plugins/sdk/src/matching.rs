//! Demographic comparison helpers for adapters that match patients themselves.
//!
//! Case, accents and punctuation are the responding community's business
//! [ITI TF-2 3.55.4.1.3.1]; these helpers compare names and addresses after folding them.

use crate::RequestedAttribute;
use crate::xcpd::{Address, PatientQuery, PersonName, Telecom};

/// Lower-case, accents folded to their base letter, only letters and digits kept.
/// `"Mäkinen-Öberg"` → `"makinenoberg"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'æ' => {
                out.push_str("ae");
                continue;
            }
            'ç' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'š' => 's',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'ž' => 'z',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            c => c,
        };
        if base.is_alphanumeric() {
            out.push(base);
        }
    }
    out
}

fn parts_match(query: &[String], candidate: &[String], allow_initials: bool) -> bool {
    let candidate: Vec<String> = candidate
        .iter()
        .map(|p| fold(p))
        .filter(|p| !p.is_empty())
        .collect();
    let joined: String = candidate.concat();
    query
        .iter()
        .map(|p| fold(p))
        .filter(|p| !p.is_empty())
        .all(|q| {
            candidate.iter().any(|c| {
                *c == q || (allow_initials && q.chars().count() == 1 && c.starts_with(q.as_str()))
            }) || joined == q
        })
}

/// True when the query name has at least one part and every part it gives is found in the
/// candidate: each family part among the candidate's family parts, each given part among the
/// given parts (a one-letter given part matches as an initial).
pub fn name_matches(query: &PersonName, candidate: &PersonName) -> bool {
    let has_parts = query
        .family
        .iter()
        .chain(&query.given)
        .any(|p| !fold(p).is_empty());
    has_parts
        && parts_match(&query.family, &candidate.family, false)
        && parts_match(&query.given, &candidate.given, true)
        && parts_match(&query.prefix, &candidate.prefix, false)
        && parts_match(&query.suffix, &candidate.suffix, false)
}

/// True when every address line, city, state, postal code and country the query gives
/// equals the candidate's (folded).
pub fn address_matches(query: &Address, candidate: &Address) -> bool {
    let same = |q: &Option<String>, c: &Option<String>| match q {
        None => true,
        Some(q) if fold(q).is_empty() => true,
        Some(q) => c.as_ref().is_some_and(|c| fold(c) == fold(q)),
    };
    let lines = query
        .street_lines
        .iter()
        .map(|l| fold(l))
        .filter(|l| !l.is_empty())
        .all(|q| candidate.street_lines.iter().any(|c| fold(c) == q));
    lines
        && same(&query.city, &candidate.city)
        && same(&query.state, &candidate.state)
        && same(&query.postal_code, &candidate.postal_code)
        && same(&query.country, &candidate.country)
}

/// True when the two telecom URLs are the same number or address: scheme and case are
/// kept apart, punctuation inside phone numbers is ignored.
pub fn telecom_matches(query: &Telecom, candidate: &Telecom) -> bool {
    let norm = |v: &str| {
        let v = v.trim().to_ascii_lowercase();
        match v.split_once(':') {
            Some((scheme, rest)) if scheme == "tel" || scheme == "fax" => {
                let digits: String = rest
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                format!("{scheme}:{digits}")
            }
            _ => v,
        }
    };
    !query.value.trim().is_empty() && norm(&query.value) == norm(&candidate.value)
}

/// The attributes of `ask` that the query does not give, in `ask`'s order: what a Case 3
/// answer (`AdapterError::MoreAttributesRequested`) may request to narrow too many or too
/// weak candidates [ITI TF-2 3.55.4.2.2.6]. Asking for an attribute the query already has
/// would not help, so it is left out.
pub fn missing_attributes(
    query: &PatientQuery,
    ask: &[RequestedAttribute],
) -> Vec<RequestedAttribute> {
    ask.iter()
        .copied()
        .filter(|attribute| match attribute {
            RequestedAttribute::AdministrativeGender => query.gender.is_none(),
            RequestedAttribute::PatientAddress => query.addresses.is_empty(),
            RequestedAttribute::PatientTelecom => query.telecoms.is_empty(),
            RequestedAttribute::BirthPlaceName => query.birth_place_name.is_none(),
            RequestedAttribute::BirthPlaceAddress => query.birth_place_address.is_none(),
            RequestedAttribute::MothersMaidenName => query.mothers_maiden_name.is_none(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(family: &[&str], given: &[&str]) -> PersonName {
        PersonName {
            family: family.iter().map(|s| s.to_string()).collect(),
            given: given.iter().map(|s| s.to_string()).collect(),
            prefix: vec![],
            suffix: vec![],
            name_use: None,
        }
    }

    #[test]
    fn folding_removes_case_accents_and_punctuation() {
        assert_eq!(fold("Mäkinen-Öberg"), "makinenoberg");
        assert_eq!(fold("  JONES "), "jones");
    }

    #[test]
    fn every_query_part_must_be_found() {
        let candidate = name(&["Virtanen"], &["Aino", "Maria"]);
        assert!(name_matches(&name(&["virtanen"], &["aino"]), &candidate));
        assert!(name_matches(&name(&["Virtanen"], &["M"]), &candidate));
        assert!(name_matches(&name(&["Virtanen"], &[]), &candidate));
        assert!(!name_matches(&name(&["Virtanen"], &["Anna"]), &candidate));
        assert!(!name_matches(&name(&["Korhonen"], &["Aino"]), &candidate));
        assert!(!name_matches(&name(&[], &[]), &candidate));
    }

    #[test]
    fn phone_numbers_compare_by_digits() {
        let q = Telecom {
            value: "tel:+358-40-123 4567".into(),
            telecom_use: None,
        };
        let c = Telecom {
            value: "tel:+358401234567;ext=1".into(),
            telecom_use: Some("HP".into()),
        };
        assert!(telecom_matches(&q, &c));
    }

    #[test]
    fn only_attributes_the_query_lacks_are_requested() {
        use RequestedAttribute::*;
        let mut query = PatientQuery {
            gender: Some("F".into()),
            ..PatientQuery::default()
        };
        let ask = [
            AdministrativeGender,
            PatientAddress,
            PatientTelecom,
            MothersMaidenName,
        ];
        assert_eq!(
            missing_attributes(&query, &ask),
            [PatientAddress, PatientTelecom, MothersMaidenName]
        );
        query.birth_place_name = Some("Turku".into());
        assert_eq!(
            missing_attributes(&query, &[BirthPlaceName, BirthPlaceAddress]),
            [BirthPlaceAddress]
        );
    }
}
