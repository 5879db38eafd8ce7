//! WS-Addressing 1.0 headers [ITI TF-2 App V V.3.1.2, IHE-WSA100..102].
//!
//! Real traffic puts the headers under any prefix or the default namespace, adds
//! whitespace and line breaks inside values, and writes MessageIDs as `urn:uuid:`, `uuid:`
//! or bare UUIDs: values are trimmed and otherwise kept as sent.

use crate::xml::{Element, XmlWriter, ns};

/// The action of a SOAP 1.2 fault [WS-Addressing 1.0 SOAP Binding, 6].
pub const FAULT_ACTION: &str = "http://www.w3.org/2005/08/addressing/soap/fault";
/// The anonymous address: reply on the same HTTP connection.
pub const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
/// The none address: no reply is wanted [WS-Addressing 1.0 Core, 2.1].
pub const NONE: &str = "http://www.w3.org/2005/08/addressing/none";

/// The addressing properties of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addressing {
    pub action: Option<String>,
    pub message_id: Option<String>,
    pub to: Option<String>,
    /// `ReplyTo/Address`; absent or anonymous means a synchronous exchange.
    pub reply_to: Option<String>,
    pub relates_to: Option<String>,
}

/// Addressing headers that cannot be interpreted [WS-Addressing 1.0 SOAP Binding, 6.4].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressingError {
    #[error("the header wsa:{0} appears more than once (InvalidAddressingHeader)")]
    Duplicate(&'static str),
}

fn is_wsa(el: &Element) -> bool {
    el.ns == ns::WSA || el.ns == ns::WSA_2004
}

fn set(
    slot: &mut Option<String>,
    name: &'static str,
    value: Option<String>,
) -> Result<(), AddressingError> {
    if slot.is_some() {
        return Err(AddressingError::Duplicate(name));
    }
    *slot = value;
    Ok(())
}

/// Collect the addressing properties from a list of header blocks.
pub fn from_headers(headers: &[Element]) -> Result<Addressing, AddressingError> {
    let mut a = Addressing::default();
    for h in headers.iter().filter(|h| is_wsa(h)) {
        match h.local.as_str() {
            "Action" => set(&mut a.action, "Action", h.text_trimmed())?,
            "MessageID" => set(&mut a.message_id, "MessageID", h.text_trimmed())?,
            "To" => set(&mut a.to, "To", h.text_trimmed())?,
            "RelatesTo" => set(&mut a.relates_to, "RelatesTo", h.text_trimmed())?,
            "ReplyTo" => {
                let address = h
                    .elements()
                    .find(|e| is_wsa(e) && e.local == "Address")
                    .and_then(Element::text_trimmed);
                set(&mut a.reply_to, "ReplyTo", address)?
            }
            _ => {}
        }
    }
    Ok(a)
}

/// True when two message ids name the same message: compared without a `urn:uuid:` or
/// `uuid:` prefix and without case, since peers write them either way
/// [host/ihe/README.md, "What real peers send"].
pub fn same_message_id(a: &str, b: &str) -> bool {
    bare_message_id(a) == bare_message_id(b)
}

/// A message id without `urn:uuid:`/`uuid:` and case: what [`same_message_id`] compares,
/// for keeping ids in a map or a store.
pub fn bare_message_id(id: &str) -> String {
    let id = id.trim().to_ascii_lowercase();
    id.strip_prefix("urn:uuid:")
        .or_else(|| id.strip_prefix("uuid:"))
        .unwrap_or(&id)
        .to_string()
}

impl Addressing {
    /// The address an asynchronous answer goes to: a ReplyTo that is neither anonymous nor
    /// none [App V V.5]. `None` for a synchronous exchange.
    pub fn reply_address(&self) -> Option<&str> {
        self.reply_to
            .as_deref()
            .filter(|r| !self.is_synchronous() && *r != NONE)
    }

    /// True when the requester expects the answer on this connection [App V V.5].
    pub fn is_synchronous(&self) -> bool {
        self.reply_to.as_deref().is_none_or(|r| {
            r == ANONYMOUS || r == "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
        })
    }
}

/// The WS-Addressing headers of a synchronous response [App V V.9.2]: Action
/// (mustUnderstand), our MessageID, and RelatesTo = the request MessageID when it had one.
/// Written with the `env:` and `wsa:` prefixes of [`crate::soap::build_envelope`].
pub fn response_headers(action: &str, message_id: &str, relates_to: Option<&str>) -> String {
    let mut w = XmlWriter::with_capacity(256);
    w.open("wsa:Action", &[("env:mustUnderstand", Some("true"))])
        .text(action)
        .close("wsa:Action");
    w.leaf("wsa:MessageID", message_id);
    if let Some(r) = relates_to {
        w.leaf("wsa:RelatesTo", r);
    }
    w.finish()
}

/// The WS-Addressing headers of an asynchronous answer, a new request to the requester's
/// ReplyTo (or an XCPD deferred answer to its respondTo) [App V V.9.2; ITI TF-2 3.55.6.2]:
/// Action (mustUnderstand), our MessageID, RelatesTo = the request's MessageID, To = the
/// address it is sent to.
pub fn answer_headers(action: &str, message_id: &str, relates_to: &str, to: &str) -> String {
    let mut w = XmlWriter::with_capacity(384);
    w.open("wsa:Action", &[("env:mustUnderstand", Some("true"))])
        .text(action)
        .close("wsa:Action");
    w.leaf("wsa:MessageID", message_id);
    w.leaf("wsa:RelatesTo", relates_to);
    w.open("wsa:To", &[("env:mustUnderstand", Some("true"))])
        .text(to)
        .close("wsa:To");
    w.finish()
}

/// The WS-Addressing headers of a synchronous request [App V V.9.2]: Action
/// (mustUnderstand), MessageID, ReplyTo anonymous, To.
pub fn request_headers(action: &str, message_id: &str, to: &str) -> String {
    let mut w = XmlWriter::with_capacity(384);
    w.open("wsa:Action", &[("env:mustUnderstand", Some("true"))])
        .text(action)
        .close("wsa:Action");
    w.leaf("wsa:MessageID", message_id);
    w.open("wsa:ReplyTo", &[])
        .leaf("wsa:Address", ANONYMOUS)
        .close("wsa:ReplyTo");
    w.open("wsa:To", &[("env:mustUnderstand", Some("true"))])
        .text(to)
        .close("wsa:To");
    w.finish()
}
