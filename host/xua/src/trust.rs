//! Which signers are trusted: configured certificates, pinned exactly or used as CAs.
//!
//! The key that verifies an assertion comes from its `ds:KeyInfo` [XML-DSig §4.4], which
//! the sender controls, so the key only counts when its certificate is one of the
//! configured ones (byte for byte, and within its validity) or chains to one of them
//! (checked by webpki, the library rustls uses). A bare `RSAKeyValue` only counts when it
//! equals the key of a configured certificate.

use crate::{XuaConfigError, XuaError};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A public key usable for XML-DSig verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// Big-endian modulus and exponent, without leading zero bytes.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// An uncompressed SEC1 point on P-256 or P-384 (told apart by its length).
    Ec(Vec<u8>),
}

pub(crate) fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b[i..].to_vec()
}

#[derive(Debug, Clone)]
struct TrustedCert {
    der: CertificateDer<'static>,
    key: PublicKey,
    not_before: i64,
    not_after: i64,
}

/// The certificates whose holders may sign assertions, and optionally the Issuer names
/// that are accepted.
#[derive(Debug, Clone, Default)]
pub struct TrustedIssuers {
    certs: Vec<TrustedCert>,
    issuer_names: Vec<String>,
}

/// The key and validity of a DER certificate.
pub(crate) fn parse_cert(der: &[u8]) -> Result<(PublicKey, i64, i64), String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let key = match cert.public_key().parsed().map_err(|e| e.to_string())? {
        x509_parser::public_key::PublicKey::RSA(rsa) => PublicKey::Rsa {
            n: strip_zeros(rsa.modulus),
            e: strip_zeros(rsa.exponent),
        },
        x509_parser::public_key::PublicKey::EC(point) => PublicKey::Ec(point.data().to_vec()),
        _ => return Err("the certificate key is neither RSA nor EC".into()),
    };
    let v = cert.validity();
    Ok((key, v.not_before.timestamp(), v.not_after.timestamp()))
}

fn unix_secs(t: SystemTime) -> i64 {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// webpki checks an extended key usage; assertion-signing certificates carry none or
/// site-specific ones, so any is accepted (the trust decision is the configured anchors).
struct AnyEku;

impl webpki::ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, _iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        Ok(())
    }
}

impl TrustedIssuers {
    /// Trust the given DER certificates (each both pinned and usable as a CA).
    pub fn from_der(certs: Vec<CertificateDer<'static>>) -> Result<Self, XuaConfigError> {
        let mut out = TrustedIssuers::default();
        for (i, der) in certs.into_iter().enumerate() {
            let (key, not_before, not_after) = parse_cert(der.as_ref()).map_err(|e| {
                XuaConfigError::invalid(format!("trusted certificate #{}", i + 1), e)
            })?;
            out.certs.push(TrustedCert {
                der,
                key,
                not_before,
                not_after,
            });
        }
        Ok(out)
    }

    /// Trust every certificate in PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Self, XuaConfigError> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| XuaConfigError::invalid("trusted certificates (PEM)", e))?;
        if certs.is_empty() {
            return Err(XuaConfigError::invalid(
                "trusted certificates (PEM)",
                "no CERTIFICATE block found",
            ));
        }
        Self::from_der(certs)
    }

    /// Trust every certificate in the PEM files (each may hold several).
    pub fn from_pem_files(paths: &[PathBuf]) -> Result<Self, XuaConfigError> {
        let mut all = TrustedIssuers::default();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|error| XuaConfigError::Io {
                path: path.clone(),
                error,
            })?;
            let one = Self::from_pem(&bytes)
                .map_err(|e| XuaConfigError::invalid(path.display().to_string(), e.to_string()))?;
            all.certs.extend(one.certs);
        }
        Ok(all)
    }

    /// Also require the assertion's `Issuer` to be one of `names` (compared after trimming).
    pub fn with_issuer_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.issuer_names = names
            .into_iter()
            .map(|n| n.into().trim().to_string())
            .collect();
        self
    }

    /// How many certificates are trusted.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    pub(crate) fn check_issuer(&self, issuer: &str) -> Result<(), XuaError> {
        if self.issuer_names.is_empty() || self.issuer_names.iter().any(|n| n == issuer) {
            Ok(())
        } else {
            // The issuer name is not patient data and tells the operator what to configure.
            Err(XuaError::Untrusted(format!(
                "the issuer `{issuer}` is not configured"
            )))
        }
    }

    /// The signer's key, if `chain[0]` (with `chain[1..]` as intermediates) is trusted at `now`.
    pub(crate) fn trust_certificate(
        &self,
        chain: &[Vec<u8>],
        now: SystemTime,
    ) -> Result<PublicKey, XuaError> {
        let Some(signer) = chain.first() else {
            return Err(XuaError::Malformed("KeyInfo has no certificate".into()));
        };
        let (key, _, _) = parse_cert(signer)
            .map_err(|e| XuaError::Malformed(format!("the KeyInfo certificate: {e}")))?;
        let t = unix_secs(now);
        if let Some(pinned) = self
            .certs
            .iter()
            .find(|c| c.der.as_ref() == signer.as_slice())
        {
            if t < pinned.not_before || t > pinned.not_after {
                return Err(XuaError::Untrusted(
                    "the signing certificate is outside its validity period".into(),
                ));
            }
            return Ok(key);
        }
        let ee_der = CertificateDer::from(signer.as_slice());
        let ee = webpki::EndEntityCert::try_from(&ee_der)
            .map_err(|e| XuaError::Untrusted(format!("the signing certificate: {e}")))?;
        let anchors = self
            .certs
            .iter()
            .filter_map(|c| webpki::anchor_from_trusted_cert(&c.der).ok())
            .collect::<Vec<_>>();
        let intermediates: Vec<CertificateDer<'_>> = chain[1..]
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        let time = UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(t).unwrap_or(0)));
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            time,
            AnyEku,
            None,
            None,
        )
        .map_err(|e| {
            XuaError::Untrusted(format!(
                "the signing certificate is neither configured nor issued by a configured CA ({e})"
            ))
        })?;
        Ok(key)
    }

    /// Accept a bare key only when it is the key of a configured certificate valid at `now`.
    pub(crate) fn trust_key_value(&self, key: &PublicKey, now: SystemTime) -> Result<(), XuaError> {
        let t = unix_secs(now);
        if self
            .certs
            .iter()
            .any(|c| &c.key == key && t >= c.not_before && t <= c.not_after)
        {
            Ok(())
        } else {
            Err(XuaError::Untrusted(
                "the KeyValue is not the key of a configured certificate".into(),
            ))
        }
    }
}
