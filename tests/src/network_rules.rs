//! What a network's responding gateway demands of the `wsse:Security` header of a request,
//! written from the specifications and not from xcgate's code:
//!
//! - **IHE** (XUA [ITI TF-2 3.40.4.1]): one signed SAML 2.0 assertion directly in
//!   `wsse:Security`.
//! - **eHealth Exchange** (NHIN Messaging Platform v3.0 and Authorization Framework v3.0,
//!   which the Carequality Query-Based Document Exchange Implementation Guide follows;
//!   WSS 1.1; WSS SAML Token Profile 1.1), as the networks' reference gateway checks it:
//!   - a `wsu:Timestamp` with `wsu:Id`, `Created` at most five minutes old and at most a
//!     minute in the future, `Expires` not passed;
//!   - the assertion: `ID` an NCName that does not start with a digit, `Issuer` and
//!     `NameID` in X509SubjectName or emailAddress format, a holder-of-key subject
//!     confirmation first, carrying a `ds:KeyInfo`; `Conditions`; an `AuthnStatement`
//!     with `AuthnInstant` and a class; an enveloped signature right after `Issuer`
//!     whose KeyInfo holds the X.509 certificate;
//!   - the attributes subject-id, organization, organization-id and
//!     `urn:nhin:names:saml:homeCommunityId` (both `urn:oid:`), role (an `hl7:CE` in SNOMED
//!     CT, 2.16.840.1.113883.6.96) and purposeofuse (an `hl7:CE` in the NHIN purpose of
//!     use code system, 2.16.840.1.113883.3.18.7.1);
//!   - a message `ds:Signature` directly in `wsse:Security`, after the assertion, whose
//!     SignedInfo references the Timestamp by its `wsu:Id` with exclusive c14n and
//!     RSA-SHA256 or ECDSA-SHA256, and whose KeyInfo is a `wsse:SecurityTokenReference`
//!     (TokenType SAMLV2.0) with a `KeyIdentifier` of ValueType SAMLID holding the
//!     assertion's `ID`.
//!
//! The signatures themselves are verified by an independent library (libxmlsec1, in
//! `tests/peers/wss_verify.py`); these rules check the structure, names and codes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use xcgate_ihe::xml::Element;

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const HL7: &str = "urn:hl7-org:v3";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const X509_NAME: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
const EMAIL_NAME: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const HOLDER_OF_KEY: &str = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
const SAML2_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
const SAML_ID: &str = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";
const SNOMED_CT: &str = "2.16.840.1.113883.6.96";
const NHIN_PURPOSE: &str = "2.16.840.1.113883.3.18.7.1";
/// The NHIN purposes of use (HL7 code system "NHIN PurposeOfUse").
const PURPOSES: &[&str] = &[
    "TREATMENT",
    "PAYMENT",
    "OPERATIONS",
    "SYSADMIN",
    "FRAUD",
    "PSYCHOTHERAPY",
    "TRAINING",
    "LEGAL",
    "MARKETING",
    "DIRECTORY",
    "FAMILY",
    "PRESENCE",
    "EMERGENCY",
    "DISASTER",
    "PUBLICHEALTH",
    "ABUSE",
    "OVERSIGHT",
    "JUDICIAL",
    "LAW",
    "DECEASED",
    "DONATION",
    "RESEARCH",
    "THREAT",
    "GOVERNMENT",
    "WORKERSCOMP",
    "COVERAGE",
    "REQUEST",
];
const SIGNATURE_METHODS: &[&str] = &[
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
];

/// The network whose rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Ihe,
    EhealthExchange,
}

/// Every rule `envelope` breaks (empty: none), checked at `now`.
pub fn check(envelope: &Element, network: Network, now: SystemTime) -> Vec<String> {
    let mut broken = Vec::new();
    let mut fail = |why: String| broken.push(why);
    let Some(security) = envelope
        .child(SOAP12, "Header")
        .and_then(|h| h.child(WSSE, "Security"))
    else {
        return vec!["Envelope.Header.Security Required".into()];
    };
    let assertions: Vec<&Element> = security.children_named(SAML2, "Assertion").collect();
    let [assertion] = assertions.as_slice() else {
        return vec![format!(
            "Security.Assertion: exactly one required, found {}",
            assertions.len()
        )];
    };
    if assertion.attr("Version") != Some("2.0") {
        fail("Assertion.Version must be 2.0".into());
    }
    let id = assertion.attr("ID").unwrap_or_default();
    if id.is_empty() {
        fail("Assertion.ID Required".into());
    }
    if assertion.child(DS, "Signature").is_none() {
        fail("Assertion.Signature Required".into());
    }
    if network == Network::Ihe {
        return broken;
    }

    // The Timestamp [WSS 1.1 §10].
    let timestamps: Vec<&Element> = security.children_named(WSU, "Timestamp").collect();
    let timestamp_id = match timestamps.as_slice() {
        [ts] => {
            check_timestamp(ts, now, &mut fail);
            ts.attr_ns(WSU, "Id").map(str::to_string)
        }
        _ => {
            fail(format!(
                "Envelope.Header.Security.Timestamp Required (exactly one, found {})",
                timestamps.len()
            ));
            None
        }
    };
    if timestamp_id.is_none() {
        fail("Security.Timestamp.Id Required (the message signature references it)".into());
    }

    check_assertion(assertion, &mut fail);

    // The message signature [WSS 1.1 §8; WSS SAML Token Profile 1.1 §3.4.2, §3.5.2].
    let position = |target: &Element| {
        security
            .elements()
            .position(|e| std::ptr::eq(e, target))
            .unwrap_or(usize::MAX)
    };
    let signatures: Vec<&Element> = security.children_named(DS, "Signature").collect();
    let [signature] = signatures.as_slice() else {
        fail(format!(
            "Envelope.Header.Security.Signature Required (exactly one, found {})",
            signatures.len()
        ));
        return broken;
    };
    if position(signature) < position(assertion) {
        fail("Security.Signature must follow the Assertion it refers to".into());
    }
    let Some(signed_info) = signature.child(DS, "SignedInfo") else {
        fail("Signature.SignedInfo Required".into());
        return broken;
    };
    if signed_info
        .child(DS, "CanonicalizationMethod")
        .and_then(|c| c.attr("Algorithm"))
        != Some(EXC_C14N)
    {
        fail("Signature.SignedInfo.CanonicalizationMethod must be exclusive c14n".into());
    }
    let method = signed_info
        .child(DS, "SignatureMethod")
        .and_then(|m| m.attr("Algorithm"))
        .unwrap_or_default();
    if !SIGNATURE_METHODS.contains(&method) {
        fail(format!(
            "Signature.SignedInfo.SignatureMethod `{method}`: RSA-SHA256 or ECDSA-SHA256 required"
        ));
    }
    let references: Vec<String> = signed_info
        .children_named(DS, "Reference")
        .filter_map(|r| r.attr("URI").map(str::to_string))
        .collect();
    if let Some(ts) = &timestamp_id
        && !references.iter().any(|u| *u == format!("#{ts}"))
    {
        fail("Signature.SignedInfo.Reference to the Timestamp Required".into());
    }
    let str_ref = signature
        .child(DS, "KeyInfo")
        .and_then(|k| k.child(WSSE, "SecurityTokenReference"));
    match str_ref {
        None => fail("Signature.KeyInfo.SecurityTokenReference Required".into()),
        Some(r) => {
            if r.attr_ns(WSSE11, "TokenType") != Some(SAML2_TOKEN) {
                fail("SecurityTokenReference.TokenType must be SAMLV2.0".into());
            }
            match r.child(WSSE, "KeyIdentifier") {
                Some(k) if k.attr("ValueType") == Some(SAML_ID) => {
                    if k.text().trim() != id {
                        fail(
                            "SecurityTokenReference.KeyIdentifier must be the Assertion ID (no #)"
                                .into(),
                        );
                    }
                }
                _ => {
                    fail("SecurityTokenReference.KeyIdentifier of ValueType SAMLID Required".into())
                }
            }
        }
    }
    broken
}

/// `xs:dateTime` in UTC (`...Z`) to Unix seconds.
fn utc_seconds(text: &str) -> Option<i64> {
    let t = text.trim().strip_suffix('Z')?;
    let (date, clock) = t.split_once('T')?;
    let d: Vec<i64> = date
        .split('-')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (hms, _) = clock.split_once('.').unwrap_or((clock, ""));
    let c: Vec<i64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let ([y, m, day], [h, mi, s]) = (d.as_slice(), c.as_slice()) else {
        return None;
    };
    let days = xcgate_ihe::calendar::days_from_civil(
        *y,
        u32::try_from(*m).ok()?,
        u32::try_from(*day).ok()?,
    );
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

fn check_timestamp(ts: &Element, now: SystemTime, fail: &mut impl FnMut(String)) {
    let now =
        i64::try_from(now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()).unwrap_or(0);
    let created = ts
        .child(WSU, "Created")
        .and_then(|c| utc_seconds(&c.text()));
    let expires = ts
        .child(WSU, "Expires")
        .and_then(|c| utc_seconds(&c.text()));
    match created {
        None => fail("Timestamp.Created Required (xs:dateTime in UTC)".into()),
        Some(c) if c > now + 60 => fail("Timestamp.Created is in the future".into()),
        Some(c) if c < now - Duration::from_secs(300).as_secs() as i64 => {
            fail("Timestamp.Created is older than five minutes".into())
        }
        _ => {}
    }
    match expires {
        None => fail("Timestamp.Expires Required (xs:dateTime in UTC)".into()),
        Some(e) if e <= now => fail("Timestamp.Expires has passed".into()),
        _ => {}
    }
}

fn check_assertion(a: &Element, fail: &mut impl FnMut(String)) {
    let id = a.attr("ID").unwrap_or_default();
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        fail("Assertion.ID must not start with a digit (xs:ID)".into());
    }
    let formatted = |e: Option<&Element>, what: &str, fail: &mut dyn FnMut(String)| match e {
        None => fail(format!("{what} Required")),
        Some(e) => {
            if !matches!(e.attr("Format"), Some(X509_NAME | EMAIL_NAME)) {
                fail(format!(
                    "{what}.Format must be X509SubjectName or emailAddress"
                ));
            }
            if e.text().trim().is_empty() {
                fail(format!("{what} must not be empty"));
            }
        }
    };
    let issuer = a.child(SAML2, "Issuer");
    formatted(issuer, "Assertion.Issuer", fail);
    // The enveloped signature follows the Issuer [SAML2 Core §2.3.3].
    let mut children = a.elements();
    let (first, second) = (children.next(), children.next());
    if !first.is_some_and(|e| e.is(SAML2, "Issuer"))
        || !second.is_some_and(|e| e.is(DS, "Signature"))
    {
        fail("Assertion.Signature must follow Assertion.Issuer".into());
    }
    if a.child(DS, "Signature")
        .and_then(|s| s.path(DS, &["KeyInfo", "X509Data", "X509Certificate"]))
        .is_none()
    {
        fail("Assertion.Signature.KeyInfo.X509Data.X509Certificate Required".into());
    }
    let subject = a.child(SAML2, "Subject");
    formatted(
        subject.and_then(|s| s.child(SAML2, "NameID")),
        "Assertion.Subject.NameID",
        fail,
    );
    match subject.and_then(|s| s.child(SAML2, "SubjectConfirmation")) {
        Some(c) if c.attr("Method") == Some(HOLDER_OF_KEY) => {
            if c.path(SAML2, &["SubjectConfirmationData"])
                .and_then(|d| d.child(DS, "KeyInfo"))
                .is_none()
            {
                fail("SubjectConfirmation.SubjectConfirmationData.KeyInfo Required".into());
            }
        }
        _ => fail("Assertion.Subject.SubjectConfirmation: holder-of-key Required first".into()),
    }
    match a.child(SAML2, "Conditions") {
        Some(c) if c.attr("NotBefore").is_some() && c.attr("NotOnOrAfter").is_some() => {}
        _ => fail("Assertion.Conditions with NotBefore and NotOnOrAfter Required".into()),
    }
    match a.child(SAML2, "AuthnStatement") {
        Some(s) => {
            if s.attr("AuthnInstant").is_none() {
                fail("AuthnStatement.AuthnInstant Required".into());
            }
            if s.path(SAML2, &["AuthnContext", "AuthnContextClassRef"])
                .is_none()
            {
                fail("AuthnStatement.AuthnContext.AuthnContextClassRef Required".into());
            }
        }
        None => fail("Assertion.AuthnStatement Required".into()),
    }
    let attributes: Vec<&Element> = a
        .children_named(SAML2, "AttributeStatement")
        .flat_map(|s| s.children_named(SAML2, "Attribute"))
        .collect();
    let values = |name: &str| -> Vec<&Element> {
        attributes
            .iter()
            .filter(|at| at.attr("Name") == Some(name))
            .flat_map(|at| at.children_named(SAML2, "AttributeValue"))
            .collect()
    };
    for (name, urn_oid) in [
        ("urn:oasis:names:tc:xspa:1.0:subject:subject-id", false),
        ("urn:oasis:names:tc:xspa:1.0:subject:organization", false),
        ("urn:oasis:names:tc:xspa:1.0:subject:organization-id", true),
        ("urn:nhin:names:saml:homeCommunityId", true),
    ] {
        match values(name).first().map(|v| v.text().trim().to_string()) {
            None => fail(format!("Attribute {name} Required")),
            Some(v) if v.is_empty() => fail(format!("Attribute {name} must not be empty")),
            Some(v) if urn_oid && !v.starts_with("urn:oid:") => {
                fail(format!("Attribute {name} must be urn:oid: form"))
            }
            _ => {}
        }
    }
    for (name, element, system, codes) in [
        (
            "urn:oasis:names:tc:xacml:2.0:subject:role",
            "Role",
            SNOMED_CT,
            None,
        ),
        (
            "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse",
            "PurposeOfUse",
            NHIN_PURPOSE,
            Some(PURPOSES),
        ),
    ] {
        let coded = values(name).into_iter().find_map(|v| v.child(HL7, element));
        match coded {
            None => fail(format!("Attribute {name} Required as hl7:{element}")),
            Some(ce) => {
                let code = ce.attr("code").unwrap_or_default();
                if code.is_empty() {
                    fail(format!("{name}: hl7:{element}.code Required"));
                }
                if ce.attr("codeSystem") != Some(system) {
                    fail(format!("{name}: hl7:{element}.codeSystem must be {system}"));
                }
                if codes.is_some_and(|list| !list.contains(&code)) {
                    fail(format!("{name}: `{code}` is not an NHIN purpose of use"));
                }
            }
        }
    }
}
