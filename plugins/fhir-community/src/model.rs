//! The parts of the FHIR R4 resources this adapter reads [FHIR R4 Patient, DocumentReference,
//! Binary, Bundle, OperationOutcome]. Every field is optional and unknown fields are
//! ignored: a server may leave out anything, and one resource we cannot read is skipped
//! (and counted) rather than failing the whole answer.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Identifier {
    pub system: Option<String>,
    pub value: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HumanName {
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub family: Option<String>,
    pub given: Vec<String>,
    pub prefix: Vec<String>,
    pub suffix: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Address {
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub line: Vec<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContactPoint {
    pub system: Option<String>,
    pub value: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Extension {
    pub url: String,
    pub value_string: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Patient {
    pub id: Option<String>,
    pub active: Option<bool>,
    pub identifier: Vec<Identifier>,
    pub name: Vec<HumanName>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub address: Vec<Address>,
    pub telecom: Vec<ContactPoint>,
    pub extension: Vec<Extension>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CodeableConcept {
    pub coding: Vec<Coding>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Reference {
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Attachment {
    pub content_type: Option<String>,
    pub language: Option<String>,
    /// Inline content, base64.
    pub data: Option<String>,
    pub url: Option<String>,
    pub size: Option<u64>,
    /// SHA-1 of the content, base64 [FHIR R4 Attachment.hash].
    pub hash: Option<String>,
    pub title: Option<String>,
    pub creation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Content {
    pub attachment: Attachment,
    pub format: Option<Coding>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Context {
    pub event: Vec<CodeableConcept>,
    pub period: Option<Period>,
    pub facility_type: Option<CodeableConcept>,
    pub practice_setting: Option<CodeableConcept>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DocumentReference {
    pub id: Option<String>,
    pub master_identifier: Option<Identifier>,
    pub identifier: Vec<Identifier>,
    pub status: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<CodeableConcept>,
    pub category: Vec<CodeableConcept>,
    pub subject: Option<Reference>,
    pub date: Option<String>,
    pub description: Option<String>,
    pub security_label: Vec<CodeableConcept>,
    pub content: Vec<Content>,
    pub context: Option<Context>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Binary {
    pub content_type: Option<String>,
    pub data: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Issue {
    pub severity: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OperationOutcome {
    pub issue: Vec<Issue>,
}

impl OperationOutcome {
    /// `severity/code` of each issue: safe to log and to pass on, unlike `diagnostics` and
    /// `details.text`, which servers fill with the values searched for.
    pub fn codes(&self) -> String {
        let codes: Vec<String> = self
            .issue
            .iter()
            .map(|i| {
                format!(
                    "{}/{}",
                    i.severity.as_deref().unwrap_or("?"),
                    i.code.as_deref().unwrap_or("?")
                )
            })
            .collect();
        if codes.is_empty() {
            "no issues".to_string()
        } else {
            codes.join(", ")
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Search {
    pub mode: Option<String>,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Entry {
    pub resource: Option<serde_json::Value>,
    pub search: Option<Search>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Link {
    pub relation: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Bundle {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub total: Option<u64>,
    pub link: Vec<Link>,
    pub entry: Vec<Entry>,
}

impl CodeableConcept {
    /// The first coding with a code: XDS carries one code per coded attribute.
    pub fn first(&self) -> Option<&Coding> {
        self.coding
            .iter()
            .find(|c| c.code.as_deref().is_some_and(|c| !c.trim().is_empty()))
    }
}

/// The `type` of a JSON resource.
pub fn resource_type(value: &serde_json::Value) -> Option<&str> {
    value.get("resourceType").and_then(|t| t.as_str())
}
