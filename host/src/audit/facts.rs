//! What a handler reports for the audit trail: the transaction, the query, and how each
//! community call went. Built from data the handler already has; no patient data is
//! logged from here.

use crate::call::CallFailure;
use crate::fanout::Outcome;
use crate::plugin::CommunityPlugin;
use std::sync::Arc;
use xcgate_audit::{DocumentObject, QueryParameters, Transaction};
use xcgate_ihe::xml::{Element, XmlWriter};

/// One community call of a request.
#[derive(Debug)]
pub struct CallFact {
    pub community: Arc<CommunityPlugin>,
    /// The failure kind when the call failed.
    pub failure: Option<&'static str>,
    /// Patients in the answer (CX form), for ITI-55.
    pub patients: Vec<String>,
    /// Documents retrieved (ITI-39/43).
    pub documents: Vec<DocumentObject>,
    /// Documents asked of this community that did not come back.
    pub failed_documents: Vec<DocumentObject>,
}

impl CallFact {
    /// A call's fact from its outcome; the caller adds patients and documents.
    pub fn of<T>(outcome: &Outcome<CommunityPlugin, T>) -> CallFact {
        CallFact {
            community: outcome.community.clone(),
            failure: outcome.result.as_ref().err().map(CallFailure::kind),
            patients: Vec::new(),
            documents: Vec::new(),
            failed_documents: Vec::new(),
        }
    }
}

/// Everything the audit records of one request are built from.
#[derive(Debug)]
pub struct Facts {
    /// The transaction as received.
    pub transaction: Transaction,
    pub query: Option<QueryParameters>,
    /// The patient a stored query is about (CX form).
    pub query_patient: Option<String>,
    pub calls: Vec<CallFact>,
    /// Why the request was refused before any community was called.
    pub refused: Option<String>,
    /// Documents of a retrieve that could not be routed to a community.
    pub unrouted_documents: Vec<DocumentObject>,
    /// The ITI-55 an initiating gateway ran first to learn who the patient is in the
    /// communities it then asked (XDS Affinity Domain option): audited as its own calls.
    pub discovery: Option<Box<Facts>>,
}

impl Facts {
    pub fn new(transaction: Transaction) -> Facts {
        Facts {
            transaction,
            query: None,
            query_patient: None,
            calls: Vec::new(),
            refused: None,
            unrouted_documents: Vec::new(),
            discovery: None,
        }
    }

    /// A request refused before any community was called.
    pub fn refused(transaction: Transaction, why: impl Into<String>) -> Facts {
        Facts {
            refused: Some(why.into()),
            ..Facts::new(transaction)
        }
    }
}

/// The bytes of a parsed element as a standalone XML document (for
/// `ParticipantObjectQuery`, which carries the query as sent [ITI TF-2 3.55.5.1.1]).
pub fn serialize(element: &Element) -> Vec<u8> {
    let mut w = XmlWriter::with_capacity(1024);
    w.element(element, "");
    w.finish().into_bytes()
}

pub fn document_object(
    document_unique_id: &str,
    repository_unique_id: &str,
    home_community_id: Option<&str>,
) -> DocumentObject {
    DocumentObject {
        document_unique_id: document_unique_id.to_string(),
        repository_unique_id: repository_unique_id.to_string(),
        home_community_id: home_community_id.map(str::to_string),
    }
}
