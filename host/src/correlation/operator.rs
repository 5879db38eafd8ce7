//! Operators' control of the correlations: list what is known of a patient, revoke it.
//! Used by the admin listener (`GET /admin/correlations`, `POST
//! /admin/correlations/revoke`) and by `xcgate correlations` when no gateway is running.
//! The listing is patient data: it goes to the operator who asked, never to the logs.

use crate::process::Process;
use serde_json::json;
use xcgate_ihe::calendar::UtcDateTime;
use xcgate_state::{Correlation, PatientId};

/// A patient named on the command line or in a query string: an HL7 CX
/// (`extension^^^&root&ISO`).
pub fn parse_patient(text: &str) -> Result<PatientId, String> {
    PatientId::from_cx(text.trim()).ok_or_else(|| {
        format!(
            "`{}` is not a patient id: write it as an HL7 CX, e.g. '120390-904J^^^&1.2.246.21&ISO'",
            text.trim()
        )
    })
}

fn time(ms: i64) -> String {
    let at = UtcDateTime::from_unix(ms.div_euclid(1000));
    at.xs_date_time_millis(ms.rem_euclid(1000) as u32)
}

fn entry(c: &Correlation, now: i64) -> serde_json::Value {
    json!({
        "patient": c.local.cx(),
        "home_community_id": c.home_community_id,
        // null: that community answered that it has no record of the patient.
        "id_there": c.remote.as_ref().map(PatientId::cx),
        "learned_as": c.direction.name(),
        "learned_at": time(c.learned_at),
        "expires_at": time(c.expires_at),
        "expired": c.expires_at <= now,
    })
}

/// Every correlation of `patient` (as the affinity domain's id or as a community's), as a
/// JSON array.
pub async fn list(process: &Process, patient: &PatientId) -> anyhow::Result<String> {
    let store = process
        .store
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("this gateway has no state store"))?;
    let rows = store.list(patient).await.inspect_err(|_| {
        process.metrics.state_failure("lookup");
    })?;
    let now = super::now_ms();
    let entries: Vec<serde_json::Value> = rows.iter().map(|c| entry(c, now)).collect();
    Ok(serde_json::to_string_pretty(&entries)? + "\n")
}

/// Revoke what is known of `patient` (in `community` only, when given), audited as done by
/// `operator` through `via`; the number of correlations removed.
pub async fn revoke(
    process: &Process,
    patient: &PatientId,
    community: Option<&str>,
    operator: xcgate_audit::Peer,
    via: &str,
) -> anyhow::Result<u64> {
    let store = process
        .store
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("this gateway has no state store"))?;
    let community = community.map(xcgate_ihe::hl7v3::urn_oid);
    let rows = store
        .revoke(patient, community.as_deref())
        .await
        .inspect_err(|_| process.metrics.state_failure("revoke"))?;
    process
        .audit
        .correlations_revoked(&patient.cx(), community.as_deref(), rows, operator, via)
        .await?;
    tracing::info!(rows, "patient correlations revoked by an operator");
    Ok(rows)
}
