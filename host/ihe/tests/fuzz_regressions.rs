//! Inputs that once broke a fuzz target (`fuzz/`), minimised with `cargo fuzz tmin`. Each
//! must now be handled without a panic, and the property the target checks must hold.

use xcgate_ihe::ebrs::AdhocQueryResponse;
use xcgate_ihe::soap;
use xcgate_ihe::xml::{self, XmlError};

/// fuzz/adhoc_query, crash-14d21a17 (minimised): a registry object holding an element
/// named `rim:Lourn:o` (two colons) and one named `rim:` (empty local name). The parser
/// took `Lourn:o` and `` as local names; the relayed object was then written back as
/// XML with an undeclared prefix `Lourn` and a nameless tag. Such names are not QNames
/// and are now refused when parsing.
const ADHOC_QNAME_TWO_COLONS: &[u8] = br#"<query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"><rim:RegistryObjectList xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:ExtrinsicObject id="ur7edca82f-bd68f01"><rim:Sme="serceStart.1" /><rim:Classification id="rn:ue7-4a522d:20">:Slot><rim:Name><rim:Lourn:o /></rim:Name><rim:/></rim:Classification><rim:ExternalIdentifier id="urn:uui009.1.2.240ab6"><nName="1.1" /></rim:ExternalIdentifier></rim:ExtrinsicObject></rim:RegistryObjectList></query:AdhocQueryResponse>"#;

/// What the adhoc_query target checks: whatever is accepted builds XML that parses again.
fn adhoc_round_trip(input: &[u8]) {
    let Ok(root) = xml::parse(input) else { return };
    let Ok(payload) = soap::payload(root) else {
        return;
    };
    if let Ok(r) = AdhocQueryResponse::parse(&payload) {
        for o in &r.objects {
            let out = o.to_standalone_xml();
            assert!(xml::parse(out.as_bytes()).is_ok(), "{out}");
        }
        let out = r.build();
        assert!(xml::parse(out.as_bytes()).is_ok(), "{out}");
    }
}

fn is_malformed(r: Result<xml::Element, XmlError>) -> bool {
    matches!(r, Err(XmlError::Malformed { .. }))
}

#[test]
fn adhoc_query_name_with_two_colons_is_refused() {
    assert!(is_malformed(xml::parse(ADHOC_QNAME_TWO_COLONS)));
    adhoc_round_trip(ADHOC_QNAME_TWO_COLONS);
}

#[test]
fn names_that_are_not_qnames_are_refused() {
    for bad in [
        &br#"<a xmlns:p="urn:x"><p:b:c/></a>"#[..],
        br#"<a xmlns:p="urn:x"><p:/></a>"#,
        br#"<a><:b/></a>"#,
        br#"<a xmlns:p="urn:x" p:x:y="1"/>"#,
        br#"<a xmlns:p="urn:x" p:="1"/>"#,
    ] {
        // Malformed, or (`<:b/>`) an unbound empty prefix: refused either way.
        assert!(xml::parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
    }
    // Ordinary names still parse.
    let ok = xml::parse(br#"<a xmlns:p="urn:x" p:b="1" c="2"><p:d/><e/></a>"#).unwrap();
    assert_eq!(ok.count(), 3);
}
