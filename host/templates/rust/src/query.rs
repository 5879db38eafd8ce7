//! ITI-38 Cross Gateway Query: FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1] over the
//! documents of the settings; other stored queries are refused with XDSUnknownStoredQuery.

use crate::records::{self, Coded};
use xcgate_sdk::xca_query::{DocumentQuery, QueryRequest, QueryResponse, ReturnType};
use xcgate_sdk::xds::{self, Code, DocumentEntry, params::Params};
use xcgate_sdk::{AdapterError, CallContext, RegistryError};

const APPROVED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";

fn code(c: &Coded) -> Code {
    Code::new(&c.code, &c.scheme, &c.display)
}

impl DocumentQuery for crate::Adapter {
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError> {
        let here = ctx.target_home_community_id.clone();
        let refuse = |code: &str, context: String| {
            Ok(QueryResponse::error(
                RegistryError::error(code, context).location(&here),
            ))
        };
        if request.query_id != xds::ids::StoredQuery::FindDocuments.id() {
            return refuse(
                xds::ids::error_codes::UNKNOWN_STORED_QUERY,
                "this community answers FindDocuments only".into(),
            );
        }
        let params = Params::parse(&request.parameters);
        let patient = match params.patient("$XDSDocumentEntryPatientId") {
            Ok(Some(cx)) => cx.to_string(),
            // A patient id of another form names nobody here.
            Ok(None) => return Ok(QueryResponse::default()),
            Err(e) => return refuse(e.code, e.context),
        };
        let statuses = match params.required("$XDSDocumentEntryStatus") {
            Ok(s) => s.to_vec(),
            Err(e) => return refuse(e.code, e.context),
        };
        // Every document here is Approved: a query for other statuses finds none.
        if !statuses.iter().any(|s| s == APPROVED) {
            return Ok(QueryResponse::default());
        }
        let root = records::assigning_authority().map_err(AdapterError::Internal)?;
        let repository = records::repository_unique_id().map_err(AdapterError::Internal)?;
        let mut objects = Vec::new();
        // Every coded parameter sent is used: values of one parameter are alternatives.
        let wanted = |parameter: &str, c: &Coded| {
            xds::filter::codes_match(params.list(parameter), &[(&c.code, &c.scheme)])
        };
        for d in records::documents().map_err(AdapterError::Internal)? {
            let cx = format!("{}^^^&{root}&ISO", d.patient);
            if !xds::params::same_patient(&patient, &cx)
                || !wanted("$XDSDocumentEntryClassCode", &d.class_code)
                || !wanted("$XDSDocumentEntryTypeCode", &d.type_code)
                || !wanted("$XDSDocumentEntryFormatCode", &d.format_code)
                || !wanted(
                    "$XDSDocumentEntryHealthcareFacilityTypeCode",
                    &d.healthcare_facility_type_code,
                )
                || !wanted(
                    "$XDSDocumentEntryPracticeSettingCode",
                    &d.practice_setting_code,
                )
                || !xds::filter::codes_match(
                    params.list("$XDSDocumentEntryConfidentialityCode"),
                    &[("N", "2.16.840.1.113883.5.25")],
                )
                // The documents here carry no event codes.
                || params.list("$XDSDocumentEntryEventCodeList").is_some()
            {
                continue;
            }
            let entry = DocumentEntry::new()
                .unique_id(&d.unique_id)
                .patient_id(&cx)
                .home(&here)
                .repository_unique_id(&repository)
                .content(d.text.as_bytes())
                .mime_type(&d.mime_type)
                .creation_time(&d.creation_time)
                .language_code("en-US")
                .title(&d.title)
                .class_code(code(&d.class_code))
                .type_code(code(&d.type_code))
                .format_code(code(&d.format_code))
                .confidentiality_code(Code::new("N", "2.16.840.1.113883.5.25", "normal"))
                .healthcare_facility_type_code(code(&d.healthcare_facility_type_code))
                .practice_setting_code(code(&d.practice_setting_code));
            let object = match request.return_type {
                ReturnType::ObjectRef => entry.object_ref(),
                ReturnType::LeafClass => entry.build(),
            };
            objects.push(object.map_err(|e| AdapterError::Internal(e.to_string()))?);
        }
        xcgate_sdk::info!("{} documents found", objects.len());
        Ok(QueryResponse::objects(objects))
    }
}

#[cfg(test)]
mod tests {
    use crate::Adapter;
    use xcgate_sdk::testing::call_context;
    use xcgate_sdk::xca_query::{DocumentQuery, QueryRequest, RegistrySlot};

    #[test]
    fn find_documents_lists_the_patients_documents() {
        let _host = crate::records::test_host();
        let request = QueryRequest::find_documents("EX-1001^^^&2.999.7.1&ISO");
        let answer = Adapter::find(call_context(), request).unwrap();
        assert!(answer.errors.is_empty(), "{:?}", answer.errors);
        assert_eq!(answer.objects.len(), 1);
        let nobody = QueryRequest::find_documents("EX-404^^^&2.999.7.1&ISO");
        assert!(
            Adapter::find(call_context(), nobody)
                .unwrap()
                .objects
                .is_empty()
        );
    }

    #[test]
    fn a_class_code_sent_is_used() {
        let _host = crate::records::test_host();
        let mut request = QueryRequest::find_documents("EX-1001^^^&2.999.7.1&ISO");
        request.parameters.push(RegistrySlot {
            name: "$XDSDocumentEntryClassCode".into(),
            slot_type: None,
            values: vec!["('11502-2^^2.16.840.1.113883.6.1')".into()],
        });
        let answer = Adapter::find(call_context(), request).unwrap();
        assert!(answer.objects.is_empty());
    }
}
