//! The audit rows of ITI TF-2 ( 3.55.5.1, 3.18.5.1, 3.38.4.1.4, 3.39.6, 3.43.6.1),
//! checked field by field on the XML parsed back (there is no DICOM audit schema in the
//! conformance corpus to validate against).
//!
//! What is asserted per row (`pid` = AlternativeUserID = this process, on the side that runs
//! here; every row also gets Source role 110153 UserIsRequestor=true and Destination role
//! 110152 UserIsRequestor=false, the network access point type 1/2, and EventTypeCode
//! EV(ITI-nn, "IHE Transactions", name)):
//!
//! | row               | EventID | Action | pid on      | participant objects (TypeCode/Role, IDTypeCode, ID, query, details)            |
//! |-------------------|---------|--------|-------------|---------------------------------------------------------------------------------|
//! | ITI-55 IG         | 110112  | E      | Source      | Query 2/24 ITI-55, queryId, base64 queryByParameter, `ihe:homeCommunityID`       |
//! | ITI-55 RG         | 110112  | E      | Destination | Patient 1/1 RFC-3881 "2" CX ×2, then the Query object as above                   |
//! | ITI-38 IG         | 110112  | E      | Source      | Patient 1/1 CX; Query 2/24 ITI-38, stored query UUID, base64 AdhocQueryRequest, `QueryEncoding`, `urn:ihe:iti:xca:2010:homeCommunityId` |
//! | ITI-38 RG         | 110112  | E      | Destination | idem                                                                            |
//! | ITI-18 IG answers | 110112  | E      | Destination | Query 2/24 ITI-18, `QueryEncoding` only (no home)                               |
//! | ITI-39 IG         | 110107  | C      | Source      | Document 2/3 RFC-3881 "9" DocumentUniqueId, `Repository Unique ID`, `ihe:homeCommunityID` ×2; Patient 0..1 |
//! | ITI-39 RG         | 110106  | R      | Destination | Document ×2 as above                                                            |
//! | ITI-43 IG answers | 110106  | R      | Destination | Document                                                                        |
//! | ITI-43 RG calls   | 110107  | C      | Source      | Document                                                                        |
//! | ITI-56 IG         | 110112  | E      | Source      | Query 2/24 ITI-56                                                               |
//!
//! Human requestor (XUA): one more ActiveParticipant with UserID, UserName,
//! UserIsRequestor=true and the role codes, between Source and Destination.
//! Plus (in `sample_tests.rs`): the ITI-55 RG record built from the IPF sample's values
//! equals the sample element for element, attribute for attribute, in order.

use super::*;
use crate::model::AuditMessage;
use std::time::{Duration, UNIX_EPOCH};
use xcgate_ihe::retrieve::base64;
use xcgate_ihe::xml::{Element, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PID: &str = "4242";
const HOME: &str = "urn:oid:1.2.3.4.5";

fn event(t: Transaction, role: Role) -> AuditEvent {
    AuditEvent::new(
        t,
        role,
        Outcome::Success,
        Peer::new("http://www.w3.org/2005/08/addressing/anonymous", "10.1.2.3"),
        Peer::new("https://rg.example.org/xca", "rg.example.org"),
        application_server_source("xcgate-test", Some("SITE")),
    )
    .process_id(PID)
    .time(UNIX_EPOCH + Duration::from_millis(1_584_628_684_293))
}

fn xcpd_query() -> QueryParameters {
    QueryParameters::Xcpd {
        query_id: "123@1.2.3".to_string(),
        query_by_parameter: b"<queryByParameter>\n</queryByParameter>".to_vec(),
        home_community_id: HOME.to_string(),
    }
}

fn stored_query(home: Option<&str>) -> QueryParameters {
    QueryParameters::StoredQuery {
        stored_query_id: "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d".to_string(),
        adhoc_query_request: b"<query:AdhocQueryRequest/>".to_vec(),
        encoding: "UTF-8".to_string(),
        home_community_id: home.map(str::to_string),
    }
}

fn document(n: u32) -> DocumentObject {
    DocumentObject {
        document_unique_id: format!("1.2.3.99.{n}"),
        repository_unique_id: "1.2.3.7".to_string(),
        home_community_id: Some(HOME.to_string()),
    }
}

/// Write, check it is one line, parse back.
fn xml(message: &AuditMessage) -> Result<Element, Box<dyn std::error::Error>> {
    let text = message.to_xml();
    assert!(!text.contains('\n') && !text.contains('\r'), "one line");
    Ok(parse(text.as_bytes())?)
}

fn children<'a>(root: &'a Element, name: &'a str) -> Vec<&'a Element> {
    root.children_named("", name).collect()
}

fn coded(el: Option<&Element>, code: &str, system: &str, text: &str) {
    let el = el.map(|e| {
        (
            e.attr("csd-code").unwrap_or_default().to_string(),
            e.attr("codeSystemName").unwrap_or_default().to_string(),
            e.attr("originalText").unwrap_or_default().to_string(),
        )
    });
    assert_eq!(
        Some((code.to_string(), system.to_string(), text.to_string())),
        el
    );
}

/// The fields common to every row.
fn common(
    root: &Element,
    t: &str,
    name: &str,
    event_id: (&str, &str),
    action: &str,
    pid_on_source: bool,
) {
    let ev = root.child("", "EventIdentification");
    assert_eq!(Some(action), ev.and_then(|e| e.attr("EventActionCode")));
    assert_eq!(Some("0"), ev.and_then(|e| e.attr("EventOutcomeIndicator")));
    assert_eq!(
        Some("2020-03-19T14:38:04.293Z"),
        ev.and_then(|e| e.attr("EventDateTime"))
    );
    coded(
        ev.and_then(|e| e.child("", "EventID")),
        event_id.0,
        "DCM",
        event_id.1,
    );
    coded(
        ev.and_then(|e| e.child("", "EventTypeCode")),
        t,
        "IHE Transactions",
        name,
    );
    let ap = children(root, "ActiveParticipant");
    let (source, destination) = (ap[0], ap[ap.len() - 1]);
    coded(
        source.child("", "RoleIDCode"),
        "110153",
        "DCM",
        "Source Role ID",
    );
    coded(
        destination.child("", "RoleIDCode"),
        "110152",
        "DCM",
        "Destination Role ID",
    );
    assert_eq!(Some("true"), source.attr("UserIsRequestor"));
    assert_eq!(Some("false"), destination.attr("UserIsRequestor"));
    assert_eq!(Some("10.1.2.3"), source.attr("NetworkAccessPointID"));
    assert_eq!(Some("2"), source.attr("NetworkAccessPointTypeCode"));
    assert_eq!(
        Some("https://rg.example.org/xca"),
        destination.attr("UserID")
    );
    assert_eq!(Some("1"), destination.attr("NetworkAccessPointTypeCode"));
    let (here, there) = if pid_on_source {
        (source, destination)
    } else {
        (destination, source)
    };
    assert_eq!(Some(PID), here.attr("AlternativeUserID"));
    assert_eq!(None, there.attr("AlternativeUserID"));
    let src = root.child("", "AuditSourceIdentification");
    assert_eq!(
        Some("xcgate-test"),
        src.and_then(|s| s.attr("AuditSourceID"))
    );
    assert_eq!(
        Some("SITE"),
        src.and_then(|s| s.attr("AuditEnterpriseSiteID"))
    );
}

fn detail(object: &Element, detail_type: &str) -> Option<Vec<u8>> {
    object
        .children_named("", "ParticipantObjectDetail")
        .find(|d| d.attr("type") == Some(detail_type))
        .and_then(|d| d.attr("value"))
        .and_then(|v| base64::decode(v).ok())
}

fn type_codes(object: &Element) -> (Option<&str>, Option<&str>) {
    (
        object.attr("ParticipantObjectTypeCode"),
        object.attr("ParticipantObjectTypeCodeRole"),
    )
}

fn assert_patient(object: &Element, cx: &str) {
    assert_eq!((Some("1"), Some("1")), type_codes(object));
    assert_eq!(Some(cx), object.attr("ParticipantObjectID"));
    coded(
        object.child("", "ParticipantObjectIDTypeCode"),
        "2",
        "RFC-3881",
        "Patient Number",
    );
}

fn assert_query(object: &Element, t: &str, name: &str, id: &str, raw: &[u8]) -> TestResult {
    assert_eq!((Some("2"), Some("24")), type_codes(object));
    assert_eq!(Some(id), object.attr("ParticipantObjectID"));
    coded(
        object.child("", "ParticipantObjectIDTypeCode"),
        t,
        "IHE Transactions",
        name,
    );
    let query = object
        .child("", "ParticipantObjectQuery")
        .map(Element::text)
        .unwrap_or_default();
    assert_eq!(raw, base64::decode(&query)?.as_slice());
    Ok(())
}

fn assert_document(object: &Element, n: u32) {
    assert_eq!((Some("2"), Some("3")), type_codes(object));
    assert_eq!(
        Some(format!("1.2.3.99.{n}").as_str()),
        object.attr("ParticipantObjectID")
    );
    coded(
        object.child("", "ParticipantObjectIDTypeCode"),
        "9",
        "RFC-3881",
        "Report Number",
    );
    assert_eq!(
        Some(b"1.2.3.7".to_vec()),
        detail(object, "Repository Unique ID")
    );
    assert_eq!(
        Some(HOME.as_bytes().to_vec()),
        detail(object, "ihe:homeCommunityID")
    );
}

#[test]
fn iti55_rows() -> TestResult {
    const NAME: &str = "Cross Gateway Patient Discovery";
    let ig = xml(&event(Transaction::Iti55, Role::Initiating)
        .query(xcpd_query())
        .build())?;
    common(&ig, "ITI-55", NAME, ("110112", "Query"), "E", true);
    let objects = children(&ig, "ParticipantObjectIdentification");
    assert_eq!(1, objects.len(), "the IG audits no patient");
    assert_query(
        objects[0],
        "ITI-55",
        NAME,
        "123@1.2.3",
        b"<queryByParameter>\n</queryByParameter>",
    )?;
    assert_eq!(
        Some(HOME.as_bytes().to_vec()),
        detail(objects[0], "ihe:homeCommunityID")
    );

    let rg = xml(&event(Transaction::Iti55, Role::Responding)
        .patient(&patient_cx("p1", "1.2.3"))
        .patient(&patient_cx("p2", "1.2.3"))
        .query(xcpd_query())
        .build())?;
    common(&rg, "ITI-55", NAME, ("110112", "Query"), "E", false);
    let objects = children(&rg, "ParticipantObjectIdentification");
    assert_eq!(3, objects.len());
    assert_patient(objects[0], "p1^^^&1.2.3&ISO");
    assert_patient(objects[1], "p2^^^&1.2.3&ISO");
    assert_query(
        objects[2],
        "ITI-55",
        NAME,
        "123@1.2.3",
        b"<queryByParameter>\n</queryByParameter>",
    )
}

#[test]
fn iti38_and_iti18_rows() -> TestResult {
    const NAME: &str = "Cross Gateway Query";
    for (role, pid_on_source) in [(Role::Initiating, true), (Role::Responding, false)] {
        let root = xml(&event(Transaction::Iti38, role)
            .patient(&patient_cx("p1", "1.2.3"))
            .query(stored_query(Some(HOME)))
            .build())?;
        common(
            &root,
            "ITI-38",
            NAME,
            ("110112", "Query"),
            "E",
            pid_on_source,
        );
        let objects = children(&root, "ParticipantObjectIdentification");
        assert_eq!(2, objects.len());
        assert_patient(objects[0], "p1^^^&1.2.3&ISO");
        let uuid = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d";
        assert_query(
            objects[1],
            "ITI-38",
            NAME,
            uuid,
            b"<query:AdhocQueryRequest/>",
        )?;
        assert_eq!(Some(b"UTF-8".to_vec()), detail(objects[1], "QueryEncoding"));
        assert_eq!(
            Some(HOME.as_bytes().to_vec()),
            detail(objects[1], "urn:ihe:iti:xca:2010:homeCommunityId")
        );
    }
    // The IG answering ITI-18 (XDS Affinity Domain option) audits as the Registry.
    let root = xml(&event(Transaction::Iti18, Role::Initiating)
        .query(stored_query(None))
        .build())?;
    common(
        &root,
        "ITI-18",
        "Registry Stored Query",
        ("110112", "Query"),
        "E",
        false,
    );
    let objects = children(&root, "ParticipantObjectIdentification");
    assert_eq!(1, objects.len());
    assert_eq!(
        1,
        objects[0]
            .children_named("", "ParticipantObjectDetail")
            .count()
    );
    Ok(())
}

#[test]
fn iti39_and_iti43_rows() -> TestResult {
    const NAME: &str = "Cross Gateway Retrieve";
    let ig = xml(&event(Transaction::Iti39, Role::Initiating)
        .document(document(1))
        .document(document(2))
        .patient(&patient_cx("p1", "1.2.3"))
        .build())?;
    common(&ig, "ITI-39", NAME, ("110107", "Import"), "C", true);
    let objects = children(&ig, "ParticipantObjectIdentification");
    assert_eq!(3, objects.len());
    assert_patient(objects[0], "p1^^^&1.2.3&ISO");
    assert_document(objects[1], 1);
    assert_document(objects[2], 2);

    let rg = xml(&event(Transaction::Iti39, Role::Responding)
        .document(document(1))
        .document(document(2))
        .build())?;
    common(&rg, "ITI-39", NAME, ("110106", "Export"), "R", false);
    let objects = children(&rg, "ParticipantObjectIdentification");
    assert_eq!(2, objects.len());
    assert_document(objects[0], 1);
    assert_document(objects[1], 2);

    const RDS: &str = "Retrieve Document Set";
    let answered = xml(&event(Transaction::Iti43, Role::Initiating)
        .document(document(1))
        .build())?;
    common(&answered, "ITI-43", RDS, ("110106", "Export"), "R", false);
    let called = xml(&event(Transaction::Iti43, Role::Responding)
        .document(document(1))
        .build())?;
    common(&called, "ITI-43", RDS, ("110107", "Import"), "C", true);
    assert_document(children(&called, "ParticipantObjectIdentification")[0], 1);
    Ok(())
}

#[test]
fn iti56_row() -> TestResult {
    const NAME: &str = "Patient Location Query";
    let root = xml(&event(Transaction::Iti56, Role::Initiating)
        .query(xcpd_query())
        .build())?;
    common(&root, "ITI-56", NAME, ("110112", "Query"), "E", true);
    let objects = children(&root, "ParticipantObjectIdentification");
    assert_query(
        objects[0],
        "ITI-56",
        NAME,
        "123@1.2.3",
        b"<queryByParameter>\n</queryByParameter>",
    )
}

#[test]
fn human_requestor_and_one_line_escaping() -> TestResult {
    let message = event(Transaction::Iti38, Role::Initiating)
        .human_requestor(HumanRequestor {
            user_id: "alias<jo@example.org>".to_string(),
            user_name: Some("Jo \"Doc\"\nSmith".to_string()),
            roles: vec![CodedValue::new("46255001", "SNOMED_CT", "Pharmacist")],
        })
        .outcome_description("line one\nline two\r\n\tend & <done>")
        .query(stored_query(Some(HOME)))
        .build();
    let root = xml(&message)?;
    let ap = children(&root, "ActiveParticipant");
    assert_eq!(3, ap.len(), "Source, human, Destination");
    assert_eq!(Some("alias<jo@example.org>"), ap[1].attr("UserID"));
    assert_eq!(Some("Jo \"Doc\"\nSmith"), ap[1].attr("UserName"));
    assert_eq!(Some("true"), ap[1].attr("UserIsRequestor"));
    assert_eq!(None, ap[1].attr("NetworkAccessPointID"));
    coded(
        ap[1].child("", "RoleIDCode"),
        "46255001",
        "SNOMED_CT",
        "Pharmacist",
    );
    let description = root
        .path("", &["EventIdentification", "EventOutcomeDescription"])
        .map(Element::text);
    assert_eq!(
        Some("line one\nline two\r\n\tend & <done>".to_string()),
        description
    );
    Ok(())
}
