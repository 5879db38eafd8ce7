//! XCA calls into a community's adapter: `document-query` (ITI-38) and `document-retrieve`
//! (ITI-39). Same sandbox as every call: a fresh `Store`, the community's limits, the
//! call's deadline.

use super::community::{CommunityPlugin, classify};
use super::convert_xca::{self, RetrievedDocument};
use super::{CallContext, CallFailure, convert};
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
        let Some(pre) = &self.capabilities.document_query else {
            return Err(CallFailure::Instantiate(
                "the plugin does not export document-query".into(),
            ));
        };
        let budget = ctx
            .deadline
            .saturating_duration_since(tokio::time::Instant::now());
        let mut store = self.new_store(ctx);
        let (wit_ctx, wit_request) = (self.wit_context(ctx), convert_xca::query_in(request));
        let call = async {
            let instance = pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| (true, e))?;
            instance
                .xcgate_adapter_document_query()
                .call_find(&mut store, &wit_ctx, &wit_request)
                .await
                .map_err(|e| (false, e))
        };
        match tokio::time::timeout_at(ctx.deadline, call).await {
            Err(_) => Err(CallFailure::Timeout(budget)),
            Ok(Ok(Ok(answer))) => {
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
            Ok(Ok(Err(e))) => Err(CallFailure::Adapter(convert::error_out(e))),
            Ok(Err((instantiating, e))) => Err(classify(&store, instantiating, &e, budget)),
        }
    }

    /// ITI-39: retrieve documents of this community.
    pub async fn retrieve_documents(
        &self,
        ctx: &CallContext,
        requests: &[DocumentRequest],
    ) -> Result<Retrieved, CallFailure> {
        let Some(pre) = &self.capabilities.document_retrieve else {
            return Err(CallFailure::Instantiate(
                "the plugin does not export document-retrieve".into(),
            ));
        };
        let budget = ctx
            .deadline
            .saturating_duration_since(tokio::time::Instant::now());
        let mut store = self.new_store(ctx);
        let (wit_ctx, wit_requests) = (self.wit_context(ctx), convert_xca::requests_in(requests));
        let call = async {
            let instance = pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| (true, e))?;
            instance
                .xcgate_adapter_document_retrieve()
                .call_retrieve(&mut store, &wit_ctx, &wit_requests)
                .await
                .map_err(|e| (false, e))
        };
        match tokio::time::timeout_at(ctx.deadline, call).await {
            Err(_) => Err(CallFailure::Timeout(budget)),
            Ok(Ok(Ok(answer))) => Ok(Retrieved {
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
            }),
            Ok(Ok(Err(e))) => Err(CallFailure::Adapter(convert::error_out(e))),
            Ok(Err((instantiating, e))) => Err(classify(&store, instantiating, &e, budget)),
        }
    }
}
