//! The community's settings (`[communities.<name>] settings`), read on every call: the
//! host gives each call a fresh instance [wit/README.md, "A fresh instance per call"].
//! Every missing or malformed setting is an `internal` adapter error whose message says
//! what to write in the config.

use std::collections::BTreeMap;
use xcgate_sdk::AdapterError;

/// The endpoint used when `endpoint` is not set.
pub const DEFAULT_ENDPOINT: &str = "fhir";
/// How many patients an ITI-55 answer may carry before we ask for more attributes.
pub const DEFAULT_MAX_MATCHES: usize = 10;

/// Every setting the adapter reads (README.md).
pub const KEYS: [&str; 6] = [
    "endpoint",
    "assigning_authority",
    "repository_unique_id",
    "base_url",
    "max_matches",
    "code_systems",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Name of the `[communities.<name>.endpoints.<endpoint>]` whose URL is the FHIR base.
    pub endpoint: String,
    /// OID of the assigning authority of the patient ids this community hands out
    /// (Patient.identifier.system `urn:oid:<oid>`).
    pub assigning_authority: Option<String>,
    /// repositoryUniqueId of the documents (DocumentEntry slot and ITI-39 requests).
    pub repository_unique_id: Option<String>,
    /// The base URL the server writes in absolute references (e.g. attachment URLs),
    /// when it differs from nothing we know: the plugin never sees the endpoint's URL.
    pub base_url: Option<String>,
    pub max_matches: usize,
    /// Extra FHIR code system URIs → XDS codingScheme OIDs.
    pub code_systems: BTreeMap<String, String>,
}

fn missing(key: &str, example: &str, what: &str) -> AdapterError {
    AdapterError::Internal(format!(
        "setting `{key}` is missing: {what}; add e.g. `settings.{key} = \"{example}\"` to this community's config"
    ))
}

/// A setting's text with blanks treated as absent.
fn text(get: &dyn Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A bare OID (a `urn:oid:` prefix is accepted and dropped).
fn oid(get: &dyn Fn(&str) -> Option<String>, key: &str) -> Result<Option<String>, AdapterError> {
    let Some(value) = text(get, key) else {
        return Ok(None);
    };
    let bare = value.strip_prefix("urn:oid:").unwrap_or(&value).to_string();
    let valid = !bare.is_empty()
        && bare
            .split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(Some(bare))
    } else {
        Err(AdapterError::Internal(format!(
            "setting `{key}` is not an OID (digits and dots, e.g. \"2.999.44.1\")"
        )))
    }
}

impl Settings {
    /// Read the settings through `get` (the host's `config::get` in the component; a map in
    /// unit tests).
    pub fn read(get: &dyn Fn(&str) -> Option<String>) -> Result<Settings, AdapterError> {
        let max_matches = match text(get, "max_matches") {
            None => DEFAULT_MAX_MATCHES,
            Some(v) => v.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                AdapterError::Internal(
                    "setting `max_matches` must be a positive whole number, e.g. 10".to_string(),
                )
            })?,
        };
        let code_systems = match text(get, "code_systems") {
            None => BTreeMap::new(),
            Some(json) => xcgate_sdk::config::decode_json("code_systems", &json).map_err(|e| {
                AdapterError::Internal(format!(
                    "{e}; write a table of FHIR system URI = XDS codingScheme OID, e.g. \
                     `settings.code_systems = {{ \"http://example.org/cs\" = \"2.999.1\" }}`"
                ))
            })?,
        };
        Ok(Settings {
            endpoint: text(get, "endpoint").unwrap_or_else(|| DEFAULT_ENDPOINT.to_string()),
            assigning_authority: oid(get, "assigning_authority")?,
            repository_unique_id: oid(get, "repository_unique_id")?,
            base_url: text(get, "base_url").map(|u| u.trim_end_matches('/').to_string()),
            max_matches,
            code_systems,
        })
    }

    /// The settings of this call, from the host.
    pub fn load() -> Result<Settings, AdapterError> {
        Settings::read(&xcgate_sdk::config::get)
    }

    /// The patient assigning authority, required by ITI-55 and ITI-38.
    pub fn authority(&self) -> Result<&str, AdapterError> {
        self.assigning_authority.as_deref().ok_or_else(|| {
            missing(
                "assigning_authority",
                "2.999.44.1",
                "the OID whose Patient.identifier (system urn:oid:<OID>) is the patient id \
                 handed out for XCA queries",
            )
        })
    }

    /// The repositoryUniqueId, required by ITI-38 and ITI-39.
    pub fn repository(&self) -> Result<&str, AdapterError> {
        self.repository_unique_id.as_deref().ok_or_else(|| {
            missing(
                "repository_unique_id",
                "2.999.44.3",
                "the OID initiators send back in ITI-39 to retrieve this community's documents",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<Settings, AdapterError> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::read(&|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_only_what_a_transaction_uses() {
        let s = read(&[]).unwrap();
        assert_eq!(s.endpoint, "fhir");
        assert_eq!(s.max_matches, 10);
        let Err(AdapterError::Internal(m)) = s.authority() else {
            panic!("a missing authority is an internal error")
        };
        assert!(m.contains("settings.assigning_authority = "), "{m}");
        assert!(
            matches!(s.repository(), Err(AdapterError::Internal(m)) if m.contains("repository_unique_id"))
        );
    }

    #[test]
    fn oids_lose_their_urn_prefix_and_bad_values_are_named() {
        let s = read(&[
            ("assigning_authority", "urn:oid:2.999.44.1"),
            ("repository_unique_id", " 2.999.44.3 "),
            ("base_url", "http://fhir.example/R4/"),
            ("code_systems", r#"{"http://example.org/cs":"2.999.9"}"#),
        ])
        .unwrap();
        assert_eq!(s.authority().unwrap(), "2.999.44.1");
        assert_eq!(s.repository().unwrap(), "2.999.44.3");
        assert_eq!(s.base_url.as_deref(), Some("http://fhir.example/R4"));
        assert_eq!(s.code_systems["http://example.org/cs"], "2.999.9");
        for (key, value) in [
            ("assigning_authority", "not an oid"),
            ("max_matches", "0"),
            ("code_systems", "[1]"),
        ] {
            assert!(
                matches!(read(&[(key, value)]), Err(AdapterError::Internal(m)) if m.contains(key)),
                "{key}"
            );
        }
    }
}
