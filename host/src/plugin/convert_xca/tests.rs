//! What a misbehaving plugin may put in a registry object, and what the host makes of it.

use super::*;

fn object(kind: &str, extra_xml: Vec<String>) -> q::RegistryObject {
    q::RegistryObject {
        kind: kind.into(),
        attributes: vec![
            ("id".into(), "urn:uuid:1".into()),
            ("home".into(), "urn:oid:2.999.1".into()),
        ],
        name: Some(vec![q::LocalizedString {
            value: "Title".into(),
            lang: Some("fi-FI".into()),
            charset: None,
        }]),
        description: None,
        version_info: Some(q::VersionInfo {
            version_name: Some("1".into()),
            comment: None,
        }),
        slots: vec![q::RegistrySlot {
            name: "size".into(),
            slot_type: None,
            values: vec!["12".into()],
        }],
        classifications: vec![],
        external_identifiers: vec![],
        extra_xml,
    }
}

#[test]
fn a_well_formed_object_keeps_every_part() -> Result<(), String> {
    let classification = r#"<rim:Classification xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" id="c1" classificationScheme="urn:uuid:x" classifiedObject="urn:uuid:1" nodeRepresentation="N"/>"#;
    let foreign = r#"<x:Note xmlns:x="urn:example">kept</x:Note>"#;
    let o = object_out(object(
        "ExtrinsicObject",
        vec![classification.into(), foreign.into()],
    ))?;
    assert_eq!(o.kind, ObjectKind::ExtrinsicObject);
    assert_eq!(o.home(), Some("urn:oid:2.999.1"));
    assert_eq!(o.slot_value("size"), Some("12"));
    assert_eq!(
        o.classifications.len(),
        1,
        "nested ebRIM XML lands where it belongs"
    );
    assert_eq!(o.extensions.len(), 1, "foreign XML is kept verbatim");
    let name = o.name.ok_or("the Name is kept")?;
    assert_eq!(name.localized[0].lang.as_deref(), Some("fi-FI"));
    Ok(())
}

#[test]
fn a_kind_that_is_not_an_element_name_is_refused() {
    for bad in ["", "Extrinsic Object", "<script>", "a:b"] {
        let e = object_out(object(bad, vec![])).unwrap_err();
        assert!(e.contains("not an ebRIM element name"), "{bad:?}: {e}");
    }
}

#[test]
fn extra_xml_that_is_not_well_formed_or_hostile_is_refused() {
    for (bad, expected) in [
        ("<rim:Slot", "not well-formed"),
        (
            "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
            "not well-formed",
        ),
    ] {
        let e = object_out(object("ExtrinsicObject", vec![bad.into()])).unwrap_err();
        assert!(e.contains(expected), "{bad:?}: {e}");
    }
}

#[test]
fn other_nested_ebrim_objects_are_kept_as_children_losslessly() -> Result<(), String> {
    let nested = r#"<rim:Association xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:Slot/></rim:Association>"#;
    let o = object_out(object("RegistryPackage", vec![nested.into()]))?;
    assert_eq!(o.children.len(), 1);
    assert_eq!(o.children[0].kind, ObjectKind::Association);
    assert_eq!(
        o.children[0].extensions.len(),
        1,
        "even a nameless Slot is kept, not dropped"
    );
    Ok(())
}
