//! Issuing host-signed assertions for outbound requests, and the `wsse:Security` header
//! that carries one [IHE ITI TF-2 3.40.4.1.2; SAML2 Core §2.3.3, §5.4; WSS SAML Token
//! Profile 1.1 §3.3].

use crate::algs::{ECDSA_SHA256, ENVELOPED, EXC_C14N, RSA_SHA256, SHA256};
use crate::c14n::{self, Options};
use crate::model::{AssertedUser, Coded, Confirmation, NetworkProfile};
use crate::names::{DS, SAML2};
use crate::trust::parse_cert;
use crate::{XuaConfigError, XuaError, algs, dom, time};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::time::{Duration, SystemTime};
use xcgate_ihe::retrieve::base64;
use xcgate_ihe::xml::{escape_attr, escape_text};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const HL7: &str = "urn:hl7-org:v3";
const URI_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
const X509_NAME: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
const EMAIL_NAME: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const SNOMED_CT: &str = "2.16.840.1.113883.6.96";
const NHIN_PURPOSE: &str = "2.16.840.1.113883.3.18.7.1";

enum SigningKey {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
}

/// Signs SAML 2.0 assertions with the host's key (RSA → rsa-sha256, ECDSA P-256 →
/// ecdsa-sha256; SHA-256 digests; exclusive c14n; the certificate in `KeyInfo`).
pub struct AssertionIssuer {
    key: SigningKey,
    cert: Vec<u8>,
    issuer: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for AssertionIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionIssuer")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

fn load_key(pem: &[u8], rng: &SystemRandom) -> Result<SigningKey, XuaConfigError> {
    let what = "the XUA signing key";
    let key = PrivateKeyDer::from_pem_slice(pem).map_err(|e| XuaConfigError::invalid(what, e))?;
    match key {
        PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der())
            .map(SigningKey::Rsa)
            .map_err(|e| XuaConfigError::invalid(what, e)),
        PrivateKeyDer::Pkcs8(k) => {
            let der = k.secret_pkcs8_der();
            if let Ok(rsa) = RsaKeyPair::from_pkcs8(der) {
                return Ok(SigningKey::Rsa(rsa));
            }
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, rng)
                .map(SigningKey::Ecdsa)
                .map_err(|e| {
                    XuaConfigError::invalid(what, format!("neither RSA nor ECDSA P-256 ({e})"))
                })
        }
        _ => Err(XuaConfigError::invalid(
            what,
            "use PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 RSA (`BEGIN RSA PRIVATE KEY`)",
        )),
    }
}

impl AssertionIssuer {
    /// From a PEM private key (PKCS#8 RSA or ECDSA P-256, or PKCS#1 RSA), the PEM
    /// certificate of that key, and the name to put in `Issuer`.
    pub fn from_pem(
        key_pem: &[u8],
        cert_pem: &[u8],
        issuer: impl Into<String>,
    ) -> Result<Self, XuaConfigError> {
        let rng = SystemRandom::new();
        let key = load_key(key_pem, &rng)?;
        let cert = CertificateDer::from_pem_slice(cert_pem)
            .map_err(|e| XuaConfigError::invalid("the XUA signing certificate", e))?;
        let issuer = AssertionIssuer {
            key,
            cert: cert.as_ref().to_vec(),
            issuer: issuer.into(),
            rng,
        };
        // The certificate must hold the key's public half, or nobody could verify.
        let (cert_key, _, _) = parse_cert(&issuer.cert)
            .map_err(|e| XuaConfigError::invalid("the XUA signing certificate", e))?;
        let probe = b"xcgate-xua key check";
        let sig = issuer
            .sign(probe)
            .map_err(|e| XuaConfigError::invalid("the XUA signing key", e))?;
        algs::verify(issuer.signature_method(), &cert_key, probe, &sig).map_err(|_| {
            XuaConfigError::invalid("the XUA signing key", "it does not match the certificate")
        })?;
        Ok(issuer)
    }

    /// As [`Self::from_pem`], reading both from files.
    pub fn from_pem_files(
        key: &Path,
        cert: &Path,
        issuer: impl Into<String>,
    ) -> Result<Self, XuaConfigError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|error| XuaConfigError::Io {
                path: p.to_path_buf(),
                error,
            })
        };
        Self::from_pem(&read(key)?, &read(cert)?, issuer)
    }

    /// The DER certificate that goes into `KeyInfo` (to configure peers' trust).
    pub fn certificate_der(&self) -> &[u8] {
        &self.cert
    }

    pub(crate) fn signature_method(&self) -> &'static str {
        match self.key {
            SigningKey::Rsa(_) => RSA_SHA256,
            SigningKey::Ecdsa(_) => ECDSA_SHA256,
        }
    }

    /// 16 random bytes in hex, for fresh IDs.
    pub(crate) fn random_hex(&self) -> Result<String, XuaError> {
        let mut random = [0u8; 16];
        self.rng
            .fill(&mut random)
            .map_err(|_| XuaError::Issue("no randomness for an ID".into()))?;
        Ok(random.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, XuaError> {
        let fail = |_| XuaError::Issue("signing failed".into());
        match &self.key {
            SigningKey::Rsa(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(&ring::signature::RSA_PKCS1_SHA256, &self.rng, msg, &mut sig)
                    .map_err(fail)?;
                Ok(sig)
            }
            SigningKey::Ecdsa(k) => Ok(k.sign(&self.rng, msg).map_err(fail)?.as_ref().to_vec()),
        }
    }

    /// A signed assertion about `user`, valid from `now` for `lifetime`, restricted to
    /// `audience` when given, in the IHE XUA shape (bearer). The user's `issuer` and
    /// `assertion_id` are not copied: this host is the issuer and the ID is fresh.
    pub fn issue(
        &self,
        user: &AssertedUser,
        audience: Option<&str>,
        lifetime: Duration,
        now: SystemTime,
    ) -> Result<String, XuaError> {
        let shape = Shape {
            profile: NetworkProfile::Ihe,
            confirmation: Confirmation::Bearer,
        };
        Ok(self.issue_shaped(user, audience, lifetime, now, shape)?.0)
    }

    /// The whole `wsse:Security` header of an outbound request under `profile`: for IHE
    /// the assertion alone; for the eHealth Exchange the Timestamp (valid for
    /// `timestamp_lifetime`), the assertion and the message signature
    /// ([`crate::message_security_header`]).
    #[allow(clippy::too_many_arguments)]
    pub fn outbound_header(
        &self,
        user: &AssertedUser,
        audience: Option<&str>,
        lifetime: Duration,
        now: SystemTime,
        profile: NetworkProfile,
        confirmation: Confirmation,
        timestamp_lifetime: Duration,
    ) -> Result<String, XuaError> {
        let shape = Shape {
            profile,
            confirmation,
        };
        let (assertion, id) = self.issue_shaped(user, audience, lifetime, now, shape)?;
        match profile {
            NetworkProfile::Ihe => Ok(security_header(&assertion)),
            NetworkProfile::EhealthExchange => {
                crate::wss::message_security_header(self, &assertion, &id, now, timestamp_lifetime)
            }
        }
    }

    /// The subject of the signing certificate (RFC 4514), the issuer name networks that
    /// want an X.509 subject name use.
    fn certificate_subject(&self) -> Option<String> {
        x509_parser::parse_x509_certificate(&self.cert)
            .ok()
            .map(|(_, c)| c.subject().to_string())
    }

    /// `ds:KeyInfo` content naming this key: its RSA key value (for RSA keys, which
    /// networks read) and its certificate.
    fn key_info_content(&self, with_key_value: bool) -> String {
        let mut out = String::new();
        if with_key_value
            && let Ok((crate::trust::PublicKey::Rsa { n, e }, _, _)) = parse_cert(&self.cert)
        {
            out.push_str(&format!(
                "<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>{}</ds:Modulus><ds:Exponent>{}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>",
                base64::encode(&n),
                base64::encode(&e)
            ));
        }
        out.push_str(&format!(
            "<ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data>",
            base64::encode(&self.cert)
        ));
        out
    }

    fn issue_shaped(
        &self,
        user: &AssertedUser,
        audience: Option<&str>,
        lifetime: Duration,
        now: SystemTime,
        shape: Shape,
    ) -> Result<(String, String), XuaError> {
        let name_id = if user.name_id.is_empty() {
            &user.subject_id
        } else {
            &user.name_id
        };
        if name_id.is_empty() {
            return Err(XuaError::Issue(
                "the user has neither a NameID nor a subject-id".into(),
            ));
        }
        // An xs:ID must not start with a digit.
        let id = format!("_{}", self.random_hex()?);
        let ehex = shape.profile == NetworkProfile::EhealthExchange;
        let issuer = if ehex {
            let (format, value) = match name_format(&self.issuer) {
                Some(format) => (format, self.issuer.clone()),
                None => (
                    X509_NAME,
                    self.certificate_subject()
                        .unwrap_or_else(|| format!("CN={}", dn_escape(&self.issuer))),
                ),
            };
            format!(
                "<saml2:Issuer Format=\"{format}\">{}</saml2:Issuer>",
                text(&value)
            )
        } else {
            format!("<saml2:Issuer>{}</saml2:Issuer>", text(&self.issuer))
        };
        let head = format!(
            "<saml2:Assertion xmlns:saml2=\"{SAML2}\" xmlns:ds=\"{DS}\" xmlns:xs=\"{XS}\" xmlns:xsi=\"{XSI}\" ID=\"{id}\" IssueInstant=\"{}\" Version=\"2.0\">{issuer}",
            time::format(now)
        );
        let confirmation_key = self.key_info_content(true);
        let tail = body(
            user,
            name_id,
            audience,
            now,
            now + lifetime,
            shape,
            &confirmation_key,
        );
        let unsigned = format!("{head}{tail}");
        let doc = dom::parse(&unsigned).map_err(|e| XuaError::Issue(e.to_string()))?;
        let digest = ring::digest::digest(
            &ring::digest::SHA256,
            c14n::canonicalize(&doc, doc.root, &Options::default()).as_bytes(),
        );
        let signed_info = format!(
            "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/><ds:SignatureMethod Algorithm=\"{}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"/><ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/><ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
            self.signature_method(),
            base64::encode(digest.as_ref())
        );
        let key_info = self.key_info_content(ehex);
        let signature = |value: &str| {
            format!(
                "<ds:Signature>{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue><ds:KeyInfo>{key_info}</ds:KeyInfo></ds:Signature>"
            )
        };
        // Canonicalize SignedInfo where it will stand, so its in-scope namespaces are right.
        let placed = format!("{head}{}{tail}", signature(""));
        let doc = dom::parse(&placed).map_err(|e| XuaError::Issue(e.to_string()))?;
        let si = (0..doc.elems.len())
            .find(|i| doc.elem(*i).is(DS, "SignedInfo"))
            .ok_or_else(|| XuaError::Issue("SignedInfo not found".into()))?;
        let value = self.sign(c14n::canonicalize(&doc, si, &Options::default()).as_bytes())?;
        Ok((
            format!("{head}{}{tail}", signature(&base64::encode(&value))),
            id,
        ))
    }
}

/// The shape of an issued assertion.
#[derive(Debug, Clone, Copy)]
struct Shape {
    profile: NetworkProfile,
    confirmation: Confirmation,
}

/// The SAML name format a name is written in: an e-mail address or an X.509 subject
/// name (`CN=...,O=...`); `None` for anything else.
fn name_format(name: &str) -> Option<&'static str> {
    let name = name.trim();
    if name.contains('@') && !name.contains([' ', ',', '=']) {
        Some(EMAIL_NAME)
    } else if name.split(',').all(|rdn| {
        rdn.split_once('=')
            .is_some_and(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
    }) {
        Some(X509_NAME)
    } else {
        None
    }
}

/// A value escaped for an RFC 4514 distinguished name.
fn dn_escape(value: &str) -> String {
    let mut out = String::new();
    for c in value.trim().chars() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An OID or homeCommunityId in the `urn:oid:` form the networks require.
fn urn_oid(value: &str) -> String {
    let v = value.trim();
    if v.starts_with("urn:") {
        v.to_string()
    } else {
        format!("urn:oid:{v}")
    }
}

fn text(s: &str) -> String {
    let mut out = String::new();
    escape_text(s, &mut out);
    out
}

fn attr(s: &str) -> String {
    let mut out = String::new();
    escape_attr(s, &mut out);
    out
}

fn string_attribute(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!(
        "<saml2:Attribute Name=\"{name}\" NameFormat=\"{URI_FORMAT}\"><saml2:AttributeValue xsi:type=\"xs:string\">{}</saml2:AttributeValue></saml2:Attribute>",
        text(value)
    ));
}

fn coded_attribute(out: &mut String, name: &str, element: &str, values: &[Coded]) {
    // The code system's name, as the networks' samples write it.
    let system_name = |system: &str| match system.trim_start_matches("urn:oid:") {
        SNOMED_CT => Some("SNOMED_CT"),
        NHIN_PURPOSE => Some("nhin-purpose"),
        _ => None,
    };
    if values.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<saml2:Attribute Name=\"{name}\" NameFormat=\"{URI_FORMAT}\">"
    ));
    for c in values {
        out.push_str(&format!(
            "<saml2:AttributeValue><hl7:{element} xmlns:hl7=\"{HL7}\" xsi:type=\"hl7:CE\" code=\"{}\"",
            attr(&c.code)
        ));
        if !c.code_system.is_empty() {
            let system = c.code_system.trim_start_matches("urn:oid:");
            out.push_str(&format!(" codeSystem=\"{}\"", attr(system)));
            if let Some(n) = system_name(system) {
                out.push_str(&format!(" codeSystemName=\"{n}\""));
            }
        }
        if let Some(d) = &c.display {
            out.push_str(&format!(" displayName=\"{}\"", attr(d)));
        }
        out.push_str("/></saml2:AttributeValue>");
    }
    out.push_str("</saml2:Attribute>");
}

/// Everything after `Issuer` (and the Signature that goes there) [SAML2 Core §2.3.3].
fn body(
    user: &AssertedUser,
    name_id: &str,
    audience: Option<&str>,
    now: SystemTime,
    until: SystemTime,
    shape: Shape,
    confirmation_key: &str,
) -> String {
    let ehex = shape.profile == NetworkProfile::EhealthExchange;
    let (from, until) = (time::format(now), time::format(until));
    let name_id_element = if ehex {
        // The networks accept an X.509 subject name or an e-mail address only.
        let (format, value) = match name_format(name_id) {
            Some(f) => (f, name_id.to_string()),
            None => (X509_NAME, format!("CN={}", dn_escape(name_id))),
        };
        format!(
            "<saml2:NameID Format=\"{format}\">{}</saml2:NameID>",
            text(&value)
        )
    } else {
        format!(
            "<saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">{}</saml2:NameID>",
            text(name_id)
        )
    };
    let confirmation = match shape.confirmation {
        Confirmation::Bearer => {
            "<saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"/>"
                .to_string()
        }
        Confirmation::SenderVouches => {
            "<saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:sender-vouches\"/>"
                .to_string()
        }
        Confirmation::HolderOfKey => format!(
            "<saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:holder-of-key\"><saml2:SubjectConfirmationData xsi:type=\"saml2:KeyInfoConfirmationDataType\"><ds:KeyInfo>{confirmation_key}</ds:KeyInfo></saml2:SubjectConfirmationData></saml2:SubjectConfirmation>"
        ),
    };
    let mut out = format!(
        "<saml2:Subject>{name_id_element}{confirmation}</saml2:Subject><saml2:Conditions NotBefore=\"{from}\" NotOnOrAfter=\"{until}\">"
    );
    if let Some(a) = audience {
        out.push_str(&format!(
            "<saml2:AudienceRestriction><saml2:Audience>{}</saml2:Audience></saml2:AudienceRestriction>",
            text(a)
        ));
    }
    // The networks authenticate the gateway by its X.509 key.
    let class = if ehex { "X509" } else { "unspecified" };
    out.push_str(&format!(
        "</saml2:Conditions><saml2:AuthnStatement AuthnInstant=\"{from}\"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:{class}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>"
    ));
    string_attribute(
        &mut out,
        "urn:oasis:names:tc:xspa:1.0:subject:subject-id",
        &user.subject_id,
    );
    if let Some(v) = &user.organization {
        string_attribute(
            &mut out,
            "urn:oasis:names:tc:xspa:1.0:subject:organization",
            v,
        );
    }
    if let Some(v) = &user.organization_id {
        let v = if ehex { urn_oid(v) } else { v.clone() };
        string_attribute(
            &mut out,
            "urn:oasis:names:tc:xspa:1.0:subject:organization-id",
            &v,
        );
    }
    if let Some(v) = &user.home_community_id {
        // IHE XUA names it in IHE's namespace [ITI TF-2 3.40.4.1.2]; the NHIN networks in
        // theirs, in urn:oid: form.
        if ehex {
            string_attribute(&mut out, "urn:nhin:names:saml:homeCommunityId", &urn_oid(v));
        } else {
            string_attribute(&mut out, "urn:ihe:iti:xca:2010:homeCommunityId", v);
        }
    }
    coded_attribute(
        &mut out,
        "urn:oasis:names:tc:xacml:2.0:subject:role",
        "Role",
        &user.roles,
    );
    coded_attribute(
        &mut out,
        "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse",
        "PurposeOfUse",
        &user.purpose_of_use,
    );
    if let Some(r) = &user.resource_id {
        string_attribute(
            &mut out,
            "urn:oasis:names:tc:xacml:2.0:resource:resource-id",
            r,
        );
    }
    if let Some(npi) = &user.npi {
        string_attribute(&mut out, "urn:oasis:names:tc:xspa:2.0:subject:npi", npi);
    }
    out.push_str("</saml2:AttributeStatement></saml2:Assertion>");
    out
}

/// A SOAP 1.2 `wsse:Security` header element holding `assertion_xml` (issued here or
/// forwarded as received), to be understood by the receiver [SOAP 1.2 Part 1 §5.2.3;
/// WSS 1.1 §5]. An XML declaration before the assertion is dropped.
pub fn security_header(assertion_xml: &str) -> String {
    let mut a = assertion_xml.trim_start_matches('\u{feff}').trim_start();
    if a.starts_with("<?xml")
        && let Some(end) = a.find("?>")
    {
        a = a[end + 2..].trim_start();
    }
    format!(
        "<wsse:Security xmlns:wsse=\"{}\" xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\" s12:mustUnderstand=\"true\">{a}</wsse:Security>",
        crate::WSSE_NS
    )
}
