//! Verifying the enveloped XML-DSig signature of a SAML assertion [SAML2 Core §5.4;
//! XML-DSig §3.2 Core Validation], defended against signature wrapping: the one Reference
//! must name, by its unique ID, the very assertion whose statements are returned, and only
//! the enveloped-signature and exclusive canonicalization transforms are accepted
//! [SAML2 Core §5.4.2-5.4.4].

use crate::XuaError;
use crate::algs::{self, ENVELOPED, EXC_C14N, EXC_C14N_WITH_COMMENTS};
use crate::c14n::{self, Options};
use crate::dom::collapsed;
use crate::dom::{Doc, Id, XML_NS};
use crate::names::DS;
use crate::trust::{PublicKey, TrustedIssuers, strip_zeros};
use std::time::SystemTime;
use xcgate_ihe::retrieve::base64;

const EXC_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

fn malformed(why: &str) -> XuaError {
    XuaError::Malformed(why.to_string())
}

pub(crate) fn one(doc: &Doc, parent: Id, local: &str) -> Result<Id, XuaError> {
    let mut it = doc.children_named(parent, DS, local);
    match (it.next(), it.next()) {
        (Some(id), None) => Ok(id),
        (None, _) => Err(XuaError::Malformed(format!("ds:{local} is missing"))),
        (Some(_), Some(_)) => Err(XuaError::Malformed(format!("more than one ds:{local}"))),
    }
}

pub(crate) fn algorithm(doc: &Doc, id: Id) -> Result<&str, XuaError> {
    doc.elem(id)
        .attr("Algorithm")
        .ok_or_else(|| malformed("an Algorithm attribute is missing"))
}

/// The PrefixList of an `ec:InclusiveNamespaces` child [Exc-C14N §3].
pub(crate) fn prefix_list(doc: &Doc, id: Id) -> Vec<String> {
    doc.child(id, EXC_NS, "InclusiveNamespaces")
        .and_then(|i| doc.elem(i).attr("PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Base64 content of an element (white space allowed, as signers wrap lines).
pub(crate) fn base64_of(doc: &Doc, id: Id, what: &str) -> Result<Vec<u8>, XuaError> {
    base64::decode(&doc.text_of(id))
        .map_err(|_| XuaError::Malformed(format!("{what} is not base64")))
}

/// Every ID-typed attribute value must occur once in the whole message, so that a
/// reference cannot resolve to a different element than the one checked [SAML2 Core §5.4.2].
pub(crate) fn check_unique_ids(doc: &Doc) -> Result<(), XuaError> {
    let mut seen = std::collections::HashSet::new();
    for e in &doc.elems {
        for a in &e.attrs {
            let is_id = (a.ns.is_empty()
                && matches!(a.local.as_str(), "ID" | "Id" | "AssertionID"))
                || (a.ns == WSU && a.local == "Id")
                || (a.ns == XML_NS && a.local == "id");
            if is_id && !seen.insert(a.value.as_str()) {
                return Err(malformed(
                    "an ID value occurs more than once in the message",
                ));
            }
        }
    }
    Ok(())
}

/// The ID a same-document reference names: `#id` or `#xpointer(id('id'))`, and whether the
/// form keeps comments [XML-DSig §4.3.3.3].
pub(crate) fn reference_target(uri: &str) -> Option<(&str, bool)> {
    let frag = uri.strip_prefix('#')?;
    if let Some(inner) = frag
        .strip_prefix("xpointer(id(")
        .and_then(|r| r.strip_suffix("))"))
    {
        let id = inner
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .or_else(|| inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')))?;
        return Some((id, true));
    }
    Some((frag, false))
}

/// Verify the signature that is a child of `assertion`; returns nothing on success.
pub(crate) fn verify(
    doc: &Doc,
    assertion: Id,
    issuer: &str,
    trusted: &TrustedIssuers,
    now: SystemTime,
) -> Result<(), XuaError> {
    let signature = match one(doc, assertion, "Signature") {
        Err(_) if doc.child(assertion, DS, "Signature").is_none() => {
            return Err(XuaError::Unsigned);
        }
        other => other?,
    };
    check_unique_ids(doc)?;
    let signed_info = one(doc, signature, "SignedInfo")?;
    let c14n_method = one(doc, signed_info, "CanonicalizationMethod")?;
    let c14n_alg = algorithm(doc, c14n_method)?;
    if c14n_alg != EXC_C14N && c14n_alg != EXC_C14N_WITH_COMMENTS {
        return Err(XuaError::UnsupportedAlgorithm(
            "CanonicalizationMethod must be exclusive c14n [SAML2 Core §5.4.3]".into(),
        ));
    }
    let sig_alg = algorithm(doc, one(doc, signed_info, "SignatureMethod")?)?;
    let reference = one(doc, signed_info, "Reference")?;

    // The reference must be to this assertion, by its own ID.
    let own_id = doc.elem(assertion).attr("ID").unwrap_or_default();
    let uri = doc.elem(reference).attr("URI").unwrap_or_default();
    let (target, keeps_comments) = reference_target(uri)
        .ok_or_else(|| malformed("the Reference URI is not a same-document ID"))?;
    if target.is_empty() || target != own_id {
        return Err(XuaError::FailedCheck(
            "the signature does not reference this assertion".into(),
        ));
    }

    // Transforms: enveloped-signature, then exclusive c14n [SAML2 Core §5.4.4].
    let transforms: Vec<Id> = match doc.child(reference, DS, "Transforms") {
        Some(t) => doc.children_named(t, DS, "Transform").collect(),
        None => Vec::new(),
    };
    let algs: Vec<&str> = transforms
        .iter()
        .map(|t| algorithm(doc, *t))
        .collect::<Result<_, _>>()?;
    let (c14n_transform, with_comments) = match algs.as_slice() {
        [ENVELOPED, EXC_C14N] => (transforms[1], false),
        [ENVELOPED, EXC_C14N_WITH_COMMENTS] => (transforms[1], keeps_comments),
        _ => {
            return Err(XuaError::UnsupportedAlgorithm(
                "Transforms must be enveloped-signature then exclusive c14n".into(),
            ));
        }
    };
    let digest_alg = algs::digest_alg(algorithm(doc, one(doc, reference, "DigestMethod")?)?)?;
    let expected = base64_of(doc, one(doc, reference, "DigestValue")?, "DigestValue")?;
    let canonical = c14n::canonicalize(
        doc,
        assertion,
        &Options {
            with_comments,
            inclusive: prefix_list(doc, c14n_transform),
            exclude: Some(signature),
        },
    );
    let actual = ring::digest::digest(digest_alg, canonical.as_bytes());
    if actual.as_ref() != expected.as_slice() {
        return Err(XuaError::FailedCheck(
            "the assertion's digest does not match: it was changed after signing".into(),
        ));
    }

    let key = signer_key(doc, signature, trusted, now)?;
    trusted.check_issuer(issuer)?;
    let signed = c14n::canonicalize(
        doc,
        signed_info,
        &Options {
            with_comments: c14n_alg == EXC_C14N_WITH_COMMENTS,
            inclusive: prefix_list(doc, c14n_method),
            exclude: None,
        },
    );
    let value = base64_of(
        doc,
        one(doc, signature, "SignatureValue")?,
        "SignatureValue",
    )?;
    algs::verify(sig_alg, &key, signed.as_bytes(), &value)
}

/// The trusted key named by `ds:KeyInfo`: an X509Certificate (the first is the signer, the
/// others may be intermediates) or an RSAKeyValue equal to a configured certificate's key.
fn signer_key(
    doc: &Doc,
    signature: Id,
    trusted: &TrustedIssuers,
    now: SystemTime,
) -> Result<PublicKey, XuaError> {
    let key_info = doc
        .child(signature, DS, "KeyInfo")
        .ok_or_else(|| malformed("ds:KeyInfo is missing"))?;
    let chain = certificates(doc, key_info)?;
    if !chain.is_empty() {
        return trusted.trust_certificate(&chain, now);
    }
    let key = rsa_key_value(doc, key_info)?;
    trusted.trust_key_value(&key, now)?;
    Ok(key)
}

/// The DER certificates of `ds:KeyInfo/ds:X509Data`, signer first.
fn certificates(doc: &Doc, key_info: Id) -> Result<Vec<Vec<u8>>, XuaError> {
    let mut chain = Vec::new();
    for data in doc.children_named(key_info, DS, "X509Data") {
        for c in doc.children_named(data, DS, "X509Certificate") {
            chain.push(base64_of(doc, c, "X509Certificate")?);
        }
    }
    Ok(chain)
}

/// The key a `ds:KeyInfo` names, without a trust decision (a holder-of-key key, which the
/// verified assertion vouches for): the first X509Certificate's, else the RSAKeyValue.
pub(crate) fn key_of(doc: &Doc, key_info: Id) -> Result<PublicKey, XuaError> {
    if let Some(first) = certificates(doc, key_info)?.first() {
        return crate::trust::parse_cert(first)
            .map(|(key, _, _)| key)
            .map_err(|e| XuaError::Malformed(format!("the holder-of-key certificate: {e}")));
    }
    rsa_key_value(doc, key_info)
}

fn rsa_key_value(doc: &Doc, key_info: Id) -> Result<PublicKey, XuaError> {
    let rsa = doc
        .child(key_info, DS, "KeyValue")
        .and_then(|kv| doc.child(kv, DS, "RSAKeyValue"))
        .ok_or_else(|| malformed("ds:KeyInfo has neither an X509Certificate nor an RSAKeyValue"))?;
    let part = |name: &str| -> Result<Vec<u8>, XuaError> {
        let id = doc
            .child(rsa, DS, name)
            .ok_or_else(|| XuaError::Malformed(format!("RSAKeyValue has no {name}")))?;
        Ok(strip_zeros(&base64::decode(&collapsed(doc, id)).map_err(
            |_| XuaError::Malformed(format!("RSAKeyValue {name} is not base64")),
        )?))
    };
    Ok(PublicKey::Rsa {
        n: part("Modulus")?,
        e: part("Exponent")?,
    })
}
