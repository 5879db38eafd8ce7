use super::ids::{PATIENT_ID_PARAMETERS, error_codes, status as status_urn, uuids};
use super::*;
use crate::xml::parse;

fn request() -> AdhocQueryRequest {
    let mut r = AdhocQueryRequest::new(StoredQuery::FindDocuments.id(), ReturnType::LeafClass);
    r.id = Some("urn:uuid:r-1".into());
    r.federated = Some(false);
    r.start_index = Some(0);
    r.max_results = Some(-1);
    r.request_slots = vec![Slot::new("custom", vec!["x".into()])];
    r.query.set_slot(
        "$XDSDocumentEntryPatientId",
        vec![quote("PIR-1003^^^&2.999.1.10.1&ISO")],
    );
    r.query.set_slot(
        "$XDSDocumentEntryStatus",
        vec!["('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')".into()],
    );
    r.query.slots.push(Slot {
        name: "$XDSDocumentEntryEventCodeList".into(),
        slot_type: Some("rim:StringValue".into()),
        values: vec!["('a^^1.2','b^^1.2')".into(), "('c <&> \"d\"^^1.2')".into()],
    });
    r
}

#[test]
fn a_request_survives_build_and_parse_with_raw_values() {
    let r = request();
    let xml = r.build();
    let back = AdhocQueryRequest::parse(&parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(back, r);
    assert_eq!(
        back.query.slot_value("$XDSDocumentEntryPatientId"),
        Some("'PIR-1003^^^&2.999.1.10.1&ISO'")
    );
    assert_eq!(back.stored_query(), Some(StoredQuery::FindDocuments));
    assert!(back.is_patient_id_based() && !back.needs_home());
}

#[test]
fn a_request_in_default_namespaces_reads_the_same() {
    let xml = r#"<AdhocQueryRequest xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" federated="1" maxResults="10">
      <ResponseOption returnType="ObjectRef"/>
      <x:AdhocQuery xmlns:x="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
           id=" urn:uuid:5C4F972B-d56b-40ac-a5fc-c8ca9b40b9d4 " home="urn:oid:urn:oid:2.999.1">
        <x:Slot name="$XDSDocumentEntryUniqueId"><x:ValueList>
          <x:Value>('1.2.3','4.5.6')</x:Value></x:ValueList></x:Slot>
      </x:AdhocQuery></AdhocQueryRequest>"#;
    let r = AdhocQueryRequest::parse(&parse(xml.as_bytes()).unwrap()).unwrap();
    assert_eq!(r.federated, Some(true));
    assert_eq!(r.max_results, Some(10));
    assert_eq!(r.return_type(), ReturnType::ObjectRef);
    assert_eq!(r.response_option.return_composed_objects, None);
    assert_eq!(r.stored_query(), Some(StoredQuery::GetDocuments));
    assert_eq!(r.home(), Some("urn:oid:urn:oid:2.999.1"), "kept raw");
    assert!(r.needs_home());
    assert_eq!(
        parse_values(&r.query.slots[0].values[0]).unwrap(),
        vec!["1.2.3", "4.5.6"]
    );
}

#[test]
fn request_errors_are_precise() {
    let no_id = r#"<q:AdhocQueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0">
      <q:ResponseOption returnType="LeafClass"/>
      <AdhocQuery xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"/></q:AdhocQueryRequest>"#;
    let e = AdhocQueryRequest::parse(&parse(no_id.as_bytes()).unwrap()).unwrap_err();
    assert!(e.to_string().contains("AdhocQuery/@id"), "{e}");

    let bad_type = no_id.replace("LeafClass", "Everything");
    let e = AdhocQueryRequest::parse(&parse(bad_type.as_bytes()).unwrap()).unwrap_err();
    assert!(e.to_string().contains("`Everything`"), "{e}");

    let wrong = r#"<RetrieveDocumentSetRequest xmlns="urn:ihe:iti:xds-b:2007"/>"#;
    let e = AdhocQueryRequest::parse(&parse(wrong.as_bytes()).unwrap()).unwrap_err();
    assert!(
        matches!(&e, EbrsError::WrongElement { local, .. } if local == "RetrieveDocumentSetRequest"),
        "{e}"
    );
}

#[test]
fn stored_query_table_and_routing() {
    let ids: std::collections::HashSet<_> = StoredQuery::ALL.iter().map(|q| q.id()).collect();
    assert_eq!(ids.len(), StoredQuery::ALL.len());
    for q in StoredQuery::ALL {
        assert_eq!(StoredQuery::from_id(q.id()), Some(q));
        assert_eq!(
            StoredQuery::from_id(&q.id().to_uppercase().replace("URN:UUID", "urn:uuid")),
            Some(q)
        );
        // 36 characters of UUID after the prefix.
        assert_eq!(q.id().len(), "urn:uuid:".len() + 36, "{}", q.name());
    }
    assert_eq!(
        StoredQuery::FindFolders.id(),
        "urn:uuid:958f3006-baad-4929-a4de-ff1114824431"
    );
    let patient: Vec<_> = StoredQuery::ALL
        .into_iter()
        .filter(|q| q.is_patient_id_based())
        .map(StoredQuery::name)
        .collect();
    assert_eq!(
        patient,
        [
            "FindDocuments",
            "FindSubmissionSets",
            "FindFolders",
            "GetAll",
            "FindDocumentsByReferenceId"
        ]
    );
    // An unknown query is routed by its parameters.
    let mut custom = AdhocQueryRequest::new(
        "urn:uuid:00000000-0000-0000-0000-000000000001",
        ReturnType::LeafClass,
    );
    assert!(custom.needs_home());
    custom
        .query
        .set_slot(PATIENT_ID_PARAMETERS[3], vec![quote("p^^^&1.2&ISO")]);
    assert!(custom.is_patient_id_based());
}

#[test]
fn query_values_are_read_strictly() {
    assert_eq!(quote("Children's"), "'Children''s'");
    assert_eq!(parse_values("'Children''s'").unwrap(), vec!["Children's"]);
    assert_eq!(parse_values(" 123 ").unwrap(), vec!["123"]);
    assert_eq!(parse_values("( 'a' , 'b,c' )").unwrap(), vec!["a", "b,c"]);
    for bad in [
        "'abc",
        "('a'",
        "'a' 'b'",
        "'a','b'",
        "",
        "()",
        "'x''%20and%201=1--",
    ] {
        assert!(parse_values(bad).is_err(), "{bad}");
    }
}

fn response_fixture() -> &'static str {
    r#"<query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"
      xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0"
      status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:PartialSuccess" totalResultCount="3">
     <rs:ResponseSlotList><Slot xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" name="DeferredProcessingRequired"><ValueList><Value>true</Value></ValueList></Slot></rs:ResponseSlotList>
     <rs:RegistryErrorList highestSeverity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error">
       <rs:RegistryError errorCode="XDSUnavailableCommunity" codeContext="lappi timed out" severity="Error" location="urn:oid:2.999.2">detail</rs:RegistryError>
       <rs:RegistryError errorCode="XDSRegistryError" codeContext="x"/>
     </rs:RegistryErrorList>
     <rim:RegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" xmlns:ns2="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
      <rim:ExtrinsicObject id="urn:uuid:e1" lid="urn:uuid:e1" home="urn:oid:urn:oid:2.999.1" mimeType="text/xml"
          objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1" status="urn:oasis:names:tc:ebxml-regrep:StatusType:Approved" isOpaque="false">
        <rim:Slot name="repositoryUniqueId"><rim:ValueList><rim:Value>2.999.1.5</rim:Value></rim:ValueList></rim:Slot>
        <rim:Slot name="sourcePatientInfo" slotType="x"><rim:ValueList><rim:Value>PID-3|p^^^&amp;1.2&amp;ISO</rim:Value><rim:Value>PID-5|Mäkinen^Ella</rim:Value></rim:ValueList></rim:Slot>
        <rim:Slot><rim:ValueList><rim:Value>nameless</rim:Value></rim:ValueList></rim:Slot>
        <ns2:Name><ns2:LocalizedString xml:lang="fi" charset="UTF-8" value="Lähete"/></ns2:Name>
        <rim:Description/>
        <rim:VersionInfo versionName="1.1" comment="first"/>
        <rim:Classification id="urn:uuid:c1" classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
            classifiedObject="urn:uuid:e1" nodeRepresentation="11488-4">
          <rim:Slot name="codingScheme"><rim:ValueList><rim:Value>2.16.840.1.113883.6.1</rim:Value></rim:ValueList></rim:Slot>
          <rim:Name><rim:LocalizedString value="Consult note"/></rim:Name>
        </rim:Classification>
        <rim:ExternalIdentifier id="urn:uuid:x1" registryObject="urn:uuid:e1"
            identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="p^^^&amp;1.2&amp;ISO">
          <rim:Name><rim:LocalizedString value="XDSDocumentEntry.patientId"/></rim:Name>
        </rim:ExternalIdentifier>
        <rim:ExternalIdentifier id="urn:uuid:x2" registryObject="urn:uuid:e1"
            identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="2.999.1.5.77"/>
        <rim:ContentVersionInfo versionName="2"/>
        <ext:Signature xmlns:ext="urn:example:ext" ext:alg="x">kept</ext:Signature>
      </rim:ExtrinsicObject>
      <rim:RegistryPackage id="urn:uuid:ss1" home="">
        <rim:Name>
        </rim:Name>
      </rim:RegistryPackage>
      <rim:Association id="urn:uuid:a1" associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
          sourceObject="urn:uuid:ss1" targetObject="urn:uuid:e1"/>
      <rim:ObjectRef id="urn:uuid:o1"/>
      <other:Thing xmlns:other="urn:example:other"/>
     </rim:RegistryObjectList>
    </query:AdhocQueryResponse>"#
}

#[test]
fn a_response_round_trips_every_kind_of_content() {
    let r = AdhocQueryResponse::parse(&parse(response_fixture().as_bytes()).unwrap()).unwrap();
    assert_eq!(r.status(), ResponseStatus::PartialSuccess);
    assert_eq!(
        r.registry.status_raw.as_deref(),
        Some(status_urn::PARTIAL_SUCCESS_LEGACY)
    );
    assert_eq!(
        r.registry.response_slots[0].name,
        "DeferredProcessingRequired"
    );
    let errors = r.errors().unwrap();
    assert_eq!(errors.errors[0].severity, Severity::Error);
    assert_eq!(errors.errors[0].severity_raw.as_deref(), Some("Error"));
    assert_eq!(errors.errors[0].text, "detail");
    assert_eq!(
        errors.errors[1].severity_raw, None,
        "absent: schema default Error"
    );
    assert_eq!(errors.errors[1].location, None);
    assert_eq!(r.objects.len(), 4);
    assert_eq!(r.foreign_objects.len(), 1);
    let eo = &r.objects[0];
    assert_eq!(eo.kind, ObjectKind::ExtrinsicObject);
    assert_eq!(
        eo.attributes[0],
        ("id".to_string(), "urn:uuid:e1".to_string())
    );
    assert_eq!(eo.home(), Some("urn:oid:urn:oid:2.999.1"), "not rewritten");
    assert_eq!(eo.slots[1].values.len(), 2);
    assert_eq!(
        eo.name.as_ref().unwrap().localized[0].lang.as_deref(),
        Some("fi")
    );
    assert_eq!(eo.description, Some(InternationalString::default()));
    assert_eq!(
        eo.version_info.as_ref().unwrap().comment.as_deref(),
        Some("first")
    );
    assert_eq!(
        eo.children[0].kind,
        ObjectKind::Other("ContentVersionInfo".into())
    );
    let ext: Vec<_> = eo.extensions.iter().map(|e| e.local.as_str()).collect();
    assert_eq!(ext, ["Slot", "Signature"], "kept verbatim");
    assert_eq!(r.objects[3].kind, ObjectKind::ObjectRef);

    let built = r.build();
    let back = AdhocQueryResponse::parse(&parse(built.as_bytes()).unwrap()).unwrap();
    assert_eq!(back, r);
    assert!(
        built.contains(status_urn::PARTIAL_SUCCESS_LEGACY),
        "raw status kept"
    );
    assert!(built.contains(r#"severity="Error""#), "raw severity kept");
}

#[test]
fn the_document_entry_view_reads_the_metadata() {
    let r = AdhocQueryResponse::parse(&parse(response_fixture().as_bytes()).unwrap()).unwrap();
    let d = r.document_entries().next().unwrap();
    assert_eq!(d.entry_uuid(), Some("urn:uuid:e1"));
    assert_eq!(d.unique_id(), Some("2.999.1.5.77"));
    assert_eq!(d.patient_id(), Some("p^^^&1.2&ISO"));
    assert_eq!(d.repository_unique_id(), Some("2.999.1.5"));
    assert_eq!(d.mime_type(), Some("text/xml"));
    assert_eq!(d.title(), Some("Lähete"));
    assert!(!d.is_on_demand());
    assert_eq!(d.object_type(), Some(uuids::STABLE_DOCUMENT_ENTRY));
    let class = d.class_code().unwrap();
    assert_eq!(
        (class.code, class.scheme, class.display_name),
        (
            "11488-4",
            Some("2.16.840.1.113883.6.1"),
            Some("Consult note")
        )
    );
    assert_eq!(r.document_entries().count(), 1);
}

#[test]
fn home_is_listed_filled_and_replaced() {
    let mut r = AdhocQueryResponse::parse(&parse(response_fixture().as_bytes()).unwrap()).unwrap();
    let missing: Vec<_> = r.missing_home().iter().filter_map(|o| o.id()).collect();
    assert_eq!(missing, ["urn:uuid:ss1", "urn:uuid:o1"], "empty and absent");
    r.fill_missing_home("urn:oid:2.999.3");
    assert!(r.missing_home().is_empty());
    assert_eq!(r.objects[0].home(), Some("urn:oid:urn:oid:2.999.1"), "kept");
    assert_eq!(r.objects[2].home(), None, "Associations carry no home");
    r.set_home("urn:oid:2.999.9");
    assert!(
        r.home_carriers()
            .iter()
            .all(|o| o.home() == Some("urn:oid:2.999.9"))
    );
    // Attribute order is kept: home is replaced in place.
    assert_eq!(r.objects[0].attributes[2].0, "home");
}

#[test]
fn statuses_and_severities() {
    use ResponseStatus::*;
    for (raw, s) in [
        (status_urn::SUCCESS, Success),
        (status_urn::FAILURE, Failure),
        (status_urn::PARTIAL_SUCCESS, PartialSuccess),
        (status_urn::PARTIAL_SUCCESS_LEGACY, PartialSuccess),
        ("Success", Success),
        (
            " urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure\n",
            Failure,
        ),
    ] {
        assert_eq!(ResponseStatus::parse(raw), Some(s), "{raw}");
    }
    assert_eq!(ResponseStatus::parse("urn:x:Done"), None);
    let bad = r#"<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="Done"/>"#;
    let e = RegistryResponse::parse(&parse(bad.as_bytes()).unwrap()).unwrap_err();
    assert!(
        e.to_string()
            .contains("RegistryResponse/@status has the value `Done`"),
        "{e}"
    );
    let bad = r#"<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="Failure"><rs:RegistryErrorList><rs:RegistryError errorCode="e" codeContext="c" severity="Fatal"/></rs:RegistryErrorList></rs:RegistryResponse>"#;
    let e = RegistryResponse::parse(&parse(bad.as_bytes()).unwrap()).unwrap_err();
    assert!(e.to_string().contains("`Fatal`"), "{e}");

    // A built response writes canonical URNs; an edited status does not keep a stale raw one.
    let mut r = RegistryResponse::new(
        Failure,
        vec![
            RegistryError::new(
                Severity::Warning,
                error_codes::UNKNOWN_PATIENT_ID,
                "w",
                None,
            ),
            RegistryError::new(
                Severity::Error,
                error_codes::UNKNOWN_COMMUNITY,
                "e",
                Some("urn:oid:1"),
            ),
        ],
    );
    assert_eq!(r.errors.as_ref().unwrap().highest(), Some(Severity::Error));
    assert_eq!(
        r.errors.as_ref().unwrap().highest_severity.as_deref(),
        Some(ids::severity::ERROR)
    );
    r.status_raw = Some("Success".into());
    assert_eq!(r.status_text(), status_urn::FAILURE);
    let mut w = crate::xml::XmlWriter::default();
    w.raw(r#"<x xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">"#);
    r.write(&mut w);
    w.raw("</x>");
    let doc = parse(w.finish().as_bytes()).unwrap();
    let back = RegistryResponse::parse(doc.elements().next().unwrap()).unwrap();
    assert_eq!(back.status, Failure);
    assert_eq!(back.errors, r.errors);
}

#[test]
fn a_fault_in_place_of_a_response_is_named() {
    let fault = crate::soap::Fault::new(crate::soap::FaultCode::Receiver, "registry down");
    let env = parse(fault.to_envelope(None).as_bytes()).unwrap();
    let body = crate::soap::payload(env).unwrap();
    let e = AdhocQueryResponse::parse(&body).unwrap_err();
    assert_eq!(
        e,
        EbrsError::Fault {
            code: "Receiver",
            reason: "registry down".into()
        }
    );
}

#[test]
fn a_response_with_no_object_list_reads_as_empty_and_builds_one() {
    let xml = r#"<AdhocQueryResponse xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" status="Failure"/>"#;
    let r = AdhocQueryResponse::parse(&parse(xml.as_bytes()).unwrap()).unwrap();
    assert!(r.objects.is_empty() && r.errors().is_none());
    assert!(r.build().contains("<rim:RegistryObjectList/>"));
    let e = AdhocQueryResponse::parse(
        &parse(br#"<AdhocQueryResponse xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0"/>"#)
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(e, EbrsError::Missing("AdhocQueryResponse/@status"));
}

#[test]
fn every_object_survives_as_standalone_xml() {
    let r = AdhocQueryResponse::parse(&parse(response_fixture().as_bytes()).unwrap()).unwrap();
    let eo = &r.objects[0];
    let nested = eo
        .classifications
        .iter()
        .chain(&eo.external_identifiers)
        .chain(&eo.children);
    for o in r.objects.iter().chain(nested) {
        let xml = o.to_standalone_xml();
        let back = RegistryObject::parse(&parse(xml.as_bytes()).unwrap()).unwrap();
        assert_eq!(&back, o, "{xml}");
    }
    assert!(
        r.objects[3].to_standalone_xml().starts_with(
            r#"<rim:ObjectRef xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0""#
        )
    );
}
