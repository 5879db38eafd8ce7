//! ITI-55 Cross Gateway Patient Discovery: the patients whose demographics match the
//! query [ITI TF-2 3.55.4.1.3]. Every parameter sent is used [ITI TF-2 3.55.4.1.2].

use crate::records::{self, Patient};
use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery, PersonName};
use xcgate_sdk::{AdapterError, CallContext, InstanceId, hl7_time, matching};

/// Does `p` match the query? Names (any of them), birth time and gender when sent; a query
/// by id matches the patient's own id.
pub fn matches(root: &str, p: &Patient, query: &PatientQuery) -> bool {
    let name = PersonName::new(&p.family, &p.given);
    let by_id = query
        .ids
        .iter()
        .any(|id| id.root == root && id.extension.as_deref() == Some(p.id.as_str()));
    if query.names.is_empty() {
        return by_id;
    }
    query.names.iter().any(|n| matching::name_matches(n, &name))
        && query.birth_time.as_ref().is_none_or(|t| match &t.value {
            Some(v) => hl7_time::same_period(v, &p.birth_time),
            None => hl7_time::within(t.low.as_deref(), t.high.as_deref(), &p.birth_time),
        })
        && query.gender.as_deref().is_none_or(|g| {
            g.eq_ignore_ascii_case("UN")
                || p.gender
                    .as_deref()
                    .is_some_and(|own| own.eq_ignore_ascii_case(g))
        })
}

impl PatientDiscovery for crate::Adapter {
    fn discover_patients(
        _ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        let root = records::assigning_authority().map_err(AdapterError::Internal)?;
        let patients = records::patients().map_err(AdapterError::Internal)?;
        let found: Vec<PatientMatch> = patients
            .iter()
            .filter(|p| matches(&root, p, &query))
            .map(|p| {
                let mut m = PatientMatch::new(InstanceId::new(&root, p.id.as_str()))
                    .name(PersonName::new(&p.family, &p.given))
                    .birth_time(&p.birth_time)
                    .match_quality(100);
                if let Some(g) = &p.gender {
                    m = m.gender(g);
                }
                m
            })
            .collect();
        // Counts only: never log patient data.
        xcgate_sdk::info!("{} of {} patients matched", found.len(), patients.len());
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::Adapter;
    use xcgate_sdk::testing::call_context;
    use xcgate_sdk::xcpd::{PatientDiscovery, PatientQuery, PersonName, TimeQuery};

    fn query(family: &str, given: &str, birth: &str, gender: Option<&str>) -> PatientQuery {
        PatientQuery {
            names: vec![PersonName::new(family, given)],
            birth_time: Some(TimeQuery {
                value: Some(birth.into()),
                ..Default::default()
            }),
            gender: gender.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn aino_is_found_by_name_birth_time_and_gender() {
        let host = crate::records::test_host();
        let found = Adapter::discover_patients(
            call_context(),
            query("Virtanen", "Aino", "19900312", Some("F")),
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].patient_id.extension.as_deref(), Some("EX-1001"));
        assert_eq!(host.log()[0].1, "1 of 2 patients matched");
    }

    #[test]
    fn every_parameter_sent_is_used() {
        let _host = crate::records::test_host();
        let ask = |q| Adapter::discover_patients(call_context(), q).unwrap().len();
        assert_eq!(ask(query("Virtanen", "Aino", "19900312", Some("M"))), 0);
        assert_eq!(ask(query("Virtanen", "Aino", "19910312", None)), 0);
        assert_eq!(ask(query("Virtanen", "Aino", "1990", None)), 1);
        assert_eq!(ask(query("Nobody", "Aino", "19900312", None)), 0);
    }
}
