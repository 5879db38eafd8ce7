use super::*;

fn attachment(data: Option<&str>, url: Option<&str>) -> Attachment {
    Attachment {
        data: data.map(str::to_string),
        url: url.map(str::to_string),
        ..Attachment::default()
    }
}

#[test]
fn inline_data_is_decoded() {
    assert_eq!(
        source(&attachment(Some("aGVsbG8="), Some("Binary/x")), None),
        Ok(Source::Inline(b"hello".to_vec()))
    );
    assert!(source(&attachment(Some("***"), None), None).is_err());
}

#[test]
fn urls_must_stay_under_the_fhir_base() {
    let base = Some("http://fhir.test/R4");
    assert_eq!(
        source(&attachment(None, Some("Binary/42")), None),
        Ok(Source::Path("Binary/42".into()))
    );
    assert_eq!(
        source(
            &attachment(None, Some("http://fhir.test/R4/Binary/42")),
            base
        ),
        Ok(Source::Path("Binary/42".into()))
    );
    for (url, base) in [
        ("http://elsewhere.test/R4/Binary/42", base),
        ("http://fhir.test/R4/Binary/42", None),
        ("http://fhir.test/R4-other/Binary/42", base),
        ("/Binary/42", base),
        ("Binary/../../x", base),
        ("#contained", base),
    ] {
        assert!(source(&attachment(None, Some(url)), base).is_err(), "{url}");
    }
    assert!(source(&attachment(None, None), base).is_err());
}

#[test]
fn a_binary_read_gives_its_decoded_data_or_the_native_body() {
    let json = br#"{"resourceType":"Binary","contentType":"text/xml","data":"PGEvPg=="}"#.to_vec();
    assert_eq!(
        content_of(Some("application/fhir+json; charset=utf-8"), json),
        Ok((b"<a/>".to_vec(), Some("text/xml".into())))
    );
    assert_eq!(
        content_of(Some("application/pdf"), b"%PDF".to_vec()),
        Ok((b"%PDF".to_vec(), Some("application/pdf".into())))
    );
    let outcome = br#"{"resourceType":"OperationOutcome"}"#.to_vec();
    assert!(content_of(Some("application/fhir+json"), outcome).is_err());
}
