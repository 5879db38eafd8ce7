//! The request a kit command passes to a plugin, read from a file as a partner has it: a
//! SOAP envelope, the bare payload, or an MTOM capture (with or without its HTTP head).

use crate::plugin::Capability;
use bytes::Bytes;
use std::path::Path;
use xcgate_ihe::ebrs::AdhocQueryRequest;
use xcgate_ihe::hl7v3::{self, DiscoveryRequest};
use xcgate_ihe::retrieve::{DocumentRequest, RetrieveDocumentSetRequest};
use xcgate_ihe::transaction::Transaction;
use xcgate_ihe::xcpd::Ii;
use xcgate_ihe::xml::{self, Element};

/// One transaction's request, as the gateway parsed it, ready to pass to a plugin.
#[derive(Debug, Clone)]
pub enum KitRequest {
    Iti55(Box<DiscoveryRequest>),
    Iti56(Ii),
    Iti38(Box<AdhocQueryRequest>),
    Iti39(Vec<DocumentRequest>),
}

/// The transactions a plugin answers (`iti55`, `ITI-38`, ...), for `--transaction`.
pub fn transaction_named(name: &str) -> Option<Transaction> {
    let wanted: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        Transaction::Iti55,
        Transaction::Iti56,
        Transaction::Iti38,
        Transaction::Iti39,
    ]
    .into_iter()
    .find(|t| t.label().replace('-', "").to_ascii_lowercase() == wanted)
}

/// The transaction whose request `payload` is, by its root element.
fn transaction_of(payload: &Element) -> Option<Transaction> {
    match payload.local.as_str() {
        "PRPA_IN201305UV02" => Some(Transaction::Iti55),
        "PatientLocationQueryRequest" => Some(Transaction::Iti56),
        "AdhocQueryRequest" => Some(Transaction::Iti38),
        "RetrieveDocumentSetRequest" => Some(Transaction::Iti39),
        _ => None,
    }
}

impl KitRequest {
    pub fn transaction(&self) -> Transaction {
        match self {
            KitRequest::Iti55(_) => Transaction::Iti55,
            KitRequest::Iti56(_) => Transaction::Iti56,
            KitRequest::Iti38(_) => Transaction::Iti38,
            KitRequest::Iti39(_) => Transaction::Iti39,
        }
    }

    /// The capability the plugin must export to answer this request.
    pub fn capability(&self) -> Capability {
        match self {
            KitRequest::Iti55(_) => Capability::PatientDiscovery,
            KitRequest::Iti56(_) => Capability::PatientLocation,
            KitRequest::Iti38(_) => Capability::DocumentQuery,
            KitRequest::Iti39(_) => Capability::DocumentRetrieve,
        }
    }

    /// Read a request file; `expected` (from `--transaction`) must agree with its root
    /// element when given.
    pub fn read(path: &Path, expected: Option<Transaction>) -> anyhow::Result<KitRequest> {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read the request {}: {e}", path.display()))?;
        let payload = payload_of(Bytes::from(bytes))
            .map_err(|e| anyhow::anyhow!("the request {} {e}", path.display()))?;
        KitRequest::from_payload(&payload, expected)
            .map_err(|e| anyhow::anyhow!("the request {}: {e}", path.display()))
    }

    /// Parse the request payload (the child of the SOAP Body) as the gateway does.
    pub fn from_payload(payload: &Element, expected: Option<Transaction>) -> Result<Self, String> {
        let found = transaction_of(payload).ok_or_else(|| {
            format!(
                "is a `{}`, not the request of a transaction a plugin answers (PRPA_IN201305UV02 for ITI-55, PatientLocationQueryRequest for ITI-56, AdhocQueryRequest for ITI-38, RetrieveDocumentSetRequest for ITI-39)",
                payload.local
            )
        })?;
        if let Some(expected) = expected
            && expected != found
        {
            return Err(format!(
                "is a {} request ({}), not {}",
                found.label(),
                payload.local,
                expected.label()
            ));
        }
        Ok(match found {
            Transaction::Iti55 => KitRequest::Iti55(Box::new(
                hl7v3::parse_query(payload)
                    .map_err(|e| format!("is not a valid ITI-55 query: {e}"))?,
            )),
            Transaction::Iti56 => KitRequest::Iti56(
                xcgate_ihe::plq::parse_request(payload)
                    .map_err(|e| format!("is not a valid ITI-56 query: {e}"))?,
            ),
            Transaction::Iti38 => KitRequest::Iti38(Box::new(
                AdhocQueryRequest::parse(payload)
                    .map_err(|e| format!("is not a valid AdhocQueryRequest: {e}"))?,
            )),
            _ => KitRequest::Iti39(
                RetrieveDocumentSetRequest::parse(payload)
                    .map_err(|e| format!("is not a valid RetrieveDocumentSetRequest: {e}"))?
                    .documents,
            ),
        })
    }

    /// The typed request as JSON: exactly what the plugin is passed (the WIT records
    /// mirror these one to one).
    pub fn to_json(&self) -> serde_json::Value {
        let value = match self {
            KitRequest::Iti55(r) => serde_json::to_value(&r.query),
            KitRequest::Iti56(id) => serde_json::to_value(id),
            KitRequest::Iti38(r) => serde_json::to_value(r),
            KitRequest::Iti39(d) => serde_json::to_value(d),
        };
        value.unwrap_or_else(|e| serde_json::Value::String(format!("(not representable: {e})")))
    }
}

/// The payload of a request file: the child of the SOAP Body, or the root element when
/// the file is the payload alone. An MTOM capture is read from its root part.
pub fn payload_of(bytes: Bytes) -> Result<Element, String> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &bytes[start..];
    let xml_bytes: Bytes = if head.starts_with(b"--") {
        let multipart = xcgate_ihe::mtom::parse_headerless(bytes.slice(start..))
            .map_err(|e| format!("is not a readable MTOM message: {e}"))?;
        multipart.root().body().clone()
    } else if head.starts_with(b"POST ") || head.starts_with(b"HTTP/") {
        let raw = xcgate_ihe::mtom::parse_raw_http(head)
            .map_err(|e| format!("is not a readable HTTP capture: {e}"))?;
        let body = Bytes::copy_from_slice(raw.body);
        if raw.content_type.to_ascii_lowercase().contains("multipart/") {
            xcgate_ihe::mtom::parse_multipart(&raw.content_type, body)
                .map_err(|e| format!("is not a readable MTOM message: {e}"))?
                .root()
                .body()
                .clone()
        } else {
            body
        }
    } else {
        bytes
    };
    let root = xml::parse(&xml_bytes).map_err(|e| format!("is not well-formed XML: {e}"))?;
    if root.local == "Envelope" {
        return xcgate_ihe::soap::envelope_from(root)
            .map(|envelope| envelope.body)
            .map_err(|e| format!("is not a usable SOAP 1.2 envelope: {e}"));
    }
    Ok(root)
}
