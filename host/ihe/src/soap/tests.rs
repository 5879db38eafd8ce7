use super::*;

const WSA_ENV: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">
 <s:Header>
  <a:Action s:mustUnderstand="1">
     urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery
  </a:Action>
  <a:MessageID>uuid:1234</a:MessageID>
  <x:Custom xmlns:x="urn:example" s:mustUnderstand="true"/>
  <x:Relaxed xmlns:x="urn:example" a:mustUnderstand="1"/>
 </s:Header>
 <s:Body><p:Thing xmlns:p="urn:example"/></s:Body>
</s:Envelope>"#;

#[test]
fn an_envelope_gives_its_payload_and_trimmed_addressing() {
    let env = parse_envelope(WSA_ENV.as_bytes()).unwrap();
    assert_eq!(env.body.local, "Thing");
    assert_eq!(
        env.addressing.action.as_deref(),
        Some("urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery")
    );
    assert_eq!(env.addressing.message_id.as_deref(), Some("uuid:1234"));
}

#[test]
fn only_soap_must_understand_headers_outside_the_known_namespaces_are_not_understood() {
    let env = parse_envelope(WSA_ENV.as_bytes()).unwrap();
    assert_eq!(
        env.not_understood(&[ns::WSA]),
        vec![("urn:example".to_string(), "Custom".to_string())]
    );
}

#[test]
fn soap_11_is_refused_as_a_version_mismatch() {
    let e = parse_envelope(br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>"#);
    assert_eq!(e.unwrap_err(), SoapError::Soap11);
}

#[test]
fn a_body_must_hold_exactly_one_element() {
    let two = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a/><b/></s:Body></s:Envelope>"#;
    assert_eq!(
        parse_envelope(two.as_bytes()).unwrap_err(),
        SoapError::MultipleBodyChildren(2)
    );
    let none = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body> </s:Body></s:Envelope>"#;
    assert_eq!(
        parse_envelope(none.as_bytes()).unwrap_err(),
        SoapError::EmptyBody
    );
}

#[test]
fn a_doctype_is_refused() {
    let evil = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>&a;</x></s:Body></s:Envelope>"#;
    assert_eq!(
        parse_envelope(evil.as_bytes()).unwrap_err(),
        SoapError::Xml(XmlError::DocType)
    );
}

#[test]
fn a_fault_round_trips() {
    let f = Fault::new(FaultCode::Sender, "bad <thing> & more")
        .with_subcode(ns::WSA, "ActionNotSupported");
    let text = f.to_envelope(Some("urn:uuid:1"));
    let env = parse_envelope(text.as_bytes()).unwrap();
    let back = Fault::from_element(&env.body).unwrap();
    assert_eq!(back.code, FaultCode::Sender);
    assert_eq!(back.reason, "bad <thing> & more");
    assert_eq!(back.subcode.unwrap().1, "ActionNotSupported");
    assert_eq!(env.addressing.relates_to.as_deref(), Some("urn:uuid:1"));
}
