//! Finding the SAML 2.0 assertion in `wsse:Security` and reading its statements
//! [SAML2 Core §2.3-2.7; WSS SAML Token Profile 1.1 §3.3; IHE ITI TF-2 3.40.4.1.2].

use crate::attributes::read_user_attributes;
use crate::dom::{self, Doc, Id, collapsed};
use crate::model::{AssertionInfo, AuthnInfo};
use crate::names::{DS, SAML1, SAML2, SOAP11, SOAP12};
use crate::{XuaError, time};

const WSSE: &str = crate::error::WSSE_NS;

/// The parsed message and the one assertion in it.
pub(crate) struct Located {
    pub doc: Doc,
    pub assertion: Id,
}

/// Parse `message` and find the SAML 2.0 assertion that is a direct child of a
/// `wsse:Security` header [WSS SAML Token Profile 1.1 §3.3.1]. The message may be a SOAP
/// envelope, a bare `wsse:Security` element or a bare assertion. Assertions nested deeper
/// (e.g. NHIN `Evidence`) are part of their parent and not looked for; more than one
/// candidate is refused, since picking one is what signature-wrapping attacks exploit.
pub(crate) fn locate(message: &[u8]) -> Result<Option<Located>, XuaError> {
    let message = message.strip_prefix(b"\xef\xbb\xbf").unwrap_or(message);
    // SOAP 1.2 is UTF-8 here; bytes that are not UTF-8 are read as ISO-8859-1, as one NHN
    // capture in the corpus was transcoded to it after signing. The signature is checked
    // over the characters, so a wrong guess can only make verification fail.
    let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(message) {
        Ok(t) => t.into(),
        Err(_) => message
            .iter()
            .map(|b| char::from(*b))
            .collect::<String>()
            .into(),
    };
    let doc = dom::parse(&text).map_err(|e| XuaError::Malformed(e.to_string()))?;
    let root = doc.root;
    let securities: Vec<Id> = {
        let r = doc.elem(root);
        if r.is(SOAP12, "Envelope") || r.is(SOAP11, "Envelope") {
            let headers: Vec<Id> = doc
                .child_elems(root)
                .filter(|h| doc.elem(*h).local == "Header" && doc.elem(*h).ns == r.ns)
                .collect();
            headers
                .iter()
                .flat_map(|h| doc.children_named(*h, WSSE, "Security"))
                .collect()
        } else if r.is(WSSE, "Security") || r.is(SAML2, "Assertion") {
            vec![root]
        } else {
            return Err(XuaError::Malformed(format!(
                "expected a SOAP envelope, found the element `{}`",
                r.local
            )));
        }
    };
    let mut found = Vec::new();
    for s in securities {
        if doc.elem(s).is(SAML2, "Assertion") {
            found.push(s);
            continue;
        }
        for child in doc.child_elems(s) {
            let c = doc.elem(child);
            if c.is(SAML2, "Assertion") {
                found.push(child);
            } else if c.is(SAML2, "EncryptedAssertion") {
                return Err(XuaError::Malformed(
                    "encrypted assertions are not supported".into(),
                ));
            } else if c.is(SAML1, "Assertion") {
                return Err(XuaError::Malformed(
                    "a SAML 1.x assertion was sent; XUA requires SAML 2.0".into(),
                ));
            }
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(Located {
            assertion: *one,
            doc,
        })),
        _ => Err(XuaError::Malformed(
            "more than one SAML assertion in wsse:Security".into(),
        )),
    }
}

fn time_attr(doc: &Doc, id: Id, name: &str) -> Result<Option<std::time::SystemTime>, XuaError> {
    match doc.elem(id).attr(name) {
        None => Ok(None),
        Some(v) => time::parse(v)
            .map(Some)
            .ok_or_else(|| XuaError::Malformed(format!("`{name}` is not an xs:dateTime"))),
    }
}

/// Read the assertion's identity, subject, conditions, authentication and attributes.
pub(crate) fn read_info(doc: &Doc, a: Id) -> Result<AssertionInfo, XuaError> {
    let el = doc.elem(a);
    if el.attr("Version") != Some("2.0") {
        return Err(XuaError::Malformed(
            "the assertion Version is not 2.0".into(),
        ));
    }
    let assertion_id = el
        .attr("ID")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| XuaError::Malformed("the assertion has no ID".into()))?
        .to_string();
    let issuer = doc
        .child(a, SAML2, "Issuer")
        .map(|i| collapsed(doc, i))
        .filter(|i| !i.is_empty())
        .ok_or_else(|| XuaError::Malformed("the assertion has no Issuer".into()))?;
    let name_id = doc
        .child(a, SAML2, "Subject")
        .and_then(|s| doc.child(s, SAML2, "NameID"))
        .map(|n| collapsed(doc, n))
        .unwrap_or_default();
    let mut info = AssertionInfo {
        issue_instant: time_attr(doc, a, "IssueInstant")?,
        signed: doc.child(a, DS, "Signature").is_some(),
        ..AssertionInfo::default()
    };
    if let Some(c) = doc.child(a, SAML2, "Conditions") {
        info.not_before = time_attr(doc, c, "NotBefore")?;
        info.not_on_or_after = time_attr(doc, c, "NotOnOrAfter")?;
        for r in doc.children_named(c, SAML2, "AudienceRestriction") {
            for aud in doc.children_named(r, SAML2, "Audience") {
                info.audiences.push(collapsed(doc, aud));
            }
        }
    }
    if let Some(s) = doc.child(a, SAML2, "AuthnStatement") {
        info.authn = Some(AuthnInfo {
            instant: time_attr(doc, s, "AuthnInstant")?,
            session_index: doc.elem(s).attr("SessionIndex").map(str::to_string),
            class_ref: doc
                .child(s, SAML2, "AuthnContext")
                .and_then(|c| doc.child(c, SAML2, "AuthnContextClassRef"))
                .map(|r| collapsed(doc, r)),
        });
    }
    // Only the assertion's own AttributeStatements: those nested in SubjectConfirmationData
    // or Evidence describe something else (seen in the IPF and CONNECT samples).
    let statements: Vec<Id> = doc.children_named(a, SAML2, "AttributeStatement").collect();
    info.user = read_user_attributes(doc, &statements);
    info.user.issuer = issuer;
    info.user.name_id = name_id;
    info.user.assertion_id = assertion_id;
    Ok(info)
}
