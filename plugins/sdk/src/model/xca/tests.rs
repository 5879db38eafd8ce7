use super::*;
use crate::ihe::ebrs::ObjectKind;
use crate::ihe::xml::{self, Element};

fn parse_object(xml_text: &str) -> EbObject {
    EbObject::parse(&xml::parse(xml_text.as_bytes()).unwrap()).unwrap()
}

/// A DocumentEntry with a bit of everything, including what the WIT record has no field
/// for.
fn entry() -> EbObject {
    parse_object(
        r#"<rim:ExtrinsicObject xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" id="urn:uuid:e1" home="urn:oid:2.999.1.10" mimeType="text/xml">
  <rim:Slot name="repositoryUniqueId" slotType="s"><rim:ValueList><rim:Value>2.999.1.10.3</rim:Value></rim:ValueList></rim:Slot>
  <rim:Name><rim:LocalizedString xml:lang="fi" charset="UTF-8" value="Epikriisi"/></rim:Name>
  <rim:Description/>
  <rim:VersionInfo versionName="1.1"/>
  <rim:Classification id="urn:uuid:c1" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a" classifiedObject="urn:uuid:e1" nodeRepresentation="18842-5">
    <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>2.16.840.1.113883.6.1</rim:Value></rim:ValueList></rim:Slot>
    <rim:Name><rim:LocalizedString value="Discharge summary"/></rim:Name>
    <rim:VersionInfo versionName="2"/>
    <rim:Classification id="urn:uuid:c2" classifiedObject="urn:uuid:c1"/>
  </rim:Classification>
  <rim:ExternalIdentifier id="urn:uuid:x1" registryObject="urn:uuid:e1" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="2.999.1.10.2.1"/>
  <rim:ContentVersionInfo versionName="2"/>
  <ext:Signature xmlns:ext="urn:example:ext" ext:alg="x">kept</ext:Signature>
</rim:ExtrinsicObject>"#,
    )
}

#[test]
fn a_registry_object_crosses_with_every_part() {
    let o = entry();
    let w = object_in(o.clone());
    assert_eq!(w.kind, "ExtrinsicObject");
    assert_eq!(w.attributes, o.attributes);
    assert_eq!(w.slots[0].slot_type.as_deref(), Some("s"));
    let name = w.name.as_ref().unwrap();
    assert_eq!(
        (
            name[0].value.as_str(),
            name[0].lang.as_deref(),
            name[0].charset.as_deref()
        ),
        ("Epikriisi", Some("fi"), Some("UTF-8"))
    );
    assert_eq!(
        w.description,
        Some(vec![]),
        "an empty Description stays present"
    );
    assert_eq!(
        w.version_info.as_ref().unwrap().version_name.as_deref(),
        Some("1.1")
    );
    assert_eq!(w.classifications[0].kind, "Classification");
    assert_eq!(w.external_identifiers[0].kind, "ExternalIdentifier");
    // What has no field travels as self-contained XML that parses back to the same thing.
    assert_eq!(w.extra_xml.len(), 2);
    assert_eq!(parse_object(&w.extra_xml[0]), o.children[0]);
    let ext: Element = xml::parse(w.extra_xml[1].as_bytes()).unwrap();
    assert_eq!(ext, o.extensions[0]);
    // A nested object's VersionInfo and its own nested objects too.
    let c = &w.classifications[0];
    assert_eq!(c.extra_xml.len(), 2);
    let version = parse_object(&c.extra_xml[0]);
    assert_eq!(version.kind, ObjectKind::Other("VersionInfo".into()));
    assert_eq!(version.attr("versionName"), Some("2"));
    assert_eq!(
        parse_object(&c.extra_xml[1]),
        o.classifications[0].classifications[0]
    );
}

#[test]
fn only_objects_the_host_accepts_as_a_kind_are_carriable() {
    assert!(carriable(&entry()));
    let mut odd = EbObject::new(ObjectKind::Other("Odd-Kind".into()));
    odd.attributes.push(("id".into(), "x".into()));
    assert!(!carriable(&odd));
}

#[test]
fn a_stored_query_passes_through_unchanged() {
    let request = QueryRequest {
        query_id: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d".into(),
        parameters: vec![RegistrySlot {
            name: "$XDSDocumentEntryStatus".into(),
            slot_type: Some("t".into()),
            values: vec!["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')".into()],
        }],
        return_type: ReturnType::ObjectRef,
        home_community_id: Some("urn:oid:2.999.1.10".into()),
        extensions: vec![],
    };
    let q = query_out(&request);
    assert_eq!(q.query_id(), request.query_id);
    assert_eq!(q.return_type(), EbReturnType::ObjectRef);
    assert_eq!(q.home(), Some("urn:oid:2.999.1.10"));
    assert_eq!(q.query.slots[0].values, request.parameters[0].values);
    assert_eq!(q.query.slots[0].slot_type.as_deref(), Some("t"));
}

#[test]
fn registry_errors_are_passed_as_sent() {
    let mut e = EbError::new(EbSeverity::Warning, "XDSRegistryError", "ctx", None);
    e.text = "ignored".into();
    let w = error_in(e);
    assert_eq!(
        (
            w.error_code.as_str(),
            w.code_context.as_str(),
            w.severity,
            w.location
        ),
        ("XDSRegistryError", "ctx", Severity::Warning, None)
    );
}
