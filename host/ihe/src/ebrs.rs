//! ebRS 3.0 / ebRIM 3.0 messages of XDS and XCA: the `AdhocQueryRequest` and
//! `AdhocQueryResponse` of Registry Stored Query (ITI-18) and Cross Gateway Query (ITI-38)
//! [ITI TF-2 3.18, 3.38], and the `rs:RegistryResponse` that Retrieve (ITI-43/ITI-39) reuses.
//!
//! The registry objects a community returns must reach the initiator intact
//! [ITI TF-2 3.38.4.1.3: "pass all entities through"], so they are kept in a lossless generic
//! model ([`RegistryObject`]): every attribute in order, every Slot with its raw values, and
//! anything the model has no field for as a verbatim XML subtree. Typed read-only views
//! ([`DocumentEntry`]) sit on top. Values are never rewritten by the parser (`home=""` and a
//! doubled `urn:oid:urn:oid:` stay as sent [host/ihe/README.md, "What real peers send"]).

mod document_entry;
pub mod ids;
mod query;
mod response;
mod rim;
mod slot;
mod status;
mod values;

pub use document_entry::{Code, DocumentEntry};
pub use ids::{StoredQuery, actions, error_codes};
pub use query::{AdhocQueryRequest, ResponseOption, ReturnType};
pub use response::AdhocQueryResponse;
pub use rim::{ObjectKind, RegistryObject};
pub use slot::{InternationalString, LocalizedString, Slot, VersionInfo};
pub use status::{RegistryError, RegistryErrorList, RegistryResponse, ResponseStatus, Severity};
pub use values::{parse_values, quote};

use crate::xml::{Element, XmlWriter, escape_attr, ns};

/// A message that is not the ebRS message it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EbrsError {
    #[error("expected {expected}, found {{{ns}}}{local}")]
    WrongElement {
        expected: &'static str,
        ns: String,
        local: String,
    },
    #[error("the peer answered with a SOAP Fault ({code}): {reason}")]
    Fault { code: &'static str, reason: String },
    #[error("{0} is required and missing")]
    Missing(&'static str),
    #[error("{path} has the value `{value}`: {reason}")]
    Invalid {
        path: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// Refuse an element that is not `{ns}local`, naming a SOAP Fault precisely when that is
/// what the peer sent instead of its answer.
pub(crate) fn expect_element(
    el: &Element,
    ns: &str,
    local: &str,
    expected: &'static str,
) -> Result<(), EbrsError> {
    if el.is(ns, local) {
        return Ok(());
    }
    if let Some(fault) = crate::soap::Fault::from_element(el) {
        return Err(EbrsError::Fault {
            code: fault.code.as_str(),
            reason: fault.reason,
        });
    }
    Err(EbrsError::WrongElement {
        expected,
        ns: el.ns.clone(),
        local: el.local.clone(),
    })
}

/// An optional integer attribute (`startIndex`, `maxResults`, `totalResultCount`).
pub(crate) fn int_attr(el: &Element, name: &'static str) -> Result<Option<i64>, EbrsError> {
    el.attr(name)
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| EbrsError::Invalid {
                path: name,
                value: v.to_string(),
                reason: "not an integer",
            })
        })
        .transpose()
}

/// An optional xs:boolean attribute.
pub(crate) fn bool_attr(el: &Element, name: &'static str) -> Result<Option<bool>, EbrsError> {
    el.attr(name)
        .map(|v| match v.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(EbrsError::Invalid {
                path: name,
                value: v.to_string(),
                reason: "not an xs:boolean (true, false, 1, 0)",
            }),
        })
        .transpose()
}

/// An attribute name as kept in the models: the local name, or `{namespace}local` for an
/// attribute in a namespace (rare in ebRIM, but kept rather than dropped).
pub(crate) fn attr_key(a: &crate::xml::Attr) -> String {
    if a.ns.is_empty() {
        a.local.clone()
    } else {
        format!("{{{}}}{}", a.ns, a.local)
    }
}

/// Write ` name="value"` pairs, declaring a prefix for `{namespace}local` names.
pub(crate) fn write_attrs(w: &mut XmlWriter, attrs: &[(String, String)]) {
    for (i, (key, value)) in attrs.iter().enumerate() {
        w.out.push(' ');
        match key.strip_prefix('{').and_then(|k| k.split_once('}')) {
            Some((ans, local)) if ans == ns::XML => {
                w.out.push_str("xml:");
                w.out.push_str(local);
            }
            Some((ans, local)) => {
                w.out.push_str(&format!("xmlns:at{i}=\""));
                escape_attr(ans, &mut w.out);
                w.out.push_str(&format!("\" at{i}:{local}"));
            }
            None => w.out.push_str(key),
        }
        w.out.push_str("=\"");
        escape_attr(value, &mut w.out);
        w.out.push('"');
    }
}

#[cfg(test)]
pub(crate) mod corpus;
#[cfg(test)]
mod tests;
