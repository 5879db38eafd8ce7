//! `[gateway.xua]` and the `xua` keys of endpoints: how XUA assertions on inbound requests
//! are checked, and which assertion (in which network profile) outbound requests carry.

use super::{ConfigError, HumanDuration};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// How an endpoint treats XUA assertions (`wsse:Security/saml2:Assertion`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XuaMode {
    /// A request without a valid assertion is refused with a WS-Security fault.
    Required,
    /// An assertion is not needed, but one that is there must verify.
    Optional,
    /// Assertions are not looked at.
    #[default]
    Off,
}

/// `[gateway.xua]`: XUA assertion checks per endpoint [ITI TF-2 3.40].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XuaSection {
    /// On `/initiating` (local initiators). Default `off`.
    #[serde(default)]
    pub initiating: XuaMode,
    /// On `/responding` (remote gateways). Default `off`.
    #[serde(default)]
    pub responding: XuaMode,
    /// PEM files of the certificates (or their CAs) whose signatures are trusted.
    #[serde(default)]
    pub trusted_issuers: Vec<PathBuf>,
    /// When set, the assertion's `Issuer` must be one of these names too.
    #[serde(default)]
    pub issuer_names: Vec<String>,
    /// When set, an assertion restricted to audiences (`AudienceRestriction`) must name
    /// one of these, e.g. this gateway's URL or homeCommunityId: an assertion issued for
    /// another service is not replayed here [SAML2 Core 2.5.1.4]. An unrestricted
    /// assertion is accepted.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// Tolerated clock difference for NotBefore / NotOnOrAfter. Default 5 minutes.
    pub clock_skew: Option<HumanDuration>,
    /// The network profile required on `/initiating` (`ihe`, default, or
    /// `ehealth-exchange`: a fresh `wsu:Timestamp` and a message signature by the
    /// assertion's holder-of-key are required too).
    #[serde(default)]
    pub initiating_profile: XuaProfile,
    /// The same for `/responding`.
    #[serde(default)]
    pub responding_profile: XuaProfile,
    /// Under `ehealth-exchange`: how old a Timestamp's `Created` may be. Default 5 minutes.
    pub timestamp_ttl: Option<HumanDuration>,
    /// The key that signs the assertions of endpoints with `xua = "issue"`.
    pub issuer: Option<XuaIssuerSection>,
}

/// `[gateway.xua.issuer]`: how this gateway issues the assertions it attaches to outbound
/// requests [ITI TF-2 3.40.4.1].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XuaIssuerSection {
    /// PEM private key (PKCS#8 RSA or ECDSA P-256, or PKCS#1 RSA), relative to the config.
    pub key_file: PathBuf,
    /// PEM certificate of that key (sent in the signature's `KeyInfo`).
    pub cert_file: PathBuf,
    /// The assertion's `Issuer`, e.g. `urn:oid:1.2.246.10.1` or the STS URL partners trust.
    pub name: String,
    /// Validity of an issued assertion. Default 5 minutes.
    pub lifetime: Option<HumanDuration>,
    /// Subject of the assertions issued when the request carried no user (a
    /// system-to-system query). Default: the issuer name.
    pub system_subject: Option<String>,
    /// The attributes a network requires of every assertion, used when the request
    /// carried no user and, under `ehealth-exchange`, where the user's assertion lacks
    /// them: `urn:oasis:names:tc:xspa:1.0:subject:organization` ...
    pub organization: Option<String>,
    /// ... `...:organization-id` (an OID; `urn:oid:` is added where a network wants it) ...
    pub organization_id: Option<String>,
    /// ... the homeCommunityId (default: `gateway.home_community_id`) ...
    pub home_community_id: Option<String>,
    /// ... the subject's role, a coded value, e.g. `{ code = "112247003", system =
    /// "2.16.840.1.113883.6.96", display = "Medical doctor" }` (SNOMED CT) ...
    pub role: Option<CodedSetting>,
    /// ... the purpose of use, e.g. `{ code = "TREATMENT", system =
    /// "2.16.840.1.113883.3.18.7.1", display = "Treatment" }` (NHIN purpose of use) ...
    pub purpose_of_use: Option<CodedSetting>,
    /// ... and the US National Provider Identifier, where a network asks for it.
    pub npi: Option<String>,
    /// `bearer` (the IHE default), `holder-of-key` (the `ehealth-exchange` default) or
    /// `sender-vouches`.
    pub subject_confirmation: Option<SubjectConfirmation>,
    /// Under `ehealth-exchange`: how long the `wsu:Timestamp` of a request is valid.
    /// Default 5 minutes.
    pub timestamp_lifetime: Option<HumanDuration>,
}

/// A coded value (`hl7:CE`) of an assertion attribute.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedSetting {
    pub code: String,
    /// The code system's OID.
    pub system: String,
    pub display: Option<String>,
}

/// How an issued assertion's subject is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectConfirmation {
    Bearer,
    HolderOfKey,
    SenderVouches,
}

/// The WS-Security profile of a network, per endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum XuaProfile {
    /// IHE XUA [ITI TF-2 3.40]: the assertion in `wsse:Security`.
    #[default]
    Ihe,
    /// eHealth Exchange / Carequality: Timestamp, holder-of-key assertion with the
    /// NHIN/XSPA attributes, message signature.
    EhealthExchange,
}

impl XuaProfile {
    pub fn to_network(self) -> xcgate_xua::NetworkProfile {
        match self {
            XuaProfile::Ihe => xcgate_xua::NetworkProfile::Ihe,
            XuaProfile::EhealthExchange => xcgate_xua::NetworkProfile::EhealthExchange,
        }
    }

    /// The name in config files.
    pub fn name(self) -> &'static str {
        match self {
            XuaProfile::Ihe => "ihe",
            XuaProfile::EhealthExchange => "ehealth-exchange",
        }
    }
}

/// The assertion attached to a declared endpoint's SOAP requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboundXua {
    /// None.
    #[default]
    Off,
    /// The initiator's verified assertion, unchanged (its signature still verifies); none
    /// when the request carried none.
    Forward,
    /// One signed here for the asserted user's attributes, or for `system_subject` when
    /// the request carried no user.
    Issue,
}

impl XuaSection {
    pub fn clock_skew(&self) -> Duration {
        self.clock_skew
            .as_ref()
            .map_or(xcgate_xua::DEFAULT_CLOCK_SKEW, |d| d.0)
    }

    /// The profile required on `role`'s endpoint.
    pub fn profile(&self, role: super::Role) -> XuaProfile {
        match role {
            super::Role::Initiating => self.initiating_profile,
            super::Role::Responding => self.responding_profile,
        }
    }

    /// The Timestamp freshness rules of `ehealth-exchange`.
    pub fn freshness(&self) -> xcgate_xua::Freshness {
        let mut f = xcgate_xua::Freshness::default();
        if let Some(ttl) = &self.timestamp_ttl {
            f.time_to_live = ttl.0;
        }
        f
    }
}

/// Checks of `[gateway.xua]` and the endpoints' `xua` keys that TOML types cannot express.
pub(super) fn check(c: &super::Config, origin: &str) -> Result<(), ConfigError> {
    let x = &c.gateway.xua;
    if (x.initiating != XuaMode::Off || x.responding != XuaMode::Off)
        && x.trusted_issuers.is_empty()
    {
        return Err(ConfigError::invalid(
            origin,
            "gateway.xua.trusted_issuers",
            "XUA is on but no issuer is trusted; list the PEM files of the STS certificates (or their CAs) whose assertions are accepted",
        ));
    }
    // Lifetimes and tolerances of security tokens: a day at most (a longer one is a typo,
    // or a replay window nobody means).
    let issuer = x.issuer.as_ref();
    for (key, value) in [
        ("gateway.xua.clock_skew", x.clock_skew.as_ref()),
        ("gateway.xua.timestamp_ttl", x.timestamp_ttl.as_ref()),
        (
            "gateway.xua.issuer.lifetime",
            issuer.and_then(|i| i.lifetime.as_ref()),
        ),
        (
            "gateway.xua.issuer.timestamp_lifetime",
            issuer.and_then(|i| i.timestamp_lifetime.as_ref()),
        ),
    ] {
        if value.is_some_and(|d| d.0 > std::time::Duration::from_secs(24 * 3600)) {
            return Err(ConfigError::invalid(origin, key, "must be at most 24h"));
        }
    }
    for (role, mode, profile) in [
        ("initiating", x.initiating, x.initiating_profile),
        ("responding", x.responding, x.responding_profile),
    ] {
        if profile != XuaProfile::Ihe && mode == XuaMode::Off {
            return Err(ConfigError::invalid(
                origin,
                format!("gateway.xua.{role}_profile"),
                format!(
                    "a profile applies to the assertions an endpoint checks, but gateway.xua.{role} is off; set it to \"required\" (or \"optional\")"
                ),
            ));
        }
    }
    if x.issuer.is_none()
        && let Some((community, endpoint)) = c.communities.iter().find_map(|(name, community)| {
            community
                .endpoints
                .iter()
                .find(|(_, e)| e.xua == OutboundXua::Issue)
                .map(|(e, _)| (name, e))
        })
    {
        return Err(ConfigError::invalid(
            origin,
            format!("communities.{community}.endpoints.{endpoint}.xua"),
            "`issue` needs a signing key: add [gateway.xua.issuer] with key_file, cert_file and name",
        ));
    }
    for (community, c2) in &c.communities {
        for (endpoint, e) in &c2.endpoints {
            if e.xua_profile != XuaProfile::EhealthExchange {
                continue;
            }
            let key = format!("communities.{community}.endpoints.{endpoint}");
            if e.xua == OutboundXua::Off {
                return Err(ConfigError::invalid(
                    origin,
                    format!("{key}.xua"),
                    "xua_profile = \"ehealth-exchange\" sends an assertion with every request: set xua = \"issue\" (the gateway's own) or \"forward\" (one issued for the initiator's user)",
                ));
            }
            let Some(issuer) = &x.issuer else {
                return Err(ConfigError::invalid(
                    origin,
                    format!("{key}.xua_profile"),
                    "the eHealth Exchange profile signs every request: add [gateway.xua.issuer] with key_file, cert_file and name",
                ));
            };
            for (field, missing) in [
                ("organization", issuer.organization.is_none()),
                ("organization_id", issuer.organization_id.is_none()),
                ("role", issuer.role.is_none()),
                ("purpose_of_use", issuer.purpose_of_use.is_none()),
            ] {
                if missing {
                    return Err(ConfigError::invalid(
                        origin,
                        format!("gateway.xua.issuer.{field}"),
                        format!(
                            "{key} uses xua_profile = \"ehealth-exchange\", whose assertions must carry organization, organization-id, homeCommunityId, a coded role and a coded purpose of use; add {field} (e.g. role = {{ code = \"112247003\", system = \"2.16.840.1.113883.6.96\", display = \"Medical doctor\" }}, purpose_of_use = {{ code = \"TREATMENT\", system = \"2.16.840.1.113883.3.18.7.1\" }})"
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
