//! ITI-39 Cross Gateway Retrieve: the documents asked for, or a RegistryError per document
//! this community does not hold [ITI TF-2 3.39.4.1.3].

use crate::records;
use xcgate_sdk::xca_retrieve::{Document, DocumentRequest, DocumentRetrieve, RetrieveResponse};
use xcgate_sdk::{AdapterError, CallContext, xds};

impl DocumentRetrieve for crate::Adapter {
    fn retrieve(
        _ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError> {
        let repository = records::repository_unique_id().map_err(AdapterError::Internal)?;
        let documents = records::documents().map_err(AdapterError::Internal)?;
        Ok(requests
            .iter()
            .fold(RetrieveResponse::default(), |answer, r| {
                let held = documents.iter().find(|d| {
                    d.unique_id == r.document_unique_id && r.repository_unique_id == repository
                });
                match held {
                    Some(d) => answer.document(Document::answering(
                        r,
                        d.mime_type.clone(),
                        d.text.as_bytes().to_vec(),
                    )),
                    None => answer.error(xds::retrieve::request_error(
                        xds::ids::error_codes::MISSING_DOCUMENT,
                        "this community holds no such document".into(),
                        r,
                    )),
                }
            }))
    }
}

#[cfg(test)]
mod tests {
    use crate::Adapter;
    use xcgate_sdk::testing::call_context;
    use xcgate_sdk::xca_retrieve::{DocumentRequest, DocumentRetrieve};

    #[test]
    fn a_held_document_is_returned_and_an_unknown_one_is_an_error() {
        let _host = crate::records::test_host();
        let answer = Adapter::retrieve(
            call_context(),
            vec![
                DocumentRequest::new("2.999.7.3", "2.999.7.2.1"),
                DocumentRequest::new("2.999.7.3", "2.999.7.2.404"),
            ],
        )
        .unwrap();
        assert_eq!(answer.documents.len(), 1);
        assert_eq!(answer.documents[0].content, b"Discharge summary of Aino.");
        assert_eq!(answer.errors.len(), 1);
        assert_eq!(answer.errors[0].error_code, "XDSMissingDocument");
    }
}
