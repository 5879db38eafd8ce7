//! The community's settings, read on every call (no state survives a call [wit/README.md]).
//! Every setting has a default except the ones only the operator can know; a missing or
//! malformed one is an `internal` error whose message says which setting to write.

use xcgate_sdk::ihe::hl7v3::{bare_oid, urn_oid};
use xcgate_sdk::{AdapterError, CallContext};

/// What the adapter needs to call the responding gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Endpoint names (in `[communities.<name>.endpoints]`) per transaction.
    pub iti55_endpoint: String,
    pub iti38_endpoint: String,
    pub iti39_endpoint: String,
    pub iti56_endpoint: String,
    /// The responding gateway's homeCommunityId, `urn:oid:` form.
    pub remote_home_community_id: String,
    /// Our homeCommunityId for the XCPD sender (`urn:oid:` form), when known.
    pub sender_home_community_id: Option<String>,
    /// `authorOrPerformer/assignedDevice/id/@root` when the query names none.
    pub assigning_authority: Option<String>,
    pub sender_device_id: Option<String>,
    pub receiver_device_id: Option<String>,
    /// `wsa:To` per transaction.
    pub iti55_to: Option<String>,
    pub iti38_to: Option<String>,
    pub iti39_to: Option<String>,
    pub iti56_to: Option<String>,
    /// Send ITI-39 as MTOM/XOP (the default, [ITI TF-2 3.43.5]) or as plain SOAP.
    pub iti39_mtom: bool,
}

/// Every setting the adapter reads (README.md, "Configuration").
pub const KEYS: [&str; 14] = [
    "iti55_endpoint",
    "iti38_endpoint",
    "iti39_endpoint",
    "iti56_endpoint",
    "remote_home_community_id",
    "sender_home_community_id",
    "assigning_authority",
    "sender_device_id",
    "receiver_device_id",
    "iti55_to",
    "iti38_to",
    "iti39_to",
    "iti56_to",
    "iti39_mtom",
];

/// True for a dotted-decimal OID (`1.2.840.113619`): digits and single dots only.
pub fn is_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
}

fn bad(key: &str, value: &str, want: &str) -> AdapterError {
    AdapterError::Internal(format!(
        "setting `{key}` is `{value}`, not {want}; fix it in [communities.<this community>.settings]"
    ))
}

impl Settings {
    /// Read the settings through `lookup` (the host's `config::get`), with the call's
    /// homeCommunityIds as defaults.
    pub fn read(
        lookup: impl Fn(&str) -> Option<String>,
        ctx: &CallContext,
    ) -> Result<Settings, AdapterError> {
        // Blank counts as absent, so `key = ""` falls back to the default.
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let endpoint = |key: &str, default: &str| get(key).unwrap_or_else(|| default.to_string());
        let hcid = |key: &str| -> Result<Option<String>, AdapterError> {
            match get(key) {
                Some(v) if is_oid(bare_oid(&v)) => Ok(Some(urn_oid(&v))),
                Some(v) => Err(bad(key, &v, "a homeCommunityId (urn:oid:1.2.3 or 1.2.3)")),
                None => Ok(None),
            }
        };
        let oid = |key: &str| -> Result<Option<String>, AdapterError> {
            match get(key) {
                Some(v) if is_oid(bare_oid(&v)) => Ok(Some(bare_oid(&v).to_string())),
                Some(v) => Err(bad(key, &v, "an OID (1.2.3)")),
                None => Ok(None),
            }
        };
        let iti39_mtom = match get("iti39_mtom").as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(v) => return Err(bad("iti39_mtom", v, "true or false")),
        };
        let remote = match hcid("remote_home_community_id")? {
            Some(h) => h,
            None => urn_oid(&ctx.target_home_community_id),
        };
        let sender = match hcid("sender_home_community_id")? {
            Some(h) => Some(h),
            None => ctx
                .initiator_home_community_id
                .as_deref()
                .map(str::trim)
                .filter(|h| is_oid(bare_oid(h)))
                .map(urn_oid),
        };
        Ok(Settings {
            iti55_endpoint: endpoint("iti55_endpoint", "xcpd"),
            iti38_endpoint: endpoint("iti38_endpoint", "query"),
            iti39_endpoint: endpoint("iti39_endpoint", "retrieve"),
            iti56_endpoint: endpoint("iti56_endpoint", "plq"),
            remote_home_community_id: remote,
            sender_home_community_id: sender,
            assigning_authority: oid("assigning_authority")?,
            sender_device_id: oid("sender_device_id")?,
            receiver_device_id: oid("receiver_device_id")?,
            iti55_to: get("iti55_to"),
            iti38_to: get("iti38_to"),
            iti39_to: get("iti39_to"),
            iti56_to: get("iti56_to"),
            iti39_mtom,
        })
    }

    /// Our homeCommunityId, which the XCPD sender must carry [ITI TF-2 3.55.4.1.2.4].
    pub fn sender_home(&self) -> Result<&str, AdapterError> {
        self.sender_home_community_id.as_deref().ok_or_else(|| {
            AdapterError::Internal(
                "ITI-55 needs our homeCommunityId for sender/device/asAgent [ITI TF-2 3.55.4.1.2.4] \
                 and the request did not give one: set `sender_home_community_id = \"urn:oid:...\"` \
                 (this gateway's homeCommunityId) in [communities.<this community>.settings]"
                    .into(),
            )
        })
    }

    /// The `wsa:To` of a request. The host owns the URL, so by default the request is
    /// addressed to the responding community itself, by its homeCommunityId; a peer that
    /// checks `wsa:To` against its URL gets that URL from `iti55_to` / `iti38_to` /
    /// `iti39_to`.
    pub fn to<'a>(&'a self, configured: &'a Option<String>) -> &'a str {
        configured
            .as_deref()
            .unwrap_or(&self.remote_home_community_id)
    }
}

#[cfg(test)]
pub(crate) mod tests;
