use super::*;

#[test]
fn namespaces_resolve_through_prefixes_and_defaults() {
    let el = parse(br#"<a xmlns="urn:x" xmlns:p="urn:p"><p:b p:k="1" k="2"/><c/></a>"#).unwrap();
    assert!(el.is("urn:x", "a"));
    let b = el.child("urn:p", "b").unwrap();
    assert_eq!(b.attr_ns("urn:p", "k"), Some("1"));
    assert_eq!(b.attr("k"), Some("2"));
    assert!(el.child("urn:x", "c").is_some());
}

#[test]
fn character_references_and_cdata_become_text() {
    let el = parse(b"<a>x&#65;&#x42;&lt;<![CDATA[<raw>]]></a>").unwrap();
    assert_eq!(el.text(), "xAB<<raw>");
}

#[test]
fn hostile_documents_are_refused() {
    assert_eq!(parse(b"<!DOCTYPE a><a/>").unwrap_err(), XmlError::DocType);
    assert_eq!(
        parse(b"<a>&ext;</a>").unwrap_err(),
        XmlError::UnknownEntity("ext".into())
    );
    assert_eq!(
        parse(b"<a b=\"&ext;\"/>").unwrap_err(),
        XmlError::UnknownEntity("ext".into())
    );
    assert_eq!(
        parse(b"<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>").unwrap_err(),
        XmlError::UnsupportedEncoding("EBCDIC".into())
    );
    assert!(matches!(
        parse(b"<a>\xd8</a>").unwrap_err(),
        XmlError::NotUtf8 { offset: 3 }
    ));
    assert_eq!(
        parse(b"<p:a/>").unwrap_err(),
        XmlError::UnboundPrefix("p".into())
    );
    assert_eq!(parse(b"<a/><b/>").unwrap_err(), XmlError::TrailingContent);
    assert!(matches!(
        parse(b"<a><b></a>").unwrap_err(),
        XmlError::Malformed { .. }
    ));
    assert!(matches!(
        parse(b"<a>").unwrap_err(),
        XmlError::Malformed { .. }
    ));
    assert_eq!(parse(b"  ").unwrap_err(), XmlError::NoRoot);
}

#[test]
fn depth_and_size_are_capped() {
    let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
    assert_eq!(parse(deep.as_bytes()).unwrap_err(), XmlError::TooDeep(128));
    let wide = format!("<r>{}</r>", "<e/>".repeat(50));
    let limits = ParseLimits {
        max_depth: 8,
        max_elements: 10,
    };
    assert_eq!(
        parse_with(wide.as_bytes(), limits).unwrap_err(),
        XmlError::TooManyElements(10)
    );
}

#[test]
fn latin1_and_utf16_documents_are_decoded_when_declared() {
    let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xe4kinen \xd8rsted</a>";
    assert_eq!(parse(latin1).unwrap().text(), "M\u{e4}kinen \u{d8}rsted");
    let mut utf16 = vec![0xff, 0xfe];
    for u in "<a>\u{e4}</a>".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    assert_eq!(parse(&utf16).unwrap().text(), "\u{e4}");
}
