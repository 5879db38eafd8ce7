//! The XCA side of the misbehaving guest.

use crate::{Misbehaving, misbehave};
use xcgate_sdk::xca_query::{
    DocumentQuery, QueryRequest, QueryResponse, RegistryObject, RegistrySlot,
};
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, DocumentRetrieve, RetrieveResponse};
use xcgate_sdk::{AdapterError, CallContext, RegistryError, Severity};

fn flag(name: &str) -> bool {
    xcgate_sdk::config::get(name).is_some_and(|v| v == "true")
}

impl DocumentQuery for Misbehaving {
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError> {
        misbehave()?;
        if flag("unknown_patient") {
            let e = RegistryError {
                error_code: "XDSUnknownPatientId".into(),
                code_context: "no such patient".into(),
                severity: Severity::Error,
                location: None,
            };
            return Ok(QueryResponse {
                objects: vec![],
                errors: vec![e],
            });
        }
        let mut attributes = vec![
            (
                "id".to_string(),
                format!(
                    "urn:uuid:00000000-0000-4000-8000-{:012}",
                    request.parameters.len()
                ),
            ),
            (
                "objectType".to_string(),
                "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1".to_string(),
            ),
            ("mimeType".to_string(), "text/plain".to_string()),
            (
                "status".to_string(),
                "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved".to_string(),
            ),
        ];
        // `extra_attribute = "name"`: an attribute ebRIM does not define, which no answer
        // check refuses but the schema does.
        if let Some(extra) = xcgate_sdk::config::get("extra_attribute") {
            attributes.push((extra, "kit".to_string()));
        }
        if !flag("omit_home") {
            attributes.push(("home".to_string(), ctx.target_home_community_id.clone()));
        }
        let object = RegistryObject {
            kind: "ExtrinsicObject".into(),
            attributes,
            name: None,
            description: None,
            version_info: None,
            slots: vec![RegistrySlot {
                name: "repositoryUniqueId".into(),
                slot_type: None,
                values: vec!["2.999.99.3".into()],
            }],
            classifications: vec![],
            external_identifiers: vec![],
            extra_xml: vec![],
        };
        Ok(QueryResponse {
            objects: vec![object],
            errors: vec![],
        })
    }
}

impl DocumentRetrieve for Misbehaving {
    fn retrieve(
        _ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError> {
        misbehave()?;
        let size: usize = xcgate_sdk::config::get("document_size")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1024);
        let missing = xcgate_sdk::config::get("missing");
        let fill: Option<u8> =
            xcgate_sdk::config::get("document_fill").and_then(|v| v.parse().ok());
        let (mut documents, mut errors) = (Vec::new(), Vec::new());
        for r in requests {
            if missing.as_deref() == Some(r.document_unique_id.as_str()) {
                errors.push(RegistryError {
                    error_code: "XDSDocumentUniqueIdError".into(),
                    code_context: "no such document".into(),
                    severity: Severity::Error,
                    location: Some(r.document_unique_id.clone()),
                });
                continue;
            }
            let content: Vec<u8> = match fill {
                // A memset: the load bench measures the gateway, not this loop.
                Some(byte) => vec![byte; size],
                // Every byte value, in a pattern that a shifted or truncated copy cannot match.
                None => (0..size)
                    .map(|i| (i % 251) as u8 ^ (i >> 16) as u8)
                    .collect(),
            };
            documents.push(Document {
                home_community_id: r.home_community_id,
                repository_unique_id: r.repository_unique_id,
                document_unique_id: r.document_unique_id,
                new_repository_unique_id: None,
                new_document_unique_id: None,
                mime_type: "application/octet-stream".into(),
                content,
                extensions: vec![],
            });
        }
        Ok(RetrieveResponse { documents, errors })
    }
}
