//! The documents of the demo community, resolved: each configured document joined to its
//! patient, its content rendered, hashed and measured, and every registry object id derived
//! from its uniqueId, so queries and retrieves see the same stable metadata at every call.

use crate::cda::{self, Custodian};
use crate::records::{Index, Patient};
use crate::settings::{DocumentConfig, DocumentSettings, is_oid};
use xcgate_sdk::xds::digest::{self, NAMESPACE_OID};
use xcgate_sdk::xds::dtm;

/// One document with everything its metadata and retrieval need.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub config: DocumentConfig,
    pub patient: Patient,
    /// The patient id as an HL7 CX with an ISO assigning authority
    /// (`EXT^^^&ROOT&ISO`) [ITI TF-3 4.2.3.2.16].
    pub patient_cx: String,
    /// entryUUID (`urn:uuid:`), name-based on the uniqueId.
    pub entry_uuid: String,
    pub content: Vec<u8>,
    /// SHA-1 of `content`, lower-case hex [ITI TF-3 4.2.3.2.9].
    pub hash: String,
    pub size: usize,
    /// creationTime / serviceStartTime / serviceStopTime as UTC DTM [ITI TF-3 4.2.3.2.6].
    pub creation_time: String,
    pub service_start: Option<String>,
    pub service_stop: Option<String>,
    /// The SubmissionSet that published this document: its entryUUID and uniqueId.
    pub submission_set_uuid: String,
    pub submission_set_unique_id: String,
    /// The HasMember Association from that SubmissionSet to this document.
    pub association_uuid: String,
    /// Namespace for the ids of this document's nested objects.
    namespace: digest::Uuid,
}

impl StoredDocument {
    /// A stable id for a nested object of this document (`"classCode"`, ...).
    pub fn nested_id(&self, what: &str) -> String {
        self.namespace.v5(what).urn()
    }
}

/// Every document of this community.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// This community's homeCommunityId (`urn:oid:` form): `home` of every returned object
    /// and `location` of every query error [ITI TF-2 3.38.4.1.3].
    pub home: String,
    pub repository_unique_id: String,
    pub custodian: Custodian,
    pub documents: Vec<StoredDocument>,
}

/// The CX form of a patient id [ITI TF-3 4.2.3.2.16].
pub fn patient_cx(patient: &Patient) -> String {
    format!(
        "{}^^^&{}&ISO",
        patient.id.extension.as_deref().unwrap_or(""),
        patient.id.root
    )
}

fn time(what: &str, n: usize, ts: &str) -> Result<String, String> {
    dtm::to_utc(ts)
        .ok_or_else(|| format!("document #{n}: `{what}` is not an HL7 TS (YYYYMMDDhhmmss±ZZZZ)"))
}

fn resolve(
    n: usize,
    config: DocumentConfig,
    index: &Index,
    custodian: &Custodian,
) -> Result<StoredDocument, String> {
    // Errors name the document by position, not by patient: config errors reach the logs.
    if !is_oid(&config.unique_id) {
        return Err(format!("document #{n}: `unique_id` must be an OID"));
    }
    let patient = index
        .patients
        .iter()
        .find(|p| p.id.extension.as_deref() == Some(config.patient.trim()))
        .cloned()
        .ok_or_else(|| {
            format!("document #{n}: `patient` is not the id extension of any settings.patients")
        })?;
    let creation_time = time("creation_time", n, &config.creation_time)?;
    let service_start = config
        .service_start
        .as_deref()
        .map(|t| time("service_start", n, t))
        .transpose()?;
    let service_stop = config
        .service_stop
        .as_deref()
        .map(|t| time("service_stop", n, t))
        .transpose()?;
    if config.mime_type.trim().is_empty() || config.language.trim().is_empty() {
        return Err(format!(
            "document #{n}: `mime_type` and `language` are required"
        ));
    }
    let content = cda::content(&config, &patient, custodian);
    let hash = digest::hex(&digest::sha1(&content));
    let entry = NAMESPACE_OID.v5(&config.unique_id);
    let submission_set = entry.v5("SubmissionSet");
    Ok(StoredDocument {
        patient_cx: patient_cx(&patient),
        entry_uuid: entry.urn(),
        size: content.len(),
        hash,
        content,
        creation_time,
        service_start,
        service_stop,
        submission_set_uuid: submission_set.urn(),
        submission_set_unique_id: submission_set.oid(),
        association_uuid: entry.v5("HasMember").urn(),
        namespace: entry,
        patient,
        config,
    })
}

impl Catalog {
    /// Resolve the settings for the community `home` (`urn:oid:` form).
    pub fn build(settings: DocumentSettings, index: &Index, home: &str) -> Result<Catalog, String> {
        let custodian = Custodian {
            oid: home.trim().trim_start_matches("urn:oid:").to_string(),
            name: settings.organization_name,
        };
        let repository_unique_id = match settings.repository_unique_id {
            Some(r) if is_oid(r.trim()) => r.trim().to_string(),
            Some(_) => return Err("setting `repository_unique_id` must be an OID".into()),
            None if settings.documents.is_empty() => String::new(),
            None => {
                return Err("a community with `documents` needs `repository_unique_id`".into());
            }
        };
        let mut documents: Vec<StoredDocument> = Vec::with_capacity(settings.documents.len());
        for (i, config) in settings.documents.into_iter().enumerate() {
            let doc = resolve(i + 1, config, index, &custodian)?;
            if documents
                .iter()
                .any(|d| d.config.unique_id == doc.config.unique_id)
            {
                return Err(format!("document #{}: `unique_id` is used twice", i + 1));
            }
            documents.push(doc);
        }
        Ok(Catalog {
            home: home.trim().to_string(),
            repository_unique_id,
            custodian,
            documents,
        })
    }

    /// The document with this uniqueId.
    pub fn by_unique_id(&self, unique_id: &str) -> Option<&StoredDocument> {
        self.documents
            .iter()
            .find(|d| d.config.unique_id == unique_id.trim())
    }
}

#[cfg(test)]
pub mod fixtures;
