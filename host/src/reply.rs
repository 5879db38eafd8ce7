//! What a transaction handler answers: the response's `wsa:Action` and Body payload, the
//! documents of an MTOM answer, and the facts its audit records are built from. One type
//! for every transaction, so the SOAP endpoint sends and audits them all alike.

pub use crate::answer::Attachment;
use crate::audit::Facts;

#[derive(Debug)]
pub struct Reply {
    /// The response action.
    pub action: &'static str,
    /// The Body payload (one element, serialized).
    pub body: String,
    /// `Some` for answers that must be MTOM (ITI-39/43), even without documents
    /// [ITI TF-2 3.43.5]; each attachment is referenced by an `xop:Include` in `body`.
    pub attachments: Option<Vec<Attachment>>,
    /// What the audit records are built from; `None`: nothing to record beyond what the
    /// SOAP layer records itself.
    pub audit: Option<Facts>,
    /// An answer that is a SOAP fault after all (ITI-56 has no error element): sent as a
    /// refusal, once its audit records are written.
    pub fault: Option<crate::error::RequestError>,
}

impl Reply {
    /// A plain SOAP answer with its audit facts.
    pub fn soap(action: &'static str, body: String, audit: Facts) -> Reply {
        Reply {
            action,
            body,
            attachments: None,
            audit: Some(audit),
            fault: None,
        }
    }

    /// A fault answer to a transaction that is still audited (its outcome a failure).
    pub fn fault(error: crate::error::RequestError, audit: Facts) -> Reply {
        Reply {
            action: "",
            body: String::new(),
            attachments: None,
            audit: Some(audit),
            fault: Some(error),
        }
    }
}
