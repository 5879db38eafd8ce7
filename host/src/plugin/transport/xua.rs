//! Outbound XUA: the assertion the host puts in the `wsse:Security` header of a plugin's
//! SOAP request to an endpoint with `xua = "forward"` or `"issue"` [ITI TF-2 3.40.4.1;
//! WSS SAML Token Profile 1.1 §3.3]. The plugin builds the envelope without it and never
//! sees the assertion or the signing key.

use crate::config::{CodedSetting, OutboundXua, SubjectConfirmation, XuaIssuerSection, XuaProfile};
use anyhow::Context as _;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::path::Path;
use std::time::{Duration, SystemTime};
use xcgate_xua::{
    AssertedUser, AssertionIssuer, Coded, Confirmation, NetworkProfile, VerifiedAssertion,
};

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// The gateway's own issuer (`[gateway.xua.issuer]`), shared by its endpoints.
pub struct HostIssuer {
    signer: AssertionIssuer,
    lifetime: Duration,
    /// Whom an assertion speaks for when the request carried no user, with every
    /// attribute the settings give.
    system_user: AssertedUser,
    /// `subject_confirmation`, when set.
    confirmation: Option<Confirmation>,
    timestamp_lifetime: Duration,
}

impl std::fmt::Debug for HostIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostIssuer").finish_non_exhaustive()
    }
}

fn coded(c: &CodedSetting) -> Coded {
    Coded {
        code: c.code.clone(),
        code_system: c.system.clone(),
        display: c.display.clone(),
    }
}

impl HostIssuer {
    /// The issuer of a config's `[gateway.xua.issuer]`, read now; `None` without one.
    pub fn of_config(
        config: &crate::config::Config,
    ) -> anyhow::Result<Option<std::sync::Arc<HostIssuer>>> {
        config
            .gateway
            .xua
            .issuer
            .as_ref()
            .map(|section| {
                HostIssuer::load(section, &config.base_dir, &config.gateway.home_community_id)
                    .map(std::sync::Arc::new)
            })
            .transpose()
    }

    /// Read the key and certificate now, so a bad file is a start-up (or reload) error.
    pub fn load(
        section: &XuaIssuerSection,
        base_dir: &Path,
        home_community_id: &str,
    ) -> anyhow::Result<HostIssuer> {
        let signer = AssertionIssuer::from_pem_files(
            &base_dir.join(&section.key_file),
            &base_dir.join(&section.cert_file),
            section.name.clone(),
        )
        .context("gateway.xua.issuer")?;
        let subject = section
            .system_subject
            .clone()
            .unwrap_or_else(|| section.name.clone());
        Ok(HostIssuer {
            signer,
            lifetime: section.lifetime.as_ref().map_or(DEFAULT_LIFETIME, |d| d.0),
            system_user: AssertedUser {
                subject_id: subject.clone(),
                name_id: subject,
                organization: section.organization.clone(),
                organization_id: section.organization_id.clone(),
                home_community_id: Some(
                    section
                        .home_community_id
                        .clone()
                        .unwrap_or_else(|| home_community_id.to_string()),
                ),
                roles: section.role.iter().map(coded).collect(),
                purpose_of_use: section.purpose_of_use.iter().map(coded).collect(),
                npi: section.npi.clone(),
                ..AssertedUser::default()
            },
            confirmation: section.subject_confirmation.map(|c| match c {
                SubjectConfirmation::Bearer => Confirmation::Bearer,
                SubjectConfirmation::HolderOfKey => Confirmation::HolderOfKey,
                SubjectConfirmation::SenderVouches => Confirmation::SenderVouches,
            }),
            timestamp_lifetime: section
                .timestamp_lifetime
                .as_ref()
                .map_or(DEFAULT_LIFETIME, |d| d.0),
        })
    }

    /// The user's attributes, with what a network requires and the user's assertion
    /// lacks taken from the settings (organization, its id, homeCommunityId, role,
    /// purpose of use, NPI).
    fn completed(&self, user: &AssertedUser) -> AssertedUser {
        let s = &self.system_user;
        let mut u = user.clone();
        u.organization = u.organization.or_else(|| s.organization.clone());
        u.organization_id = u.organization_id.or_else(|| s.organization_id.clone());
        u.home_community_id = u.home_community_id.or_else(|| s.home_community_id.clone());
        if u.roles.is_empty() {
            u.roles = s.roles.clone();
        }
        if u.purpose_of_use.is_empty() {
            u.purpose_of_use = s.purpose_of_use.clone();
        }
        u.npi = u.npi.or_else(|| s.npi.clone());
        u
    }

    /// The `wsse:Security` header for `user` (or the gateway itself) under `profile`.
    fn header(
        &self,
        user: Option<&AssertedUser>,
        audience: &str,
        profile: NetworkProfile,
    ) -> Result<String, String> {
        let completed;
        let user = match (user, profile) {
            (Some(u), NetworkProfile::EhealthExchange) => {
                completed = self.completed(u);
                &completed
            }
            (Some(u), NetworkProfile::Ihe) => u,
            (None, _) => &self.system_user,
        };
        let confirmation = self.confirmation.unwrap_or(match profile {
            NetworkProfile::Ihe => Confirmation::Bearer,
            NetworkProfile::EhealthExchange => Confirmation::HolderOfKey,
        });
        self.signer
            .outbound_header(
                user,
                Some(audience),
                self.lifetime,
                SystemTime::now(),
                profile,
                confirmation,
                self.timestamp_lifetime,
            )
            .map_err(|e| format!("no assertion could be issued: {}", e.reason()))
    }
}

/// What one endpoint attaches.
#[derive(Debug, Clone, Default)]
pub enum Attach {
    #[default]
    Nothing,
    /// The initiator's verified assertion, as received (IHE).
    Forward,
    /// One signed here for the initiator's user, or for the gateway itself (IHE).
    Issue(std::sync::Arc<HostIssuer>),
    /// The whole header a network's profile asks for, issued here for the initiator's
    /// user (completed from the settings) or for the gateway itself: an assertion
    /// received from the initiator cannot be forwarded, since its holder-of-key is not
    /// this gateway's key and the message must be signed with it.
    Network(std::sync::Arc<HostIssuer>, NetworkProfile),
}

impl Attach {
    pub fn new(
        mode: OutboundXua,
        profile: XuaProfile,
        issuer: Option<&std::sync::Arc<HostIssuer>>,
    ) -> anyhow::Result<Attach> {
        let issuer = || {
            issuer.cloned().ok_or_else(|| {
                anyhow::anyhow!(
                    "xua = \"{}\" with xua_profile = \"{}\" needs [gateway.xua.issuer]",
                    match mode {
                        OutboundXua::Forward => "forward",
                        _ => "issue",
                    },
                    profile.name()
                )
            })
        };
        Ok(match (mode, profile) {
            (OutboundXua::Off, _) => Attach::Nothing,
            (OutboundXua::Forward, XuaProfile::Ihe) => Attach::Forward,
            (OutboundXua::Issue, XuaProfile::Ihe) => Attach::Issue(issuer()?),
            (_, XuaProfile::EhealthExchange) => {
                Attach::Network(issuer()?, NetworkProfile::EhealthExchange)
            }
        })
    }

    /// The `wsse:Security` header element for this request, if any.
    fn header(
        &self,
        user: Option<&VerifiedAssertion>,
        audience: &str,
    ) -> Result<Option<String>, String> {
        let header = match self {
            Attach::Nothing => return Ok(None),
            Attach::Forward => match user {
                // The bytes as received: re-serialising would break the signature.
                Some(v) => xcgate_xua::security_header(
                    std::str::from_utf8(&v.raw)
                        .map_err(|_| "the initiator's assertion is not UTF-8".to_string())?,
                ),
                None => return Ok(None),
            },
            Attach::Issue(issuer) => {
                issuer.header(user.map(|v| &v.user), audience, NetworkProfile::Ihe)?
            }
            Attach::Network(issuer, profile) => {
                issuer.header(user.map(|v| &v.user), audience, *profile)?
            }
        };
        Ok(Some(header))
    }

    /// The request body with the endpoint's assertion in its SOAP header. A request that is
    /// not a SOAP 1.2 envelope (or MTOM package of one), or that brings a `wsse:Security`
    /// header of its own, is refused: nothing leaves without the assertion the operator
    /// configured, and a plugin cannot add a security header of its own making.
    pub fn apply(
        &self,
        body: Vec<u8>,
        content_type: Option<&str>,
        user: Option<&VerifiedAssertion>,
        audience: &str,
    ) -> Result<Vec<u8>, String> {
        let Some(header) = self.header(user, audience)? else {
            return Ok(body);
        };
        let (start, end) = envelope_span(&body, content_type)?;
        let edit = header_edit(&body[start..end])?;
        let mut out = Vec::with_capacity(body.len() + header.len() + 64);
        out.extend_from_slice(&body[..start + edit.at]);
        match &edit.wrap {
            Some(qname) => out.extend_from_slice(format!("<{qname}>{header}</{qname}>").as_bytes()),
            None => out.extend_from_slice(header.as_bytes()),
        }
        out.extend_from_slice(&body[start + edit.resume..]);
        Ok(out)
    }
}

/// Byte range of the SOAP envelope in the body: all of it, or the root (first) part of an
/// MTOM `multipart/related` package [XOP §4.1].
fn envelope_span(body: &[u8], content_type: Option<&str>) -> Result<(usize, usize), String> {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("application/soap+xml") {
        return Ok((0, body.len()));
    }
    if !ct.starts_with("multipart/related") {
        return Err(format!(
            "this endpoint attaches an XUA assertion, but the request is `{}`, not a SOAP 1.2 envelope",
            content_type.unwrap_or("without a content type")
        ));
    }
    let raw = content_type.unwrap_or("");
    let boundary = raw
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("the multipart request has no boundary")?;
    let delimiter = format!("--{boundary}");
    let first = find(body, delimiter.as_bytes(), 0).ok_or("the multipart request has no parts")?;
    let start = find(body, b"\r\n\r\n", first)
        .map(|p| p + 4)
        .ok_or("the root part has no end of headers")?;
    let end = find(body, format!("\r\n{delimiter}").as_bytes(), start)
        .ok_or("the root part does not end")?;
    Ok((start, end))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Where the header goes: insert at `at`, skip to `resume`; `wrap` is the `Header` element
/// name to create (or to re-open, for an empty `<S:Header/>`).
#[derive(Debug, PartialEq)]
struct Edit {
    at: usize,
    resume: usize,
    wrap: Option<String>,
}

fn header_edit(envelope: &[u8]) -> Result<Edit, String> {
    const OWN_SECURITY: &str = "the plugin's request has a wsse:Security header; the host attaches the assertion for this endpoint";
    let mut reader = quick_xml::NsReader::from_reader(envelope);
    let mut depth = 0usize;
    let mut envelope_prefix: Option<String> = None;
    let mut in_header: Option<usize> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("the request is not well-formed XML: {e}"))?;
        let in_ns = |uri: &str| matches!(&ns, ResolveResult::Bound(n) if n.into_inner() == uri);
        let (soap, wsse) = (in_ns(SOAP12), in_ns(WSSE));
        let after = reader.buffer_position() as usize;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let Some(at) = in_header.take()
                {
                    // Our header goes first in the SOAP Header, before the addressing
                    // headers, as WSS processors expect to meet it early.
                    return Ok(Edit {
                        at,
                        resume: at,
                        wrap: None,
                    });
                }
                continue;
            }
            Event::Eof => return Err("the request has no SOAP Body".into()),
            _ => continue,
        };
        match (depth, e.local_name().into_inner()) {
            (0, "Envelope") if soap && !empty => {
                envelope_prefix = Some(
                    e.name()
                        .prefix()
                        .map(|p| p.into_inner().to_string())
                        .unwrap_or_default(),
                );
            }
            (0, _) => return Err("the request is not a SOAP 1.2 envelope".into()),
            // `<S:Header/>`: re-opened around our header.
            (1, "Header") if soap && empty => {
                return Ok(Edit {
                    at: before,
                    resume: after,
                    wrap: Some(e.name().into_inner().to_string()),
                });
            }
            (1, "Header") if soap => in_header = Some(after),
            // No Header before the Body: one is created for ours.
            (1, "Body") if soap => {
                let wrap = match envelope_prefix.as_deref() {
                    Some("") | None => "Header".to_string(),
                    Some(p) => format!("{p}:Header"),
                };
                return Ok(Edit {
                    at: before,
                    resume: before,
                    wrap: Some(wrap),
                });
            }
            (2, "Security") if in_header.is_some() && wsse => {
                return Err(OWN_SECURITY.into());
            }
            _ => {}
        }
        if !empty {
            depth += 1;
        }
    }
}

#[cfg(test)]
mod tests;
