//! The answer a request gets instead of its own when its audit records could not be made
//! durable and `audit.on_failure = "refuse"` (the default): the transaction's own error,
//! so no match and no document leaves without its record [ITI TF-2 3.20; ATNA Secure
//! Node]. ITI-55: AE with an `InternalError` issue; ITI-38/18: Failure with
//! `XDSRegistryError`; ITI-39/43: Failure with `XDSRegistryError` (MTOM, no document);
//! ITI-56, which has no error element: a Receiver fault.

use crate::error::RequestError;
use crate::gateway::Gateway;
use crate::reply::Reply;
use xcgate_ihe::ebrs::{
    AdhocQueryResponse, RegistryError, RegistryResponse, ResponseStatus, Severity, error_codes,
};
use xcgate_ihe::retrieve::RetrieveDocumentSetResponse;
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xml::Element;

/// What the initiator is told.
pub use crate::error::AUDIT_UNAVAILABLE as WHY;

/// The error answer of a `transaction` request whose Body payload is `payload`.
pub fn answer(gw: &Gateway, transaction: Transaction, payload: &Element) -> Reply {
    let plain = |body: String| Reply {
        action: transaction.response_action(),
        body,
        attachments: None,
        audit: None,
        fault: None,
    };
    let home = gw.config.gateway.home_community_id.as_str();
    let error = || {
        RegistryResponse::new(
            ResponseStatus::Failure,
            vec![RegistryError::new(
                Severity::Error,
                error_codes::REGISTRY_ERROR,
                WHY,
                Some(home),
            )],
        )
    };
    match transaction {
        Transaction::Iti55 => match crate::xcpd::unaudited(gw, payload, WHY) {
            Some(body) => plain(body),
            None => fault(),
        },
        Transaction::Iti38 | Transaction::Iti18 => {
            let mut response = AdhocQueryResponse::new(ResponseStatus::Failure);
            response.registry = error();
            plain(response.build())
        }
        Transaction::Iti39 | Transaction::Iti43 => {
            let mut response = RetrieveDocumentSetResponse::new(ResponseStatus::Failure);
            response.registry = error();
            Reply {
                attachments: Some(Vec::new()),
                ..plain(response.build())
            }
        }
        Transaction::Iti56 => fault(),
    }
}

fn fault() -> Reply {
    Reply {
        action: "",
        body: String::new(),
        attachments: None,
        audit: None,
        fault: Some(RequestError::AuditUnavailable),
    }
}
