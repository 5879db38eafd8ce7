//! Message security as the eHealth Exchange and Carequality networks ask it of a SOAP
//! request (NHIN Messaging Platform and Authorization Framework v3.0; the Carequality
//! Query-Based Document Exchange Implementation Guide follows them), on top of the XUA
//! assertion [IHE ITI TF-2 3.40]: `wsse:Security` holds a `wsu:Timestamp`, the signed SAML
//! 2.0 assertion (holder-of-key), and a message signature over the Timestamp made with the
//! assertion's holder-of-key and pointing to the assertion by a `SecurityTokenReference`
//! [WSS 1.1 §5-§8, §10; WSS SAML Token Profile 1.1 §3.4.2, §3.5].
//!
//! - [`message_security_header`] builds the header of an outbound request.
//! - [`verify_message_security`] checks an inbound one, after the assertion itself was
//!   verified: Timestamp freshness and the message signature with the assertion's
//!   holder-of-key key.
//!
//! Defences: the Timestamp and the message signature must be direct children of the same
//! `wsse:Security` as the assertion; every ID in the message is unique; each Reference
//! names an element by ID and uses only exclusive c14n; the key comes from the verified
//! assertion, never from the message signature's own KeyInfo.

use crate::algs::{self, EXC_C14N, SHA256};
use crate::c14n::{self, Options};
use crate::dom::{self, Doc, Id, collapsed};
use crate::dsig;
use crate::names::{DS, SAML2};
use crate::trust::PublicKey;
use crate::{AssertionIssuer, XuaError, time};
use std::time::{Duration, SystemTime};
use xcgate_ihe::retrieve::base64;

pub(crate) const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const WSSE: &str = crate::error::WSSE_NS;
const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
/// The token type and key identifier value type of a SAML 2.0 assertion [WSS SAML Token
/// Profile 1.1 §3.4.2, §3.5.2].
pub(crate) const SAML2_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
pub(crate) const SAML_ID: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";
const HOLDER_OF_KEY: &str = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";

/// How fresh an inbound Timestamp must be: `Created` no older than `time_to_live`, and
/// neither `Created` in the future nor `Expires` in the past, by more than `skew`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub time_to_live: Duration,
    pub skew: Duration,
}

impl Default for Freshness {
    /// Five minutes, and 60 seconds of skew (CONNECT's defaults, which the networks'
    /// peers apply).
    fn default() -> Self {
        Freshness {
            time_to_live: Duration::from_secs(300),
            skew: Duration::from_secs(60),
        }
    }
}

/// The `wsse:Security` header of an outbound request: a Timestamp valid from `now` for
/// `timestamp_lifetime`, `assertion` (signed by `signer`, holder-of-key of `signer`'s key,
/// with the ID `assertion_id`) and the message signature over the Timestamp.
pub fn message_security_header(
    signer: &AssertionIssuer,
    assertion: &str,
    assertion_id: &str,
    now: SystemTime,
    timestamp_lifetime: Duration,
) -> Result<String, XuaError> {
    let ts_id = format!("TS-{}", signer.random_hex()?);
    let timestamp = format!(
        "<wsu:Timestamp wsu:Id=\"{ts_id}\"><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp>",
        time::format(now),
        time::format(now + timestamp_lifetime)
    );
    let key_info = format!(
        "<ds:KeyInfo><wsse:SecurityTokenReference wsse11:TokenType=\"{SAML2_TOKEN}\"><wsse:KeyIdentifier ValueType=\"{SAML_ID}\">{assertion_id}</wsse:KeyIdentifier></wsse:SecurityTokenReference></ds:KeyInfo>"
    );
    let open = format!(
        "<wsse:Security xmlns:wsse=\"{WSSE}\" xmlns:wsse11=\"{WSSE11}\" xmlns:wsu=\"{WSU}\" xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\" s12:mustUnderstand=\"true\">"
    );
    let assertion = strip_declaration(assertion);
    // The digest of the Timestamp, canonicalized where it stands (exclusive c14n renders
    // the namespaces it uses, so its form does not depend on the envelope around it).
    let probe = format!("{open}{timestamp}</wsse:Security>");
    let doc = dom::parse(&probe).map_err(|e| XuaError::Issue(e.to_string()))?;
    let ts = find(&doc, WSU, "Timestamp")?;
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        c14n::canonicalize(&doc, ts, &Options::default()).as_bytes(),
    );
    let signed_info = format!(
        "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/><ds:SignatureMethod Algorithm=\"{}\"/><ds:Reference URI=\"#{ts_id}\"><ds:Transforms><ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
        signer.signature_method(),
        base64::encode(digest.as_ref())
    );
    let signature = |value: &str| {
        format!(
            "<ds:Signature xmlns:ds=\"{DS}\">{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue>{key_info}</ds:Signature>"
        )
    };
    // SignedInfo is canonicalized where it will stand, then signed.
    let placed = format!(
        "{open}{timestamp}{assertion}{}</wsse:Security>",
        signature("")
    );
    let doc = dom::parse(&placed).map_err(|e| XuaError::Issue(e.to_string()))?;
    let si = find(&doc, DS, "SignedInfo")?;
    let value = signer.sign(c14n::canonicalize(&doc, si, &Options::default()).as_bytes())?;
    Ok(format!(
        "{open}{timestamp}{assertion}{}</wsse:Security>",
        signature(&base64::encode(&value))
    ))
}

fn strip_declaration(xml: &str) -> &str {
    let a = xml.trim_start_matches('\u{feff}').trim_start();
    match a
        .strip_prefix("<?xml")
        .and_then(|r| r.find("?>").map(|e| &r[e + 2..]))
    {
        Some(rest) => rest.trim_start(),
        None => a,
    }
}

/// The last element named `{ns}local` in document order (the placed one in a probe).
fn find(doc: &Doc, ns: &str, local: &str) -> Result<Id, XuaError> {
    (0..doc.elems.len())
        .rev()
        .find(|i| doc.elem(*i).is(ns, local))
        .ok_or_else(|| XuaError::Issue(format!("{local} not found")))
}

fn invalid(why: impl Into<String>) -> XuaError {
    XuaError::InvalidSecurity(why.into())
}

/// The one direct child `{ns}local` of `parent`.
fn one_child(doc: &Doc, parent: Id, ns: &str, local: &str, what: &str) -> Result<Id, XuaError> {
    let mut it = doc.children_named(parent, ns, local);
    match (it.next(), it.next()) {
        (Some(id), None) => Ok(id),
        (None, _) => Err(invalid(format!("{what} is missing"))),
        (Some(_), Some(_)) => Err(invalid(format!("more than one {what}"))),
    }
}

/// Check the Timestamp and the message signature of the `wsse:Security` that holds the
/// (already verified) `assertion` of `doc`. The message signature must be made with the
/// key of the assertion's holder-of-key confirmation.
pub(crate) fn verify_message_security(
    doc: &Doc,
    assertion: Id,
    freshness: Freshness,
    now: SystemTime,
) -> Result<(), XuaError> {
    let security = doc
        .elem(assertion)
        .parent
        .filter(|p| doc.elem(*p).is(WSSE, "Security"))
        .ok_or_else(|| invalid("the assertion is not directly in wsse:Security"))?;
    // Timestamp [WSS 1.1 §10].
    let ts = one_child(doc, security, WSU, "Timestamp", "wsu:Timestamp")?;
    let created = doc
        .child(ts, WSU, "Created")
        .and_then(|c| time::parse(&collapsed(doc, c)))
        .ok_or_else(|| invalid("wsu:Timestamp has no valid wsu:Created"))?;
    if created > now + freshness.skew {
        return Err(XuaError::Expired(
            "not yet valid (its Timestamp was created in the future)",
        ));
    }
    if created + freshness.time_to_live + freshness.skew < now {
        return Err(XuaError::Expired(
            "too old (its Timestamp was created longer ago than the time to live)",
        ));
    }
    if let Some(expires) = doc.child(ts, WSU, "Expires") {
        let expires = time::parse(&collapsed(doc, expires))
            .ok_or_else(|| invalid("wsu:Expires is not an xs:dateTime"))?;
        if expires + freshness.skew <= now {
            return Err(XuaError::Expired("expired (its Timestamp has expired)"));
        }
    }
    if !doc
        .elem(ts)
        .attrs
        .iter()
        .any(|a| a.ns == WSU && a.local == "Id")
    {
        return Err(invalid("wsu:Timestamp has no wsu:Id to sign"));
    }

    // The message signature [WSS 1.1 §8].
    let signature = one_child(
        doc,
        security,
        DS,
        "Signature",
        "message signature (ds:Signature)",
    )?;
    dsig::check_unique_ids(doc)?;
    let signed_info = dsig::one(doc, signature, "SignedInfo")?;
    let c14n_method = dsig::one(doc, signed_info, "CanonicalizationMethod")?;
    if dsig::algorithm(doc, c14n_method)? != EXC_C14N {
        return Err(XuaError::UnsupportedAlgorithm(
            "the message signature's CanonicalizationMethod must be exclusive c14n".into(),
        ));
    }
    let sig_alg = dsig::algorithm(doc, dsig::one(doc, signed_info, "SignatureMethod")?)?;
    let mut signs_timestamp = false;
    for reference in doc.children_named(signed_info, DS, "Reference") {
        let uri = doc.elem(reference).attr("URI").unwrap_or_default();
        let (target_id, _) = dsig::reference_target(uri)
            .filter(|(id, with_comments)| !id.is_empty() && !with_comments)
            .ok_or_else(|| invalid("a Reference of the message signature is not #id"))?;
        let target = element_with_id(doc, target_id)
            .ok_or_else(|| XuaError::FailedCheck("a Reference names no element".into()))?;
        signs_timestamp |= target == ts;
        let transforms: Vec<Id> = match doc.child(reference, DS, "Transforms") {
            Some(t) => doc.children_named(t, DS, "Transform").collect(),
            None => Vec::new(),
        };
        let inclusive = match transforms.as_slice() {
            [t] if dsig::algorithm(doc, *t)? == EXC_C14N => dsig::prefix_list(doc, *t),
            _ => {
                return Err(XuaError::UnsupportedAlgorithm(
                    "a Reference of the message signature must use exclusive c14n only".into(),
                ));
            }
        };
        let digest_alg = algs::digest_alg(dsig::algorithm(
            doc,
            dsig::one(doc, reference, "DigestMethod")?,
        )?)?;
        let expected = dsig::base64_of(
            doc,
            dsig::one(doc, reference, "DigestValue")?,
            "DigestValue",
        )?;
        let canonical = c14n::canonicalize(
            doc,
            target,
            &Options {
                with_comments: false,
                inclusive,
                exclude: None,
            },
        );
        if ring::digest::digest(digest_alg, canonical.as_bytes()).as_ref() != expected.as_slice() {
            return Err(XuaError::FailedCheck(
                "a part the message signature covers was changed after signing".into(),
            ));
        }
    }
    if !signs_timestamp {
        return Err(invalid(
            "the message signature does not cover wsu:Timestamp",
        ));
    }

    // The key: the assertion's, named by a SecurityTokenReference to its ID.
    let key_info = dsig::one(doc, signature, "KeyInfo")?;
    let str_ref = doc
        .child(key_info, WSSE, "SecurityTokenReference")
        .ok_or_else(|| {
            XuaError::SecurityTokenUnavailable(
                "the message signature's KeyInfo has no wsse:SecurityTokenReference".into(),
            )
        })?;
    let named = doc
        .children_named(str_ref, WSSE, "KeyIdentifier")
        .find(|k| doc.elem(*k).attr("ValueType") == Some(SAML_ID))
        .map(|k| collapsed(doc, k))
        .or_else(|| {
            doc.child(str_ref, WSSE, "Reference")
                .and_then(|r| doc.elem(r).attr("URI"))
                .map(|u| u.trim_start_matches('#').to_string())
        })
        .ok_or_else(|| {
            XuaError::SecurityTokenUnavailable(
                "the SecurityTokenReference names no SAML assertion (KeyIdentifier of ValueType SAMLID)".into(),
            )
        })?;
    if Some(named.as_str()) != doc.elem(assertion).attr("ID") {
        return Err(XuaError::SecurityTokenUnavailable(
            "the SecurityTokenReference names another token than the assertion".into(),
        ));
    }
    let key = holder_of_key(doc, assertion)?;
    let signed = c14n::canonicalize(
        doc,
        signed_info,
        &Options {
            with_comments: false,
            inclusive: dsig::prefix_list(doc, c14n_method),
            exclude: None,
        },
    );
    let value = dsig::base64_of(
        doc,
        dsig::one(doc, signature, "SignatureValue")?,
        "SignatureValue",
    )?;
    algs::verify(sig_alg, &key, signed.as_bytes(), &value).map_err(|_| {
        XuaError::FailedCheck(
            "the message signature does not verify with the assertion's holder-of-key".into(),
        )
    })
}

fn element_with_id(doc: &Doc, id: &str) -> Option<Id> {
    (0..doc.elems.len()).find(|i| {
        doc.elem(*i).attrs.iter().any(|a| {
            a.value == id
                && ((a.ns == WSU && a.local == "Id")
                    || (a.ns.is_empty() && matches!(a.local.as_str(), "ID" | "Id")))
        })
    })
}

/// The public key of the assertion's holder-of-key confirmation: the certificate (or the
/// RSA key value) in its `SubjectConfirmationData/ds:KeyInfo` [SAML2 Profiles §3.1].
fn holder_of_key(doc: &Doc, assertion: Id) -> Result<PublicKey, XuaError> {
    let subject = doc
        .child(assertion, SAML2, "Subject")
        .ok_or_else(|| XuaError::Malformed("the assertion has no Subject".into()))?;
    let confirmation = doc
        .children_named(subject, SAML2, "SubjectConfirmation")
        .find(|c| doc.elem(*c).attr("Method") == Some(HOLDER_OF_KEY))
        .ok_or_else(|| {
            XuaError::Malformed("the assertion has no holder-of-key SubjectConfirmation".into())
        })?;
    let key_info = doc
        .child(confirmation, SAML2, "SubjectConfirmationData")
        .and_then(|d| doc.child(d, DS, "KeyInfo"))
        .ok_or_else(|| {
            XuaError::Malformed("the holder-of-key confirmation carries no ds:KeyInfo".into())
        })?;
    dsig::key_of(doc, key_info)
}
