//! The inbound check: policy, signature, trust, validity window [IHE ITI TF-2 3.40.4.1.3;
//! SAML2 Core §2.5.1.2].

use crate::dom::{Doc, Id};
use crate::extract::{locate, read_info};
use crate::model::{AssertedUser, AssertionInfo, NetworkProfile, VerifiedAssertion, XuaPolicy};
use crate::wss::{Freshness, verify_message_security};
use crate::{TrustedIssuers, XuaError, dsig};
use std::time::{Duration, SystemTime};

/// The default tolerance for clocks that disagree [SAML2 Profiles §4.1.4.3 leaves it to
/// deployments; five minutes is the usual choice].
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Check the assertion in `envelope`'s `wsse:Security` header under `policy`.
///
/// `Ok(None)`: the policy is `Off`, or `Optional` and no assertion was sent. Under
/// `Optional`, an assertion that is present must verify like under `Required`. On success
/// the signature was made by a trusted key over exactly this assertion, the Issuer is an
/// accepted one (if names are configured), and `NotBefore - skew <= now <
/// NotOnOrAfter + skew`. An assertion without `NotOnOrAfter` is refused: a bearer token
/// that never expires must not be accepted or forwarded.
pub fn verify_envelope(
    envelope: &[u8],
    policy: XuaPolicy,
    trusted: &TrustedIssuers,
    now: SystemTime,
    skew: Duration,
) -> Result<Option<VerifiedAssertion>, XuaError> {
    verify_envelope_with(
        envelope,
        policy,
        trusted,
        now,
        skew,
        NetworkProfile::Ihe,
        Freshness::default(),
    )
}

/// As [`verify_envelope`], under a network's `profile`: for the eHealth Exchange, the
/// `wsse:Security` that holds the assertion must also hold a fresh `wsu:Timestamp` and a
/// message signature over it made with the assertion's holder-of-key key.
pub fn verify_envelope_with(
    envelope: &[u8],
    policy: XuaPolicy,
    trusted: &TrustedIssuers,
    now: SystemTime,
    skew: Duration,
    profile: NetworkProfile,
    freshness: Freshness,
) -> Result<Option<VerifiedAssertion>, XuaError> {
    if policy == XuaPolicy::Off {
        return Ok(None);
    }
    let Some(found) = locate(envelope)? else {
        return match policy {
            XuaPolicy::Required => Err(XuaError::Missing),
            _ => Ok(None),
        };
    };
    let (doc, a) = (&found.doc, found.assertion);
    let info = read_info(doc, a)?;
    dsig::verify(doc, a, &info.user.issuer, trusted, now)?;
    let not_on_or_after = info.not_on_or_after.ok_or_else(|| {
        XuaError::Malformed("the assertion has no Conditions NotOnOrAfter".into())
    })?;
    if info.not_before.is_some_and(|nb| now + skew < nb) {
        return Err(XuaError::Expired(
            "not yet valid (NotBefore is in the future)",
        ));
    }
    if now >= not_on_or_after + skew {
        return Err(XuaError::Expired("expired (NotOnOrAfter has passed)"));
    }
    if profile == NetworkProfile::EhealthExchange {
        verify_message_security(doc, a, freshness, now)?;
    }
    Ok(Some(VerifiedAssertion {
        raw: standalone_bytes(doc, a),
        user: info.user,
        not_before: info.not_before,
        not_on_or_after,
        audiences: info.audiences,
        authn: info.authn,
    }))
}

/// Read the assertion's attributes without checking anything (tests, diagnostics). Never
/// base a decision on this.
pub fn parse_unverified(envelope: &[u8]) -> Result<Option<AssertedUser>, XuaError> {
    Ok(inspect(envelope)?.map(|i| i.user))
}

/// Everything [`parse_unverified`] reads plus conditions, audiences and authentication.
pub fn inspect(envelope: &[u8]) -> Result<Option<AssertionInfo>, XuaError> {
    match locate(envelope)? {
        None => Ok(None),
        Some(found) => read_info(&found.doc, found.assertion).map(Some),
    }
}

/// The assertion's bytes as received, with the namespace declarations it inherits from
/// its ancestors added to its start tag. The in-scope namespaces of every node stay the
/// same, so the exclusive canonical form (and the signature) is unchanged [Exc-C14N §3].
fn standalone_bytes(doc: &Doc, a: Id) -> Vec<u8> {
    let el = doc.elem(a);
    let inherited = el.parent.map(|p| doc.in_scope(p)).unwrap_or_default();
    let mut extra = String::new();
    for (prefix, uri) in inherited {
        if prefix == "xml" || el.decls.iter().any(|(p, _)| *p == prefix) {
            continue;
        }
        extra.push_str(if prefix.is_empty() {
            " xmlns"
        } else {
            " xmlns:"
        });
        extra.push_str(&prefix);
        extra.push_str("=\"");
        xcgate_ihe::xml::escape_attr(&uri, &mut extra);
        extra.push('"');
    }
    let (start, end) = el.span;
    let mut out = String::with_capacity(end - start + extra.len());
    out.push_str(&doc.text[start..el.name_end]);
    out.push_str(&extra);
    out.push_str(&doc.text[el.name_end..end]);
    out.into_bytes()
}
