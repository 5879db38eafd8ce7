//! Every SAML assertion in the shared corpus is read, with concrete attribute values
//! checked; signed ones are verified trusting their own embedded certificate.

use crate::support::{R, Res, corpus_dir};
use std::path::{Path, PathBuf};
use std::time::Duration;
use xcgate_ihe::retrieve::base64;
use xcgate_xua::{AssertedUser, TrustedIssuers, XuaError, XuaPolicy, inspect, parse_unverified};

const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// The XML of a sample: the file itself, or the root part of a raw MTOM capture.
fn xml_of(path: &Path) -> Res<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "txt") {
        let start = find(&bytes, b"<?xml")
            .or_else(|| find(&bytes, b"<soap"))
            .ok_or("no XML part")?;
        let rest = &bytes[start..];
        let end = find(rest, b"\n--").unwrap_or(rest.len());
        return Ok(rest[..end].to_vec());
    }
    Ok(bytes)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// All samples that mention the SAML 2.0 assertion namespace.
fn saml_samples(dir: &Path) -> Res<Vec<PathBuf>> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(dir.join("samples"))? {
        let folder = folder?.path();
        if !folder.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&folder)? {
            let f = f?.path();
            if find(&std::fs::read(&f)?, SAML2.as_bytes()).is_some() {
                out.push(f);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn sample(dir: &Path, rel: &str) -> Res<AssertedUser> {
    let xml = xml_of(&dir.join("samples").join(rel))?;
    Ok(parse_unverified(&xml)?.ok_or(format!("{rel}: no assertion"))?)
}

#[test]
fn every_corpus_assertion_parses() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    let files = saml_samples(&dir)?;
    assert!(
        files.len() >= 5,
        "expected at least 5 SAML samples, found {files:?}"
    );
    for f in &files {
        let info = inspect(&xml_of(f)?)
            .map_err(|e| format!("{}: {e}", f.display()))?
            .ok_or(format!("{}: no assertion found", f.display()))?;
        assert!(
            !info.user.issuer.is_empty() && !info.user.assertion_id.is_empty(),
            "{}",
            f.display()
        );
        assert!(
            !info.user.subject_id.is_empty(),
            "{}: no subject-id",
            f.display()
        );
    }
    Ok(())
}

#[test]
fn connect_nhin_assertion_attributes() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    let u = sample(&dir, "xua/xua-saml-assertion-connect-nhin.xml")?;
    assert_eq!(u.assertion_id, "0a7e2d9f-7990-4bee-b6ca-e5bd31aa808c");
    assert_eq!(
        u.issuer,
        "CN=SAML User,OU=SU,O=SAML User,L=Los Angeles,ST=CA,C=US"
    );
    assert_eq!(u.name_id, "UID=Scenario 45 PDR-5.7");
    assert_eq!(u.subject_id, "Interop IT Testcase");
    assert_eq!(u.organization.as_deref(), Some("2.16.840.1.113883.3.424"));
    assert_eq!(
        u.organization_id.as_deref(),
        Some("2.16.840.1.113883.3.424")
    );
    assert_eq!(
        u.home_community_id.as_deref(),
        Some("2.16.840.1.113883.3.424")
    );
    assert_eq!(u.roles.len(), 1);
    assert_eq!(
        (u.roles[0].code.as_str(), u.roles[0].code_system.as_str()),
        ("46255001", "2.16.840.1.113883.6.96")
    );
    assert_eq!(u.roles[0].display.as_deref(), Some("Pharmacist"));
    assert_eq!(u.purpose_of_use.len(), 1, "NHIN PurposeForUse");
    assert_eq!(u.purpose_of_use[0].code, "OPERATIONS");
    assert_eq!(
        u.resource_id.as_deref(),
        Some("RI1.101.00043^^^&2.16.840.1.113883.3.424&ISO")
    );
    Ok(())
}

#[test]
fn ipf_assertion_attributes_skip_foreign_values() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    let xml = xml_of(&dir.join("samples/xua/xua-saml-assertion-ipf.xml"))?;
    let info = inspect(&xml)?.ok_or("no assertion")?;
    let u = &info.user;
    assert_eq!(u.issuer, "demo.com");
    assert_eq!(
        u.name_id, "lipse",
        "the Subject's NameID, not the one in SubjectConfirmation"
    );
    assert_eq!(
        u.subject_id, "Dr. Klaus-Peter Kohlrabi",
        "not the one in SubjectConfirmationData"
    );
    let roles: Vec<&str> = u.roles.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(roles, ["ELE", "HCP", "GYN"]);
    let purposes: Vec<&str> = u.purpose_of_use.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(purposes, ["12", "13", "14", "15"]);
    assert_eq!(
        u.resource_id.as_deref(),
        Some("543797436^^^&1.2.840.113619.6.197&ISO")
    );
    assert_eq!(info.audiences, ["http://blabla"]);
    assert!(info.signed && info.not_before.is_some() && info.not_on_or_after.is_some());
    Ok(())
}

#[test]
fn nhn_helseid_assertion_attributes_from_escaped_values() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    for rel in [
        "iti38/iti38-request-nhn-soap-saml.xml",
        "iti39/iti39-request-nhn-async-saml.xml",
    ] {
        let u = sample(&dir, rel)?;
        assert_eq!(u.issuer, "https://helseid-xdssaml.test.nhn.no", "{rel}");
        assert_eq!(u.subject_id, "KVART GREVLING");
        assert_eq!(u.organization.as_deref(), Some("VOSS HERAD"));
        assert_eq!(
            u.organization_id.as_deref(),
            Some("urn:oid:2.16.578.1.12.4.1.4.101^960510542")
        );
        assert_eq!(
            u.home_community_id.as_deref(),
            Some("2.16.578.1.12.4.1.7.1.1")
        );
        assert_eq!(u.roles.len(), 1, "xspa and xacml role carry the same code");
        assert_eq!(u.roles[0].code, "LE");
        assert_eq!(u.roles[0].code_system, "urn:oid:2.16.578.1.12.4.1.1.9060");
        let purposes: Vec<&str> = u.purpose_of_use.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(purposes, ["TREAT"], "purposeOfUse (camel case)");
        assert_eq!(
            u.resource_id.as_deref(),
            Some("29698496140^^^&2.16.578.1.12.4.1.4.1&ISO")
        );
    }
    let u = sample(&dir, "iti39/iti39-request-nhn-mtom-multipart.txt")?;
    assert_eq!(u.subject_id, "GRØNN VITS");
    assert_eq!(
        u.resource_id.as_deref(),
        Some("12119000465^^^&2.16.578.1.12.4.1.4.1&ISO")
    );
    Ok(())
}

#[test]
fn envelopes_with_security_but_no_assertion_have_none() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    for rel in [
        "iti55/iti55-response-metriport-match.xml",
        "iti38/iti38-request-nhn-async.xml",
    ] {
        let xml = xml_of(&dir.join("samples").join(rel))?;
        assert_eq!(parse_unverified(&xml)?, None, "{rel}");
    }
    Ok(())
}

/// The embedded signing certificate of a sample (first X509Certificate).
fn embedded_cert(xml: &[u8]) -> Res<Vec<u8>> {
    let text = String::from_utf8_lossy(xml);
    let start = text.find("X509Certificate>").ok_or("no certificate")? + "X509Certificate>".len();
    let end = start + text[start..].find('<').ok_or("unterminated certificate")?;
    Ok(base64::decode(&text[start..end]).map_err(|e| format!("{e:?}"))?)
}

/// Verify a corpus sample at one minute after its IssueInstant, trusting its own cert.
fn verify_sample(xml: &[u8]) -> Res<Result<(), XuaError>> {
    let info = inspect(xml)?.ok_or("no assertion")?;
    let at = info.issue_instant.ok_or("no IssueInstant")? + Duration::from_secs(60);
    let trusted = match embedded_cert(xml).map(|der| TrustedIssuers::from_der(vec![der.into()])) {
        Ok(Ok(t)) => t,
        _ => TrustedIssuers::default(),
    };
    Ok(
        xcgate_xua::verify_envelope(xml, XuaPolicy::Required, &trusted, at, Duration::ZERO)
            .map(|_| ()),
    )
}

/// White space between tags removed (undoing a pretty-printer), in the whole message.
fn unindented(xml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len());
    let mut i = 0;
    while i < xml.len() {
        out.push(xml[i]);
        if xml[i] == b'>' {
            let mut j = i + 1;
            while j < xml.len() && xml[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < xml.len() && xml[j] == b'<' {
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// What verification gives for each signed (or not) corpus assertion, as received and
/// with the pretty-printing undone, trusting the sample's own certificate at one minute
/// after its IssueInstant. `Ok` proves canonicalization and RSA-SHA256 byte-exact against
/// HelseID's signer; the failures are edits made to the samples after signing.
#[test]
fn corpus_signatures_verify_or_fail_precisely() -> R {
    let Some(dir) = corpus_dir() else {
        return Ok(());
    };
    type Expect = fn(&Result<(), XuaError>) -> bool;
    let ok: Expect = |r| r.is_ok();
    let failed_check: Expect = |r| matches!(r, Err(XuaError::FailedCheck(_)));
    let unsigned: Expect = |r| matches!(r, Err(XuaError::Unsigned));
    let cases: [(&str, Expect, Expect); 5] = [
        // Unindented MTOM root part (transcoded to ISO-8859-1 on the way): verifies.
        ("iti39/iti39-request-nhn-mtom-multipart.txt", ok, ok),
        // Pretty-printed after signing: verifies once the indentation is removed.
        ("iti39/iti39-request-nhn-async-saml.xml", failed_check, ok),
        // The same assertion as the async sample with one escaped value edited
        // (`xmlns` became `xmlns:xsi` in the `Purpose` value): never verifies.
        (
            "iti38/iti38-request-nhn-soap-saml.xml",
            failed_check,
            failed_check,
        ),
        // Edited test fixture (certificate elided to `MI ... mQ=`, values changed).
        ("xua/xua-saml-assertion-ipf.xml", failed_check, failed_check),
        (
            "xua/xua-saml-assertion-connect-nhin.xml",
            unsigned,
            unsigned,
        ),
    ];
    for (rel, as_received, unindented_expect) in cases {
        let xml = xml_of(&dir.join("samples").join(rel))?;
        let r = verify_sample(&xml)?;
        assert!(as_received(&r), "{rel} as received: {r:?}");
        let r = verify_sample(&unindented(&xml))?;
        assert!(unindented_expect(&r), "{rel} unindented: {r:?}");
    }
    Ok(())
}
