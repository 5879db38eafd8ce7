//! The public records: what the gateway passes on about the asserted user.

use std::time::SystemTime;

/// An HL7 coded value (`hl7:CE`): XUA role and purpose of use [IHE ITI TF-2 3.40.4.1.2].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coded {
    pub code: String,
    /// As sent: an OID, sometimes as `urn:oid:...` (NHN); empty when the value was a bare code.
    pub code_system: String,
    pub display: Option<String>,
}

/// The user a SAML assertion speaks for, as the XSPA / IHE XUA attributes name them
/// [IHE ITI TF-2 3.40.4.1.2]. Values are trimmed and runs of white space collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssertedUser {
    /// `urn:oasis:names:tc:xspa:1.0:subject:subject-id` (the user's name); empty when absent.
    pub subject_id: String,
    pub organization: Option<String>,
    /// `...:subject:organization-id`; an HL7 `II` value is given as `root` or `root^extension`.
    pub organization_id: Option<String>,
    /// `urn:ihe:iti:xca:2010:homeCommunityId`, else `urn:nhin:names:saml:homeCommunityId`.
    pub home_community_id: Option<String>,
    pub roles: Vec<Coded>,
    pub purpose_of_use: Vec<Coded>,
    /// `urn:oasis:names:tc:xacml:2.0:resource:resource-id`: the patient id (CX).
    pub resource_id: Option<String>,
    /// `urn:oasis:names:tc:xspa:2.0:subject:npi`: the user's US National Provider
    /// Identifier, where a network asks for it.
    pub npi: Option<String>,
    pub issuer: String,
    /// `Subject/NameID`; empty when the subject has none.
    pub name_id: String,
    pub assertion_id: String,
}

/// The WS-Security profile a network asks of a SOAP request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum NetworkProfile {
    /// IHE XUA [ITI TF-2 3.40]: a signed SAML 2.0 assertion in `wsse:Security`.
    #[default]
    Ihe,
    /// The eHealth Exchange (and Carequality) profile: a `wsu:Timestamp`, the assertion
    /// with holder-of-key and the NHIN/XSPA attributes, and a message signature over the
    /// Timestamp with the holder-of-key key ([`crate::message_security_header`]).
    EhealthExchange,
}

/// How an assertion's subject is confirmed [SAML2 Profiles §3].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Confirmation {
    /// Whoever presents the assertion (the IHE XUA default).
    #[default]
    Bearer,
    /// The holder of the key in `SubjectConfirmationData/ds:KeyInfo`: here the issuer's
    /// key, which also signs the message.
    HolderOfKey,
    /// The sender vouches for the subject (it signs the message with its own key).
    SenderVouches,
}

/// How an endpoint treats XUA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XuaPolicy {
    /// A verified assertion is required.
    Required,
    /// No assertion is fine; an assertion that is present must verify (an unsigned or
    /// forged one is refused rather than ignored, so a sender never believes its identity
    /// was accepted when it was not).
    Optional,
    /// The Security header is not looked at.
    Off,
}

/// `AuthnStatement` [SAML2 Core §2.7.2].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthnInfo {
    pub instant: Option<SystemTime>,
    pub session_index: Option<String>,
    pub class_ref: Option<String>,
}

/// Everything read from an assertion, before or without verification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssertionInfo {
    pub user: AssertedUser,
    pub issue_instant: Option<SystemTime>,
    pub not_before: Option<SystemTime>,
    pub not_on_or_after: Option<SystemTime>,
    /// `Conditions/AudienceRestriction/Audience` values.
    pub audiences: Vec<String>,
    pub authn: Option<AuthnInfo>,
    /// Whether the assertion carries a `ds:Signature` child.
    pub signed: bool,
}

/// An assertion whose signature, signer and validity window were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    pub user: AssertedUser,
    pub not_before: Option<SystemTime>,
    pub not_on_or_after: SystemTime,
    pub audiences: Vec<String>,
    pub authn: Option<AuthnInfo>,
    /// The assertion element exactly as received (its signature still verifies), with the
    /// namespace declarations it inherited from the envelope added to its start tag, so it
    /// can stand alone in an outbound `wsse:Security` header ([`crate::security_header`]).
    pub raw: Vec<u8>,
}
