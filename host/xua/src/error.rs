//! Errors, and their WS-Security SOAP fault subcodes [WSS 1.1 §12].
//!
//! Messages name what failed and, where it helps, the issuer; they never echo attribute
//! values, subject names or patient ids from the assertion.

/// WS-Security 1.0 secext namespace; the fault subcodes live in it [WSS 1.1 §12].
pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

/// Why an assertion was refused (or could not be issued).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XuaError {
    /// The endpoint requires an assertion and the message carries none.
    #[error("a SAML 2.0 assertion in wsse:Security is required and the message has none")]
    Missing,
    /// The message or the assertion could not be read.
    #[error("the security token could not be read: {0}")]
    Malformed(String),
    /// The assertion is present but carries no signature.
    #[error("the SAML assertion is not signed")]
    Unsigned,
    /// The signature uses an algorithm or construct that is not accepted.
    #[error("unsupported signature algorithm or transform: {0}")]
    UnsupportedAlgorithm(String),
    /// Digest or signature value does not match: the content was changed after signing
    /// (or the reference points somewhere else).
    #[error("the signature check failed: {0}")]
    FailedCheck(String),
    /// The signing key or the issuer is not trusted.
    #[error("the assertion signer is not trusted: {0}")]
    Untrusted(String),
    /// Outside `NotBefore`/`NotOnOrAfter` (with the allowed clock skew).
    #[error("the assertion is {0}")]
    Expired(&'static str),
    /// The `wsse:Security` header lacks what the endpoint's profile requires (a Timestamp,
    /// a message signature) or holds it in the wrong place.
    #[error("the security header is not acceptable: {0}")]
    InvalidSecurity(String),
    /// The token a signature refers to cannot be found.
    #[error("the referenced security token is not there: {0}")]
    SecurityTokenUnavailable(String),
    /// Building or signing an outbound assertion failed.
    #[error("the assertion could not be issued: {0}")]
    Issue(String),
}

impl XuaError {
    /// The SOAP fault subcode (namespace, local name) [WSS 1.1 §12, Tables 1 and 2].
    pub fn fault_subcode(&self) -> (&'static str, &'static str) {
        let local = match self {
            XuaError::Missing | XuaError::SecurityTokenUnavailable(_) => "SecurityTokenUnavailable",
            XuaError::Malformed(_) => "InvalidSecurityToken",
            XuaError::Unsigned | XuaError::Untrusted(_) => "FailedAuthentication",
            XuaError::UnsupportedAlgorithm(_) => "UnsupportedAlgorithm",
            XuaError::FailedCheck(_) => "FailedCheck",
            XuaError::Expired(_) => "MessageExpired",
            XuaError::Issue(_) | XuaError::InvalidSecurity(_) => "InvalidSecurity",
        };
        (WSSE_NS, local)
    }

    /// The fault reason text: the standard wording of the subcode [WSS 1.1 §12] followed
    /// by what failed (no assertion content beyond the issuer name).
    pub fn reason(&self) -> String {
        let standard = match self.fault_subcode().1 {
            "SecurityTokenUnavailable" => "Referenced security token could not be retrieved",
            "InvalidSecurityToken" => "An invalid security token was provided",
            "FailedAuthentication" => "The security token could not be authenticated or authorized",
            "UnsupportedAlgorithm" => "An unsupported signature or encryption algorithm was used",
            "FailedCheck" => "The signature or decryption was invalid",
            "MessageExpired" => "The message has expired",
            _ => "An error was discovered processing the <wsse:Security> header",
        };
        format!("{standard}: {self}")
    }
}

/// A trust or signing configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum XuaConfigError {
    #[error("cannot read {path}: {error}")]
    Io {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error("{what}: {why}")]
    Invalid { what: String, why: String },
}

impl XuaConfigError {
    pub(crate) fn invalid(what: impl Into<String>, why: impl std::fmt::Display) -> Self {
        XuaConfigError::Invalid {
            what: what.into(),
            why: why.to_string(),
        }
    }
}
