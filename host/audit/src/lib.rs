//! ATNA audit records (DICOM PS3.15 A.5) and their durable delivery.
//!
//! - [`AuditEvent`] builds the record of one transaction (ITI-55/56/38/39/18/43) seen from one
//!   gateway role, with the event codes and participant objects ITI TF-2 prescribes
//!   [ITI TF-2 3.55.5, 3.38.4.1.4, 3.39.6, 3.18.5, 3.43.6]; [`AuditMessage::to_xml`] writes it as one line of DICOM audit XML.
//! - [`security_alert`] builds the Security Alert of a request refused because its node or
//!   user could not be authenticated.
//! - [`Auditor`] stores records in an append-only journal, a folder of segments rolled by
//!   size and by day (group commit: `record()` returns once the record is fsynced), and
//!   forwards them, in order, to an Audit Record Repository
//!   over syslog/TLS [RFC 5425] or syslog/UDP [RFC 5426], resuming from a persisted cursor.
//!
//! Delivery is at-least-once: a record acknowledged by `record()` is never lost (journal
//! fsynced, torn tail repaired on open, cursor persisted after each batch, a re-send window
//! after a dropped connection because RFC 5425 has no acknowledgement); a record can reach
//! the repository twice around a reconnect or a crash. UDP [RFC 5426] gives no guarantee.
//!
//! Delivered segments are compressed and removed by age or size ([`Retention`]); a segment
//! with a record not yet delivered is never removed. A journal of one file (before
//! segments) becomes the first segment of a folder when it is opened.
//!
//! No patient data is ever logged: logs carry counts, sizes, sink addresses and errors.

mod alert;
mod auditor;
mod config;
mod cursor;
mod event;
mod forwarder;
mod journal;
mod migrate;
mod model;
mod retention;
mod revocation;
mod segments;
mod stats;
mod syslog;
mod time;
pub mod tools;
mod transport;
mod xml;

pub use alert::{AlertKind, security_alert};
pub use auditor::Auditor;
pub use config::{AuditConfig, AuditError, DEFAULT_SEGMENT_SIZE, SyslogConfig, SyslogTransport};
pub use event::{
    AuditEvent, DocumentObject, HumanRequestor, Peer, QueryParameters, Role, Transaction,
    application_server_source, patient_cx,
};
pub use model::{
    ActiveParticipant, AuditMessage, AuditSourceIdentification, CodedValue, EventAction,
    EventIdentification, NetworkAccessPoint, Outcome, ParticipantObjectDetail,
    ParticipantObjectIdentification,
};
pub use retention::{JournalStatus, Retention, Tidied, status, tidy};
pub use revocation::correlations_revoked;
pub use segments::{Segment, list as segments, read_journal};
pub use stats::AuditStats;
pub use time::utc_millis;
