//! Each transaction in each role writes its record, with the fields of its ITI TF-2 row.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_transaction_in_each_role_writes_its_audit_record() {
    let dir = TempDir::new("each");
    let gw = demo_with_journal(&dir).await;
    let journal = dir.journal();
    let (rg, ig) = (gw.responding_url(), gw.initiating_url());
    let mut seen = 0;
    let mut next = |journal: &Path| {
        let records = records_since(journal, seen);
        seen += records.len();
        records
    };

    // ITI-55, responding: one record; the patient returned (CX) and the query parameters
    // [TF2 3.55.5.1.2].
    let query = soap_client::demographic_query("audit-rg", "Virtanen", "Aino", "19900312");
    let request_qbp = find(&xml::parse(query.as_bytes()).unwrap(), "queryByParameter")
        .unwrap()
        .clone();
    let answer = soap_client::iti55(&rg, &query).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let r = &the_one(next(&journal), ["110112", "E", "ITI-55", "0"]);
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), ["PIR-1001^^^&2.999.1.10.1&ISO"]);
    let q = r.query();
    assert_eq!(q.attr("ParticipantObjectID"), Some("audit-rg@2.999.5"));
    assert_eq!(
        code(q.child("", "ParticipantObjectIDTypeCode").unwrap()),
        "ITI-55"
    );
    let audited_qbp = xml::parse(&query_bytes(q)).expect("the audited query is XML");
    assert_eq!(audited_qbp, request_qbp, "the query as sent");
    assert_eq!(
        details(q),
        [("ihe:homeCommunityID".to_string(), "2.999.1".to_string())]
    );

    // ITI-55, initiating: one record per community called, no patient [TF2 3.55.5.1.1].
    let query = soap_client::demographic_query("audit-ig", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&ig, &query).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let records = next(&journal);
    let mut called: Vec<String> = records
        .iter()
        .map(|r| r.destination().attr("UserID").unwrap().to_string())
        .collect();
    called.sort();
    assert_eq!(
        called,
        ["urn:oid:2.999.1.20", "urn:oid:2.999.1.30"],
        "one record per community called (in-process adapters are named by their id)"
    );
    for r in &records {
        assert_eq!(
            r.codes(),
            ("110112".into(), "E".into(), "ITI-55".into(), "0".into())
        );
        let community = r.destination().attr("UserID").unwrap();
        assert_peers(r, ANONYMOUS, community, true);
        assert_eq!(
            r.source().attr("NetworkAccessPointID"),
            Some(xcgate::config::hostname().as_str())
        );
        assert!(r.patients().is_empty(), "no patient: {}", r.line);
        let q = r.query();
        assert_eq!(q.attr("ParticipantObjectID"), Some("audit-ig@2.999.5"));
        assert_eq!(
            details(q),
            [(
                "ihe:homeCommunityID".to_string(),
                community.trim_start_matches("urn:oid:").to_string()
            )]
        );
    }

    // ITI-38, responding: patient and stored query [TF2 3.38.4.1.4, 3.18.5.1.2].
    let patient = "PIR-1001^^^&2.999.1.10.1&ISO";
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&rg, ITI38, "urn:uuid:audit-38-rg", &payload).await;
    let r = &the_one(next(&journal), ["110112", "E", "ITI-38", "0"]);
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), [patient]);
    assert_stored_query(r, &payload, "ITI-38", "urn:oid:2.999.1");

    // ITI-38, initiating: one record per community called, each naming that community.
    let patient = "UUS-2001^^^&2.999.1.20.1&ISO";
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&ig, ITI38, "urn:uuid:audit-38-ig", &payload).await;
    let records = next(&journal);
    assert!(!records.is_empty());
    for r in &records {
        assert_eq!(r.transaction(), "ITI-38");
        assert_eq!(r.codes().1, "E");
        let community = r.destination().attr("UserID").unwrap().to_string();
        assert!(community.starts_with("urn:oid:2.999.1."), "{}", r.line);
        assert_peers(r, ANONYMOUS, &community, true);
        assert_eq!(r.patients(), [patient]);
        assert_stored_query(r, &payload, "ITI-38", &community);
    }

    // ITI-39, responding: Export (110106, R) with the document [TF2 3.43.6.1.2].
    let doc = ("urn:oid:2.999.1.10", "2.999.1.10.3", "2.999.1.10.2.1");
    soap(
        &rg,
        ITI39,
        "urn:uuid:audit-39-rg",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let r = &the_one(next(&journal), ["110106", "R", "ITI-39", "0"]);
    assert_peers(r, ANONYMOUS, &rg, false);
    assert_remote_requester(r);
    assert_eq!(r.documents(), [document(doc)]);

    // ITI-39, initiating: Import (110107, C), one record for the community called.
    let doc = ("urn:oid:2.999.1.20", "2.999.1.20.3", "2.999.1.20.2.1");
    soap(
        &ig,
        ITI39,
        "urn:uuid:audit-39-ig",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let r = &the_one(next(&journal), ["110107", "C", "ITI-39", "0"]);
    assert_peers(r, ANONYMOUS, "urn:oid:2.999.1.20", true);
    assert_eq!(r.documents(), [document(doc)]);

    // ITI-18 from a local consumer on /initiating: recorded as answered here (the registry
    // of the XDS Affinity Domain option, ITI-18) and as ITI-38 per community called.
    let payload = soap_client::find_documents(patient, ReturnType::LeafClass);
    soap(&ig, ITI18, "urn:uuid:audit-18", &payload).await;
    let records = next(&journal);
    let (local, cross): (Vec<_>, Vec<_>) =
        records.iter().partition(|r| r.transaction() == "ITI-18");
    assert_eq!(local.len(), 1, "{records:#?}");
    assert!(!cross.is_empty(), "{records:#?}");
    let r = local[0];
    assert_eq!(
        r.codes(),
        ("110112".into(), "E".into(), "ITI-18".into(), "0".into())
    );
    assert_peers(r, ANONYMOUS, &ig, false);
    assert_remote_requester(r);
    assert_eq!(r.patients(), [patient]);
    assert_stored_query(r, &payload, "ITI-18", "urn:oid:2.999.1");
    for r in cross {
        assert_eq!(r.transaction(), "ITI-38", "{}", r.line);
        assert_peers(r, ANONYMOUS, r.destination().attr("UserID").unwrap(), true);
    }

    // ITI-43 from a local consumer: Export (ITI-43, answered here) and Import (ITI-39).
    soap(
        &ig,
        ITI43,
        "urn:uuid:audit-43",
        &soap_client::retrieve(&[doc]),
    )
    .await;
    let records = next(&journal);
    assert_eq!(records.len(), 2, "{records:#?}");
    let local = records
        .iter()
        .find(|r| r.transaction() == "ITI-43")
        .unwrap();
    assert_eq!(
        local.codes(),
        ("110106".into(), "R".into(), "ITI-43".into(), "0".into())
    );
    assert_peers(local, ANONYMOUS, &ig, false);
    assert_eq!(local.documents(), [document(doc)]);
    let cross = records
        .iter()
        .find(|r| r.transaction() == "ITI-39")
        .unwrap();
    assert_eq!(
        cross.codes(),
        ("110107".into(), "C".into(), "ITI-39".into(), "0".into())
    );
    assert_peers(cross, ANONYMOUS, "urn:oid:2.999.1.20", true);
    assert_eq!(cross.documents(), [document(doc)]);
}

/// The stored query object: id = the stored query UUID, IDTypeCode the transaction, the
/// AdhocQueryRequest as sent (base64), QueryEncoding and the homeCommunityId details.
fn assert_stored_query(r: &Record, payload: &str, transaction: &str, home: &str) {
    let q = r.query();
    assert_eq!(
        q.attr("ParticipantObjectID"),
        Some(FIND_DOCUMENTS),
        "{}",
        r.line
    );
    assert_eq!(
        code(q.child("", "ParticipantObjectIDTypeCode").unwrap()),
        transaction
    );
    let sent = xml::parse(soap_client::strip_declaration(payload).as_bytes()).unwrap();
    let audited = xml::parse(&query_bytes(q)).expect("the audited query is XML");
    assert_eq!(audited, sent, "the AdhocQueryRequest as sent: {}", r.line);
    assert_eq!(
        details(q),
        [
            ("QueryEncoding".to_string(), "UTF-8".to_string()),
            (
                "urn:ihe:iti:xca:2010:homeCommunityId".to_string(),
                home.to_string()
            ),
        ],
        "{}",
        r.line
    );
}

fn document((home, repository, id): (&str, &str, &str)) -> (String, Vec<(String, String)>) {
    (
        id.to_string(),
        vec![
            ("Repository Unique ID".to_string(), repository.to_string()),
            ("ihe:homeCommunityID".to_string(), home.to_string()),
        ],
    )
}
