//! Vocabulary between FHIR and IHE: code system URIs ↔ XDS codingScheme, and the HL7 V3
//! codes XCPD carries for gender and name/address/telecom uses.

use std::collections::BTreeMap;

/// FHIR code system URIs whose XDS codingScheme is an OID [FHIR R4 terminologies-systems;
/// MHD ITI TF-3 4.5.4.4.7 "codes ... system URI, with `urn:oid:` for OIDs"].
const KNOWN_SYSTEMS: &[(&str, &str)] = &[
    ("http://loinc.org", "2.16.840.1.113883.6.1"),
    ("http://snomed.info/sct", "2.16.840.1.113883.6.96"),
    (
        "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        "2.16.840.1.113883.5.25",
    ),
    (
        "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
        "1.3.6.1.4.1.19376.1.2.3",
    ),
    (
        "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "2.16.840.1.113883.5.4",
    ),
    (
        "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
        "2.16.840.1.113883.5.111",
    ),
];

/// The XDS codingScheme of a FHIR system: `urn:oid:X` → `X`, a known or configured URI →
/// its OID, anything else as it is (XDS codingScheme is free text).
pub fn coding_scheme(system: &str, extra: &BTreeMap<String, String>) -> String {
    let system = system.trim();
    if let Some(oid) = system.strip_prefix("urn:oid:") {
        return oid.to_string();
    }
    if let Some(oid) = extra.get(system) {
        return oid.clone();
    }
    KNOWN_SYSTEMS
        .iter()
        .find(|(uri, _)| *uri == system)
        .map_or_else(|| system.to_string(), |(_, oid)| oid.to_string())
}

/// The bare OID of a `urn:oid:` system.
pub fn oid_of(system: &str) -> Option<&str> {
    system
        .trim()
        .strip_prefix("urn:oid:")
        .filter(|o| !o.is_empty())
}

/// HL7 V3 AdministrativeGender → FHIR [FHIR R4 ConceptMap cm-administrative-gender-v3]:
/// `UN` (undifferentiated) is FHIR `other`.
pub fn gender_to_fhir(code: &str) -> Option<&'static str> {
    match code.trim().to_ascii_uppercase().as_str() {
        "M" => Some("male"),
        "F" => Some("female"),
        "UN" => Some("other"),
        _ => None,
    }
}

/// FHIR gender → HL7 V3; `unknown` carries nothing.
pub fn gender_to_v3(code: &str) -> Option<String> {
    match code.trim() {
        "male" => Some("M".into()),
        "female" => Some("F".into()),
        "other" => Some("UN".into()),
        _ => None,
    }
}

/// FHIR name use → HL7 V3 EntityNameUse [FHIR R4 ConceptMap cm-name-use-v3].
pub fn name_use(code: &str) -> Option<String> {
    match code {
        "official" | "usual" => Some("L".into()),
        "nickname" | "anonymous" => Some("P".into()),
        _ => None,
    }
}

/// FHIR address use → HL7 V3 PostalAddressUse [FHIR R4 ConceptMap cm-address-use-v3].
pub fn address_use(code: &str) -> Option<String> {
    match code {
        "home" => Some("H".into()),
        "work" => Some("WP".into()),
        "temp" => Some("TMP".into()),
        "old" => Some("OLD".into()),
        _ => None,
    }
}

/// FHIR ContactPoint (system, use) → the HL7 V3 TEL URL scheme and use
/// [FHIR R4 ConceptMap cm-contact-point-use-v3; HL7 V3 TEL].
pub fn telecom(system: &str, value: &str, use_: Option<&str>) -> Option<(String, Option<String>)> {
    let value = value.trim();
    let url = match system {
        "phone" | "sms" => format!("tel:{value}"),
        "fax" => format!("fax:{value}"),
        "email" => format!("mailto:{value}"),
        "url" => value.to_string(),
        _ => return None,
    };
    let use_ = use_.and_then(|u| match u {
        "home" => Some("H".to_string()),
        "work" => Some("WP".to_string()),
        "mobile" => Some("MC".to_string()),
        "temp" => Some("TMP".to_string()),
        _ => None,
    });
    Some((url, use_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_become_oids_where_one_is_known() {
        let extra = BTreeMap::from([("http://example.org/cs".to_string(), "2.999.9".to_string())]);
        assert_eq!(
            coding_scheme("http://loinc.org", &extra),
            "2.16.840.1.113883.6.1"
        );
        assert_eq!(coding_scheme("urn:oid:2.999.44.9", &extra), "2.999.44.9");
        assert_eq!(coding_scheme("http://example.org/cs", &extra), "2.999.9");
        assert_eq!(
            coding_scheme("http://unknown.example", &extra),
            "http://unknown.example"
        );
    }

    #[test]
    fn genders_and_telecoms_use_hl7_v3_codes() {
        assert_eq!(gender_to_fhir("f"), Some("female"));
        assert_eq!(gender_to_v3("other").as_deref(), Some("UN"));
        assert_eq!(gender_to_v3("unknown"), None);
        assert_eq!(
            telecom("phone", "+358-40-1", Some("mobile")),
            Some(("tel:+358-40-1".to_string(), Some("MC".to_string())))
        );
        assert_eq!(telecom("pager", "1", None), None);
    }
}
