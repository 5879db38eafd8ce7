//! The community's records, read from the settings on every call (nothing survives a
//! call). In a real adapter this is where the community's MPI and registry are asked,
//! through `xcgate_sdk::transport`.

use serde::Deserialize;

/// The settings this adapter reads.
pub const KEYS: &[&str] = &[
    "assigning_authority",
    "repository_unique_id",
    "patients",
    "documents",
];

/// One entry of `settings.patients`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The id of the patient in this community (its MRN): what ITI-55 answers and later
    /// ITI-38 queries name.
    pub id: String,
    pub family: String,
    pub given: String,
    /// HL7 AdministrativeGender: M, F or UN.
    pub gender: Option<String>,
    /// HL7 TS, e.g. 19900312.
    pub birth_time: String,
}

/// One entry of `settings.documents`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The `id` of the patient it belongs to.
    pub patient: String,
    pub unique_id: String,
    pub title: String,
    /// HL7 TS.
    pub creation_time: String,
    pub mime_type: String,
    /// The document itself (a real adapter fetches it from its repository).
    pub text: String,
    pub class_code: Coded,
    pub type_code: Coded,
    pub format_code: Coded,
    pub healthcare_facility_type_code: Coded,
    pub practice_setting_code: Coded,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coded {
    pub code: String,
    pub scheme: String,
    pub display: String,
}

/// The OID of the community's patient ids.
pub fn assigning_authority() -> Result<String, String> {
    xcgate_sdk::config::get("assigning_authority").ok_or_else(|| {
        "setting `assigning_authority` is missing (the OID of your patient ids)".into()
    })
}

/// The repository the documents are retrieved from (its OID).
pub fn repository_unique_id() -> Result<String, String> {
    xcgate_sdk::config::get("repository_unique_id").ok_or_else(|| {
        "setting `repository_unique_id` is missing (the OID of your repository)".into()
    })
}

pub fn patients() -> Result<Vec<Patient>, String> {
    Ok(xcgate_sdk::config::json("patients")?.unwrap_or_default())
}

pub fn documents() -> Result<Vec<Document>, String> {
    Ok(xcgate_sdk::config::json("documents")?.unwrap_or_default())
}

/// For the unit tests: a test host serving the settings this project ships
/// (`settings.toml`), as the gateway would.
#[cfg(test)]
pub fn test_host() -> xcgate_sdk::testing::Installed {
    let settings: toml::Table =
        toml::from_str(include_str!("../settings.toml")).expect("settings.toml is TOML");
    settings
        .into_iter()
        .fold(
            xcgate_sdk::testing::TestHost::new(),
            |host, (key, value)| match value {
                toml::Value::String(text) => host.setting(&key, text),
                other => host.setting_json(&key, &serde_json::to_value(other).expect("JSON")),
            },
        )
        .install()
}
