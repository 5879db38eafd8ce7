//! Fixed ebRIM/XDS values an adapter writes that the gateway's message crate does not
//! carry (it holds only what the gateway itself reads: `ihe::ebrs::ids`). The UUIDs are
//! those of [ITI TF-3 4.2.5, Table 4.2.5-1].

/// `classificationNode` that marks a RegistryPackage as a SubmissionSet
/// [ITI TF-3 4.2.1.2, 4.2.5].
pub const SUBMISSION_SET_NODE: &str = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
/// Classification scheme of SubmissionSet.author [ITI TF-3 4.2.3.3.1].
pub const SUBMISSION_SET_AUTHOR: &str = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
/// Classification scheme of SubmissionSet.contentTypeCode [ITI TF-3 4.2.3.3.4].
pub const SUBMISSION_SET_CONTENT_TYPE: &str = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
/// ExternalIdentifier scheme of SubmissionSet.sourceId [ITI TF-3 4.2.3.3.9].
pub const SUBMISSION_SET_SOURCE_ID: &str = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
/// Classification scheme of DocumentEntry.author [ITI TF-3 4.2.3.2.1].
pub const DOCUMENT_ENTRY_AUTHOR: &str = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";

/// availabilityStatus Approved [ITI TF-3 4.2.3.2.2].
pub const STATUS_APPROVED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
/// The HasMember association type [ITI TF-3 4.2.2.1.1].
pub const HAS_MEMBER: &str = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
/// The coding scheme of the HL7 Confidentiality codes (`N`, `R`, `V`, ...).
pub const CONFIDENTIALITY_SCHEME: &str = "2.16.840.1.113883.5.25";
