//! XCA calls into a community's adapter: `document-query` (ITI-38) and `document-retrieve`
//! (ITI-39). Same sandbox as every call: a fresh `Store`, the community's limits, the
//! call's deadline.

use super::community::{CommunityPlugin, sandboxed_call};
use super::convert_xca::{self, RetrievedDocument};
use crate::call::{CallContext, CallFailure};
use xcgate_ihe::ebrs::{AdhocQueryRequest, RegistryError, RegistryObject};
use xcgate_ihe::retrieve::DocumentRequest;

/// What a community found for a stored query.
#[derive(Debug, Clone, Default)]
pub struct FoundObjects {
    pub objects: Vec<RegistryObject>,
    pub errors: Vec<RegistryError>,
}

/// What a community returned for a retrieve.
#[derive(Debug, Clone, Default)]
pub struct Retrieved {
    pub documents: Vec<RetrievedDocument>,
    pub errors: Vec<RegistryError>,
}

impl CommunityPlugin {
    /// ITI-38: run a stored query in this community.
    pub async fn find_documents(
        &self,
        ctx: &CallContext,
        request: &AdhocQueryRequest,
    ) -> Result<FoundObjects, CallFailure> {
        let wit_request = convert_xca::query_in(request);
        let answer = sandboxed_call!(
            self,
            ctx,
            document_query,
            "document-query",
            |export, instance, store, wit_ctx| {
                export
                    .call(instance, store, (wit_ctx, &wit_request))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        self.check_items(
            answer.objects.len() + answer.errors.len(),
            "registry objects and errors",
        )?;
        let objects = answer
            .objects
            .into_iter()
            .map(convert_xca::object_out)
            .collect::<Result<Vec<_>, _>>()
            .map_err(CallFailure::InvalidAnswer)?;
        Ok(FoundObjects {
            objects,
            errors: answer
                .errors
                .into_iter()
                .map(convert_xca::error_out)
                .collect(),
        })
    }

    /// ITI-39: retrieve documents of this community.
    pub async fn retrieve_documents(
        &self,
        ctx: &CallContext,
        requests: &[DocumentRequest],
    ) -> Result<Retrieved, CallFailure> {
        let wit_requests = convert_xca::requests_in(requests);
        let answer = sandboxed_call!(
            self,
            ctx,
            document_retrieve,
            "document-retrieve",
            |export, instance, store, wit_ctx| {
                export
                    .call(instance, store, (wit_ctx, &wit_requests))
                    .await
                    .map(|(answer,)| answer)
            }
        )?;
        self.check_items(
            answer.documents.len() + answer.errors.len(),
            "documents and errors",
        )?;
        let bytes: u64 = answer
            .documents
            .iter()
            .map(|d| d.content.len() as u64)
            .sum();
        if bytes > self.max_answer {
            return Err(CallFailure::AnswerTooLarge(format!(
                "{bytes} bytes of documents, over max_answer = {} bytes",
                self.max_answer
            )));
        }
        Ok(Retrieved {
            documents: answer
                .documents
                .into_iter()
                .map(convert_xca::document_out)
                .collect(),
            errors: answer
                .errors
                .into_iter()
                .map(convert_xca::error_out)
                .collect(),
        })
    }
}
