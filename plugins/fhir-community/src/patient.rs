//! A FHIR Patient of a PDQm answer [ITI TF-2 3.78.4.2.2] as an XCPD patient match
//! [ITI TF-2 3.55.4.2.2]: identifiers, names, gender, birth date, addresses, telecoms and
//! the mother's maiden name extension.

use crate::codes;
use crate::model::{HumanName, Patient};
use crate::time;
use xcgate_sdk::InstanceId;
use xcgate_sdk::xcpd::{Address, PatientMatch, PersonName, Telecom};

/// The mother's maiden name extension PDQm reads and writes [FHIR R4 extension
/// patient-mothersMaidenName; ITI TF-2 3.78.4.1.2.1 `mothersMaidenName`].
pub const MOTHERS_MAIDEN_NAME: &str =
    "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parts(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// An HL7 PN of a FHIR HumanName. FHIR keeps the family name as one string; HL7 lists its
/// parts, so a family `Mäkinen-Öberg` stays one part.
pub fn person_name(n: &HumanName) -> PersonName {
    PersonName {
        family: nonempty(&n.family).into_iter().collect(),
        given: parts(&n.given),
        prefix: parts(&n.prefix),
        suffix: parts(&n.suffix),
        name_use: n.use_.as_deref().and_then(codes::name_use),
    }
}

/// The patient's identifiers as HL7 II: `urn:oid:` systems only, since an II root is an
/// OID [HL7 V3 II]; others (`http://...` systems) cannot travel in XCPD and are left out.
fn instance_ids(p: &Patient) -> Vec<InstanceId> {
    p.identifier
        .iter()
        .filter_map(|i| {
            let root = codes::oid_of(i.system.as_deref()?)?;
            let value = nonempty(&i.value)?;
            Some(InstanceId::new(root, value))
        })
        .collect()
}

/// The match for `p`, or `None` when it cannot be one: an inactive record (FHIR
/// `active=false`: merged or retired, not to be handed out), or one without an identifier
/// in the configured assigning authority, the id an initiator needs for its XCA queries
/// [ITI TF-2 3.55.4.2.2.4].
pub fn to_match(p: &Patient, authority: &str) -> Option<PatientMatch> {
    if p.active == Some(false) {
        return None;
    }
    let ids = instance_ids(p);
    let position = ids.iter().position(|i| i.root == authority)?;
    let mut other_ids = ids;
    let patient_id = other_ids.remove(position);
    // One id per authority: a second id in our own authority would be ambiguous.
    other_ids.retain(|i| i.root != authority);
    let addresses = p
        .address
        .iter()
        .map(|a| Address {
            street_lines: parts(&a.line),
            city: nonempty(&a.city),
            state: nonempty(&a.state),
            postal_code: nonempty(&a.postal_code),
            country: nonempty(&a.country),
            address_use: a.use_.as_deref().and_then(codes::address_use),
        })
        .collect();
    let telecoms = p
        .telecom
        .iter()
        .filter_map(|t| {
            let (value, telecom_use) =
                codes::telecom(t.system.as_deref()?, t.value.as_deref()?, t.use_.as_deref())?;
            Some(Telecom { value, telecom_use })
        })
        .collect();
    let mothers_maiden_name = p
        .extension
        .iter()
        .find(|e| e.url == MOTHERS_MAIDEN_NAME)
        .and_then(|e| nonempty(&e.value_string))
        .map(|family| PersonName {
            family: vec![family],
            given: vec![],
            prefix: vec![],
            suffix: vec![],
            name_use: None,
        });
    Some(PatientMatch {
        patient_id,
        other_ids,
        names: p.name.iter().map(person_name).collect(),
        gender: p.gender.as_deref().and_then(codes::gender_to_v3),
        birth_time: p.birth_date.as_deref().and_then(time::to_ts),
        addresses,
        telecoms,
        mothers_maiden_name,
        match_quality: None,
        home_community_id: None,
        extensions: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(json: &str) -> Patient {
        serde_json::from_str(json).unwrap()
    }

    const AINO: &str = r#"{"resourceType":"Patient","id":"aino",
        "identifier":[{"system":"urn:oid:1.2.246.21","value":"120390-998W"},
                      {"system":"urn:oid:2.999.44.1","value":"FHIR-1001"},
                      {"system":"http://example.org/mrn","value":"X1"}],
        "name":[{"use":"official","family":"Virtanen","given":["Aino","Maria"]}],
        "gender":"female","birthDate":"1990-03-12",
        "telecom":[{"system":"phone","value":"+358-40-1234567","use":"mobile"}],
        "address":[{"use":"home","line":["Hämeenkatu 1"],"city":"Tampere","postalCode":"33100","country":"FI"}],
        "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName","valueString":"Laine"}]}"#;

    #[test]
    fn a_patient_maps_field_by_field() {
        let m = to_match(&patient(AINO), "2.999.44.1").unwrap();
        assert_eq!(m.patient_id, InstanceId::new("2.999.44.1", "FHIR-1001"));
        assert_eq!(m.other_ids, [InstanceId::new("1.2.246.21", "120390-998W")]);
        assert_eq!(m.names[0].family, ["Virtanen"]);
        assert_eq!(m.names[0].given, ["Aino", "Maria"]);
        assert_eq!(m.names[0].name_use.as_deref(), Some("L"));
        assert_eq!(m.gender.as_deref(), Some("F"));
        assert_eq!(m.birth_time.as_deref(), Some("19900312"));
        assert_eq!(m.addresses[0].city.as_deref(), Some("Tampere"));
        assert_eq!(m.addresses[0].address_use.as_deref(), Some("H"));
        assert_eq!(m.telecoms[0].value, "tel:+358-40-1234567");
        assert_eq!(m.mothers_maiden_name.as_ref().unwrap().family, ["Laine"]);
        assert_eq!(m.home_community_id, None);
    }

    #[test]
    fn a_patient_without_our_id_or_inactive_is_no_match() {
        assert!(to_match(&patient(AINO), "2.999.99").is_none());
        let inactive = AINO.replace(r#""id":"aino","#, r#""id":"aino","active":false,"#);
        assert!(to_match(&patient(&inactive), "2.999.44.1").is_none());
    }
}
