//! Fixed identifiers of XDS/XCA: stored query ids, SOAP actions, error codes, status and
//! severity URNs, and the metadata UUIDs the typed views look for.

/// SOAP actions (`wsa:Action`) [ITI TF-2 Table 3.38.5-2, 3.39.5-2, 3.43.5.b; App V IHE-WSP208].
pub mod actions {
    pub const ITI38_REQUEST: &str = "urn:ihe:iti:2007:CrossGatewayQuery";
    pub const ITI38_RESPONSE: &str = "urn:ihe:iti:2007:CrossGatewayQueryResponse";
    pub const ITI18_REQUEST: &str = "urn:ihe:iti:2007:RegistryStoredQuery";
    pub const ITI18_RESPONSE: &str = "urn:ihe:iti:2007:RegistryStoredQueryResponse";
    pub const ITI39_REQUEST: &str = "urn:ihe:iti:2007:CrossGatewayRetrieve";
    pub const ITI39_RESPONSE: &str = "urn:ihe:iti:2007:CrossGatewayRetrieveResponse";
    pub const ITI43_REQUEST: &str = "urn:ihe:iti:2007:RetrieveDocumentSet";
    pub const ITI43_RESPONSE: &str = "urn:ihe:iti:2007:RetrieveDocumentSetResponse";
}

/// Registry error codes [ITI TF-3 Table 4.2.4.1-2].
pub mod error_codes {
    pub const MISSING_HOME_COMMUNITY_ID: &str = "XDSMissingHomeCommunityId";
    pub const UNKNOWN_COMMUNITY: &str = "XDSUnknownCommunity";
    pub const UNAVAILABLE_COMMUNITY: &str = "XDSUnavailableCommunity";
    pub const UNKNOWN_PATIENT_ID: &str = "XDSUnknownPatientId";
    pub const PATIENT_ID_DOES_NOT_MATCH: &str = "XDSPatientIdDoesNotMatch";
    pub const RESULT_NOT_SINGLE_PATIENT: &str = "XDSResultNotSinglePatient";
    pub const REGISTRY_ERROR: &str = "XDSRegistryError";
    pub const REPOSITORY_ERROR: &str = "XDSRepositoryError";
    pub const REGISTRY_BUSY: &str = "XDSRegistryBusy";
    pub const REPOSITORY_BUSY: &str = "XDSRepositoryBusy";
    pub const REGISTRY_OUT_OF_RESOURCES: &str = "XDSRegistryOutOfResources";
    pub const REPOSITORY_OUT_OF_RESOURCES: &str = "XDSRepositoryOutOfResources";
    pub const REGISTRY_NOT_AVAILABLE: &str = "XDSRegistryNotAvailable";
    pub const REGISTRY_METADATA_ERROR: &str = "XDSRegistryMetadataError";
    pub const REPOSITORY_METADATA_ERROR: &str = "XDSRepositoryMetadataError";
    pub const STORED_QUERY_MISSING_PARAM: &str = "XDSStoredQueryMissingParam";
    pub const STORED_QUERY_PARAM_NUMBER: &str = "XDSStoredQueryParamNumber";
    pub const UNKNOWN_STORED_QUERY: &str = "XDSUnknownStoredQuery";
    pub const TOO_MANY_RESULTS: &str = "XDSTooManyResults";
    pub const DOCUMENT_UNIQUE_ID_ERROR: &str = "XDSDocumentUniqueIdError";
    pub const UNKNOWN_REPOSITORY_ID: &str = "XDSUnknownRepositoryId";
    pub const MISSING_DOCUMENT: &str = "XDSMissingDocument";
    pub const MISSING_DOCUMENT_METADATA: &str = "XDSMissingDocumentMetadata";
}

/// `status` of a RegistryResponse / AdhocQueryResponse [ITI TF-3 4.2.4].
pub mod status {
    pub const SUCCESS: &str = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";
    pub const FAILURE: &str = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure";
    /// The IHE value [ITI TF-3 4.2.4.2].
    pub const PARTIAL_SUCCESS: &str = "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess";
    /// The ebRS-namespaced spelling some peers (CONNECT) send; accepted, never written.
    pub const PARTIAL_SUCCESS_LEGACY: &str =
        "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:PartialSuccess";
}

/// `severity` of a RegistryError [ITI TF-3 4.2.4.1].
pub mod severity {
    pub const ERROR: &str = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error";
    pub const WARNING: &str = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning";
}

/// Metadata UUIDs [ITI TF-3 4.2.5].
pub mod uuids {
    /// `ExtrinsicObject/@objectType` of a Stable DocumentEntry.
    pub const STABLE_DOCUMENT_ENTRY: &str = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
    /// `ExtrinsicObject/@objectType` of an On-Demand DocumentEntry.
    pub const ON_DEMAND_DOCUMENT_ENTRY: &str = "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248";
    /// ExternalIdentifier scheme of DocumentEntry.uniqueId.
    pub const DOCUMENT_ENTRY_UNIQUE_ID: &str = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
    /// ExternalIdentifier scheme of DocumentEntry.patientId.
    pub const DOCUMENT_ENTRY_PATIENT_ID: &str = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
    pub const SUBMISSION_SET_UNIQUE_ID: &str = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
    pub const SUBMISSION_SET_PATIENT_ID: &str = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
    pub const FOLDER_UNIQUE_ID: &str = "urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a";
    pub const FOLDER_PATIENT_ID: &str = "urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a";
    /// Classification schemes of DocumentEntry codes.
    pub const CLASS_CODE: &str = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
    pub const TYPE_CODE: &str = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
    pub const FORMAT_CODE: &str = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
    pub const CONFIDENTIALITY_CODE: &str = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
    pub const HEALTHCARE_FACILITY_TYPE_CODE: &str = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
    pub const PRACTICE_SETTING_CODE: &str = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
    pub const EVENT_CODE_LIST: &str = "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4";
}

/// Stored query parameters that carry the patient id [ITI TF-2 3.18.4.1.2.3.7.1-.7.4]: a
/// query with one of them is routed by patient, any other needs `home` in ITI-38
/// [ITI TF-2 3.38.4.1.2.1].
pub const PATIENT_ID_PARAMETERS: [&str; 4] = [
    "$XDSDocumentEntryPatientId",
    "$XDSSubmissionSetPatientId",
    "$XDSFolderPatientId",
    "$patientId",
];

/// The stored queries of ITI-18, used unchanged by ITI-38 [ITI TF-2 3.18.4.1.2.4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoredQuery {
    FindDocuments,
    FindSubmissionSets,
    FindFolders,
    GetAll,
    GetDocuments,
    GetFolders,
    GetAssociations,
    GetDocumentsAndAssociations,
    GetSubmissionSets,
    GetSubmissionSetAndContents,
    GetFolderAndContents,
    GetFoldersForDocument,
    GetRelatedDocuments,
    FindDocumentsByReferenceId,
}

impl StoredQuery {
    /// Every stored query of [ITI TF-2 3.18.4.1.2.4], in the order of that table.
    pub const ALL: [StoredQuery; 14] = [
        StoredQuery::FindDocuments,
        StoredQuery::FindSubmissionSets,
        StoredQuery::FindFolders,
        StoredQuery::GetAll,
        StoredQuery::GetDocuments,
        StoredQuery::GetFolders,
        StoredQuery::GetAssociations,
        StoredQuery::GetDocumentsAndAssociations,
        StoredQuery::GetSubmissionSets,
        StoredQuery::GetSubmissionSetAndContents,
        StoredQuery::GetFolderAndContents,
        StoredQuery::GetFoldersForDocument,
        StoredQuery::GetRelatedDocuments,
        StoredQuery::FindDocumentsByReferenceId,
    ];

    /// The query id (`AdhocQuery/@id`) [ITI TF-2 3.18.4.1.2.4].
    pub fn id(self) -> &'static str {
        match self {
            StoredQuery::FindDocuments => "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
            StoredQuery::FindSubmissionSets => "urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9",
            StoredQuery::FindFolders => "urn:uuid:958f3006-baad-4929-a4de-ff1114824431",
            StoredQuery::GetAll => "urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3",
            StoredQuery::GetDocuments => "urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4",
            StoredQuery::GetFolders => "urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4",
            StoredQuery::GetAssociations => "urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155",
            StoredQuery::GetDocumentsAndAssociations => {
                "urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a"
            }
            StoredQuery::GetSubmissionSets => "urn:uuid:51224314-5390-4169-9b91-b1980040715a",
            StoredQuery::GetSubmissionSetAndContents => {
                "urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83"
            }
            StoredQuery::GetFolderAndContents => "urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7",
            StoredQuery::GetFoldersForDocument => "urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578",
            StoredQuery::GetRelatedDocuments => "urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6",
            StoredQuery::FindDocumentsByReferenceId => {
                "urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492"
            }
        }
    }

    /// The query name as the TF writes it.
    pub fn name(self) -> &'static str {
        match self {
            StoredQuery::FindDocuments => "FindDocuments",
            StoredQuery::FindSubmissionSets => "FindSubmissionSets",
            StoredQuery::FindFolders => "FindFolders",
            StoredQuery::GetAll => "GetAll",
            StoredQuery::GetDocuments => "GetDocuments",
            StoredQuery::GetFolders => "GetFolders",
            StoredQuery::GetAssociations => "GetAssociations",
            StoredQuery::GetDocumentsAndAssociations => "GetDocumentsAndAssociations",
            StoredQuery::GetSubmissionSets => "GetSubmissionSets",
            StoredQuery::GetSubmissionSetAndContents => "GetSubmissionSetAndContents",
            StoredQuery::GetFolderAndContents => "GetFolderAndContents",
            StoredQuery::GetFoldersForDocument => "GetFoldersForDocument",
            StoredQuery::GetRelatedDocuments => "GetRelatedDocuments",
            StoredQuery::FindDocumentsByReferenceId => "FindDocumentsByReferenceId",
        }
    }

    /// The stored query with this id. Surrounding spaces (seen in the TF's own async sample
    /// [ITI TF-2 3.18.4.1.2.7.1.1.2]) and upper-case hex digits are accepted.
    pub fn from_id(id: &str) -> Option<StoredQuery> {
        let id = id.trim();
        StoredQuery::ALL
            .into_iter()
            .find(|q| q.id().eq_ignore_ascii_case(id))
    }

    /// The parameter that carries the patient id, for the queries selected by patient
    /// [ITI TF-2 3.18.4.1.2.3.7]; `None` for the entryUUID/uniqueId based ones, which need
    /// `home` in ITI-38 [ITI TF-2 3.38.4.1.2.1].
    pub fn patient_id_parameter(self) -> Option<&'static str> {
        match self {
            StoredQuery::FindDocuments | StoredQuery::FindDocumentsByReferenceId => {
                Some("$XDSDocumentEntryPatientId")
            }
            StoredQuery::FindSubmissionSets => Some("$XDSSubmissionSetPatientId"),
            StoredQuery::FindFolders => Some("$XDSFolderPatientId"),
            StoredQuery::GetAll => Some("$patientId"),
            _ => None,
        }
    }

    /// True for the queries selected by patient id.
    pub fn is_patient_id_based(self) -> bool {
        self.patient_id_parameter().is_some()
    }
}
