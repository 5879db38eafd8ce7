//! The algorithm identifiers accepted in signatures and what implements them (ring).
//! [XML-DSig §6.1-6.4; XML-DSig-More (RFC 6931) §2.1.2, §2.2.2, §2.3.6]

use crate::XuaError;
use crate::trust::PublicKey;
use ring::{digest, signature};

pub(crate) const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub(crate) const EXC_C14N_WITH_COMMENTS: &str =
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
pub(crate) const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub(crate) const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub(crate) const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub(crate) const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

/// The digest algorithm named by a `DigestMethod` URI.
pub(crate) fn digest_alg(uri: &str) -> Result<&'static digest::Algorithm, XuaError> {
    Ok(match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        SHA256 => &digest::SHA256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => &digest::SHA384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => &digest::SHA512,
        _ => return Err(unsupported("DigestMethod", uri)),
    })
}

fn unsupported(what: &str, uri: &str) -> XuaError {
    XuaError::UnsupportedAlgorithm(format!(
        "{what} `{}`",
        uri.chars().take(100).collect::<String>()
    ))
}

/// Check `sig` over `msg` with `key` as the `SignatureMethod` URI says. RSA keys must be
/// 2048 bits or more (ring refuses shorter ones). ECDSA signature values are `r || s`
/// [XML-DSig 1.1 §6.4.3].
pub(crate) fn verify(uri: &str, key: &PublicKey, msg: &[u8], sig: &[u8]) -> Result<(), XuaError> {
    let bad = || XuaError::FailedCheck("the SignatureValue does not verify".into());
    match key {
        PublicKey::Rsa { n, e } => {
            let params: &signature::RsaParameters = match uri {
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => {
                    &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
                }
                RSA_SHA256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => {
                    &signature::RSA_PKCS1_2048_8192_SHA384
                }
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => {
                    &signature::RSA_PKCS1_2048_8192_SHA512
                }
                _ => return Err(unsupported("SignatureMethod for an RSA key", uri)),
            };
            if n.len() < 256 {
                return Err(XuaError::Untrusted(format!(
                    "the RSA key has {} bits; at least 2048 are required",
                    n.len() * 8
                )));
            }
            signature::RsaPublicKeyComponents { n, e }
                .verify(params, msg, sig)
                .map_err(|_| bad())
        }
        PublicKey::Ec(point) => {
            let alg: &dyn signature::VerificationAlgorithm = match (uri, point.len()) {
                (ECDSA_SHA256, 65) => &signature::ECDSA_P256_SHA256_FIXED,
                ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", 97) => {
                    &signature::ECDSA_P384_SHA384_FIXED
                }
                _ => return Err(unsupported("SignatureMethod for this EC key", uri)),
            };
            signature::UnparsedPublicKey::new(alg, point)
                .verify(msg, sig)
                .map_err(|_| bad())
        }
    }
}
