//! Response status and RegistryErrorList [ITI TF-3 4.2.4], shared by query and retrieve
//! responses.

use super::ids::{severity, status};
use super::slot::{Slot, parse_slot_list, write_slot_list};
use super::{EbrsError, expect_element};
use crate::xml::{Element, XmlWriter, ns};

/// `status` of a response [ITI TF-3 4.2.4.2, Tables 4.2.4.2-3/-4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseStatus {
    Success,
    PartialSuccess,
    Failure,
}

impl ResponseStatus {
    /// The URN written for this status.
    pub fn urn(self) -> &'static str {
        match self {
            ResponseStatus::Success => status::SUCCESS,
            ResponseStatus::PartialSuccess => status::PARTIAL_SUCCESS,
            ResponseStatus::Failure => status::FAILURE,
        }
    }

    /// Read a status: the ebRS and IHE URNs, the legacy ebRS-namespaced PartialSuccess
    /// (CONNECT), and the bare names (the TF's own async sample writes `Success`
    /// [ITI TF-2 3.18.4.1.2.7.1.2.2]).
    pub fn parse(raw: &str) -> Option<ResponseStatus> {
        let v = raw.trim();
        let name = v
            .strip_prefix("urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:")
            .or_else(|| v.strip_prefix("urn:ihe:iti:2007:ResponseStatusType:"))
            .unwrap_or(v);
        match name {
            "Success" => Some(ResponseStatus::Success),
            "PartialSuccess" => Some(ResponseStatus::PartialSuccess),
            "Failure" => Some(ResponseStatus::Failure),
            _ => None,
        }
    }

    fn read(el: &Element) -> Result<(ResponseStatus, Option<String>), EbrsError> {
        let path = if el.local == "AdhocQueryResponse" {
            "AdhocQueryResponse/@status"
        } else {
            "RegistryResponse/@status"
        };
        let raw = el.attr("status").ok_or(EbrsError::Missing(path))?;
        let parsed = ResponseStatus::parse(raw).ok_or_else(|| EbrsError::Invalid {
            path,
            value: raw.to_string(),
            reason: "not a ResponseStatusType (Success, PartialSuccess, Failure) [ITI TF-3 4.2.4]",
        })?;
        Ok((parsed, (raw != parsed.urn()).then(|| raw.to_string())))
    }
}

/// The value to write: the raw text as received while it still means `value`, else the
/// canonical URN. Keeps a relayed response byte-faithful without letting a stale raw value
/// contradict an edited one.
fn status_text(value: ResponseStatus, raw: Option<&str>) -> &str {
    match raw {
        Some(r) if ResponseStatus::parse(r) == Some(value) => r,
        _ => value.urn(),
    }
}

/// `severity` of a RegistryError [ITI TF-3 4.2.4.1].
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn urn(self) -> &'static str {
        match self {
            Severity::Error => severity::ERROR,
            Severity::Warning => severity::WARNING,
        }
    }

    /// The URN, or the bare `Error`/`Warning` some peers send (CONNECT).
    pub fn parse(raw: &str) -> Option<Severity> {
        let v = raw.trim();
        match v
            .strip_prefix("urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:")
            .unwrap_or(v)
        {
            "Error" => Some(Severity::Error),
            "Warning" => Some(Severity::Warning),
            _ => None,
        }
    }
}

/// One `rs:RegistryError` [ITI TF-3 4.2.4.1].
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError {
    pub error_code: String,
    pub code_context: String,
    pub severity: Severity,
    /// The spelling received when it is not the canonical URN (e.g. bare `Error`), written
    /// back while it still means `severity`. `None` otherwise, including when the attribute
    /// was absent (rs.xsd default Error; the URN is written, IHE requires it [ITI TF-3
    /// 4.2.4.1]).
    pub severity_raw: Option<String>,
    /// Optional; a homeCommunityId or DocumentUniqueId [ITI TF-2 3.38.4.1.3, 3.43.5].
    pub location: Option<String>,
    /// Element content (IHE leaves it empty).
    pub text: String,
}

impl RegistryError {
    pub fn new(
        severity: Severity,
        error_code: &str,
        code_context: &str,
        location: Option<&str>,
    ) -> Self {
        RegistryError {
            error_code: error_code.to_string(),
            code_context: code_context.to_string(),
            severity,
            severity_raw: None,
            location: location.map(str::to_string),
            text: String::new(),
        }
    }

    fn parse(el: &Element) -> Result<RegistryError, EbrsError> {
        let raw = el.attr("severity");
        let severity = match raw {
            None => Severity::Error,
            Some(raw) => Severity::parse(raw).ok_or_else(|| EbrsError::Invalid {
                path: "RegistryError/@severity",
                value: raw.to_string(),
                reason: "not an ErrorSeverityType (Error, Warning) [ITI TF-3 4.2.4.1]",
            })?,
        };
        let severity_raw = raw.filter(|r| *r != severity.urn()).map(str::to_string);
        Ok(RegistryError {
            // Required by rs.xsd, but a missing code must not hide the rest of the answer.
            error_code: el.attr("errorCode").unwrap_or_default().to_string(),
            code_context: el.attr("codeContext").unwrap_or_default().to_string(),
            severity,
            severity_raw,
            location: el.attr("location").map(str::to_string),
            text: el.text(),
        })
    }

    fn write(&self, w: &mut XmlWriter) {
        let severity = match &self.severity_raw {
            Some(r) if Severity::parse(r) == Some(self.severity) => r.as_str(),
            _ => self.severity.urn(),
        };
        let attrs = [
            ("errorCode", Some(self.error_code.as_str())),
            ("codeContext", Some(self.code_context.as_str())),
            ("severity", Some(severity)),
            ("location", self.location.as_deref()),
        ];
        if self.text.is_empty() {
            w.empty("rs:RegistryError", &attrs);
        } else {
            w.open("rs:RegistryError", &attrs)
                .text(&self.text)
                .close("rs:RegistryError");
        }
    }
}

/// `rs:RegistryErrorList`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegistryErrorList {
    /// `highestSeverity` as sent (optional [ITI TF-3 4.2.4.1]).
    pub highest_severity: Option<String>,
    pub errors: Vec<RegistryError>,
}

impl RegistryErrorList {
    /// A list with `highestSeverity` set from its errors.
    pub fn new(errors: Vec<RegistryError>) -> Self {
        let mut list = RegistryErrorList {
            highest_severity: None,
            errors,
        };
        list.highest_severity = list.highest().map(|s| s.urn().to_string());
        list
    }

    /// The most severe entry, computed (not read from `highestSeverity`).
    pub fn highest(&self) -> Option<Severity> {
        self.errors.iter().map(|e| e.severity).max()
    }

    fn parse(el: &Element) -> Result<RegistryErrorList, EbrsError> {
        Ok(RegistryErrorList {
            highest_severity: el.attr("highestSeverity").map(str::to_string),
            errors: el
                .children_named(ns::RS, "RegistryError")
                .map(RegistryError::parse)
                .collect::<Result<_, _>>()?,
        })
    }

    fn write(&self, w: &mut XmlWriter) {
        let attrs = [("highestSeverity", self.highest_severity.as_deref())];
        if self.errors.is_empty() {
            w.empty("rs:RegistryErrorList", &attrs);
            return;
        }
        w.open("rs:RegistryErrorList", &attrs);
        for e in &self.errors {
            e.write(w);
        }
        w.close("rs:RegistryErrorList");
    }
}

/// `rs:RegistryResponse` [ebRS 3.0 rs.xsd RegistryResponseType], the head of an ITI-43/39
/// response; its parts are also the head of an AdhocQueryResponse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryResponse {
    pub status: ResponseStatus,
    /// The spelling received when it is not the canonical URN (the legacy ebRS
    /// PartialSuccess, a bare `Success`, stray whitespace), written back while it still
    /// means `status`; [`RegistryResponse::status_text`] is what goes on the wire.
    pub status_raw: Option<String>,
    pub request_id: Option<String>,
    /// `rs:ResponseSlotList` (not used by IHE [ITI TF-2 3.43.5], kept when sent).
    pub response_slots: Vec<Slot>,
    pub errors: Option<RegistryErrorList>,
}

impl RegistryResponse {
    pub fn new(status: ResponseStatus, errors: Vec<RegistryError>) -> Self {
        RegistryResponse {
            status,
            status_raw: None,
            request_id: None,
            response_slots: Vec::new(),
            errors: (!errors.is_empty()).then(|| RegistryErrorList::new(errors)),
        }
    }

    /// The status text that [`RegistryResponse::write`] puts on the wire.
    pub fn status_text(&self) -> &str {
        status_text(self.status, self.status_raw.as_deref())
    }

    /// Read an `rs:RegistryResponse` element.
    pub fn parse(el: &Element) -> Result<RegistryResponse, EbrsError> {
        expect_element(
            el,
            ns::RS,
            "RegistryResponse",
            "{urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0}RegistryResponse",
        )?;
        read_registry_response_parts(el)
    }

    /// Write an `rs:RegistryResponse`; the caller has bound `rs` and `rim`.
    pub fn write(&self, w: &mut XmlWriter) {
        w.out.push_str("<rs:RegistryResponse");
        write_registry_response_attrs(w, self);
        if self.response_slots.is_empty() && self.errors.is_none() {
            w.out.push_str("/>");
            return;
        }
        w.out.push('>');
        write_registry_response_parts(w, self);
        w.close("rs:RegistryResponse");
    }
}

/// Status, requestId, ResponseSlotList and RegistryErrorList of any RegistryResponseType.
pub(crate) fn read_registry_response_parts(el: &Element) -> Result<RegistryResponse, EbrsError> {
    let (status, status_raw) = ResponseStatus::read(el)?;
    Ok(RegistryResponse {
        status,
        status_raw,
        request_id: el.attr("requestId").map(str::to_string),
        response_slots: parse_slot_list(el.child(ns::RS, "ResponseSlotList"))?,
        errors: el
            .child(ns::RS, "RegistryErrorList")
            .map(RegistryErrorList::parse)
            .transpose()?,
    })
}

/// ` status="..." requestId="..."`, into an open start tag.
pub(crate) fn write_registry_response_attrs(w: &mut XmlWriter, r: &RegistryResponse) {
    let mut attrs = vec![("status".to_string(), r.status_text().to_string())];
    if let Some(id) = &r.request_id {
        attrs.push(("requestId".to_string(), id.clone()));
    }
    super::write_attrs(w, &attrs);
}

/// ResponseSlotList and RegistryErrorList, in schema order.
pub(crate) fn write_registry_response_parts(w: &mut XmlWriter, r: &RegistryResponse) {
    write_slot_list(w, "rs:ResponseSlotList", &r.response_slots);
    if let Some(list) = &r.errors {
        list.write(w);
    }
}
