//! The ATNA audit trail of every transaction, in each role [ITI TF-2 3.20, and the
//! Security Considerations of 3.55.5, 3.38.5, 3.39.5, 3.18.5, 3.43.6].
//!
//! Handlers report what happened as [`Facts`] (which communities were called, how each
//! did, which patients and documents were involved); the process's [`Recorder`] turns them
//! into DICOM audit records and stores them before the answer leaves. Records are written
//! by the host, never by plugins, so a plugin can neither skip nor forge one.
//!
//! - `/initiating` (initiating gateway): one record per community called, as the
//!   initiating gateway of the cross-gateway transaction (ITI-55/38/39), success or failure
//!   by that community's outcome. An ITI-18/43 from a local consumer is also recorded as the
//!   registry / repository that answered it [ITI TF-2 3.38.4.1.4, 3.39.6].
//! - `/responding` (responding gateway): one success record for what was answered and,
//!   when a community failed, one failure record too (PartialSuccess writes both
//!   [ITI TF-2 3.18.5.1, 3.43.6.1]).
//! - A request refused because its node or user could not be authenticated is a Security
//!   Alert [ITI TF-2 3.20.4.1], at most [`ALERTS_PER_SECOND`] a second.

mod alert_budget;
pub mod cli;
mod facts;
mod records;

pub use alert_budget::PER_SECOND as ALERTS_PER_SECOND;
pub use facts::{CallFact, Facts, document_object, serialize};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::peer::Peer;
use alert_budget::AlertBudget;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xcgate_audit::{self as atna, Role};

/// Who writes the records: the audit source and this machine's name, read from config
/// and the system once per process, not once per record.
#[derive(Debug, Clone)]
struct AuditIdentity {
    source: atna::AuditSourceIdentification,
    /// This machine's host name: the initiating gateway's network access point.
    hostname: String,
}

impl AuditIdentity {
    fn new(config: &crate::config::AuditSection) -> AuditIdentity {
        let hostname = crate::config::hostname();
        let source_id = config
            .source_id
            .clone()
            .unwrap_or_else(|| format!("xcgate@{hostname}"));
        AuditIdentity {
            source: atna::application_server_source(
                &source_id,
                config.enterprise_site_id.as_deref(),
            ),
            hostname,
        }
    }
}

/// Who asked and where, for the records of one request.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The endpoint the request came to.
    pub role: Role,
    /// Our SOAP endpoint as the requester addressed it (`https://host:port/responding`).
    pub endpoint_uri: &'a str,
    pub peer: &'a Peer,
    /// `wsa:ReplyTo` of the request.
    pub reply_to: Option<&'a str>,
    /// The verified XUA user, when the request carried one.
    pub user: Option<&'a xcgate_xua::AssertedUser>,
    pub request_id: &'a str,
    /// Our own homeCommunityId (`urn:oid:` form), for queries answered here.
    pub home_community_id: &'a str,
}

/// The audit trail of this process: one journal (and its forwarder to the Audit Record
/// Repository), the audit identity and the Security Alert budget. It lives as long as the
/// process, across reloads: `[audit]` changes take effect at the next start.
#[derive(Debug)]
pub struct Recorder {
    /// `None`: records are not stored (`check-config`, which serves nothing).
    auditor: Option<atna::Auditor>,
    journal: PathBuf,
    /// Records not yet delivered to the repository when the journal was opened.
    pending_at_open: u64,
    identity: AuditIdentity,
    alerts: AlertBudget,
    metrics: Arc<Metrics>,
    /// `audit.on_failure = "refuse"`: no answer leaves without its records.
    refuse: bool,
    /// False from a failed store until records are stored again (or the journal's
    /// folder takes a write again: [`Recorder::probe`]).
    writable: std::sync::atomic::AtomicBool,
}

impl Recorder {
    /// Open the journal of `config` (its `[audit]`, or the state folder of its file) and
    /// start forwarding to the repository, if one is configured.
    pub async fn open(config: &Config, metrics: Arc<Metrics>) -> anyhow::Result<Recorder> {
        let journal = config.journal_path();
        if let Some(dir) = journal.parent()
            && !dir.as_os_str().is_empty()
        {
            // The default journal lives in a state folder that may not exist yet; a
            // folder we cannot create is reported by the open below, naming it.
            let _ = std::fs::create_dir_all(dir);
        }
        let auditor = atna::Auditor::open(
            config
                .audit
                .to_audit_config(journal.clone(), &config.base_dir),
        )
        .await
        .context("[audit]")?;
        Ok(Recorder {
            pending_at_open: auditor.stats().pending,
            auditor: Some(auditor),
            ..Recorder::unopened(config, metrics)
        })
    }

    /// A recorder that stores nothing (for a gateway that is loaded but never serves, as
    /// `check-config` does).
    pub fn unopened(config: &Config, metrics: Arc<Metrics>) -> Recorder {
        Recorder {
            auditor: None,
            journal: config.journal_path(),
            pending_at_open: 0,
            identity: AuditIdentity::new(&config.audit),
            alerts: AlertBudget::default(),
            metrics,
            refuse: config.audit.on_failure.unwrap_or_default() == crate::config::OnFailure::Refuse,
            writable: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// The journal's gauges in the Prometheus text format: whether it takes records, its
    /// size on disk, its segments, and the records waiting for the repository.
    pub fn render_metrics(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let Some(auditor) = &self.auditor else {
            return out;
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        gauge(
            &mut out,
            "xcgate_audit_writable",
            "1 while the audit journal stores records, 0 from a failed store until it does again.",
            u64::from(self.writable()),
        );
        gauge(
            &mut out,
            "xcgate_audit_pending",
            "Audit records in the journal not yet written to the Audit Record Repository.",
            auditor.stats().pending,
        );
        if let Ok(status) = atna::status(&self.journal) {
            gauge(
                &mut out,
                "xcgate_audit_journal_bytes",
                "Bytes the audit journal takes on disk (segments, compressed or not).",
                status.size,
            );
            gauge(
                &mut out,
                "xcgate_audit_journal_segments",
                "Segments of the audit journal.",
                status.segments as u64,
            );
        }
        out
    }

    /// The journal folder.
    pub fn journal(&self) -> &Path {
        &self.journal
    }

    /// True when records are being stored.
    pub fn is_open(&self) -> bool {
        self.auditor.is_some()
    }

    /// Records that were waiting for the repository when the journal was opened (what a
    /// restart found undelivered).
    pub fn pending_at_open(&self) -> u64 {
        self.pending_at_open
    }

    /// Journal and forwarder counters, when open.
    pub fn stats(&self) -> Option<atna::AuditStats> {
        self.auditor.as_ref().map(atna::Auditor::stats)
    }

    /// Flush the journal and give the forwarder a moment to deliver.
    pub async fn shutdown(&self) {
        if let Some(a) = &self.auditor {
            a.shutdown().await;
        }
    }

    /// Build and store the records of one request. False when they could not be stored
    /// (logged and counted in `xcgate_audit_failures_total`): with `on_failure = "refuse"`
    /// the caller then sends the transaction's error instead of the answer
    /// ([`Recorder::refuses`]).
    pub async fn record(&self, ex: &Exchange<'_>, facts: &Facts) -> bool {
        let Some(auditor) = &self.auditor else {
            return true;
        };
        let messages = records::of_request(&self.identity, ex, facts);
        // One group commit for all the records of the request (20 communities: one fsync).
        let stored = auditor.record_all(&messages).await;
        self.stored(&stored, messages.len() as u64, ex.request_id)
    }

    /// Note how a store went: count and log a failure, and say when the journal takes
    /// records again.
    fn stored(
        &self,
        result: &Result<(), atna::AuditError>,
        records: u64,
        request_id: &str,
    ) -> bool {
        use std::sync::atomic::Ordering;
        match result {
            Ok(()) => {
                if !self.writable.swap(true, Ordering::Relaxed) {
                    tracing::info!("audit journal takes records again; requests are answered");
                }
                true
            }
            Err(e) => {
                self.metrics.audit_failures(records);
                if self.writable.swap(false, Ordering::Relaxed) {
                    tracing::error!(
                        journal = %self.journal.display(),
                        error = %e,
                        on_failure = if self.refuse { "refuse" } else { "serve" },
                        "audit journal cannot store records: {}",
                        if self.refuse {
                            "requests get their transaction's error and /ready is false until it can"
                        } else {
                            "answers leave unaudited (audit.on_failure = \"serve\")"
                        }
                    );
                }
                tracing::debug!(request_id, records, "audit records not stored: {e}");
                false
            }
        }
    }

    /// True when an answer whose records could not be stored must not leave
    /// (`audit.on_failure = "refuse"`, the default).
    pub fn refuses(&self) -> bool {
        self.refuse
    }

    /// False while the journal cannot store records (since a failed store).
    pub fn writable(&self) -> bool {
        self.writable.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// While the journal cannot store records: does it take a write now
    /// ([`atna::Auditor::probe`])? Without this, a gateway taken out of its load balancer
    /// by `/ready` would never learn that the disk has room again.
    pub async fn probe(&self) {
        let Some(auditor) = &self.auditor else {
            return;
        };
        if self.writable() {
            return;
        }
        if auditor.probe().await.is_ok() {
            tracing::info!("audit journal takes writes again; requests are answered");
            self.writable
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// The records of one request whose answer leaves later (an asynchronous exchange),
    /// as XML lines: those written when it is delivered, and the same marked as a serious
    /// failure ("not delivered") for when it is given up. The Source participant is the
    /// ReplyTo address [ITI TF-2 3.55.5.1, 3.18.5.1].
    pub fn records_to_keep(&self, ex: &Exchange<'_>, facts: &Facts) -> (String, String) {
        let messages = records::of_request(&self.identity, ex, facts);
        let lines = |messages: &[atna::AuditMessage]| {
            messages
                .iter()
                .map(|m| m.to_xml())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let delivered = lines(&messages);
        let mut given_up = messages;
        for m in &mut given_up {
            m.event.outcome = atna::Outcome::SeriousFailure;
            m.event.outcome_description = Some(format!(
                "the answer could not be delivered to {}",
                ex.reply_to.unwrap_or("the reply address")
            ));
        }
        (delivered, lines(&given_up))
    }

    /// Store records kept by [`Recorder::records_to_keep`]. False (logged and counted)
    /// when they could not be stored.
    pub async fn record_kept(&self, lines: &str, request_id: &str) -> bool {
        let Some(auditor) = &self.auditor else {
            return true;
        };
        let stored = auditor.record_lines(lines).await;
        self.stored(&stored, lines.lines().count() as u64, request_id)
    }

    /// Record an operator's revocation of `rows` correlations of `patient_cx` (in
    /// `home_community_id` only, when given). `operator` is who asked (the admin client's
    /// address, or the user running the command), `via` the endpoint or command used.
    /// Unlike a transaction's records, a revocation that cannot be audited is an error:
    /// the caller says so to the operator.
    pub async fn correlations_revoked(
        &self,
        patient_cx: &str,
        home_community_id: Option<&str>,
        rows: u64,
        operator: atna::Peer,
        via: &str,
    ) -> anyhow::Result<()> {
        let Some(auditor) = &self.auditor else {
            return Ok(());
        };
        let reporter = atna::Peer::new(via, &self.identity.hostname);
        let message = atna::correlations_revoked(
            patient_cx,
            home_community_id,
            rows,
            operator,
            reporter,
            self.identity.source.clone(),
        );
        auditor.record(&message).await.map_err(|e| {
            self.metrics.audit_failures(1);
            anyhow::anyhow!("the revocation is done but its audit record was not stored: {e}")
        })
    }

    /// Record the Security Alert of a request refused because its node (TLS client
    /// certificate) or its user (XUA) could not be authenticated [ITI TF-2 3.20.4.1].
    /// `reason` names what failed, never assertion content or patient data.
    pub async fn security_alert(
        &self,
        kind: atna::AlertKind,
        reason: &str,
        endpoint_uri: &str,
        peer: &Peer,
        reply_to: Option<&str>,
    ) {
        let Some(auditor) = &self.auditor else { return };
        let Some(suppressed) = self.alerts.take(std::time::Instant::now()) else {
            self.metrics.alert_suppressed();
            return;
        };
        let reason = if suppressed > 0 {
            format!("{reason} ({suppressed} earlier alerts suppressed by the rate limit)")
        } else {
            reason.to_string()
        };
        let message =
            records::security_alert(&self.identity, kind, &reason, endpoint_uri, peer, reply_to);
        if let Err(e) = auditor.record(&message).await {
            self.metrics.audit_failures(1);
            tracing::error!("security alert not stored: {e}");
        }
    }
}

/// Every record of the audit journal folder `journal`, in order, one per line (segments
/// decompressed); empty when there is none. For tools and tests: it reads all of it.
pub fn journal_text(journal: &std::path::Path) -> String {
    xcgate_audit::read_journal(journal)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
