//! An MHD DocumentReference read as XDS DocumentEntry metadata, following the MHD mapping
//! [ITI TF-3 4.5.4.4.7, Table 4.5.4.4.7-1 "DocumentEntry ↔ DocumentReference"]:
//! masterIdentifier → uniqueId, identifier (`urn:uuid:`) → entryUUID, status → availabilityStatus,
//! category → classCode, type → typeCode, content.format → formatCode, securityLabel →
//! confidentialityCode, context.event/period/facilityType/practiceSetting → eventCodeList,
//! serviceStart/StopTime, healthcareFacilityTypeCode, practiceSettingCode; the attachment gives
//! mimeType, languageCode, size, hash, title and creationTime.

use crate::codes;
use crate::digest;
use crate::model::{CodeableConcept, Coding, DocumentReference};
use crate::time;
use std::collections::BTreeMap;
use xcgate_sdk::xds::digest as xds_digest;

/// availabilityStatus values [ITI TF-3 4.2.3.2.2].
pub const APPROVED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
pub const DEPRECATED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";

/// A coded value in XDS form: code, codingScheme, display name.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub code: String,
    pub scheme: String,
    pub display: String,
}

/// The DocumentEntry facts of one DocumentReference.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The DocumentReference's logical id (for log-free bookkeeping, never sent).
    pub resource_id: String,
    pub entry_uuid: String,
    pub unique_id: String,
    pub status: &'static str,
    pub mime_type: String,
    pub title: Option<String>,
    pub comments: Option<String>,
    pub language: Option<String>,
    pub creation_time: Option<String>,
    pub service_start: Option<String>,
    pub service_stop: Option<String>,
    pub hash: Option<String>,
    pub size: Option<u64>,
    pub class_code: Option<Code>,
    pub type_code: Option<Code>,
    pub format_code: Option<Code>,
    pub facility_type: Option<Code>,
    pub practice_setting: Option<Code>,
    pub confidentiality: Vec<Code>,
    pub event_codes: Vec<Code>,
    /// `Patient/<id>` of `subject`, to resolve the patient id when the query did not give it.
    pub subject: Option<String>,
}

/// Why a DocumentReference is not offered as a DocumentEntry (counted in the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `entered-in-error` is not a document [ITI TF-3 4.5.4.4.7: status].
    EnteredInError,
    /// Without masterIdentifier it has no uniqueId and cannot be retrieved.
    NoUniqueId,
    /// Without content there is nothing to retrieve.
    NoContent,
}

fn code(coding: &Coding, systems: &BTreeMap<String, String>) -> Option<Code> {
    let code = coding.code.as_deref()?.trim();
    if code.is_empty() {
        return None;
    }
    Some(Code {
        code: code.to_string(),
        scheme: codes::coding_scheme(coding.system.as_deref().unwrap_or_default(), systems),
        // XDS wants a display name on every code [ITI TF-3 4.2.3.1.2]; the code stands in.
        display: coding
            .display
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(code)
            .to_string(),
    })
}

fn concept(c: Option<&CodeableConcept>, systems: &BTreeMap<String, String>) -> Option<Code> {
    c.and_then(CodeableConcept::first)
        .and_then(|c| code(c, systems))
}

/// uniqueId: masterIdentifier's value with `urn:oid:` stripped (an OID uniqueId travels bare
/// in XDS; MHD writes it as a URI [ITI TF-3 4.5.4.4.7: uniqueId]).
pub fn unique_id(doc: &DocumentReference) -> Option<String> {
    let value = doc.master_identifier.as_ref()?.value.as_deref()?.trim();
    let bare = value.strip_prefix("urn:oid:").unwrap_or(value);
    (!bare.is_empty()).then(|| bare.to_string())
}

/// entryUUID: the `urn:uuid:` identifier MHD keeps it in; else the logical id when it is a
/// UUID; else a UUID named by the community and the logical id, stable across calls.
fn entry_uuid(doc: &DocumentReference, home: &str, resource_id: &str) -> String {
    let from_identifier = doc.identifier.iter().find_map(|i| {
        let v = i.value.as_deref()?.trim();
        let id = v.strip_prefix("urn:uuid:")?;
        xds_digest::is_uuid(id).then(|| format!("urn:uuid:{}", id.to_ascii_lowercase()))
    });
    from_identifier.unwrap_or_else(|| {
        if xds_digest::is_uuid(resource_id) {
            format!("urn:uuid:{}", resource_id.to_ascii_lowercase())
        } else {
            digest::uuid_urn(&format!("{home}|DocumentReference/{resource_id}"))
        }
    })
}

/// The hex SHA-1 of a base64 SHA-1, when it is one.
fn hash_hex(base64: &str) -> Option<String> {
    digest::base64_decode(base64)
        .filter(|h| h.len() == 20)
        .map(|h| xds_digest::hex(&h))
}

impl Entry {
    /// Read `doc`; `home` names the community for derived ids.
    pub fn from_fhir(
        doc: &DocumentReference,
        home: &str,
        systems: &BTreeMap<String, String>,
    ) -> Result<Entry, Skip> {
        let status = match doc.status.as_deref().map(str::trim) {
            Some("entered-in-error") => return Err(Skip::EnteredInError),
            Some("superseded") => DEPRECATED,
            _ => APPROVED,
        };
        let unique_id = unique_id(doc).ok_or(Skip::NoUniqueId)?;
        let content = doc.content.first().ok_or(Skip::NoContent)?;
        let a = &content.attachment;
        let resource_id = doc.id.clone().unwrap_or_default();
        let context = doc.context.as_ref();
        let period = context.and_then(|c| c.period.as_ref());
        Ok(Entry {
            entry_uuid: entry_uuid(doc, home, &resource_id),
            resource_id,
            unique_id,
            status,
            // The media type without parameters: XDS mimeType is the type itself.
            mime_type: a
                .content_type
                .as_deref()
                .and_then(|t| t.split(';').next())
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or("application/octet-stream")
                .to_string(),
            title: a.title.clone().filter(|t| !t.trim().is_empty()),
            comments: doc.description.clone().filter(|t| !t.trim().is_empty()),
            language: a.language.clone().filter(|t| !t.trim().is_empty()),
            // creationTime is the attachment's; `date` (when the reference was made) only
            // stands in when the attachment has none, since XDS requires the slot.
            creation_time: a
                .creation
                .as_deref()
                .or(doc.date.as_deref())
                .and_then(time::to_dtm),
            service_start: period
                .and_then(|p| p.start.as_deref())
                .and_then(time::to_dtm),
            service_stop: period.and_then(|p| p.end.as_deref()).and_then(time::to_dtm),
            hash: a.hash.as_deref().and_then(hash_hex),
            size: a.size,
            class_code: concept(doc.category.first(), systems),
            type_code: concept(doc.type_.as_ref(), systems),
            format_code: content.format.as_ref().and_then(|c| code(c, systems)),
            facility_type: concept(context.and_then(|c| c.facility_type.as_ref()), systems),
            practice_setting: concept(context.and_then(|c| c.practice_setting.as_ref()), systems),
            confidentiality: doc
                .security_label
                .iter()
                .flat_map(|c| &c.coding)
                .filter_map(|c| code(c, systems))
                .collect(),
            event_codes: context
                .map(|c| {
                    c.event
                        .iter()
                        .filter_map(|e| concept(Some(e), systems))
                        .collect()
                })
                .unwrap_or_default(),
            subject: doc
                .subject
                .as_ref()
                .and_then(|s| s.reference.as_deref())
                .map(|r| r.trim().to_string()),
        })
    }
}

#[cfg(test)]
mod tests;
