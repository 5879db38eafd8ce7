//! ATNA audit records (DICOM PS3.15 A.5) and their durable delivery.
//!
//! - [`AuditEvent`] builds the record of one transaction (ITI-55/56/38/39/18/43) seen from one
//!   gateway role, with the event codes and participant objects ITI TF-2 prescribes
//!   (spec-summary §8); [`AuditMessage::to_xml`] writes it as one line of DICOM audit XML.
//! - [`Auditor`] stores records in an append-only journal (group commit: `record()` returns
//!   once the record is fsynced) and forwards them, in order, to an Audit Record Repository
//!   over syslog/TLS [RFC 5425] or syslog/UDP [RFC 5426], resuming from a persisted cursor.
//!
//! No patient data is ever logged: logs carry counts, sizes, sink addresses and errors.

mod auditor;
mod config;
mod cursor;
mod event;
mod forwarder;
mod journal;
mod model;
mod stats;
mod syslog;
mod time;
mod transport;
mod xml;

pub use auditor::Auditor;
pub use config::{AuditConfig, AuditError, SyslogConfig, SyslogTransport};
pub use event::{
    AuditEvent, DocumentObject, HumanRequestor, Peer, QueryParameters, Role, Transaction,
    application_server_source, patient_cx,
};
pub use model::{
    ActiveParticipant, AuditMessage, AuditSourceIdentification, CodedValue, EventAction,
    EventIdentification, NetworkAccessPoint, Outcome, ParticipantObjectDetail,
    ParticipantObjectIdentification,
};
pub use stats::AuditStats;
pub use time::utc_millis;
