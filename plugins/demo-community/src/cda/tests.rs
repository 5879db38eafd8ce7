use super::*;
use crate::catalog::fixtures::catalog;
use xcgate_sdk::ihe::xml::{Element, ns, parse};

fn child<'a>(el: &'a Element, path: &[&str]) -> &'a Element {
    match el.path(ns::HL7, path) {
        Some(e) => e,
        None => panic!("no {path:?} in the CDA"),
    }
}

#[test]
fn the_cda_is_well_formed_and_carries_the_header() {
    let c = catalog();
    let doc = &c.documents[0];
    let root = match parse(&doc.content) {
        Ok(r) => r,
        Err(e) => panic!("not well-formed: {e}"),
    };
    assert!(root.is(ns::HL7, "ClinicalDocument"));
    assert_eq!(
        child(&root, &["typeId"]).attr("extension"),
        Some("POCD_HD000040")
    );
    assert_eq!(child(&root, &["id"]).attr("root"), Some("2.999.1.10.2.1"));
    assert_eq!(child(&root, &["code"]).attr("code"), Some("11490-0"));
    assert_eq!(child(&root, &["title"]).text(), "Discharge summary");
    assert_eq!(
        child(&root, &["effectiveTime"]).attr("value"),
        Some("20240312103000+0200")
    );
    assert_eq!(
        child(&root, &["confidentialityCode"]).attr("code"),
        Some("N")
    );
    assert_eq!(child(&root, &["languageCode"]).attr("code"), Some("fi-FI"));
    let role = child(&root, &["recordTarget", "patientRole"]);
    assert_eq!(child(role, &["id"]).attr("extension"), Some("PIR-1001"));
    assert_eq!(
        child(role, &["patient", "name", "family"]).text(),
        "Virtanen"
    );
    assert_eq!(
        child(
            &root,
            &[
                "author",
                "assignedAuthor",
                "assignedPerson",
                "name",
                "family"
            ]
        )
        .text(),
        "Lääkäri"
    );
    assert_eq!(
        child(
            &root,
            &[
                "custodian",
                "assignedCustodian",
                "representedCustodianOrganization",
                "id"
            ]
        )
        .attr("root"),
        Some("2.999.1.10")
    );
    let text = child(
        &root,
        &[
            "component",
            "structuredBody",
            "component",
            "section",
            "text",
        ],
    );
    let paragraphs: Vec<String> = text.elements().map(Element::text).collect();
    assert_eq!(
        paragraphs,
        [
            "Potilas kotiutuu.",
            "Jatkohoito <terveysasemalla> & kontrolli 3 kk."
        ]
    );
}

#[test]
fn markup_in_names_and_text_is_escaped() {
    let c = catalog();
    let doc = &c.documents[2];
    let text = String::from_utf8_lossy(&doc.content);
    assert!(
        text.contains("<family>O'Brien &amp; &lt;Sons&gt;</family>"),
        "{text}"
    );
    assert!(parse(&doc.content).is_ok());
}

#[test]
fn control_characters_cannot_break_the_xml() {
    let c = catalog();
    let mut config = c.documents[0].config.clone();
    config.text = "bell \u{7} and nul \u{0} here".into();
    config.title = "a\u{1b}b".into();
    let bytes = content(&config, &c.documents[0].patient, &c.custodian);
    assert!(parse(&bytes).is_ok());
}

#[test]
fn only_xml_types_are_rendered_as_cda() {
    assert!(is_xml("text/xml"));
    assert!(is_xml("application/hl7-v3+xml; charset=UTF-8"));
    assert!(!is_xml("text/plain"));
    assert!(!is_xml("application/pdf"));
    assert_eq!(
        split_person("Laura Maria Lääkäri"),
        (
            vec!["Laura".to_string(), "Maria".to_string()],
            Some("Lääkäri".to_string())
        )
    );
}
