//! The raw MTOM captures of the shared corpus (`samples/iti39/*.txt`, `samples/mtom/*.txt`),
//! read in place from `XCGATE_CONFORMANCE_DIR` or `../shared/conformance`.

use super::xop::scan_includes;
use super::*;
use crate::retrieve::{DocumentContent, RetrieveDocumentSetResponse};
use crate::soap;
use crate::xml::{self, XmlError};
use std::path::PathBuf;

/// The samples folder, or `None` (a loud skip outside CI, a failure under `CI=true`).
fn samples() -> Option<PathBuf> {
    xcgate_testkit::corpus::dir().map(|d| d.join("samples"))
}

/// True when `inner` lies inside `outer`'s memory: a slice, not a copy.
pub(super) fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

struct Expect {
    file: &'static str,
    /// A full HTTP capture (else a body that starts with its first delimiter).
    raw_http: bool,
    parts: usize,
    root_cid: &'static str,
    includes: usize,
    /// The root is declared UTF-8 but is not: the XML parser must say so.
    not_utf8: bool,
    /// An ITI-39 response whose documents are all xop:Includes.
    retrieve_documents: Option<usize>,
}

const TABLE: &[Expect] = &[
    Expect {
        file: "iti39/iti39-request-nhn-mtom-multipart.txt",
        raw_http: false,
        parts: 1,
        root_cid: "0.dab1d70f258a850f06f926ab5645aaa9111f017d951cfe8d@apache.org",
        includes: 0,
        not_utf8: true,
        retrieve_documents: None,
    },
    Expect {
        file: "iti39/iti39-response-metriport-mtom-binary.txt",
        raw_http: false,
        parts: 2,
        root_cid: "http://tempuri.org/0",
        includes: 1,
        not_utf8: false,
        retrieve_documents: Some(1),
    },
    Expect {
        file: "iti39/iti39-response-metriport-mtom-multi.txt",
        raw_http: false,
        parts: 3,
        root_cid: "http://tempuri.org/0",
        includes: 2,
        not_utf8: false,
        retrieve_documents: Some(2),
    },
    Expect {
        file: "iti39/iti39-response-metriport-mtom-xml.txt",
        raw_http: false,
        parts: 2,
        root_cid: "0.urn:uuid:2a28fe28-cd7d-44f9-88dd-0ab2a2d80073",
        includes: 1,
        not_utf8: false,
        retrieve_documents: Some(1),
    },
    Expect {
        file: "mtom/mtom-iti41-request-nist-raw-http.txt",
        raw_http: true,
        parts: 2,
        root_cid: "0.urn:uuid:3D4B161591CD1DEC0C1286850962203@apache.org",
        includes: 1,
        not_utf8: false,
        retrieve_documents: None,
    },
];

fn parse_sample(e: &Expect, raw: &[u8]) -> (Multipart, Bytes) {
    if e.raw_http {
        let http = parse_raw_http(raw).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert!(http.start_line.starts_with("POST "), "{}", e.file);
        let body = Bytes::copy_from_slice(http.body);
        let mp = parse_multipart(&http.content_type, body.clone())
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
        (mp, body)
    } else {
        let body = Bytes::copy_from_slice(raw);
        let mp = parse_headerless(body.clone()).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        (mp, body)
    }
}

#[test]
fn every_raw_capture_parses_and_its_xop_includes_resolve() {
    let Some(dir) = samples() else { return };
    let mut seen = Vec::new();
    for folder in ["iti39", "mtom"] {
        for entry in std::fs::read_dir(dir.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "txt") {
                seen.push(format!(
                    "{folder}/{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    seen.sort();
    let mut listed: Vec<String> = TABLE.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(seen, listed, "the test table must list every raw capture");

    for e in TABLE {
        let raw = std::fs::read(dir.join(e.file)).unwrap();
        let (mp, body) = parse_sample(e, &raw);
        let name = e.file;
        assert_eq!(mp.parts().len(), e.parts, "{name}: parts");
        assert_eq!(mp.root().content_id(), Some(e.root_cid), "{name}: root");
        for part in mp.parts() {
            assert!(within(part.body(), &body), "{name}: part bodies are slices");
            let ct = part
                .content_type()
                .unwrap_or_else(|| panic!("{name}: no Content-Type"));
            ContentType::parse(ct).unwrap_or_else(|err| panic!("{name}: {ct}: {err}"));
        }
        let root_type = ContentType::parse(mp.root().content_type().unwrap()).unwrap();
        assert_eq!(root_type.mime, "application/xop+xml", "{name}");
        assert!(
            root_type.charset().unwrap().eq_ignore_ascii_case("utf-8"),
            "{name}"
        );

        let root = mp.root().body().clone();
        let lossy = String::from_utf8_lossy(&root);
        assert_eq!(
            scan_includes(&lossy).unwrap().len(),
            e.includes,
            "{name}: includes"
        );
        let attachments = mp
            .resolve_xop()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(attachments.len(), e.includes, "{name}: resolved");
        for (href, bytes) in attachments.iter() {
            assert!(!bytes.is_empty(), "{name}: {href} is empty");
            assert!(within(bytes, &body), "{name}: {href} was copied");
            assert_eq!(mp.attachment(href).as_ref(), Some(bytes), "{name}: {href}");
        }

        if e.not_utf8 {
            let err = xml::parse(&root).expect_err(name);
            let XmlError::NotUtf8 { offset } = err else {
                panic!("{name}: expected an encoding error, got {err}");
            };
            assert!(
                root[offset] >= 0x80,
                "{name}: the offset names the bad byte"
            );
            assert!(err.to_string().contains("not UTF-8"), "{name}: {err}");
            let inline = inline_xop_as_base64(&root, &mp).unwrap_err();
            assert_eq!(
                inline,
                MtomError::Xml(XmlError::NotUtf8 { offset }),
                "{name}"
            );
            assert!(inline.to_string().contains("not UTF-8"), "{name}: {inline}");
            continue;
        }
        xml::parse(&root).unwrap_or_else(|err| panic!("{name}: {err}"));
        let inlined =
            inline_xop_as_base64(&root, &mp).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(
            !inlined.contains("2004/08/xop/include\""),
            "{name}: an Include is left"
        );
        xml::parse(inlined.as_bytes()).unwrap_or_else(|err| panic!("{name} inlined: {err}"));

        let Some(count) = e.retrieve_documents else {
            continue;
        };
        let envelope = soap::parse_envelope(&root).unwrap_or_else(|err| panic!("{name}: {err}"));
        let response = RetrieveDocumentSetResponse::parse(&envelope.body)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(response.documents.len(), count, "{name}: documents");
        let inline = soap::parse_envelope(inlined.as_bytes()).unwrap().body;
        let inline = RetrieveDocumentSetResponse::parse(&inline).unwrap();
        for (doc, inline_doc) in response.documents.iter().zip(&inline.documents) {
            let DocumentContent::XopInclude { href } = &doc.document else {
                panic!("{name}: {} is not an xop:Include", doc.document_unique_id);
            };
            let bytes = attachments.document_bytes(&doc.document).unwrap();
            assert!(!bytes.is_empty(), "{name}: {href}");
            assert!(within(&bytes, &body), "{name}: {href} was copied");
            assert_eq!(
                inline_doc.document.inline(),
                Some(&bytes[..]),
                "{name}: inlined"
            );
        }
    }
}

#[test]
fn the_nist_capture_carries_every_content_type_parameter() {
    let Some(dir) = samples() else { return };
    let raw = std::fs::read(dir.join("mtom/mtom-iti41-request-nist-raw-http.txt")).unwrap();
    let http = parse_raw_http(&raw).unwrap();
    assert_eq!(http.header("user-agent"), Some("Axis2"));
    let ct = ContentType::parse(&http.content_type).unwrap();
    assert!(ct.is_multipart_related());
    assert_eq!(
        ct.boundary(),
        Some("MIMEBoundaryurn_uuid_3D4B161591CD1DEC0C1286850962202")
    );
    assert_eq!(ct.root_type(), Some("application/xop+xml"));
    assert_eq!(
        ct.start(),
        Some("<0.urn:uuid:3D4B161591CD1DEC0C1286850962203@apache.org>")
    );
    assert_eq!(ct.start_info(), Some("application/soap+xml"));
    assert_eq!(
        ct.action(),
        Some("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b")
    );
    let mp = parse_multipart(&http.content_type, Bytes::copy_from_slice(http.body)).unwrap();
    let doc = mp
        .attachment("cid:1.urn:uuid:3D4B161591CD1DEC0C1286850962319@apache.org")
        .unwrap();
    assert!(doc.starts_with(b"Four score and seven years ago"));
    // The delimiter line's padding and line break are not part of the document.
    assert!(
        doc.ends_with(b"shall not perish from the earth."),
        "{:?}",
        doc.slice(doc.len() - 40..)
    );
}

#[test]
fn raw_http_captures_are_split_and_checked() {
    let capture = b"HTTP/1.1 200 OK\r\nContent-Type: multipart/related; boundary=b\r\nContent-Length: 17\r\n\r\n--b\r\n\r\nx\r\n--b--\r\ntrailing junk";
    let http = parse_raw_http(capture).unwrap();
    assert_eq!(http.start_line, "HTTP/1.1 200 OK");
    assert_eq!(http.body, b"--b\r\n\r\nx\r\n--b--\r\n");
    assert_eq!(
        parse_multipart(&http.content_type, Bytes::copy_from_slice(http.body))
            .unwrap()
            .parts()
            .len(),
        1
    );
    let short = b"POST / HTTP/1.1\nContent-Type: multipart/related\nContent-Length: 99\n\n--b";
    assert!(
        parse_raw_http(short)
            .unwrap_err()
            .to_string()
            .contains("Content-Length says 99")
    );
    let chunked = b"POST / HTTP/1.1\nContent-Type: x/y\nTransfer-Encoding: chunked\n\n";
    assert!(
        parse_raw_http(chunked)
            .unwrap_err()
            .to_string()
            .contains("chunked")
    );
    assert!(
        parse_raw_http(b"--b\r\n\r\n")
            .unwrap_err()
            .to_string()
            .contains("not an HTTP")
    );
    assert!(
        parse_raw_http(b"GET / HTTP/1.1\n\n")
            .unwrap_err()
            .to_string()
            .contains("no Content-Type")
    );
    assert_eq!(
        sniff_boundary(b"\r\n\r\n  \r\n"),
        Err(MtomError::NoBoundary)
    );
    assert_eq!(sniff_boundary(b"<soap/>"), Err(MtomError::NoBoundary));
}
