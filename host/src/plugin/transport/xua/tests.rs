use super::*;

const ENV: &str = "http://www.w3.org/2003/05/soap-envelope";

fn forwarded() -> VerifiedAssertion {
    VerifiedAssertion {
        user: AssertedUser::default(),
        not_before: None,
        not_on_or_after: SystemTime::now(),
        audiences: Vec::new(),
        authn: None,
        raw: b"<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a\"/>"
            .to_vec(),
    }
}

fn apply(body: &str, content_type: &str) -> Result<String, String> {
    let out = Attach::Forward.apply(
        body.as_bytes().to_vec(),
        Some(content_type),
        Some(&forwarded()),
        "https://rg.example/xca",
    )?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

const SOAP: &str = "application/soap+xml; charset=utf-8";

#[test]
fn the_assertion_goes_first_in_an_existing_header() -> Result<(), String> {
    let body = format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"{ENV}\"><s:Header><a:Action xmlns:a=\"urn:wsa\">x</a:Action></s:Header><s:Body><q/></s:Body></s:Envelope>"
    );
    let out = apply(&body, SOAP)?;
    let header_at = out.find("<s:Header>").ok_or("no header")?;
    let security_at = out.find("<wsse:Security").ok_or("no security")?;
    let action_at = out.find("<a:Action").ok_or("no action")?;
    assert!(header_at < security_at && security_at < action_at, "{out}");
    assert!(
        out.contains("ID=\"_a\"/></wsse:Security><a:Action"),
        "{out}"
    );
    assert!(out.ends_with("<s:Body><q/></s:Body></s:Envelope>"), "{out}");
    Ok(())
}

#[test]
fn an_envelope_without_header_gets_one_before_its_body() -> Result<(), String> {
    let body =
        format!("<env:Envelope xmlns:env=\"{ENV}\"><env:Body><q/></env:Body></env:Envelope>");
    let out = apply(&body, SOAP)?;
    assert!(
        out.contains("<env:Header><wsse:Security")
            && out.contains("</wsse:Security></env:Header><env:Body>"),
        "{out}"
    );
    let default_ns = format!("<Envelope xmlns=\"{ENV}\"><Body/></Envelope>");
    let out = apply(&default_ns, SOAP)?;
    assert!(
        out.contains(&format!("<Envelope xmlns=\"{ENV}\"><Header><wsse:Security")),
        "{out}"
    );
    Ok(())
}

#[test]
fn an_empty_header_element_is_opened() -> Result<(), String> {
    let body = format!("<s:Envelope xmlns:s=\"{ENV}\"><s:Header/><s:Body/></s:Envelope>");
    let out = apply(&body, SOAP)?;
    assert!(out.contains("<s:Header><wsse:Security"), "{out}");
    assert!(
        out.contains("</wsse:Security></s:Header><s:Body/>"),
        "{out}"
    );
    assert!(!out.contains("<s:Header/>"), "{out}");
    Ok(())
}

#[test]
fn the_root_part_of_an_mtom_package_carries_it() -> Result<(), String> {
    let body = format!(
        "--b1\r\nContent-Type: application/xop+xml; type=\"application/soap+xml\"\r\nContent-ID: <root>\r\n\r\n<s:Envelope xmlns:s=\"{ENV}\"><s:Header></s:Header><s:Body/></s:Envelope>\r\n--b1\r\nContent-ID: <doc>\r\n\r\n<s:Header>not xml of ours</s:Header>\r\n--b1--\r\n"
    );
    let out = apply(
        &body,
        "multipart/related; type=\"application/xop+xml\"; boundary=\"b1\"; start=\"<root>\"",
    )?;
    assert_eq!(out.matches("<wsse:Security").count(), 1, "{out}");
    assert!(out.contains("<s:Header><wsse:Security"), "{out}");
    assert!(
        out.contains("<s:Header>not xml of ours</s:Header>"),
        "{out}"
    );
    Ok(())
}

#[test]
fn a_request_that_is_not_soap_is_refused() {
    let err = apply("{\"resourceType\":\"Bundle\"}", "application/fhir+json");
    assert!(
        matches!(&err, Err(m) if m.contains("not a SOAP 1.2 envelope")),
        "{err:?}"
    );
    let soap11 =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";
    let err = apply(soap11, SOAP);
    assert!(
        matches!(&err, Err(m) if m.contains("not a SOAP 1.2 envelope")),
        "{err:?}"
    );
}

#[test]
fn a_plugin_cannot_bring_its_own_security_header() {
    let body = format!(
        "<s:Envelope xmlns:s=\"{ENV}\"><s:Header><w:Security xmlns:w=\"{}\"/></s:Header><s:Body/></s:Envelope>",
        WSSE
    );
    let err = apply(&body, SOAP);
    assert!(
        matches!(&err, Err(m) if m.contains("wsse:Security")),
        "{err:?}"
    );
}

#[test]
fn nothing_is_attached_when_off_or_when_there_is_nothing_to_forward() -> Result<(), String> {
    let body = format!("<s:Envelope xmlns:s=\"{ENV}\"><s:Body/></s:Envelope>");
    let same = Attach::Nothing.apply(
        body.clone().into_bytes(),
        Some("text/plain"),
        Some(&forwarded()),
        "x",
    )?;
    assert_eq!(same, body.as_bytes());
    let same = Attach::Forward.apply(body.clone().into_bytes(), Some(SOAP), None, "x")?;
    assert_eq!(same, body.as_bytes());
    Ok(())
}
