//! What the verifier must refuse, and the WS-Security fault each refusal maps to.

use crate::support::*;
use xcgate_xua::{XuaError, XuaPolicy, security_header, verify_envelope};

fn verify_with(
    s: &Signer,
    env: &str,
    policy: XuaPolicy,
) -> Result<Option<xcgate_xua::VerifiedAssertion>, XuaError> {
    let t = trust(&s.cert_der).map_err(|e| XuaError::Malformed(e.to_string()))?;
    verify_envelope(env.as_bytes(), policy, &t, now(), SKEW)
}

fn refused(s: &Signer, env: &str) -> Res<XuaError> {
    match verify_with(s, env, XuaPolicy::Required) {
        Ok(v) => Err(format!("accepted: {:?}", v.map(|v| v.user.assertion_id)).into()),
        Err(e) => Ok(e),
    }
}

fn assertion(s: &Signer) -> Res<String> {
    Ok(s.issuer.issue(&user(), None, HOUR, now())?)
}

#[test]
fn tampered_attribute_value_fails_the_digest() -> R {
    let s = ec_signer("ig")?;
    let env = signed_envelope(&s)?.replace("Example Hospital", "Evil Hospital");
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::FailedCheck(_)), "{e:?}");
    assert_eq!(e.fault_subcode(), (xcgate_xua::WSSE_NS, "FailedCheck"));
    assert!(
        !e.reason().contains("Hospital") && !e.reason().contains("PID-1"),
        "no content in reasons"
    );
    Ok(())
}

#[test]
fn tampered_signed_info_fails_the_signature() -> R {
    let s = rsa_signer("ig")?;
    let env = signed_envelope(&s)?.replacen("<ds:SignedInfo>", "<ds:SignedInfo Id=\"si\">", 1);
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::FailedCheck(_)), "{e:?}");
    Ok(())
}

#[test]
fn signature_value_bit_flip_fails() -> R {
    let s = ec_signer("ig")?;
    let env = signed_envelope(&s)?;
    let i = env.find("<ds:SignatureValue>").ok_or("no value")? + "<ds:SignatureValue>".len();
    let flipped = if env.as_bytes()[i] == b'A' { "B" } else { "A" };
    let env = format!("{}{flipped}{}", &env[..i], &env[i + 1..]);
    assert!(matches!(refused(&s, &env)?, XuaError::FailedCheck(_)));
    Ok(())
}

#[test]
fn signer_not_trusted_fails_authentication() -> R {
    let s = ec_signer("ig")?;
    let other = ec_signer("ig")?;
    let e = refused(&other, &signed_envelope(&s)?)?;
    assert!(matches!(e, XuaError::Untrusted(_)), "{e:?}");
    assert_eq!(e.fault_subcode().1, "FailedAuthentication");
    Ok(())
}

fn strip_signature(a: &str) -> Res<String> {
    let start = a.find("<ds:Signature").ok_or("no signature")?;
    let end = a.find("</ds:Signature>").ok_or("no signature end")? + "</ds:Signature>".len();
    Ok(format!("{}{}", &a[..start], &a[end..]))
}

#[test]
fn unsigned_assertion_is_refused_under_required_and_optional() -> R {
    let s = ec_signer("ig")?;
    let env = envelope(&security_header(&strip_signature(&assertion(&s)?)?));
    for policy in [XuaPolicy::Required, XuaPolicy::Optional] {
        let e = verify_with(&s, &env, policy);
        assert_eq!(e, Err(XuaError::Unsigned), "{policy:?}");
    }
    assert_eq!(verify_with(&s, &env, XuaPolicy::Off)?, None);
    assert_eq!(XuaError::Unsigned.fault_subcode().1, "FailedAuthentication");
    Ok(())
}

#[test]
fn missing_assertion_per_policy() -> R {
    let s = ec_signer("ig")?;
    for header in [
        "",
        "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"/>",
    ] {
        let env = envelope(header);
        let e = verify_with(&s, &env, XuaPolicy::Required);
        assert_eq!(e, Err(XuaError::Missing));
        assert_eq!(
            XuaError::Missing.fault_subcode().1,
            "SecurityTokenUnavailable"
        );
        assert_eq!(verify_with(&s, &env, XuaPolicy::Optional)?, None);
        assert_eq!(verify_with(&s, &env, XuaPolicy::Off)?, None);
    }
    Ok(())
}

/// The signed assertion `a` with a new ID and a changed attribute, keeping a's signature.
fn evil_copy(a: &str, new_id: &str) -> Res<String> {
    let id_at = a.find(" ID=\"").ok_or("no ID")? + 5;
    let id_end = id_at + a[id_at..].find('"').ok_or("no ID end")?;
    Ok(format!("{}{new_id}{}", &a[..id_at], &a[id_end..])
        .replace("Example Hospital", "Evil Hospital"))
}

fn header_with(security_children: &str, elsewhere: &str) -> String {
    format!(
        "<wsse:Security xmlns:wsse=\"{}\">{security_children}</wsse:Security><x:Wrapper xmlns:x=\"urn:evil\">{elsewhere}</x:Wrapper>",
        xcgate_xua::WSSE_NS
    )
}

#[test]
fn wrapping_signature_pointing_to_a_moved_original_is_refused() -> R {
    let s = ec_signer("ig")?;
    let a = assertion(&s)?;
    let env = envelope(&header_with(&evil_copy(&a, "_evil")?, &a));
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::FailedCheck(_)), "{e:?}");
    Ok(())
}

#[test]
fn wrapping_with_a_duplicate_id_is_refused() -> R {
    let s = ec_signer("ig")?;
    let a = assertion(&s)?;
    let id_at = a.find(" ID=\"").ok_or("no ID")? + 5;
    let id = &a[id_at..id_at + 33];
    let env = envelope(&header_with(&evil_copy(&a, id)?, &a));
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::Malformed(_)), "{e:?}");
    // The original first and the copy elsewhere: still a duplicate ID.
    let env = envelope(&header_with(&a, &evil_copy(&a, id)?));
    assert!(matches!(refused(&s, &env)?, XuaError::Malformed(_)));
    Ok(())
}

#[test]
fn unsigned_assertion_with_the_signed_one_moved_away_is_refused() -> R {
    let s = ec_signer("ig")?;
    let a = assertion(&s)?;
    let evil = strip_signature(&evil_copy(&a, "_evil")?)?;
    let env = envelope(&header_with(&evil, &a));
    assert_eq!(refused(&s, &env)?, XuaError::Unsigned);
    Ok(())
}

#[test]
fn two_assertions_in_security_are_refused() -> R {
    let s = ec_signer("ig")?;
    let (a, b) = (assertion(&s)?, assertion(&s)?);
    let env = envelope(&header_with(&format!("{a}{b}"), ""));
    assert!(matches!(refused(&s, &env)?, XuaError::Malformed(_)));
    Ok(())
}

#[test]
fn extra_transform_or_reference_is_refused() -> R {
    let s = ec_signer("ig")?;
    let a = assertion(&s)?;
    let xpath = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(ancestor-or-self::x)</ds:XPath></ds:Transform></ds:Transforms>";
    let env = envelope(&security_header(&a.replacen("</ds:Transforms>", xpath, 1)));
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::UnsupportedAlgorithm(_)), "{e:?}");
    assert_eq!(e.fault_subcode().1, "UnsupportedAlgorithm");
    let start = a.find("<ds:Reference ").ok_or("no reference")?;
    let end = a.find("</ds:Reference>").ok_or("no reference end")? + "</ds:Reference>".len();
    let twice = format!("{}{}{}", &a[..end], &a[start..end], &a[end..]);
    let e = refused(&s, &envelope(&security_header(&twice)))?;
    assert!(matches!(e, XuaError::Malformed(_)), "{e:?}");
    Ok(())
}

#[test]
fn doctype_and_garbage_are_malformed() -> R {
    let s = ec_signer("ig")?;
    let env = signed_envelope(&s)?.replacen(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<!DOCTYPE x [<!ENTITY e \"boom\">]>",
        1,
    );
    let e = refused(&s, &env)?;
    assert!(matches!(e, XuaError::Malformed(_)), "{e:?}");
    assert_eq!(e.fault_subcode().1, "InvalidSecurityToken");
    assert!(matches!(
        refused(&s, "<s:Envelope")?,
        XuaError::Malformed(_)
    ));
    assert!(matches!(refused(&s, "<other/>")?, XuaError::Malformed(_)));
    Ok(())
}
