//! The eHealth Exchange profile: the header xcgate issues (Timestamp, holder-of-key
//! assertion with the NHIN/XSPA attributes, message signature over the Timestamp) verifies
//! under the profile, and each thing the profile requires, when missing or broken, is
//! refused with its WS-Security fault.

use crate::support::*;
use std::time::Duration;
use xcgate_xua::{
    Confirmation, Freshness, NetworkProfile, XuaError, XuaPolicy, verify_envelope_with,
};

const FIVE_MINUTES: Duration = Duration::from_secs(300);

/// A SOAP envelope whose header is the eHealth Exchange header `signer` issues at
/// `issued` for [`user`].
fn ehex_envelope(signer: &Signer, issued: std::time::SystemTime) -> Res<String> {
    let header = signer.issuer.outbound_header(
        &user(),
        Some("https://rg.example.org/responding"),
        HOUR,
        issued,
        NetworkProfile::EhealthExchange,
        Confirmation::HolderOfKey,
        FIVE_MINUTES,
    )?;
    Ok(envelope(&header))
}

fn verify(env: &str, signer: &Signer) -> Result<Option<xcgate_xua::VerifiedAssertion>, XuaError> {
    verify_envelope_with(
        env.as_bytes(),
        XuaPolicy::Required,
        &trust(&signer.cert_der).map_err(|e| XuaError::Malformed(e.to_string()))?,
        now(),
        SKEW,
        NetworkProfile::EhealthExchange,
        Freshness::default(),
    )
}

#[test]
fn the_issued_header_verifies_under_the_profile_with_rsa_and_with_ecdsa() -> R {
    for signer in [
        rsa_signer("CN=xcgate,O=Example")?,
        ec_signer("CN=xcgate,O=Example")?,
    ] {
        let env = ehex_envelope(&signer, now())?;
        let v = verify(&env, &signer)?.ok_or("no assertion")?;
        assert_eq!(v.user.npi.as_deref(), Some("1234567893"));
        assert_eq!(
            v.user.home_community_id.as_deref(),
            Some("urn:oid:1.2.3.4.5")
        );
        for needed in [
            "wsu:Timestamp",
            "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
            "urn:nhin:names:saml:homeCommunityId",
            "urn:oasis:names:tc:xspa:2.0:subject:npi",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:X509",
            "oasis-wss-saml-token-profile-1.1#SAMLID",
            "codeSystemName=\"SNOMED_CT\"",
            "nameid-format:X509SubjectName",
        ] {
            assert!(env.contains(needed), "{needed} in {env}");
        }
    }
    Ok(())
}

#[test]
fn an_ihe_header_lacks_the_timestamp_and_message_signature_the_profile_requires() -> R {
    let s = ec_signer("CN=xcgate")?;
    let env = signed_envelope(&s)?;
    let e = verify(&env, &s).unwrap_err();
    assert!(matches!(e, XuaError::InvalidSecurity(_)), "{e}");
    assert_eq!(e.fault_subcode().1, "InvalidSecurity");
    Ok(())
}

#[test]
fn a_stale_or_future_or_expired_timestamp_is_refused_as_expired() -> R {
    let s = ec_signer("CN=xcgate")?;
    // Created ten minutes ago: older than the five-minute time to live, although its
    // Expires (and the assertion) would still be valid.
    let stale = ehex_envelope(&s, now() - Duration::from_secs(600))?;
    let e = verify(&stale, &s).unwrap_err();
    assert_eq!(e.fault_subcode().1, "MessageExpired", "{e}");
    let future = ehex_envelope(&s, now() + Duration::from_secs(240))?;
    let e = verify(&future, &s).unwrap_err();
    assert_eq!(e.fault_subcode().1, "MessageExpired", "{e}");
    // Within the skew is fine.
    let slightly_late = ehex_envelope(&s, now() - Duration::from_secs(290))?;
    assert!(verify(&slightly_late, &s)?.is_some());
    Ok(())
}

#[test]
fn a_changed_timestamp_fails_the_message_signature() -> R {
    let s = rsa_signer("CN=xcgate")?;
    let env = ehex_envelope(&s, now())?;
    let created = env
        .split("<wsu:Created>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .ok_or("no Created")?;
    let moved = created.replacen(":00", ":01", 1);
    let tampered = env.replacen(
        created,
        if moved == created {
            "2030-03-17T17:46:41.000Z"
        } else {
            &moved
        },
        1,
    );
    let e = verify(&tampered, &s).unwrap_err();
    assert_eq!(e.fault_subcode().1, "FailedCheck", "{e}");
    Ok(())
}

#[test]
fn a_message_signature_by_another_key_than_the_holder_of_key_is_refused() -> R {
    let alice = ec_signer("CN=alice")?;
    let mallory = ec_signer("CN=mallory")?;
    let env = ehex_envelope(&alice, now())?;
    let theirs = ehex_envelope(&mallory, now())?;
    // Alice's Timestamp and assertion with Mallory's message signature value.
    let value = |e: &str| -> Option<String> {
        let sig = e.rsplit("<ds:SignatureValue>").next()?;
        Some(sig.split('<').next()?.to_string())
    };
    let (ours, forged) = (value(&env).ok_or("sig")?, value(&theirs).ok_or("sig")?);
    let tampered = env.replace(&ours, &forged);
    let e = verify(&tampered, &alice).unwrap_err();
    assert_eq!(e.fault_subcode().1, "FailedCheck", "{e}");
    Ok(())
}

#[test]
fn a_token_reference_to_another_id_is_refused() -> R {
    let s = ec_signer("CN=xcgate")?;
    let env = ehex_envelope(&s, now())?;
    let id = env
        .split("#SAMLID\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .ok_or("no KeyIdentifier")?
        .to_string();
    let tampered = env.replace(&format!("#SAMLID\">{id}<"), "#SAMLID\">_elsewhere<");
    let e = verify(&tampered, &s).unwrap_err();
    assert_eq!(e.fault_subcode().1, "SecurityTokenUnavailable", "{e}");
    Ok(())
}
