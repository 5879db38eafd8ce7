//! HL7 V3 messages of XCPD: PRPA_IN201305UV02 (query), PRPA_IN201306UV02 (answer),
//! MCCI_IN000002UV01 (accept acknowledgement) [ITI TF-2 3.55].

mod ack;
mod datatypes;
mod query;
mod response;
mod response_parse;
mod ts;

pub use ack::{
    AckDetail, ParsedAck, accept_ack, accept_ack_not_supported, parse_ack,
    unsupported_processing_mode,
};
pub use datatypes::{
    read_address, read_ii, read_name, read_telecom, write_address, write_ii, write_name,
    write_telecom,
};
pub use query::{DiscoveryRequest, Priority, QueryBuilder, parse_query};
pub use response::{AckCode, Custodian, DiscoveryResponse, Party, QueryResponseCode};
pub use response_parse::{ParsedResponse, parse_response};
pub use ts::{hl7_ts_liberal, is_hl7_ts};

/// Interaction and code system constants.
pub mod ids {
    /// HL7 interaction id code system.
    pub const INTERACTION: &str = "2.16.840.1.113883.1.6";
    pub const DETECTED_ISSUE_CODE_SYSTEM: &str = "2.16.840.1.113883.5.4";
    pub const REQUESTED_ATTRIBUTE_CODE_SYSTEM: &str = "1.3.6.1.4.1.19376.1.2.27.1";
    pub const HDL_CODE_SYSTEM: &str = "1.3.6.1.4.1.19376.1.2.27.2";
    pub const ISSUE_MANAGEMENT_CODE_SYSTEM: &str = "1.3.6.1.4.1.19376.1.2.27.3";
}

/// SOAP actions of ITI-55 [ITI TF-2 3.55.6.1.1].
pub mod actions {
    pub const ITI55_REQUEST: &str = "urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery";
    pub const ITI55_RESPONSE: &str =
        "urn:hl7-org:v3:PRPA_IN201306UV02:CrossGatewayPatientDiscovery";
    pub const ITI55_DEFERRED_REQUEST: &str =
        "urn:hl7-org:v3:PRPA_IN201305UV02:Deferred:CrossGatewayPatientDiscovery";
    /// The deferred answer, sent to the request's `respondTo` [ITI TF-2 3.55.6.2].
    pub const ITI55_DEFERRED_RESPONSE: &str =
        "urn:hl7-org:v3:PRPA_IN201306UV02:Deferred:CrossGatewayPatientDiscovery";
    pub const MCCI_ACK: &str = "urn:hl7-org:v3:MCCI_IN000002UV01";
    /// ITI-56 Patient Location Query (XCPD Health Data Locator; the query and its answer
    /// are `xcpd:` elements, not HL7 V3, but belong to XCPD).
    pub const ITI56_REQUEST: &str = "urn:ihe:iti:2009:PatientLocationQuery";
    pub const ITI56_RESPONSE: &str = "urn:ihe:iti:2009:PatientLocationQueryResponse";
}

/// A message that is not the HL7 V3 message it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hl7Error {
    #[error("expected {{urn:hl7-org:v3}}{expected}, found {{{ns}}}{local}")]
    WrongMessage {
        expected: &'static str,
        ns: String,
        local: String,
    },
    #[error("{0} is required and missing")]
    Missing(&'static str),
    #[error("{path}: {reason}")]
    Invalid { path: &'static str, reason: String },
}

/// Strip `urn:oid:` (once or, as some peers send, twice) from a homeCommunityId.
pub fn bare_oid(home_community_id: &str) -> &str {
    let mut s = home_community_id.trim();
    while let Some(rest) = s.strip_prefix("urn:oid:") {
        s = rest;
    }
    s
}

/// True when two ids name the same OID: compared after trimming and without `urn:oid:`
/// (once, twice, or not at all), as real peers write them either way
/// [host/ihe/README.md, "What real peers send"].
pub fn same_oid(a: &str, b: &str) -> bool {
    bare_oid(a) == bare_oid(b)
}

/// The `urn:oid:` form of an OID or homeCommunityId.
pub fn urn_oid(oid: &str) -> String {
    format!("urn:oid:{}", bare_oid(oid))
}

#[cfg(test)]
mod tests;
