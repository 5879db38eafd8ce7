//! Patient correlations: what the gateway learns of who a patient is in each community,
//! and uses to ask each community by its own id [ITI TF-2 3.55.4.2.3.1, 3.55.4.1.2.4;
//! ITI TF-1 18.2.1].
//!
//! - On `/initiating`, an ITI-55 that names the patient by an id of the affinity domain
//!   (`gateway.assigning_authority`) teaches, per community that answered, the patient's
//!   id there, or that it has none ("no match" is kept too, so it is not asked again
//!   before it expires). The lifetime is the answer's `xcpd:CorrelationTimeToLive`, else
//!   `gateway.correlation_ttl`. A match naming another homeCommunityId than the community
//!   asked is kept under the one it names.
//! - On `/responding`, the initiator's own id for the patient (the `livingSubjectId` in the
//!   assigning authority its `authorOrPerformer` names) is kept against ours.
//!
//! Learning never delays or fails an answer: a store that cannot be written is logged and
//! counted. Nothing here logs a patient id.

pub mod command;
pub mod operator;

use crate::call::CallFailure;
use crate::fanout::Outcome;
use crate::gateway::Gateway;
use crate::plugin::CommunityPlugin;
use std::collections::BTreeMap;
use xcgate_ihe::hl7v3::{DiscoveryRequest, bare_oid, same_oid, urn_oid};
use xcgate_ihe::xcpd::{PatientMatch, PatientQuery};
use xcgate_state::{Direction, PatientId};

pub use crate::wire::now_ms;

/// The id of the affinity domain among the query's `livingSubjectId`s, when the gateway
/// has an assigning authority.
pub fn local_id(gw: &Gateway, query: &PatientQuery) -> Option<PatientId> {
    let aa = gw.config.gateway.assigning_authority.as_deref()?;
    query
        .ids
        .iter()
        .find(|id| same_oid(&id.root, aa))
        .and_then(|id| {
            let ext = id.extension.as_deref()?.trim();
            (!ext.is_empty()).then(|| PatientId::new(bare_oid(&id.root), ext))
        })
}

/// The affinity domain's patient named by a CX (`extension^^^&root&ISO`), when its root is
/// the gateway's assigning authority.
pub fn local_cx(gw: &Gateway, cx: &str) -> Option<PatientId> {
    let aa = gw.config.gateway.assigning_authority.as_deref()?;
    PatientId::from_cx(cx).filter(|p| same_oid(&p.root, aa))
}

/// How long a correlation from `m` is kept, in milliseconds.
fn ttl_ms(gw: &Gateway, m: Option<&PatientMatch>) -> i64 {
    let default = gw.config.gateway.correlation_ttl.0.as_millis();
    let secs = m.and_then(|m| m.correlation_ttl);
    i64::try_from(secs.map_or(default, |s| u128::from(s) * 1000)).unwrap_or(i64::MAX)
}

fn store_failed(gw: &Gateway, e: &xcgate_state::StoreError) {
    gw.process.metrics.state_failure("learn");
    tracing::warn!("correlation not stored: {e}");
}

/// Learn from the answers of an ITI-55 that named `local` (initiating role).
pub async fn learn_from_answers(
    gw: &Gateway,
    local: &PatientId,
    outcomes: &[Outcome<CommunityPlugin, Vec<PatientMatch>>],
) {
    let Some(store) = &gw.process.store else {
        return;
    };
    let now = now_ms();
    for o in outcomes {
        let Ok(matches) = &o.result else {
            // A failed community taught nothing (Case 3 included: it may still match).
            continue;
        };
        // Per homeCommunityId the answer names (the community's own by default).
        let mut by_community: BTreeMap<String, Vec<&PatientMatch>> = BTreeMap::new();
        for m in matches {
            let hcid = m
                .home_community_id
                .as_deref()
                .unwrap_or(&o.community.home_community_id);
            by_community.entry(urn_oid(hcid)).or_default().push(m);
        }
        if matches.is_empty() {
            by_community.insert(urn_oid(&o.community.home_community_id), Vec::new());
        }
        for (hcid, ms) in by_community {
            let remotes: Vec<PatientId> = ms
                .iter()
                .filter_map(|m| {
                    let ext = m.patient_id.extension.as_deref()?;
                    Some(PatientId::new(bare_oid(&m.patient_id.root), ext))
                })
                .collect();
            let expires = now.saturating_add(ttl_ms(gw, ms.first().copied()));
            if let Err(e) = store
                .learn(local, &hcid, Direction::Initiating, &remotes, now, expires)
                .await
            {
                store_failed(gw, &e);
                return;
            }
        }
    }
}

/// Learn the initiator's id for the patients we answered with (responding role): the
/// `livingSubjectId` in the assigning authority its `authorOrPerformer` names
/// [ITI TF-2 3.55.4.1.2.4].
pub async fn learn_initiator_id(
    gw: &Gateway,
    req: &DiscoveryRequest,
    outcomes: &[Outcome<CommunityPlugin, Vec<PatientMatch>>],
) {
    let (Some(store), Some(aa), Some(initiator)) = (
        &gw.process.store,
        req.query.reverse_query_assigning_authority.as_deref(),
        req.sender_home_community.as_deref(),
    ) else {
        return;
    };
    let Some(theirs) = req
        .query
        .ids
        .iter()
        .find(|id| same_oid(&id.root, aa))
        .and_then(|id| Some(PatientId::new(bare_oid(&id.root), id.extension.as_deref()?)))
    else {
        return;
    };
    let now = now_ms();
    let expires = now.saturating_add(ttl_ms(gw, None));
    // Collected first: a borrowing iterator held across `.await` makes the handler's
    // future higher-ranked, and hyper needs it `Send` for every lifetime.
    let mut ours_all: Vec<PatientId> = Vec::new();
    for o in outcomes {
        if let Ok(matches) = &o.result {
            for m in matches {
                if let Some(ext) = m.patient_id.extension.as_deref() {
                    ours_all.push(PatientId::new(bare_oid(&m.patient_id.root), ext));
                }
            }
        }
    }
    for ours in &ours_all {
        if let Err(e) = store
            .learn(
                ours,
                &urn_oid(initiator),
                Direction::Responding,
                std::slice::from_ref(&theirs),
                now,
                expires,
            )
            .await
        {
            store_failed(gw, &e);
            return;
        }
    }
}

/// The failure of a community that could not be asked who the patient is there.
pub fn not_discovered(f: &CallFailure) -> CallFailure {
    CallFailure::Adapter(crate::call::AdapterError::Unavailable(format!(
        "the patient could not be found there first (ITI-55): {f}"
    )))
}

/// Delete expired correlations every `every`, for as long as the task runs (the listener
/// aborts it at shutdown). Expired rows are never used; this reclaims their space.
pub async fn purge_expired_every(
    process: std::sync::Arc<crate::process::Process>,
    every: std::time::Duration,
) {
    let Some(store) = &process.store else { return };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.purge_expired(now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "expired correlations purged"),
            Err(e) => {
                process.metrics.state_failure("purge");
                tracing::warn!("expired correlations not purged: {e}");
            }
        }
    }
}
