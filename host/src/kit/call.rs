//! One call of a plugin in the real sandbox, measured: what `xcgate plugin call` prints
//! and what every case of `xcgate plugin test` runs.

use super::request::KitRequest;
use super::subject::Subject;
use crate::call::{CallContext, CallFailure, CallProbe};
use crate::plugin::{FoundObjects, Retrieved};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;
use xcgate_ihe::plq::PatientLocation;
use xcgate_ihe::xcpd::PatientMatch;

/// What the plugin answered, after the host's answer checks.
#[derive(Debug, Clone)]
pub enum Answer {
    Matches(Vec<PatientMatch>),
    Locations(Vec<PatientLocation>),
    Found(FoundObjects),
    Retrieved(Retrieved),
}

/// One call and its measurements.
#[derive(Debug, Clone)]
pub struct CallRun {
    pub result: Result<Answer, CallFailure>,
    pub elapsed: Duration,
    /// The time the call was given.
    pub budget: Duration,
    /// The largest linear memory of the guest during the call (bytes).
    pub peak_memory: u64,
}

/// Run `request` once with `budget` (capped by the plugin's timeout, as in the gateway).
pub async fn call_once(subject: &Subject, request: &KitRequest, budget: Duration) -> CallRun {
    let plugin = &subject.plugin;
    let budget = budget.min(plugin.timeout);
    let probe = Arc::new(CallProbe::default());
    let ctx = CallContext {
        request_id: format!("kit-{}", uuid::Uuid::new_v4()),
        deadline: Instant::now() + budget,
        target_home_community_id: plugin.home_community_id.clone(),
        initiator_home_community_id: Some("urn:oid:2.999.999".into()),
        user: None,
        probe: Some(probe.clone()),
    };
    let started = Instant::now();
    let result = match request {
        KitRequest::Iti55(r) => plugin
            .discover_patients(&ctx, &r.query)
            .await
            .map(Answer::Matches),
        KitRequest::Iti56(id) => plugin.locate_patient(&ctx, id).await.map(Answer::Locations),
        KitRequest::Iti38(r) => plugin.find_documents(&ctx, r).await.map(Answer::Found),
        KitRequest::Iti39(d) => plugin
            .retrieve_documents(&ctx, d)
            .await
            .map(Answer::Retrieved),
    };
    CallRun {
        result,
        elapsed: started.elapsed(),
        budget,
        peak_memory: probe.peak_memory.load(Ordering::Relaxed),
    }
}

impl Answer {
    /// The typed answer as JSON (documents by size, not content).
    pub fn to_json(&self) -> Value {
        let value = match self {
            Answer::Matches(m) => serde_json::to_value(m),
            Answer::Locations(l) => serde_json::to_value(l),
            Answer::Found(found) => Ok(json!({
                "objects": found.objects,
                "errors": found.errors,
            })),
            Answer::Retrieved(r) => Ok(json!({
                "documents": r.documents.iter().map(|d| json!({
                    "home_community_id": d.home_community_id,
                    "repository_unique_id": d.repository_unique_id,
                    "document_unique_id": d.document_unique_id,
                    "new_repository_unique_id": d.new_repository_unique_id,
                    "new_document_unique_id": d.new_document_unique_id,
                    "mime_type": d.mime_type,
                    "bytes": d.content.len(),
                })).collect::<Vec<_>>(),
                "errors": r.errors,
            })),
        };
        value.unwrap_or_else(|e| Value::String(format!("(not representable: {e})")))
    }

    /// "2 matches", "3 registry objects, 1 error", ...
    pub fn summary(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        match self {
            Answer::Matches(m) => n(m.len(), "match", "matches"),
            Answer::Locations(l) => n(l.len(), "patient location", "patient locations"),
            Answer::Found(f) => format!(
                "{}, {}",
                n(f.objects.len(), "registry object", "registry objects"),
                n(f.errors.len(), "error", "errors")
            ),
            Answer::Retrieved(r) => format!(
                "{}, {}",
                n(r.documents.len(), "document", "documents"),
                n(r.errors.len(), "error", "errors")
            ),
        }
    }
}

/// The failure as a partner needs it: the kind and the whole message (a panic's own
/// message included: this is the plugin's author reading, not an initiator).
pub fn failure_json(f: &CallFailure) -> Value {
    json!({ "kind": f.kind(), "message": failure_text(f) })
}

pub fn failure_text(f: &CallFailure) -> String {
    match f {
        CallFailure::Panic(message) => format!("the adapter panicked: {message}"),
        other => other.to_string(),
    }
}
