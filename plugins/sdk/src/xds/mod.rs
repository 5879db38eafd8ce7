//! Helpers for adapters that answer Cross Gateway Query and Retrieve (ITI-38/39) with XDS
//! metadata they build themselves.
//!
//! Every such adapter reads the same stored-query Slots, filters DocumentEntries the same
//! way and needs the same DTM times, SHA-1 hashes and stable ids; these modules hold that
//! once, so adapters keep only their own mapping from their source to XDS:
//!
//! - [`params`]: Slot values in the stored-query value syntax, with the XDS error codes a
//!   missing, repeated or malformed parameter earns [ITI TF-2 3.18.4.1.2.3.5, ITI TF-3
//!   Table 4.2.4.1-2];
//! - [`filter`]: code, value and LIKE comparisons of the DocumentEntry filters
//!   [ITI TF-2 3.18.4.1.2.3.7.1];
//! - [`dtm`]: HL7 TS → UTC DTM and time-range checks [ITI TF-3 Table 4.2.3.1.7-2];
//! - [`ebrim`]: Slots, Names, coded Classifications, ExternalIdentifiers and ObjectRefs
//!   laid out as XDS metadata wants them [ITI TF-3 4.2.3];
//! - [`DocumentEntry`]: a DocumentEntry with the metadata a query response requires, or
//!   the names of what is missing [ITI TF-3 4.2.3.2];
//! - [`ids`]: the ebRIM/XDS UUIDs, error codes and stored query ids [ITI TF-3 4.2.5];
//! - [`retrieve`]: the per-document RegistryErrors of ITI-39 [ITI TF-2 3.43.5];
//! - [`digest`]: SHA-1 and hex for the `hash` slot [ITI TF-3 4.2.3.2.9], name-based UUIDs
//!   for stable entryUUIDs [RFC 9562 5.5].
//!
//! All of it is plain Rust that builds natively and for `wasm32-wasip2`, and none of it
//! panics on bad input: text that is not what it should be gives `None` or a
//! [`params::QueryError`].

pub mod digest;
pub mod document_entry;
pub mod dtm;
pub mod ebrim;
pub mod filter;
pub mod params;
pub mod retrieve;
pub mod vocab;

pub use crate::ihe::ebrs::ids;
pub use document_entry::{Code, DocumentEntry, InvalidDocumentEntry};

use crate::RegistryError;

/// The errorCodes of a response's RegistryErrors, for a log line: codes only, never the
/// context, which may name ids (adapters must not log patient data).
pub fn error_codes(errors: &[RegistryError]) -> Vec<&str> {
    errors.iter().map(|e| e.error_code.as_str()).collect()
}
