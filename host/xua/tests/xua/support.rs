//! Test keys, certificates, users and envelopes (all generated here; no corpus copies).

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use xcgate_xua::{AssertedUser, AssertionIssuer, Coded, TrustedIssuers};

pub type R = Result<(), Box<dyn std::error::Error>>;
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// 2030-03-17T17:46:40Z: inside rcgen's default certificate validity.
pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_900_000_000)
}

pub const HOUR: Duration = Duration::from_secs(3600);
pub const SKEW: Duration = xcgate_xua::DEFAULT_CLOCK_SKEW;

/// An issuer and the DER of its certificate.
pub struct Signer {
    pub issuer: AssertionIssuer,
    pub cert_der: Vec<u8>,
}

fn params(cn: &str) -> Res<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name.push(DnType::CommonName, cn);
    Ok(p)
}

/// A self-signed ECDSA P-256 signer.
pub fn ec_signer(cn: &str) -> Res<Signer> {
    let key = KeyPair::generate()?;
    let cert = params(cn)?.self_signed(&key)?;
    Ok(Signer {
        issuer: AssertionIssuer::from_pem(
            key.serialize_pem().as_bytes(),
            cert.pem().as_bytes(),
            cn,
        )?,
        cert_der: cert.der().to_vec(),
    })
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A self-signed RSA-2048 signer (ring cannot generate RSA keys; the key is a fixture
/// made for these tests).
pub fn rsa_signer(cn: &str) -> Res<Signer> {
    let pem = std::fs::read_to_string(fixture("rsa-2048-test-key.pem"))?;
    let key = KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256)?;
    let cert = params(cn)?.self_signed(&key)?;
    Ok(Signer {
        issuer: AssertionIssuer::from_pem(pem.as_bytes(), cert.pem().as_bytes(), cn)?,
        cert_der: cert.der().to_vec(),
    })
}

/// A CA certificate (DER) and a signer whose certificate it issued.
pub fn ca_issued_signer(cn: &str) -> Res<(Vec<u8>, Signer)> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = params("XUA Test CA")?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let ca = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate()?;
    let cert = params(cn)?.signed_by(&key, &ca)?;
    let signer = Signer {
        issuer: AssertionIssuer::from_pem(
            key.serialize_pem().as_bytes(),
            cert.pem().as_bytes(),
            cn,
        )?,
        cert_der: cert.der().to_vec(),
    };
    Ok((ca_cert.der().to_vec(), signer))
}

pub fn trust(der: &[u8]) -> Res<TrustedIssuers> {
    Ok(TrustedIssuers::from_der(vec![der.to_vec().into()])?)
}

pub fn user() -> AssertedUser {
    AssertedUser {
        subject_id: "Dr. Test & <Example>".into(),
        organization: Some("Example Hospital".into()),
        organization_id: Some("urn:oid:1.2.3.4".into()),
        home_community_id: Some("urn:oid:1.2.3.4.5".into()),
        roles: vec![Coded {
            code: "46255001".into(),
            code_system: "2.16.840.1.113883.6.96".into(),
            display: Some("Pharmacist".into()),
        }],
        purpose_of_use: vec![Coded {
            code: "TREATMENT".into(),
            code_system: "2.16.840.1.113883.3.18.7.1".into(),
            display: Some("Treatment".into()),
        }],
        resource_id: Some("PID-1^^^&1.2.3&ISO".into()),
        npi: Some("1234567893".into()),
        issuer: String::new(),
        name_id: "UID=test-user".into(),
        assertion_id: String::new(),
    }
}

/// A SOAP 1.2 ITI-38 request envelope with `header` among its headers.
pub fn envelope(header: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://www.w3.org/2005/08/addressing\">\r\n  <s:Header>\r\n    <a:Action s:mustUnderstand=\"1\">urn:ihe:iti:2007:CrossGatewayQuery</a:Action>\r\n    {header}\r\n  </s:Header>\r\n  <s:Body><q:AdhocQueryRequest xmlns:q=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\"/></s:Body>\r\n</s:Envelope>\r\n"
    )
}

/// An envelope carrying an assertion freshly issued by `signer` at [`now`].
pub fn signed_envelope(signer: &Signer) -> Res<String> {
    let a = signer
        .issuer
        .issue(&user(), Some("urn:example:rg"), HOUR, now())?;
    Ok(envelope(&xcgate_xua::security_header(&a)))
}

/// The conformance corpus directory, or `None` (loud skip) outside CI.
pub fn corpus_dir() -> Option<PathBuf> {
    xcgate_testkit::corpus::dir()
}
