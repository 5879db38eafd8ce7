//! The ITI-55 record compared with the IPF sample of the conformance corpus
//! (`atna/atna-iti55-audit-message-ipf.xml`, from oehf/ipf `commons/audit/src/test/resources/audit/xcpd.xml`).

use super::*;
use std::time::{Duration, UNIX_EPOCH};
use xcgate_ihe::retrieve::base64;
use xcgate_ihe::xml::{Element, Node, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The IPF sample rebuilt from its own values is the same tree (its empty
/// `EventOutcomeDescription` aside, which xcgate writes only with a text).
#[test]
fn iti55_matches_the_ipf_sample() -> TestResult {
    let Some(path) = xcgate_testkit::corpus::file("samples/atna/atna-iti55-audit-message-ipf.xml")
    else {
        return Ok(());
    };
    let mut sample = parse(&std::fs::read(path)?)?;
    let query = sample
        .children_named("", "ParticipantObjectIdentification")
        .filter_map(|o| o.child("", "ParticipantObjectQuery"))
        .map(Element::text)
        .next()
        .unwrap_or_default();
    for child in &mut sample.children {
        if let Node::Element(e) = child
            && e.local == "EventIdentification"
        {
            e.children
                .retain(|n| !matches!(n, Node::Element(x) if x.local == "EventOutcomeDescription"));
        }
    }
    let mut source = application_server_source("EHR_2019", Some("EHR_2019"));
    source.type_codes = vec![CodedValue::dcm("9", "Other")];
    let message = AuditEvent::new(
        Transaction::Iti55,
        Role::Responding,
        Outcome::Success,
        Peer::new("unknown", "127.0.0.1"),
        Peer::new("https://localhost:8444/mpi/ws/iti55Service", "localhost"),
        source,
    )
    .process_id("14756")
    .time(UNIX_EPOCH + Duration::from_millis(1_584_628_684_293))
    .patient("IHERED-1040^^^IHERED&1.3.6.1.4.1.21367.13.20.1000&ISO")
    .query(QueryParameters::Xcpd {
        query_id: "1523963781490@1.3.6.1.4.1.21367.2011.2.6.181".to_string(),
        query_by_parameter: base64::decode(&query)?,
        home_community_id: "1.3.6.1.4.1.21367.2011.2.6.181".to_string(),
    })
    .build();
    let written = message.to_xml();
    assert!(!written.contains('\n'), "one line");
    assert_eq!(sample, parse(written.as_bytes())?);
    Ok(())
}
