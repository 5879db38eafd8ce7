//! The content of a demo document: a CDA R2 document rendered from the settings and the
//! patient record, or the text itself for a non-XML MIME type.
//!
//! The bytes must be the same at every call: the DocumentEntry's `size` and `hash` are
//! computed from them at query time and a retrieve must return exactly those bytes
//! [ITI TF-3 4.2.3.2.9, 4.2.3.2.24]. Nothing here reads a clock or a random source, and the
//! element order is fixed by the CDA R2 schema (POCD_MT000040).

use crate::records::Patient;
use crate::settings::{CONFIDENTIALITY_SCHEME, DocumentConfig};
use xcgate_sdk::ihe::xml::XmlWriter;

/// HL7 CDA R2 `typeId` [HL7 CDA R2 4.2.1.2].
const CDA_TYPE_ID_ROOT: &str = "2.16.840.1.113883.1.3";
const CDA_TYPE_ID_EXTENSION: &str = "POCD_HD000040";
/// IHE PCC Medical Document header template [IHE PCC TF-2 6.3.1.1].
const PCC_MEDICAL_DOCUMENT: &str = "1.3.6.1.4.1.19376.1.5.3.1.1.1";
/// HL7 AdministrativeGender code system.
const GENDER_SCHEME: &str = "2.16.840.1.113883.5.1";

/// Who keeps the document: the community (its homeCommunityId OID) and its name.
#[derive(Debug, Clone)]
pub struct Custodian {
    /// Bare OID (no `urn:oid:`).
    pub oid: String,
    pub name: Option<String>,
}

/// True for MIME types whose content is XML (`text/xml`, `application/xml`, `*+xml`).
pub fn is_xml(mime_type: &str) -> bool {
    let essence = mime_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.ends_with("/xml") || essence.ends_with("+xml")
}

/// A person string split into given names and a family name: the last word is the family
/// name (`"Laura Maria Lääkäri"` → `(["Laura", "Maria"], Some("Lääkäri"))`).
pub fn split_person(person: &str) -> (Vec<String>, Option<String>) {
    let mut words: Vec<String> = person.split_whitespace().map(str::to_string).collect();
    let family = words.pop();
    (words, family)
}

/// Characters XML 1.0 does not allow even escaped are dropped, so any config text renders
/// to a well-formed document [XML 1.0 2.2 Char].
fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// The exact bytes of a document.
pub fn content(doc: &DocumentConfig, patient: &Patient, custodian: &Custodian) -> Vec<u8> {
    if is_xml(&doc.mime_type) {
        render(doc, patient, custodian).into_bytes()
    } else {
        doc.text.as_bytes().to_vec()
    }
}

/// One attribute list entry with a present value.
fn a<'v>(name: &'v str, value: &'v str) -> (&'v str, Option<&'v str>) {
    (name, Some(value))
}

fn nl(w: &mut XmlWriter) {
    w.raw("\n");
}

/// `<name><given>..</given><family>..</family></name>`.
fn write_name(w: &mut XmlWriter, given: &[String], family: &[String]) {
    w.open("name", &[]);
    for g in given {
        w.leaf("given", &xml_safe(g));
    }
    for f in family {
        w.leaf("family", &xml_safe(f));
    }
    w.close("name");
}

fn write_patient_role(w: &mut XmlWriter, patient: &Patient) {
    w.open("recordTarget", &[]).open("patientRole", &[]);
    for id in std::iter::once(&patient.id).chain(&patient.other_ids) {
        let root = xml_safe(&id.root);
        let ext = id.extension.as_deref().map(xml_safe);
        w.empty("id", &[a("root", &root), ("extension", ext.as_deref())]);
    }
    for addr in &patient.addresses {
        w.open("addr", &[]);
        for line in &addr.street_lines {
            w.leaf("streetAddressLine", &xml_safe(line));
        }
        let parts = [
            ("city", &addr.city),
            ("state", &addr.state),
            ("postalCode", &addr.postal_code),
            ("country", &addr.country),
        ];
        for (tag, value) in parts {
            if let Some(v) = value {
                w.leaf(tag, &xml_safe(v));
            }
        }
        w.close("addr");
    }
    w.open("patient", &[]);
    write_name(w, &patient.name.given, &patient.name.family);
    if let Some(g) = &patient.gender {
        let g = xml_safe(g);
        w.empty(
            "administrativeGenderCode",
            &[a("code", &g), a("codeSystem", GENDER_SCHEME)],
        );
    }
    if let Some(b) = &patient.birth_time {
        w.empty("birthTime", &[a("value", &xml_safe(b))]);
    }
    w.close("patient")
        .close("patientRole")
        .close("recordTarget");
}

fn write_organization(w: &mut XmlWriter, tag: &str, custodian: &Custodian) {
    w.open(tag, &[]).empty("id", &[a("root", &custodian.oid)]);
    if let Some(n) = &custodian.name {
        w.leaf("name", &xml_safe(n));
    }
    w.close(tag);
}

fn write_author(w: &mut XmlWriter, doc: &DocumentConfig, custodian: &Custodian) {
    w.open("author", &[])
        .empty("time", &[a("value", &xml_safe(&doc.creation_time))])
        .open("assignedAuthor", &[])
        // The demo has no practitioner registry: the author's id is unknown.
        .empty("id", &[a("nullFlavor", "UNK")]);
    if let Some(person) = &doc.author {
        let (given, family) = split_person(person);
        w.open("assignedPerson", &[]);
        write_name(w, &given, family.as_slice());
        w.close("assignedPerson");
    }
    write_organization(w, "representedOrganization", custodian);
    w.close("assignedAuthor").close("author");
}

fn write_service_event(w: &mut XmlWriter, doc: &DocumentConfig) {
    if doc.service_start.is_none() && doc.service_stop.is_none() {
        return;
    }
    w.open("documentationOf", &[])
        .open("serviceEvent", &[a("classCode", "PCPR")])
        .open("effectiveTime", &[]);
    if let Some(s) = &doc.service_start {
        w.empty("low", &[a("value", &xml_safe(s))]);
    }
    if let Some(s) = &doc.service_stop {
        w.empty("high", &[a("value", &xml_safe(s))]);
    }
    w.close("effectiveTime")
        .close("serviceEvent")
        .close("documentationOf");
    nl(w);
}

fn write_body(w: &mut XmlWriter, doc: &DocumentConfig) {
    let code = &doc.type_code;
    w.open("component", &[])
        .open("structuredBody", &[])
        .open("component", &[])
        .open("section", &[])
        .empty(
            "code",
            &[
                a("code", &xml_safe(&code.code)),
                a("codeSystem", &xml_safe(&code.scheme)),
                a("displayName", &xml_safe(&code.display)),
            ],
        )
        .leaf("title", &xml_safe(&doc.title))
        .open("text", &[]);
    for line in doc.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        w.leaf("paragraph", &xml_safe(line));
    }
    w.close("text")
        .close("section")
        .close("component")
        .close("structuredBody")
        .close("component");
}

/// The CDA R2 document, header elements in schema order [HL7 CDA R2 POCD_MT000040].
pub fn render(doc: &DocumentConfig, patient: &Patient, custodian: &Custodian) -> String {
    let mut w = XmlWriter::with_capacity(2048 + doc.text.len());
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(
        "ClinicalDocument",
        &[a("xmlns", xcgate_sdk::ihe::xml::ns::HL7)],
    );
    nl(&mut w);
    w.empty(
        "typeId",
        &[
            a("root", CDA_TYPE_ID_ROOT),
            a("extension", CDA_TYPE_ID_EXTENSION),
        ],
    );
    w.empty("templateId", &[a("root", PCC_MEDICAL_DOCUMENT)]);
    w.empty("id", &[a("root", &xml_safe(&doc.unique_id))]);
    let code = &doc.type_code;
    w.empty(
        "code",
        &[
            a("code", &xml_safe(&code.code)),
            a("codeSystem", &xml_safe(&code.scheme)),
            a("displayName", &xml_safe(&code.display)),
        ],
    );
    w.leaf("title", &xml_safe(&doc.title));
    w.empty(
        "effectiveTime",
        &[a("value", &xml_safe(&doc.creation_time))],
    );
    w.empty(
        "confidentialityCode",
        &[
            a("code", &xml_safe(&doc.confidentiality)),
            a("codeSystem", CONFIDENTIALITY_SCHEME),
        ],
    );
    w.empty("languageCode", &[a("code", &xml_safe(&doc.language))]);
    nl(&mut w);
    write_patient_role(&mut w, patient);
    nl(&mut w);
    write_author(&mut w, doc, custodian);
    nl(&mut w);
    w.open("custodian", &[]).open("assignedCustodian", &[]);
    write_organization(&mut w, "representedCustodianOrganization", custodian);
    w.close("assignedCustodian").close("custodian");
    nl(&mut w);
    write_service_event(&mut w, doc);
    write_body(&mut w, doc);
    nl(&mut w);
    w.close("ClinicalDocument");
    nl(&mut w);
    w.finish()
}

#[cfg(test)]
mod tests;
