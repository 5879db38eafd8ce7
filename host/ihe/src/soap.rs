//! SOAP 1.2 envelopes: parsing requests, building responses and faults
//! [SOAP 1.2 Part 1; ITI TF-2 Appendix V].

use crate::wsa::{self, Addressing, AddressingError};
use crate::xml::{self, Element, XmlError, XmlWriter, ns};

/// A parsed SOAP 1.2 envelope.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The header blocks, in order.
    pub headers: Vec<Element>,
    /// The one child of `Body` [App V IHE-WSP206].
    pub body: Element,
    /// WS-Addressing headers found among `headers`.
    pub addressing: Addressing,
}

/// Why a message is not a usable SOAP 1.2 envelope; each maps to one fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoapError {
    #[error("{0}")]
    Xml(#[from] XmlError),
    #[error(
        "this endpoint speaks SOAP 1.2 (namespace {}); the message is a SOAP 1.1 envelope",
        ns::SOAP12
    )]
    Soap11,
    #[error("the root element is {{{ns}}}{local}, not a SOAP 1.2 Envelope")]
    NotAnEnvelope { ns: String, local: String },
    #[error("the envelope has no Body")]
    NoBody,
    #[error("the SOAP Body is empty; it must hold exactly one request element")]
    EmptyBody,
    #[error(
        "the SOAP Body holds {0} elements; IHE requires exactly one [ITI TF-2 App V IHE-WSP206]"
    )]
    MultipleBodyChildren(usize),
    #[error("unexpected element {{{ns}}}{local} in the Envelope")]
    UnexpectedElement { ns: String, local: String },
    #[error("{0}")]
    Addressing(#[from] AddressingError),
}

/// Parse an envelope with the default limits.
pub fn parse_envelope(bytes: &[u8]) -> Result<Envelope, SoapError> {
    envelope_from(xml::parse(bytes)?)
}

/// Interpret a parsed document as a SOAP 1.2 envelope.
pub fn envelope_from(root: Element) -> Result<Envelope, SoapError> {
    if root.ns == ns::SOAP11 {
        return Err(SoapError::Soap11);
    }
    if !root.is(ns::SOAP12, "Envelope") {
        return Err(SoapError::NotAnEnvelope {
            ns: root.ns,
            local: root.local,
        });
    }
    let mut headers = Vec::new();
    let mut body = None;
    for child in root.children {
        let xml::Node::Element(el) = child else {
            continue;
        };
        if el.is(ns::SOAP12, "Header") && body.is_none() {
            headers.extend(el.children.into_iter().filter_map(|n| match n {
                xml::Node::Element(e) => Some(e),
                xml::Node::Text(_) => None,
            }));
        } else if el.is(ns::SOAP12, "Body") && body.is_none() {
            body = Some(el);
        } else {
            return Err(SoapError::UnexpectedElement {
                ns: el.ns,
                local: el.local,
            });
        }
    }
    let body = body.ok_or(SoapError::NoBody)?;
    let mut payloads: Vec<Element> = body
        .children
        .into_iter()
        .filter_map(|n| match n {
            xml::Node::Element(e) => Some(e),
            xml::Node::Text(_) => None,
        })
        .collect();
    let body = match payloads.len() {
        0 => return Err(SoapError::EmptyBody),
        1 => payloads.remove(0),
        n => return Err(SoapError::MultipleBodyChildren(n)),
    };
    let addressing = wsa::from_headers(&headers)?;
    Ok(Envelope {
        headers,
        body,
        addressing,
    })
}

/// The payload of a message that may or may not be wrapped in a SOAP envelope: the Body
/// child of an envelope, or the root itself.
pub fn payload(root: Element) -> Result<Element, SoapError> {
    if root.is(ns::SOAP12, "Envelope") {
        Ok(envelope_from(root)?.body)
    } else if root.ns == ns::SOAP11 {
        Err(SoapError::Soap11)
    } else {
        Ok(root)
    }
}

fn is_true(v: &str) -> bool {
    matches!(v.trim(), "1" | "true")
}

impl Envelope {
    /// Header blocks that demand to be understood (`env:mustUnderstand="true"|"1"`, targeted
    /// at us) and whose namespace is not in `understood`. Each must be refused with a
    /// MustUnderstand fault [SOAP 1.2 Part 1, 5.2.3]. A `mustUnderstand` attribute in
    /// another namespace (the `wsa:mustUnderstand` slip of some toolkits) is not one.
    pub fn not_understood(&self, understood: &[&str]) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|h| h.attr_ns(ns::SOAP12, "mustUnderstand").is_some_and(is_true))
            .filter(|h| {
                h.attr_ns(ns::SOAP12, "role").is_none_or(|r| {
                    let r = r.trim();
                    r == "http://www.w3.org/2003/05/soap-envelope/role/next"
                        || r == "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
                })
            })
            .filter(|h| !understood.contains(&h.ns.as_str()))
            .map(|h| (h.ns.clone(), h.local.clone()))
            .collect()
    }

    /// The first header block named `{ns}local`.
    pub fn header(&self, ns: &str, local: &str) -> Option<&Element> {
        self.headers.iter().find(|h| h.is(ns, local))
    }
}

/// Build a SOAP 1.2 envelope around already-serialised header blocks and body.
/// Header and body XML must declare their own namespaces (or use `env:`/`wsa:`, declared
/// here).
pub fn build_envelope(headers_xml: &str, body_xml: &str) -> String {
    let mut out = String::with_capacity(headers_xml.len() + body_xml.len() + 256);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope xmlns:env=\"");
    out.push_str(ns::SOAP12);
    out.push_str("\" xmlns:wsa=\"");
    out.push_str(ns::WSA);
    out.push_str("\"><env:Header>");
    out.push_str(headers_xml);
    out.push_str("</env:Header><env:Body>");
    out.push_str(body_xml);
    out.push_str("</env:Body></env:Envelope>");
    out
}

/// The top-level fault code [SOAP 1.2 Part 1, 5.4.6].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    VersionMismatch,
    MustUnderstand,
    Sender,
    Receiver,
}

impl FaultCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::Sender => "Sender",
            FaultCode::Receiver => "Receiver",
        }
    }

    /// The HTTP status of a fault with this code [SOAP 1.2 Part 2, 7.5.1.2, Table 20]:
    /// 400 for Sender, 500 for the others.
    pub fn http_status(self) -> u16 {
        match self {
            FaultCode::Sender => 400,
            _ => 500,
        }
    }
}

/// A SOAP 1.2 fault to send (or one received from a peer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: FaultCode,
    /// An optional subcode as (namespace, local name), e.g. WS-Addressing
    /// `ActionNotSupported`.
    pub subcode: Option<(String, String)>,
    /// Human-readable reason (English). Must not carry patient data.
    pub reason: String,
    /// Header blocks that were not understood (for MustUnderstand faults).
    pub not_understood: Vec<(String, String)>,
}

impl Fault {
    pub fn new(code: FaultCode, reason: impl Into<String>) -> Self {
        Fault {
            code,
            subcode: None,
            reason: reason.into(),
            not_understood: Vec::new(),
        }
    }

    pub fn with_subcode(mut self, ns: &str, local: &str) -> Self {
        self.subcode = Some((ns.to_string(), local.to_string()));
        self
    }

    /// The whole fault envelope. `relates_to` is the request's MessageID, when known.
    pub fn to_envelope(&self, relates_to: Option<&str>) -> String {
        let mut h = XmlWriter::with_capacity(256);
        h.open("wsa:Action", &[("env:mustUnderstand", Some("true"))])
            .text(wsa::FAULT_ACTION)
            .close("wsa:Action");
        if let Some(r) = relates_to {
            h.leaf("wsa:RelatesTo", r);
        }
        for (i, (hns, local)) in self.not_understood.iter().enumerate() {
            let prefix = format!("nu{i}");
            let decl = format!("xmlns:{prefix}");
            let qname = format!("{prefix}:{local}");
            h.empty(
                "env:NotUnderstood",
                &[
                    (decl.as_str(), Some(hns.as_str())),
                    ("qname", Some(qname.as_str())),
                ],
            );
        }
        if self.code == FaultCode::VersionMismatch {
            h.open("env:Upgrade", &[])
                .empty("env:SupportedEnvelope", &[("qname", Some("env:Envelope"))])
                .close("env:Upgrade");
        }
        let mut b = XmlWriter::with_capacity(512);
        b.open("env:Fault", &[])
            .open("env:Code", &[])
            .leaf("env:Value", &format!("env:{}", self.code.as_str()));
        if let Some((sns, local)) = &self.subcode {
            b.open("env:Subcode", &[])
                .open("env:Value", &[("xmlns:sc", Some(sns.as_str()))])
                .text(&format!("sc:{local}"))
                .close("env:Value")
                .close("env:Subcode");
        }
        b.close("env:Code")
            .open("env:Reason", &[])
            .open("env:Text", &[("xml:lang", Some("en"))])
            .text(&self.reason)
            .close("env:Text")
            .close("env:Reason")
            .close("env:Fault");
        build_envelope(&h.finish(), &b.finish())
    }

    /// Read a fault from a parsed `env:Fault` element (a peer's answer).
    pub fn from_element(fault: &Element) -> Option<Fault> {
        if !fault.is(ns::SOAP12, "Fault") {
            return None;
        }
        let value = fault.path(ns::SOAP12, &["Code", "Value"])?.text();
        let local = value.trim().rsplit(':').next().unwrap_or("");
        let code = match local {
            "VersionMismatch" => FaultCode::VersionMismatch,
            "MustUnderstand" => FaultCode::MustUnderstand,
            "Sender" => FaultCode::Sender,
            _ => FaultCode::Receiver,
        };
        let subcode = fault
            .path(ns::SOAP12, &["Code", "Subcode", "Value"])
            .and_then(|v| v.text_trimmed())
            .map(|v| {
                (
                    String::new(),
                    v.rsplit(':').next().unwrap_or("").to_string(),
                )
            });
        let reason = fault
            .child(ns::SOAP12, "Reason")
            .and_then(|r| r.children_named(ns::SOAP12, "Text").next())
            .and_then(Element::text_trimmed)
            .unwrap_or_default();
        Some(Fault {
            code,
            subcode,
            reason,
            not_understood: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests;
