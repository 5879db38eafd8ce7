//! The IHE Integration Statement of a running configuration: which IHE actors,
//! transactions and options this gateway implements as configured, in the layout of
//! IHE's Integration Statement template (product, version, date; one row per integration
//! profile and actor with its options), followed by the plugin contract and the
//! communities with the capabilities their plugins export. Derived from the loaded config
//! and the plugins, never written by hand: networks ask for exactly this when a
//! participant joins.

use crate::config::{Config, OutboundXua, Role, SyslogTransportName, XuaMode, XuaProfile};
use crate::gateway::Gateway;
use crate::plugin::{CONTRACT, Capability, PluginRuntime, bundled_names, exported_capabilities};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row: an integration profile, an actor of it, its options, and where the IHE
/// Technical Framework defines them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub profile: &'static str,
    pub actor: &'static str,
    pub options: Vec<String>,
    pub reference: &'static str,
}

/// A community as the statement lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityLine {
    pub name: String,
    pub home_community_id: String,
    /// Where it is served: `/initiating` (reached for local initiators) or
    /// `/responding/<name>` (fronted for remote gateways).
    pub served_at: String,
    pub plugin: String,
    pub capabilities: Vec<&'static str>,
    /// Endpoints and their outbound XUA (`name: xua, profile`).
    pub endpoints: Vec<String>,
}

/// The statement of one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub version: &'static str,
    pub date: String,
    pub home_community_id: String,
    pub rows: Vec<Row>,
    pub contract: &'static str,
    pub bundled: Vec<&'static str>,
    pub communities: Vec<CommunityLine>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    /// `md` or `html`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

/// A configuration and what each community's plugin exports.
struct Described<'a> {
    config: &'a Config,
    capabilities: BTreeMap<String, Vec<Capability>>,
}

impl Described<'_> {
    fn fronted(&self, name: &str) -> bool {
        self.config.gateway.responding.iter().any(|n| n == name)
    }

    fn any(&self, role: Role, wanted: &[Capability]) -> bool {
        self.capabilities.iter().any(|(name, caps)| {
            self.fronted(name) == (role == Role::Responding)
                && caps.iter().any(|c| wanted.contains(c))
        })
    }
}

/// The rows this configuration implements.
fn rows(gw: &Described<'_>) -> Vec<Row> {
    let c = gw.config;
    let xca = [Capability::DocumentQuery, Capability::DocumentRetrieve];
    let xcpd = [Capability::PatientDiscovery];
    let mut rows = Vec::new();
    // ITI-56 goes out through adapters that export patient-location; on /responding the
    // gateway answers it itself (correlations, fronted communities).
    let locator = [Capability::PatientLocation];
    // Asynchronous answers go out only to the addresses of `[gateway.replies] allow`; with
    // none, initiators are answered synchronously only [ITI TF-1 18.2.2, 27.2.1, 27.2.2].
    let answers_async = !c.gateway.replies.allow.is_empty();
    let async_option = |mut options: Vec<String>, deferred: bool| {
        if answers_async {
            options.push("Asynchronous Web Services Exchange".to_string());
            if deferred {
                options.push("Deferred Response".to_string());
            }
        }
        options
    };
    if gw.any(Role::Initiating, &xcpd) {
        let locates = gw.any(Role::Initiating, &locator);
        rows.push(Row {
            profile: "Cross-Community Patient Discovery (XCPD)",
            actor: "Initiating Gateway",
            options: async_option(
                if locates {
                    vec!["Health Data Locator (ITI-56)".to_string()]
                } else {
                    Vec::new()
                },
                true,
            ),
            reference: if locates {
                "ITI TF-1 27; ITI TF-2 3.55, 3.56"
            } else {
                "ITI TF-1 27; ITI TF-2 3.55"
            },
        });
    }
    if gw.any(Role::Responding, &xcpd) {
        rows.push(Row {
            profile: "Cross-Community Patient Discovery (XCPD)",
            actor: "Responding Gateway",
            // WS-Addressing asynchronous is required of a responding gateway, not an option
            // [ITI TF-1 27.1.1.2]; the Deferred Response option is.
            options: if answers_async {
                vec![
                    "Health Data Locator (ITI-56)".into(),
                    "Deferred Response".into(),
                ]
            } else {
                vec!["Health Data Locator (ITI-56)".into()]
            },
            reference: "ITI TF-1 27; ITI TF-2 3.55, 3.56",
        });
    }
    if gw.any(Role::Initiating, &xca) {
        rows.push(Row {
            profile: "Cross-Community Access (XCA)",
            actor: "Initiating Gateway",
            // ITI-18 and ITI-43 are served to local Document Consumers on /initiating.
            options: async_option(vec!["XDS Affinity Domain".into()], false),
            reference: "ITI TF-1 18; ITI TF-2 3.38, 3.39, 3.18, 3.43",
        });
    }
    if gw.any(Role::Responding, &xca) {
        rows.push(Row {
            profile: "Cross-Community Access (XCA)",
            actor: "Responding Gateway",
            options: Vec::new(),
            reference: "ITI TF-1 18; ITI TF-2 3.38, 3.39",
        });
    }
    let mutual_tls = c
        .gateway
        .tls
        .as_ref()
        .is_some_and(|t| t.client_ca_file.is_some());
    let mut atna = Vec::new();
    if c.gateway.tls.is_some() {
        atna.push("STX: TLS 1.2 Floor using BCP195".to_string());
    }
    match c.audit.syslog.as_ref().map(|s| s.transport) {
        Some(SyslogTransportName::Tls) => atna.push("ATX: TLS Syslog".into()),
        Some(SyslogTransportName::Udp) => atna.push("ATX: UDP Syslog".into()),
        None => {}
    }
    rows.push(Row {
        profile: "Audit Trail and Node Authentication (ATNA)",
        // A Secure Node authenticates its peers itself (mutual TLS); without it the
        // gateway records the audit trail and leaves node authentication to its platform.
        actor: if mutual_tls {
            "Secure Node"
        } else {
            "Secure Application"
        },
        options: atna,
        reference: "ITI TF-1 9; ITI TF-2 3.19, 3.20",
    });
    let x = &c.gateway.xua;
    if x.initiating != XuaMode::Off || x.responding != XuaMode::Off {
        let mut options = vec!["Subject-Role".to_string(), "PurposeOfUse".to_string()];
        for (role, profile) in [
            (Role::Initiating, x.initiating_profile),
            (Role::Responding, x.responding_profile),
        ] {
            if profile == XuaProfile::EhealthExchange {
                options.push(format!(
                    "eHealth Exchange message security required on {}",
                    role.path()
                ));
            }
        }
        rows.push(Row {
            profile: "Cross-Enterprise User Assertion (XUA)",
            actor: "X-Service Provider",
            options,
            reference: "ITI TF-1 13; ITI TF-2 3.40",
        });
    }
    let endpoints: Vec<_> = c
        .communities
        .values()
        .flat_map(|community| community.endpoints.values())
        .filter(|e| e.xua != OutboundXua::Off)
        .collect();
    if !endpoints.is_empty() {
        let mut options = Vec::new();
        let issuer = x.issuer.as_ref();
        let forwards = endpoints.iter().any(|e| e.xua == OutboundXua::Forward);
        if forwards || issuer.is_some_and(|i| i.role.is_some()) {
            options.push("Subject-Role".to_string());
        }
        if forwards || issuer.is_some_and(|i| i.purpose_of_use.is_some()) {
            options.push("PurposeOfUse".to_string());
        }
        if endpoints
            .iter()
            .any(|e| e.xua_profile == XuaProfile::EhealthExchange)
        {
            options.push(
                "eHealth Exchange message security (Timestamp, holder-of-key, message signature)"
                    .into(),
            );
        }
        rows.push(Row {
            profile: "Cross-Enterprise User Assertion (XUA)",
            actor: "X-Service User",
            options,
            reference: "ITI TF-1 13; ITI TF-2 3.40",
        });
    }
    rows
}

impl Statement {
    /// The statement of the gateway `gw` in service, dated `unix_secs`.
    pub fn of(gw: &Gateway, unix_secs: u64) -> Statement {
        let capabilities = gw
            .communities
            .iter()
            .map(|c| {
                let caps = Capability::ALL
                    .into_iter()
                    .filter(|cap| c.supports(*cap))
                    .collect();
                (c.name.to_string(), caps)
            })
            .collect();
        Statement::describe(
            &Described {
                config: &gw.config,
                capabilities,
            },
            unix_secs,
        )
    }

    /// The statement of `config`, whose plugins are compiled and linked with `runtime` to
    /// read their capabilities (no TLS or key material is needed), dated `unix_secs`.
    pub fn of_config(
        config: &Config,
        runtime: &PluginRuntime,
        unix_secs: u64,
    ) -> anyhow::Result<Statement> {
        let mut capabilities = BTreeMap::new();
        for (name, c) in &config.communities {
            let caps = exported_capabilities(runtime, c, &config.base_dir)
                .map_err(|e| e.context(format!("community `{name}`")))?;
            capabilities.insert(name.clone(), caps);
        }
        Ok(Statement::describe(
            &Described {
                config,
                capabilities,
            },
            unix_secs,
        ))
    }

    fn describe(d: &Described<'_>, unix_secs: u64) -> Statement {
        let t = xcgate_ihe::calendar::UtcDateTime::from_unix(i64::try_from(unix_secs).unwrap_or(0));
        let communities = d
            .config
            .communities
            .iter()
            .map(|(name, config)| CommunityLine {
                name: name.clone(),
                home_community_id: config.home_community_id.clone(),
                served_at: if d.fronted(name) {
                    format!("{}/{name}", Role::Responding.path())
                } else {
                    Role::Initiating.path().to_string()
                },
                plugin: config.plugin.clone(),
                capabilities: d
                    .capabilities
                    .get(name)
                    .map(|caps| caps.iter().map(|c| c.interface_name()).collect())
                    .unwrap_or_default(),
                endpoints: config
                    .endpoints
                    .iter()
                    .map(|(n, e)| {
                        let xua = match e.xua {
                            OutboundXua::Off => "no XUA",
                            OutboundXua::Forward => "XUA forwarded",
                            OutboundXua::Issue => "XUA issued",
                        };
                        format!("{n}: {xua}, {} profile", e.xua_profile.name())
                    })
                    .collect(),
            })
            .collect();
        Statement {
            version: env!("CARGO_PKG_VERSION"),
            date: format!("{:04}-{:02}-{:02}", t.year, t.month, t.day),
            home_community_id: d.config.gateway.home_community_id.clone(),
            rows: rows(d),
            contract: CONTRACT,
            bundled: bundled_names().collect(),
            communities,
        }
    }

    /// The statement in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Markdown => self.markdown(),
            Format::Html => self.html(),
        }
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# IHE Integration Statement\n");
        let _ = writeln!(out, "| Vendor | Product name | Product version | Date |");
        let _ = writeln!(out, "|---|---|---|---|");
        let _ = writeln!(
            out,
            "| xcgate project | xcgate | {} | {} |\n",
            self.version, self.date
        );
        let _ = writeln!(
            out,
            "This product, as configured for homeCommunityId `{}`, implements all transactions required in the IHE Technical Framework to support the IHE Integration Profiles, Actors and Options listed below:\n",
            self.home_community_id
        );
        let _ = writeln!(
            out,
            "| Integration Profile | Actor | Options Implemented | IHE TF Reference |"
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for r in &self.rows {
            let options = if r.options.is_empty() {
                "none".to_string()
            } else {
                r.options.join("; ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {options} | {} |",
                r.profile, r.actor, r.reference
            );
        }
        let _ = writeln!(out, "\n## Adapter contract and communities\n");
        let _ = writeln!(
            out,
            "Plugin contract: `{}`. Adapters built in: {}.\n",
            self.contract,
            self.bundled.join(", ")
        );
        let _ = writeln!(
            out,
            "| Community | homeCommunityId | Served at | Plugin | Capabilities | Endpoints |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for c in &self.communities {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                c.name,
                c.home_community_id,
                c.served_at,
                c.plugin,
                c.capabilities.join(", "),
                if c.endpoints.is_empty() {
                    "in process".to_string()
                } else {
                    c.endpoints.join("; ")
                }
            );
        }
        let _ = writeln!(out, "\nGeneral information on IHE: https://www.ihe.net");
        out
    }

    fn html(&self) -> String {
        let e = |s: &str| {
            let mut out = String::new();
            xcgate_ihe::xml::escape_text(s, &mut out);
            out
        };
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>IHE Integration Statement: xcgate</title></head><body>\n<h1>IHE Integration Statement</h1>\n",
        );
        let _ = writeln!(
            out,
            "<table><tr><th>Vendor</th><th>Product name</th><th>Product version</th><th>Date</th></tr><tr><td>xcgate project</td><td>xcgate</td><td>{}</td><td>{}</td></tr></table>",
            e(self.version),
            e(&self.date)
        );
        let _ = writeln!(
            out,
            "<p>This product, as configured for homeCommunityId <code>{}</code>, implements all transactions required in the IHE Technical Framework to support the IHE Integration Profiles, Actors and Options listed below:</p>",
            e(&self.home_community_id)
        );
        let _ = writeln!(
            out,
            "<table><tr><th>Integration Profile</th><th>Actor</th><th>Options Implemented</th><th>IHE TF Reference</th></tr>"
        );
        for r in &self.rows {
            let options = if r.options.is_empty() {
                "none".to_string()
            } else {
                r.options.join("; ")
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(r.profile),
                e(r.actor),
                e(&options),
                e(r.reference)
            );
        }
        let _ = writeln!(out, "</table>\n<h2>Adapter contract and communities</h2>");
        let _ = writeln!(
            out,
            "<p>Plugin contract: <code>{}</code>. Adapters built in: {}.</p>",
            e(self.contract),
            e(&self.bundled.join(", "))
        );
        let _ = writeln!(
            out,
            "<table><tr><th>Community</th><th>homeCommunityId</th><th>Served at</th><th>Plugin</th><th>Capabilities</th><th>Endpoints</th></tr>"
        );
        for c in &self.communities {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&c.name),
                e(&c.home_community_id),
                e(&c.served_at),
                e(&c.plugin),
                e(&c.capabilities.join(", ")),
                e(&c.endpoints.join("; "))
            );
        }
        out.push_str("</table>\n<p>General information on IHE: <a href=\"https://www.ihe.net\">www.ihe.net</a></p>\n</body></html>\n");
        out
    }
}
