//! IHE cross-community messages for xcgate: SOAP 1.2 envelopes, WS-Addressing, and the
//! HL7 V3 messages of XCPD (ITI-55), ebRIM/ebRS (ITI-18/38), RetrieveDocumentSet
//! (ITI-39/43), MTOM/XOP, the calendar of their timestamps, and the vocabulary of roles and
//! transactions ([`transaction`]) that the gateway, its audit trail and its plugins share.
//! Pure: no I/O, no clock, no randomness (callers pass ids and times in), so the same code
//! runs in the host and inside wasm32-wasip2 plugins.

pub mod calendar;
pub mod ebrs;
pub mod hl7v3;
pub mod mtom;
pub mod plq;
pub mod retrieve;
pub mod soap;
pub mod transaction;
pub mod wsa;
pub mod xcpd;
pub mod xml;
