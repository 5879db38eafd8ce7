//! A small catalog for the unit tests: two patients of one community, three documents
//! (two CDA, one plain text), and helpers to build stored query requests.

use super::Catalog;
use crate::records::{IdConfig, PatientConfig, index};
use crate::settings::{CodeConfig, DocumentConfig, DocumentSettings};
use xcgate_sdk::xca_query::{QueryRequest, RegistrySlot, ReturnType};

pub const HOME: &str = "urn:oid:2.999.1.10";
pub const REPOSITORY: &str = "2.999.1.10.3";
pub const AINO: &str = "'PIR-1001^^^&2.999.1.10.1&ISO'";
pub const JIMMY: &str = "'PIR-1002^^^&2.999.1.10.1&ISO'";
pub const APPROVED: &str = "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')";

fn patient(ext: &str, family: &str, given: &str) -> PatientConfig {
    PatientConfig {
        id: IdConfig {
            root: "2.999.1.10.1".into(),
            extension: Some(ext.into()),
        },
        other_ids: vec![IdConfig {
            root: "1.2.246.21".into(),
            extension: Some(format!("HETU-{ext}")),
        }],
        family: vec![family.into()],
        given: vec![given.into()],
        gender: Some("F".into()),
        birth_time: Some("19900312".into()),
        addresses: vec![],
        telecoms: vec![],
        mothers_maiden_family: None,
    }
}

pub fn code(code: &str, scheme: &str, display: &str) -> CodeConfig {
    CodeConfig {
        code: code.into(),
        scheme: scheme.into(),
        display: display.into(),
    }
}

const LOINC: &str = "2.16.840.1.113883.6.1";
const SNOMED: &str = "2.16.840.1.113883.6.96";
const FORMATS: &str = "1.3.6.1.4.1.19376.1.2.3";

/// A CDA discharge summary of `patient`; tests change fields as they need.
pub fn document(unique_id: &str, patient: &str) -> DocumentConfig {
    DocumentConfig {
        patient: patient.into(),
        unique_id: unique_id.into(),
        title: "Discharge summary".into(),
        class_code: code("18842-5", LOINC, "Discharge summary"),
        type_code: code("11490-0", LOINC, "Physician Discharge summary"),
        format_code: code("urn:ihe:pcc:xds-ms:2007", FORMATS, "Medical Summaries"),
        practice_setting: code("394579002", SNOMED, "Cardiology"),
        healthcare_facility_type: code("22232009", SNOMED, "Hospital"),
        confidentiality: "N".into(),
        creation_time: "20240312103000+0200".into(),
        service_start: Some("20240308".into()),
        service_stop: Some("20240312".into()),
        language: "fi-FI".into(),
        author: Some("Laura Lääkäri".into()),
        mime_type: "text/xml".into(),
        text: "Potilas kotiutuu.\n\nJatkohoito <terveysasemalla> & kontrolli 3 kk.".into(),
    }
}

pub fn settings() -> DocumentSettings {
    let mut lab = document("2.999.1.10.2.2", "PIR-1001");
    lab.title = "Laboratory report".into();
    lab.class_code = code("11502-2", LOINC, "Laboratory report");
    lab.type_code = code("11502-2", LOINC, "Laboratory report");
    lab.format_code = code(
        "urn:ihe:iti:xds:2017:mimeTypeSufficient",
        FORMATS,
        "mimeType Sufficient",
    );
    lab.confidentiality = "R".into();
    lab.creation_time = "20240310081500+0200".into();
    lab.service_start = None;
    lab.service_stop = None;
    lab.author = None;
    lab.mime_type = "text/plain".into();
    lab.text = "Hb 134 g/l\nCRP < 3 mg/l\n".into();
    let mut consult = document("2.999.1.10.2.3", "PIR-1002");
    consult.title = "Consult note".into();
    consult.class_code = code("11488-4", LOINC, "Consult note");
    consult.type_code = code("11488-4", LOINC, "Consult note");
    consult.creation_time = "20230105120000+0200".into();
    consult.language = "en-US".into();
    consult.author = Some("John Q Public".into());
    DocumentSettings {
        repository_unique_id: Some(REPOSITORY.into()),
        organization_name: Some("Pirkanmaa demo hospital district".into()),
        documents: vec![document("2.999.1.10.2.1", "PIR-1001"), lab, consult],
    }
}

pub fn catalog() -> Catalog {
    let patients = index(
        vec![
            patient("PIR-1001", "Virtanen", "Aino"),
            patient("PIR-1002", "O'Brien & <Sons>", "Jimmy"),
        ],
        None,
    );
    match Catalog::build(settings(), &patients, HOME) {
        Ok(c) => c,
        Err(e) => panic!("the fixture catalog is valid: {e}"),
    }
}

/// A stored query request with parameters given as (name, raw value text).
pub fn request(query_id: &str, params: &[(&str, &str)], return_type: ReturnType) -> QueryRequest {
    QueryRequest {
        query_id: query_id.into(),
        parameters: params
            .iter()
            .map(|(name, value)| RegistrySlot {
                name: (*name).into(),
                slot_type: None,
                values: vec![(*value).into()],
            })
            .collect(),
        return_type,
        home_community_id: None,
        extensions: vec![],
    }
}
