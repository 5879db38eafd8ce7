//! Parsing fixtures written for these tests: Content-Type values, line-end and header
//! variants, href matching, and every error, plus hostile input that must not panic.

use super::corpus_tests::within;
use super::*;
use crate::xml;

const XOP_CT: &str = r#"multipart/related; boundary="b1"; type="application/xop+xml"; start="<root@x>"; start-info="application/soap+xml""#;

/// A response whose attachment comes first and whose root is named by `start`, with a
/// preamble and an epilogue.
fn crlf_message() -> String {
    [
        "preamble text, ignored\r\n",
        "--b1\r\n",
        "Content-Type: application/octet-stream\r\n",
        "Content-Transfer-Encoding: binary\r\n",
        "Content-ID: <doc1@x>\r\n",
        "\r\n",
        "%PDF-1.4 not really\r\n--b1x is not a delimiter\r\n",
        "--b1\r\n",
        "Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n",
        "Content-ID: <root@x>\r\n",
        "\r\n",
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><D xmlns="urn:x">"#,
        r#"<inc:Include xmlns:inc="http://www.w3.org/2004/08/xop/include" href="cid:doc1@x"/>"#,
        "</D></s:Body></s:Envelope>\r\n",
        "--b1--  \r\n",
        "epilogue, ignored\r\n",
    ]
    .concat()
}

#[test]
fn content_type_parameters_in_any_case_quoting_and_spacing() {
    let ct = ContentType::parse(
        r#" Multipart/Related ;TYPE = "application/xop+xml";start="<http://tempuri.org/0>";boundary=uuid:5ef8+id=1 ;Start-Info="application/soap+xml"; action="urn:a;b\"c";"#,
    )
    .unwrap();
    assert!(ct.is_multipart_related());
    assert_eq!(ct.boundary(), Some("uuid:5ef8+id=1"));
    assert_eq!(ct.root_type(), Some("application/xop+xml"));
    assert_eq!(ct.start(), Some("<http://tempuri.org/0>"));
    assert_eq!(ct.start_info(), Some("application/soap+xml"));
    assert_eq!(ct.action(), Some(r#"urn:a;b"c"#));
    assert_eq!(ContentType::parse("text/xml;").unwrap().params, vec![]);
    let part =
        ContentType::parse("application/xop+xml;charset=utf-8;type=\"application/soap+xml\"");
    assert_eq!(part.unwrap().charset(), Some("utf-8"));
    assert!(matches!(
        ContentType::parse("multipart"),
        Err(MtomError::Malformed { .. })
    ));
    let e = ContentType::parse(r#"multipart/related; boundary="open"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed MIME message: the Content-Type parameter `boundary` has an unterminated quoted string"
    );
}

#[test]
fn the_root_is_the_start_part_and_bodies_are_slices() {
    let body = Bytes::from(crlf_message());
    let mp = parse_multipart(XOP_CT, body.clone()).unwrap();
    assert_eq!(mp.parts().len(), 2);
    assert_eq!(mp.root().content_id(), Some("root@x"));
    assert!(mp.root().body().starts_with(b"<s:Envelope"));
    assert!(
        mp.root().body().ends_with(b"</s:Envelope>"),
        "CRLF before the delimiter is not content"
    );
    let doc = mp.attachment("cid:doc1@x").unwrap();
    assert_eq!(&doc[..], b"%PDF-1.4 not really\r\n--b1x is not a delimiter");
    assert!(within(&doc, &body) && within(mp.root().body(), &body));
    assert_eq!(mp.attachments().count(), 1);
    assert_eq!(
        mp.attachment("cid:root@x"),
        None,
        "the root is not an attachment"
    );
    let resolved = mp.resolve_xop().unwrap();
    assert_eq!(resolved.get("cid:doc1@x"), Some(&doc));
    let inlined = inline_xop_as_base64(mp.root().body(), &mp).unwrap();
    let expected = crate::retrieve::base64::encode(&doc);
    assert!(
        inlined.contains(&format!(r#"<D xmlns="urn:x">{expected}</D>"#)),
        "{inlined}"
    );
    xml::parse(inlined.as_bytes()).unwrap();
}

#[test]
fn lf_only_lower_case_headers_folding_and_a_dashed_boundary_parameter() {
    let msg = concat!(
        "\n--b2 \n",
        "content-type: application/xop+xml;\n\tcharset=UTF-8;\n  type=\"application/soap+xml\"\n",
        "content-id:<r>\n",
        "\n",
        "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body>",
        "<Include xmlns=\"http://www.w3.org/2004/08/xop/include\" href=\" cid:a \"></Include>",
        "</e:Body></e:Envelope>\n",
        "--b2\n",
        "CONTENT-ID: a\n",
        "content-transfer-encoding: BINARY\n",
        "\n",
        "line one\nline two\n\n",
        "--b2--",
    );
    // Declared with the leading dashes that the delimiter lines carry.
    let ct = "multipart/related; boundary=--b2; start=r";
    let mp = parse_multipart(ct, Bytes::from_static(msg.as_bytes())).unwrap();
    assert_eq!(mp.root().content_id(), Some("r"));
    assert_eq!(
        mp.root().content_type(),
        Some("application/xop+xml; charset=UTF-8; type=\"application/soap+xml\""),
        "folded lines are joined"
    );
    assert_eq!(
        mp.parts()[1].header("Content-Transfer-Encoding"),
        Some("BINARY")
    );
    assert_eq!(
        &mp.attachment("cid:a").unwrap()[..],
        b"line one\nline two\n"
    );
    let resolved = mp.resolve_xop().unwrap();
    assert_eq!(
        resolved.iter().map(|(h, _)| h).collect::<Vec<_>>(),
        ["cid:a"]
    );
    // The same body with the boundary declared as usual, and sniffed.
    assert!(
        parse_multipart(
            "multipart/related; boundary=b2",
            Bytes::from_static(msg.as_bytes())
        )
        .is_ok()
    );
    assert_eq!(sniff_boundary(msg.as_bytes()).unwrap(), "b2");
    // Delimiter lines without the dashes, as a last resort.
    let bare = Bytes::from_static(b"b3\r\n\r\n<x/>\r\nb3--\r\n");
    let mp = parse_multipart("multipart/related; boundary=b3", bare).unwrap();
    assert_eq!(&mp.root().body()[..], b"<x/>");
    assert_eq!(
        parse_headerless(Bytes::from_static(msg.as_bytes()))
            .unwrap()
            .root()
            .content_id(),
        Some("r")
    );
}

fn with_cid(content_id: &str, href: &str) -> Multipart {
    let msg = format!(
        "--b\r\nContent-ID: <r>\r\n\r\n<x:Include xmlns:x=\"http://www.w3.org/2004/08/xop/include\" href=\"{href}\"/>\r\n\
         --b\r\nContent-ID: <{content_id}>\r\n\r\nDATA\r\n--b--\r\n"
    );
    parse_multipart(
        "multipart/related; boundary=b; start=\"<r>\"",
        Bytes::from(msg),
    )
    .unwrap()
}

#[test]
fn cid_hrefs_are_url_decoded_then_matched_exactly_then_ignoring_case() {
    let id = "1.urn:uuid:83e0fc9b@urn:ihe:iti:xds-b:2007";
    let mp = with_cid(
        id,
        "cid:1.urn%3Auuid%3A83e0fc9b@urn%3Aihe%3Aiti%3Axds-b%3A2007",
    );
    assert_eq!(
        &mp.resolve_xop()
            .unwrap()
            .get("cid:1.urn%3Auuid%3A83e0fc9b@urn%3Aihe%3Aiti%3Axds-b%3A2007")
            .unwrap()[..],
        b"DATA"
    );
    assert_eq!(cid_from_href("CID:a%2Fb%zz%4"), Some("a/b%zz%4".into()));
    assert_eq!(cid_from_href("http://x"), None);
    // A Content-ID that itself contains `%` is matched as written.
    assert!(with_cid("a%3Ab", "cid:a%3Ab").resolve_xop().is_ok());
    // Case matters first, then is forgiven.
    let mp = with_cid("Doc@Example.ORG", "cid:Doc@example.org");
    assert!(mp.attachment("cid:Doc@example.org").is_some());
    let mp = with_cid("tempuri.org/1", "cid:tempuri.org%2F1");
    assert!(mp.attachment("cid:tempuri.org/1").is_some());
}

#[test]
fn a_missing_attachment_and_a_non_cid_href_are_named() {
    let mp = with_cid("present", "cid:absent%40x");
    assert_eq!(
        mp.resolve_xop().unwrap_err(),
        MtomError::MissingCid("cid:absent%40x".into())
    );
    let root = mp.root().body().clone();
    assert_eq!(
        inline_xop_as_base64(&root, &mp).unwrap_err(),
        MtomError::MissingCid("cid:absent%40x".into())
    );
    assert_eq!(
        MtomError::MissingCid("cid:a".into()).to_string(),
        "the xop:Include href `cid:a` names no attachment (no part has that Content-ID) [XOP 1.0 §2.1]"
    );
    let mp = with_cid("x", "http://example.org/x");
    assert_eq!(
        mp.resolve_xop().unwrap_err(),
        MtomError::NotCidHref("http://example.org/x".into())
    );
    let resolved = with_cid("x", "cid:x").resolve_xop().unwrap();
    let doc = crate::retrieve::DocumentContent::XopInclude {
        href: "cid:y".into(),
    };
    assert_eq!(
        resolved.document_bytes(&doc),
        Err(MtomError::MissingCid("cid:y".into()))
    );
}

#[test]
fn an_encoded_attachment_is_refused() {
    let msg = "--b\r\nContent-ID: <r>\r\n\r\n<x:Include xmlns:x=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:d\"/>\r\n\
               --b\r\nContent-ID: <d>\r\nContent-Transfer-Encoding: base64\r\n\r\nREFUQQ==\r\n--b--\r\n";
    let mp = parse_multipart(
        "multipart/related; boundary=b",
        Bytes::from_static(msg.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        mp.resolve_xop().unwrap_err(),
        MtomError::UnsupportedTransferEncoding {
            content_id: "d".into(),
            encoding: "base64".into()
        }
    );
}

#[test]
fn each_structural_error_is_typed() {
    let body = || Bytes::from(crlf_message());
    let err = |ct: &str, b: Bytes| parse_multipart(ct, b).unwrap_err();
    assert_eq!(
        err("text/xml; boundary=b1", body()),
        MtomError::NotMultipartRelated {
            found: "text/xml".into()
        }
    );
    assert_eq!(
        err("multipart/related; type=x", body()),
        MtomError::NoBoundary
    );
    assert_eq!(
        err("multipart/related; boundary=\"\"", body()),
        MtomError::NoBoundary
    );
    assert_eq!(
        err("multipart/related; boundary=zz", body()),
        MtomError::BoundaryNotFound {
            boundary: "zz".into()
        }
    );
    assert_eq!(
        err("multipart/related; boundary=b1; start=\"<nope>\"", body()),
        MtomError::RootNotFound {
            start: "<nope>".into()
        }
    );
    let truncated = body().slice(..crlf_message().find("--b1--").unwrap());
    let e = err(XOP_CT, truncated);
    assert!(e.to_string().contains("part 1 never ends"), "{e}");
    let e = err(
        "multipart/related; boundary=b",
        Bytes::from_static(b"--b\r\nno colon here\r\n\r\nx\r\n--b--"),
    );
    assert!(
        e.to_string()
            .contains("part 0: the header line `no colon here` has no `:`"),
        "{e}"
    );
    let e = err(
        "multipart/related; boundary=b",
        Bytes::from_static(b"--b--\r\n"),
    );
    assert!(matches!(e, MtomError::Malformed { .. }), "{e}");
    let many = format!("{}--b--", "--b\r\n\r\nx\r\n".repeat(5));
    let limits = MtomLimits {
        max_parts: 4,
        ..MtomLimits::default()
    };
    let ct = ContentType::parse("multipart/related; boundary=b").unwrap();
    assert_eq!(
        parse_multipart_with(&ct, Bytes::from(many.clone()), &limits).unwrap_err(),
        MtomError::TooManyParts(4)
    );
    assert_eq!(
        parse_multipart_with(&ct, Bytes::from(many), &MtomLimits::default())
            .unwrap()
            .parts()
            .len(),
        5
    );
    let long = format!("--b\r\nX-Long: {}\r\n\r\nx\r\n--b--", "y".repeat(20_000));
    assert_eq!(
        err("multipart/related; boundary=b", Bytes::from(long)),
        MtomError::HeadersTooLarge {
            part: 0,
            limit: 16 * 1024
        }
    );
}

#[test]
fn root_xml_errors_surface_as_xml_errors() {
    let doctype = "--b\r\n\r\n<!DOCTYPE x [<!ENTITY a \"b\">]><x/>\r\n--b--";
    let mp = parse_multipart(
        "multipart/related; boundary=b",
        Bytes::from_static(doctype.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        mp.resolve_xop().unwrap_err(),
        MtomError::Xml(xml::XmlError::DocType)
    );
    let open = "--b\r\n\r\n<x:Include xmlns:x=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:a\">\r\n--b--";
    let mp = parse_multipart(
        "multipart/related; boundary=b",
        Bytes::from_static(open.as_bytes()),
    )
    .unwrap();
    assert!(matches!(mp.resolve_xop(), Err(MtomError::Xml(_))));
    let no_href =
        "--b\r\n\r\n<x:Include xmlns:x=\"http://www.w3.org/2004/08/xop/include\"/>\r\n--b--";
    let mp = parse_multipart(
        "multipart/related; boundary=b",
        Bytes::from_static(no_href.as_bytes()),
    )
    .unwrap();
    assert!(
        mp.resolve_xop()
            .unwrap_err()
            .to_string()
            .contains("has no href")
    );
}

/// Every prefix of a valid message, and deterministic noise: errors, never panics.
#[test]
fn truncated_and_garbage_input_gives_errors_not_panics() {
    let msg = crlf_message();
    let full = Bytes::from(msg.clone());
    for n in 0..=full.len() {
        let prefix = full.slice(..n);
        if let Ok(mp) = parse_multipart(XOP_CT, prefix.clone()) {
            assert!(
                n >= msg.find("--b1--").unwrap(),
                "accepted a message cut at {n}"
            );
            let _ = mp.resolve_xop();
            let _ = inline_xop_as_base64(mp.root().body(), &mp);
        }
        let _ = parse_headerless(prefix.clone());
        let _ = parse_raw_http(&prefix);
        let _ = ContentType::parse(&XOP_CT[..n.min(XOP_CT.len())]);
    }
    let mut state: u32 = 0x1234_5678;
    for round in 0..300 {
        let len = (round * 7) % 400;
        let mut noise = Vec::with_capacity(len);
        for _ in 0..len {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            // Mostly characters that matter to the parser, so that it gets deep.
            let alphabet = b"-b1\r\n:<>\"; =%cid";
            noise.push(alphabet[(state >> 16) as usize % alphabet.len()]);
        }
        let noise = Bytes::from(noise);
        if let Ok(mp) = parse_multipart("multipart/related; boundary=b1", noise.clone()) {
            let _ = mp.resolve_xop();
        }
        let _ = parse_headerless(noise.clone());
        let _ = ContentType::parse(&String::from_utf8_lossy(&noise));
    }
}
