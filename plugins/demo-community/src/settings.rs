//! The document settings of the demo community: its repository and the documents it holds
//! (`settings.repository_unique_id`, `settings.organization_name`, `settings.documents`).

use serde::Deserialize;

/// A coded value as written in config: `{ code = "18842-5", scheme = "2.16.840.1.113883.6.1",
/// display = "Discharge summary" }`. In metadata it becomes a Classification whose
/// `nodeRepresentation` is the code, `codingScheme` slot the scheme and Name the display
/// [ITI TF-3 4.2.3.1.2].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeConfig {
    pub code: String,
    pub scheme: String,
    pub display: String,
}

/// The HL7 Confidentiality code system [ITI TF-3 4.2.3.2.5].
pub const CONFIDENTIALITY_SCHEME: &str = "2.16.840.1.113883.5.25";

fn normal() -> String {
    "N".to_string()
}

/// One document of the demo community, as written in
/// `[[communities.<c>.settings.documents]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    /// The patient: the extension of the patient's own id (`patients[].id`) in this
    /// community, e.g. `PIR-1001`.
    pub patient: String,
    /// DocumentEntry.uniqueId, an OID [ITI TF-3 4.2.3.2.26]; also the CDA `id`.
    pub unique_id: String,
    pub title: String,
    pub class_code: CodeConfig,
    pub type_code: CodeConfig,
    pub format_code: CodeConfig,
    pub practice_setting: CodeConfig,
    pub healthcare_facility_type: CodeConfig,
    /// A code of 2.16.840.1.113883.5.25 (`N`, `R`, `V`, ...); `N` when not given.
    #[serde(default = "normal")]
    pub confidentiality: String,
    /// HL7 TS, e.g. `20240312103000+0200`.
    pub creation_time: String,
    pub service_start: Option<String>,
    pub service_stop: Option<String>,
    /// BCP 47, e.g. `fi-FI` [ITI TF-3 4.2.3.2.12].
    pub language: String,
    /// The authoring person, given names first and the family name last
    /// (`"Laura Lääkäri"`).
    pub author: Option<String>,
    /// `text/xml` (or another XML type) renders a CDA R2 document; anything else returns
    /// `text` as UTF-8 bytes.
    pub mime_type: String,
    /// The narrative. In a CDA each non-blank line becomes a paragraph.
    pub text: String,
}

/// The community-level document settings.
#[derive(Debug, Clone, Default)]
pub struct DocumentSettings {
    /// The XDS repositoryUniqueId of this community's documents (an OID); required when
    /// there are documents [ITI TF-3 4.2.3.2.18].
    pub repository_unique_id: Option<String>,
    /// Name of the organisation that authors and keeps the documents (CDA custodian,
    /// author institution).
    pub organization_name: Option<String>,
    pub documents: Vec<DocumentConfig>,
}

/// True for an OID in dotted-decimal form of at most 64 characters, as uniqueIds and
/// repositoryUniqueIds must be [ITI TF-3 4.2.3.2.26, 4.2.3.2.18].
pub fn is_oid(text: &str) -> bool {
    text.len() <= 64
        && !text.is_empty()
        && text.split('.').count() >= 2
        && text
            .split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
}

/// Read the document settings; no `documents` means a community without documents.
pub fn load() -> Result<DocumentSettings, String> {
    let documents: Vec<DocumentConfig> = xcgate_sdk::config::json("documents")?.unwrap_or_default();
    Ok(DocumentSettings {
        repository_unique_id: xcgate_sdk::config::get("repository_unique_id"),
        organization_name: xcgate_sdk::config::get("organization_name"),
        documents,
    })
}

#[cfg(test)]
mod tests;
