//! XUA: SAML 2.0 assertions in `wsse:Security`, verified and read into attributes
//! [IHE ITI TF-1 13, ITI TF-2 3.40], and issued for outbound calls.
//!
//! - [`verify_envelope`] finds the one SAML 2.0 assertion directly in `wsse:Security`,
//!   checks its enveloped XML-DSig signature (exclusive c14n implemented here over the
//!   original bytes; SHA-1/256/384/512 digests; RSA and ECDSA signatures via ring), that
//!   the signer is a configured certificate or issued by one ([`TrustedIssuers`]), and its
//!   validity window, under a per-endpoint [`XuaPolicy`].
//! - [`XuaError::fault_subcode`] maps every refusal to a WS-Security fault [WSS 1.1 §12].
//! - [`AssertionIssuer`] signs assertions for outbound requests; [`security_header`] wraps
//!   an issued or forwarded assertion into a SOAP 1.2 `wsse:Security` header, and
//!   [`AssertionIssuer::outbound_header`] builds the whole header a network's
//!   [`NetworkProfile`] asks for: for the eHealth Exchange a `wsu:Timestamp`, a
//!   holder-of-key assertion with the NHIN/XSPA attributes, and a message signature over
//!   the Timestamp ([`message_security_header`]), which [`verify_envelope_with`] checks on
//!   the way in (freshness per [`Freshness`], the signature with the holder-of-key key).
//!
//! Nothing here logs; errors carry no attribute values, subject names or patient ids.
//!
//! Decisions:
//! - Under [`XuaPolicy::Optional`] a present assertion must verify like under `Required`
//!   (an unsigned one is refused with `FailedAuthentication`, not ignored).
//! - Exactly one SAML 2.0 assertion directly in `wsse:Security`; exactly one
//!   `ds:Reference`, naming the assertion's own `ID`; ID values unique in the whole message;
//!   transforms exactly enveloped-signature then exc-c14n (signature-wrapping defence).
//! - `Conditions/@NotOnOrAfter` is required: a bearer assertion that never expires is
//!   refused. RSA keys need 2048 bits or more; HMAC and inclusive c14n are not accepted.
//! - Messages that are not UTF-8 are read as ISO-8859-1 (one NHN capture was transcoded
//!   after signing and verifies that way); the signature decides either way.
//! - `raw` of a [`VerifiedAssertion`] is the received bytes plus the namespace
//!   declarations inherited from the envelope, so it verifies on its own when forwarded.

mod algs;
mod attributes;
mod c14n;
mod dom;
mod dsig;
mod error;
mod extract;
mod issue;
mod model;
mod names;
mod time;
mod trust;
mod verify;
mod wss;

pub use error::{WSSE_NS, XuaConfigError, XuaError};
pub use issue::{AssertionIssuer, security_header};
pub use model::{
    AssertedUser, AssertionInfo, AuthnInfo, Coded, Confirmation, NetworkProfile, VerifiedAssertion,
    XuaPolicy,
};
pub use trust::TrustedIssuers;
pub use verify::{
    DEFAULT_CLOCK_SKEW, inspect, parse_unverified, verify_envelope, verify_envelope_with,
};
pub use wss::{Freshness, message_security_header};
