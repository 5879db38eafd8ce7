//! The one place where what went wrong becomes an answer: a request that cannot be served
//! is refused here ([`refuse`]: counted, logged, audited as a Security Alert when its node
//! or user could not be authenticated, answered with a SOAP 1.2 fault or, before SOAP, a
//! plain HTTP status); a community that failed becomes its HL7 detectedIssueEvent code or
//! XDS RegistryError code.

mod refusal;

pub use refusal::{Refusal, RequestSite, handshake_refused, refuse};

use crate::call::{AdapterError, CallFailure};
use xcgate_ihe::hl7v3::Hl7Error;
use xcgate_ihe::soap::{Fault, FaultCode, SoapError};
use xcgate_ihe::wsa::AddressingError;
use xcgate_ihe::xcpd::IssueCode;
use xcgate_ihe::xml::ns;

/// A request that gets a SOAP fault instead of an answer.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Soap(#[from] SoapError),
    #[error("header blocks marked mustUnderstand are not understood: {}", names(.0))]
    MustUnderstand(Vec<(String, String)>),
    #[error("the action `{action}` is not supported at {endpoint}; supported: {supported}")]
    ActionNotSupported {
        action: String,
        endpoint: &'static str,
        supported: String,
    },
    #[error(
        "the message has no wsa:Action header and its Body ({body}) does not name a transaction [ITI TF-2 App V IHE-WSA101]"
    )]
    ActionMissing { body: String },
    #[error("wsa:Action `{action}` does not match the Body, which holds {body}")]
    ActionBodyMismatch { action: String, body: String },
    #[error("the message is larger than the limit of {limit} bytes")]
    BodyTooLarge { limit: u64 },
    #[error("content type `{0}` is not accepted here; send SOAP 1.2 as application/soap+xml")]
    UnsupportedMediaType(String),
    #[error("the MTOM/XOP message cannot be read: {0}")]
    BadMtom(String),
    #[error("the Body is not a valid request: {0}")]
    BadPayload(#[from] Hl7Error),
    #[error("the XUA assertion is refused: {}", .0.reason())]
    Security(xcgate_xua::XuaError),
    #[error("internal error while serving request {request_id}")]
    Internal { request_id: String },
    #[error(
        "not found: xcgate serves POST /initiating, POST /responding, POST /responding/<community> for each community it fronts, and POST /replies for answers to its asynchronous requests"
    )]
    NotFound,
    #[error("SOAP endpoints accept POST only")]
    MethodNotAllowed,
    #[error("a client certificate is required on this endpoint (mutual TLS)")]
    ClientCertificateRequired,
    #[error("the request body could not be read")]
    BodyUnreadable,
    /// An ITI-56 the gateway cannot answer because of the request (not a valid
    /// PatientLocationQueryRequest, or a patient no community it knows holds): a Sender
    /// fault, as the response has no error element [XCPD_PLQ.xsd].
    #[error("{0}")]
    LocationRefused(String),
    /// An ITI-56 the gateway cannot answer now (its store or every community failed).
    #[error("{0}")]
    LocationUnavailable(String),
    /// An asynchronous request whose ReplyTo this gateway may not send to: refused at
    /// acceptance, the address never contacted.
    #[error("the wsa:ReplyTo address is refused: {0}")]
    ReplyToRefused(String),
    /// An asynchronous request without the MessageID its answer must relate to.
    #[error(
        "an asynchronous request needs a wsa:MessageID for its answer's wsa:RelatesTo [ITI TF-2 App V]"
    )]
    MessageIdMissing,
    /// An answer at `/replies` without the `wsa:RelatesTo` that names its request.
    #[error(
        "an answer at /replies needs wsa:RelatesTo naming the request it answers [ITI TF-2 App V V.5]"
    )]
    RelatesToMissing,
    /// An answer at `/replies` that no request of this gateway awaits.
    #[error("the answer is not taken: {0}")]
    NotAwaited(String),
    /// An asynchronous request that could not be kept, so it is not acknowledged.
    #[error("the asynchronous request is not accepted: {0}")]
    NotAccepted(String),
    /// The answer's audit records could not be made durable, and `audit.on_failure =
    /// "refuse"` withholds it (where the transaction has no error answer of its own).
    #[error("{AUDIT_UNAVAILABLE}")]
    AuditUnavailable,
}

/// What an initiator is told when its answer is withheld because the answer's audit
/// records could not be stored (`audit.on_failure = "refuse"`).
pub const AUDIT_UNAVAILABLE: &str =
    "the audit trail is unavailable: the answer is withheld until its audit record can be stored";

fn names(list: &[(String, String)]) -> String {
    list.iter()
        .map(|(n, l)| format!("{{{n}}}{l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RequestError {
    /// The SOAP 1.2 fault for this error. Reasons say what is wrong and never carry
    /// patient data or internals.
    pub fn fault(&self) -> Fault {
        let reason = self.to_string();
        match self {
            RequestError::Soap(SoapError::Soap11) => Fault::new(FaultCode::VersionMismatch, reason),
            RequestError::Soap(SoapError::Addressing(AddressingError::Duplicate(_))) => {
                Fault::new(FaultCode::Sender, reason)
                    .with_subcode(ns::WSA, "InvalidAddressingHeader")
            }
            RequestError::MustUnderstand(list) => {
                let mut f = Fault::new(FaultCode::MustUnderstand, reason);
                f.not_understood = list.clone();
                f
            }
            RequestError::ActionNotSupported { .. } => {
                Fault::new(FaultCode::Sender, reason).with_subcode(ns::WSA, "ActionNotSupported")
            }
            RequestError::ActionMissing { .. }
            | RequestError::MessageIdMissing
            | RequestError::RelatesToMissing => Fault::new(FaultCode::Sender, reason)
                .with_subcode(ns::WSA, "MessageAddressingHeaderRequired"),
            // [WS-Addressing 1.0 SOAP Binding 6.4.1]: an address the receiver will not use.
            RequestError::ReplyToRefused(_) => Fault::new(FaultCode::Sender, reason)
                .with_subcode(ns::WSA, "InvalidAddressingHeader"),
            RequestError::Internal { .. }
            | RequestError::LocationUnavailable(_)
            | RequestError::NotAccepted(_)
            | RequestError::AuditUnavailable => Fault::new(FaultCode::Receiver, reason),
            // WS-Security faults are Sender faults with a wsse subcode [WSS 1.1 §12].
            RequestError::Security(e) => {
                let (namespace, local) = e.fault_subcode();
                Fault::new(FaultCode::Sender, reason).with_subcode(namespace, local)
            }
            _ => Fault::new(FaultCode::Sender, reason),
        }
    }

    /// A short name of the error (metrics label, log field); never request content.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestError::Soap(SoapError::Soap11) => "version_mismatch",
            RequestError::Soap(_) => "malformed_envelope",
            RequestError::MustUnderstand(_) => "must_understand",
            RequestError::ActionNotSupported { .. } => "action_not_supported",
            RequestError::ActionMissing { .. } => "action_missing",
            RequestError::ActionBodyMismatch { .. } => "action_body_mismatch",
            RequestError::BodyTooLarge { .. } => "body_too_large",
            RequestError::UnsupportedMediaType(_) => "unsupported_media_type",
            RequestError::BadMtom(_) => "bad_mtom",
            RequestError::BadPayload(_) => "bad_payload",
            RequestError::Security(_) => "xua_refused",
            RequestError::Internal { .. } => "internal",
            RequestError::NotFound => "not_found",
            RequestError::MethodNotAllowed => "method_not_allowed",
            RequestError::ClientCertificateRequired => "client_certificate_required",
            RequestError::BodyUnreadable => "body_unreadable",
            RequestError::LocationRefused(_) => "location_refused",
            RequestError::LocationUnavailable(_) => "location_unavailable",
            RequestError::ReplyToRefused(_) => "reply_to_refused",
            RequestError::MessageIdMissing => "message_id_missing",
            RequestError::NotAccepted(_) => "not_accepted",
            RequestError::NotAwaited(_) => "not_awaited",
            RequestError::RelatesToMissing => "relates_to_missing",
            RequestError::AuditUnavailable => "audit_unavailable",
        }
    }

    /// True for refusals answered before SOAP, with a plain-text HTTP status: the request
    /// never reached an endpoint that speaks SOAP, or its sender was not let in.
    pub fn is_plain_http(&self) -> bool {
        matches!(
            self,
            RequestError::NotFound
                | RequestError::MethodNotAllowed
                | RequestError::ClientCertificateRequired
                | RequestError::BodyUnreadable
        )
    }

    /// The HTTP status: 413 and 415 where HTTP has a precise code, otherwise the SOAP 1.2
    /// HTTP binding's (400 Sender, 500 the rest).
    pub fn http_status(&self) -> u16 {
        match self {
            RequestError::BodyTooLarge { .. } => 413,
            RequestError::UnsupportedMediaType(_) => 415,
            RequestError::NotFound => 404,
            RequestError::MethodNotAllowed => 405,
            RequestError::ClientCertificateRequired => 403,
            RequestError::BodyUnreadable => 400,
            _ => self.fault().code.http_status(),
        }
    }
}

/// The detectedIssueManagement code for a failed community [ITI TF-2 Table 3.55.4.2.2.7-1].
pub fn issue_code(failure: &CallFailure) -> IssueCode {
    match failure {
        CallFailure::Adapter(AdapterError::Busy(_)) | CallFailure::Overloaded(_) => {
            IssueCode::ResponderBusy
        }
        CallFailure::Timeout(_)
        | CallFailure::CircuitOpen(_)
        | CallFailure::Adapter(AdapterError::Unavailable(_))
        | CallFailure::Adapter(AdapterError::Unauthorized(_)) => IssueCode::AnswerNotAvailable,
        _ => IssueCode::InternalError,
    }
}

/// The RegistryError code for a community that failed an XCA call [ITI TF-3 Table
/// 4.2.4.1-2]: XDSUnavailableCommunity when it could not be reached (in time),
/// XDSRegistryBusy when it said it was busy, XDSRegistryError otherwise.
pub fn xds_error_code(failure: &CallFailure) -> &'static str {
    use xcgate_ihe::ebrs::error_codes as codes;
    match failure {
        CallFailure::Timeout(_)
        | CallFailure::CircuitOpen(_)
        | CallFailure::Adapter(AdapterError::Unavailable(_)) => codes::UNAVAILABLE_COMMUNITY,
        CallFailure::Adapter(AdapterError::Busy(_)) | CallFailure::Overloaded(_) => {
            codes::REGISTRY_BUSY
        }
        _ => codes::REGISTRY_ERROR,
    }
}
