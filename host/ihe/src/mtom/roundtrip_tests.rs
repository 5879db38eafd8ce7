//! Building MTOM messages and reading them back: large attachments stay byte-exact and
//! are never copied, retrieve responses survive the trip, and bad input to the builder is
//! refused precisely.

use super::corpus_tests::within;
use super::*;
use crate::ebrs::ResponseStatus;
use crate::retrieve::{DocumentContent, DocumentResponse, RetrieveDocumentSetResponse};
use crate::soap;

fn wire(chunks: &[Bytes]) -> Bytes {
    let mut out = Vec::with_capacity(total_len(chunks));
    for c in chunks {
        out.extend_from_slice(c);
    }
    Bytes::from(out)
}

fn envelope_with(hrefs: &[&str]) -> String {
    let includes: String = hrefs
        .iter()
        .map(|h| {
            format!(
                r#"<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="{h}"/>"#
            )
        })
        .collect();
    soap::build_envelope("", &format!(r#"<D xmlns="urn:x">{includes}</D>"#))
}

#[test]
fn a_20_mib_attachment_round_trips_byte_exact_without_copies() {
    let big: Bytes = (0..20 * 1024 * 1024)
        .map(|i| i as u8)
        .collect::<Vec<u8>>()
        .into();
    let href = cid_href("doc1@xcgate");
    let (content_type, chunks) = MtomBuilder::new("urn:uuid:6f1c", envelope_with(&[&href]))
        .attachment("doc1@xcgate", "application/octet-stream", big.clone())
        .build()
        .unwrap();
    assert_eq!(
        content_type,
        "multipart/related; boundary=\"MIMEBoundary_xcgate_urn_uuid_6f1c\"; type=\"application/xop+xml\"; \
         start=\"<root.message@xcgate>\"; start-info=\"application/soap+xml\""
    );
    assert_eq!(chunks.len(), 5);
    assert_eq!(
        &chunks[0][..],
        b"--MIMEBoundary_xcgate_urn_uuid_6f1c\r\n\
          Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n\
          Content-Transfer-Encoding: binary\r\n\
          Content-ID: <root.message@xcgate>\r\n\r\n"
    );
    assert_eq!(
        chunks[3].as_ptr(),
        big.as_ptr(),
        "the builder passes the attachment through"
    );
    assert_eq!(
        &chunks[4][..],
        b"\r\n--MIMEBoundary_xcgate_urn_uuid_6f1c--\r\n"
    );

    let body = wire(&chunks);
    assert_eq!(body.len(), total_len(&chunks));
    let mp = parse_multipart(&content_type, body.clone()).unwrap();
    assert_eq!(mp.root().content_id(), Some(ROOT_CONTENT_ID));
    assert_eq!(mp.root().transfer_encoding(), Some("binary"));
    let doc = mp.attachment(&href).unwrap();
    assert_eq!(doc.len(), big.len());
    assert!(doc == big, "byte-exact");
    assert!(
        within(&doc, &body),
        "the parsed attachment is a slice of the received buffer"
    );
    let resolved = mp.resolve_xop().unwrap();
    assert_eq!(resolved.get(&href).map(|b| b.as_ptr()), Some(doc.as_ptr()));
}

fn document(id: &str, href: &str) -> DocumentResponse {
    DocumentResponse {
        home_community_id: Some("urn:oid:2.999.1".into()),
        repository_unique_id: "2.999.1.5".into(),
        document_unique_id: id.into(),
        new_repository_unique_id: None,
        new_document_unique_id: None,
        mime_type: "application/pdf".into(),
        document: DocumentContent::XopInclude { href: href.into() },
        extensions: Vec::new(),
    }
}

#[test]
fn a_retrieve_response_round_trips_through_mtom() {
    let mut response = RetrieveDocumentSetResponse::new(ResponseStatus::Success);
    let first = cid_href("1.urn:uuid:aa@xcgate");
    // Written URL-encoded, as CONNECT does; the builder and the reader decode it.
    let second = "cid:2.urn%3Auuid%3Abb@xcgate";
    response.documents = vec![
        document("2.999.1.5.1", &first),
        document("2.999.1.5.2", second),
    ];
    let envelope = soap::build_envelope(
        "<wsa:Action>urn:ihe:iti:2007:CrossGatewayRetrieveResponse</wsa:Action>",
        &response.build(),
    );
    let pdf = Bytes::from_static(
        b"%PDF-1.7\r\n--MIMEBoundary_xcgate_m1\r\nnot a delimiter: no copy check",
    );
    let cda = Bytes::from_static(b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>");
    let (content_type, chunks) = MtomBuilder::new("m1", envelope)
        .action("urn:ihe:iti:2007:CrossGatewayRetrieveResponse")
        .attachment("<1.urn:uuid:aa@xcgate>", "application/pdf", pdf.clone())
        .attachment("2.urn:uuid:bb@xcgate", "text/xml", cda.clone())
        .build()
        .unwrap();
    // The PDF holds `--` + the first boundary, so a numbered one is used.
    let ct = ContentType::parse(&content_type).unwrap();
    assert_eq!(ct.boundary(), Some("MIMEBoundary_xcgate_m1_1"));
    assert_eq!(
        ct.action(),
        Some("urn:ihe:iti:2007:CrossGatewayRetrieveResponse")
    );
    assert_eq!(ct.start(), Some("<root.message@xcgate>"));

    let body = wire(&chunks);
    let mp = parse_multipart(&content_type, body.clone()).unwrap();
    let resolved = mp.resolve_xop().unwrap();
    assert_eq!(resolved.len(), 2);
    let root = mp.root().body().clone();
    let parsed =
        RetrieveDocumentSetResponse::parse(&soap::parse_envelope(&root).unwrap().body).unwrap();
    assert_eq!(parsed, response);
    for (doc, want) in parsed.documents.iter().zip([&pdf, &cda]) {
        let bytes = resolved.document_bytes(&doc.document).unwrap();
        assert_eq!(&bytes, want);
        assert!(within(&bytes, &body));
    }
    assert_eq!(mp.parts()[2].content_type(), Some("text/xml"));

    // Inlined, the same response carries the same bytes as base64.
    let inlined = inline_xop_as_base64(&root, &mp).unwrap();
    let inline =
        RetrieveDocumentSetResponse::parse(&soap::parse_envelope(inlined.as_bytes()).unwrap().body)
            .unwrap();
    let inline: Vec<_> = inline
        .documents
        .iter()
        .map(|d| d.document.inline().unwrap().to_vec())
        .collect();
    assert_eq!(inline, [pdf.to_vec(), cda.to_vec()]);
    let bytes = resolved
        .document_bytes(&DocumentContent::Inline(b"abc".to_vec()))
        .unwrap();
    assert_eq!(&bytes[..], b"abc");
}

#[test]
fn a_message_without_attachments_is_still_mtom() {
    let (content_type, chunks) = MtomBuilder::new("", envelope_with(&[])).build().unwrap();
    assert!(content_type.contains("boundary=\"MIMEBoundary_xcgate_\""));
    let mp = parse_multipart(&content_type, wire(&chunks)).unwrap();
    assert_eq!(mp.parts().len(), 1);
    assert!(mp.resolve_xop().unwrap().is_empty());
    crate::xml::parse(mp.root().body()).unwrap();
}

#[test]
fn boundaries_are_derived_from_the_seed_and_avoid_the_content() {
    let long_seed = "x".repeat(100);
    let (content_type, _) = MtomBuilder::new(&long_seed, envelope_with(&[]))
        .build()
        .unwrap();
    let boundary = ContentType::parse(&content_type)
        .unwrap()
        .boundary()
        .unwrap()
        .to_string();
    assert_eq!(
        boundary.len(),
        70,
        "RFC 2046 caps boundaries at 70 characters"
    );
    let (again, _) = MtomBuilder::new(&long_seed, envelope_with(&[]))
        .build()
        .unwrap();
    assert_eq!(again, content_type, "deterministic");

    let every: String = (0..16)
        .map(|i| {
            if i == 0 {
                "--MIMEBoundary_xcgate_s\n".to_string()
            } else {
                format!("--MIMEBoundary_xcgate_s_{i}\n")
            }
        })
        .collect();
    let href = cid_href("d");
    let err = MtomBuilder::new("s", envelope_with(&[&href]))
        .attachment("d", "text/plain", Bytes::from(every))
        .build()
        .unwrap_err();
    assert_eq!(err, MtomError::BoundaryInContent("s".into()));
}

#[test]
fn bad_builder_input_is_refused_precisely() {
    let env = || envelope_with(&["cid:a"]);
    let body = || Bytes::from_static(b"x");
    let build = |b: MtomBuilder| b.build().unwrap_err();
    assert_eq!(
        build(MtomBuilder::new("s", env())),
        MtomError::MissingCid("cid:a".into())
    );
    assert_eq!(
        build(MtomBuilder::new("s", envelope_with(&["urn:a"])).attachment("a", "t/x", body())),
        MtomError::NotCidHref("urn:a".into())
    );
    assert_eq!(
        build(
            MtomBuilder::new("s", env())
                .attachment("a", "t/x", body())
                .attachment("<a>", "t/x", body())
        ),
        MtomError::DuplicateContentId("a".into())
    );
    assert_eq!(
        build(MtomBuilder::new("s", env()).attachment(ROOT_CONTENT_ID, "t/x", body())),
        MtomError::DuplicateContentId(ROOT_CONTENT_ID.into())
    );
    let injected = build(MtomBuilder::new("s", env()).attachment("a", "t/x\r\nX-Evil: 1", body()));
    assert_eq!(
        injected,
        MtomError::InvalidHeaderValue {
            what: "attachment Content-Type",
            value: "t/x\r\nX-Evil: 1".into()
        }
    );
    assert!(matches!(
        build(MtomBuilder::new("s", env()).attachment("", "t/x", body())),
        MtomError::InvalidHeaderValue {
            what: "Content-ID",
            ..
        }
    ));
    assert!(matches!(
        build(
            MtomBuilder::new("s", env())
                .attachment("a", "t/x", body())
                .action("a\"b")
        ),
        MtomError::InvalidHeaderValue { what: "action", .. }
    ));
    assert_eq!(
        build(MtomBuilder::new("s", Bytes::from_static(b"<a>\xff</a>"))),
        MtomError::Xml(crate::xml::XmlError::NotUtf8 { offset: 3 })
    );
    assert_eq!(cid_href("<a b%&\"@x:y/z>"), "cid:a%20b%25%26%22@x:y/z");
}
