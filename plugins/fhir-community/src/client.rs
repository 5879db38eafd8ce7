//! FHIR REST over the host's `transport`: a GET relative to the endpoint's URL, and what
//! the answer means for the call. The mapping of failures to adapter errors follows
//! wit/README.md ("Errors"): a server that cannot be reached or answers late is
//! `unavailable`, one that says it is overloaded (503, 429) is `busy`, 401/403 is
//! `unauthorized`, and an answer we cannot use (an OperationOutcome, a 4xx/5xx, malformed
//! JSON) is `bad-response`. Messages reach the initiator, so they carry statuses and
//! OperationOutcome issue codes only, never `diagnostics` (servers echo search values there).

use crate::model::{Bundle, OperationOutcome, resource_type};
use serde_json::Value;
use xcgate_sdk::AdapterError;
use xcgate_sdk::transport::{self, TransportError};

/// FHIR's JSON media type [FHIR R4 http.html#mime-type].
pub const FHIR_JSON: &str = "application/fhir+json";

/// A transport failure as an adapter error.
pub fn transport_error(endpoint: &str, e: TransportError) -> AdapterError {
    match e {
        TransportError::UndeclaredEndpoint(_) => AdapterError::Internal(format!(
            "endpoint `{endpoint}` is not declared: add [communities.<name>.endpoints.{endpoint}] \
             with the FHIR base URL, or set `settings.endpoint` to the name of the declared one"
        )),
        TransportError::Timeout => {
            AdapterError::Unavailable("the FHIR server did not answer in time".to_string())
        }
        TransportError::Connect(_) => {
            AdapterError::Unavailable("the FHIR server could not be reached".to_string())
        }
        TransportError::TooLarge(limit) => AdapterError::BadResponse(format!(
            "the FHIR answer is larger than the endpoint's max_response ({limit} bytes)"
        )),
        TransportError::Protocol(_) => AdapterError::Unavailable(
            "the connection to the FHIR server failed at the HTTP level".to_string(),
        ),
        TransportError::InvalidRequest(reason) => {
            AdapterError::Internal(format!("the host refused the FHIR request: {reason}"))
        }
    }
}

/// The codes of an OperationOutcome body, if the body is one.
fn outcome_codes(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    if resource_type(&value) != Some("OperationOutcome") {
        return None;
    }
    serde_json::from_value::<OperationOutcome>(value)
        .ok()
        .map(|o| o.codes())
}

/// What an HTTP answer means: the JSON resource of a 2xx, or the adapter error.
pub fn interpret(status: u16, body: &[u8]) -> Result<Value, AdapterError> {
    let outcome = || {
        outcome_codes(body)
            .map(|c| format!(" (OperationOutcome: {c})"))
            .unwrap_or_default()
    };
    match status {
        200..=299 => {}
        429 | 503 => {
            return Err(AdapterError::Busy(format!(
                "the FHIR server is busy (HTTP {status})"
            )));
        }
        401 | 403 => {
            return Err(AdapterError::Unauthorized(format!(
                "the FHIR server refused access (HTTP {status}){}",
                outcome()
            )));
        }
        502 | 504 => {
            return Err(AdapterError::Unavailable(format!(
                "the FHIR server is unavailable (HTTP {status})"
            )));
        }
        _ => {
            return Err(AdapterError::BadResponse(format!(
                "the FHIR server answered HTTP {status}{}",
                outcome()
            )));
        }
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        AdapterError::BadResponse(format!(
            "the FHIR answer is not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if resource_type(&value) == Some("OperationOutcome") {
        let codes = outcome_codes(body).unwrap_or_default();
        return Err(AdapterError::BadResponse(format!(
            "the FHIR server answered with an OperationOutcome ({codes})"
        )));
    }
    Ok(value)
}

/// The resources of a searchset Bundle that matched (`search.mode` absent or `match`);
/// included resources and warnings (`outcome`) are left out [FHIR R4 3.1.1.2.3].
pub fn matches(bundle: Value) -> Result<Vec<Value>, AdapterError> {
    if resource_type(&bundle) != Some("Bundle") {
        return Err(AdapterError::BadResponse(format!(
            "a FHIR search answered a {} instead of a Bundle",
            resource_type(&bundle).unwrap_or("document without resourceType")
        )));
    }
    let bundle: Bundle = serde_json::from_value(bundle)
        .map_err(|e| AdapterError::BadResponse(format!("the search Bundle is malformed: {e}")))?;
    Ok(bundle
        .entry
        .into_iter()
        .filter(|e| {
            e.search
                .as_ref()
                .and_then(|s| s.mode.as_deref())
                .is_none_or(|m| m == "match")
        })
        .filter_map(|e| e.resource)
        .collect())
}

/// GET `path` from the endpoint and interpret the answer.
pub fn get(endpoint: &str, path: &str) -> Result<Value, AdapterError> {
    let response = transport::get(endpoint, path, &[("Accept", FHIR_JSON)])
        .map_err(|e| transport_error(endpoint, e))?;
    interpret(response.status, &response.body)
}

/// Run a search (`Patient?family=...`) and return the matched resources.
pub fn search(endpoint: &str, path: &str) -> Result<Vec<Value>, AdapterError> {
    let found = matches(get(endpoint, path)?)?;
    let kind = path.split('?').next().unwrap_or_default();
    xcgate_sdk::debug!("FHIR search of {kind}: {} resources", found.len());
    Ok(found)
}

/// A query string: `name=value` pairs, values percent-encoded (FHIR search values are
/// URL query values [FHIR R4 search.html#escaping]; the `|` of a token and the `,` of
/// alternatives are written by the caller and encoded here as data where they are data).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn new() -> Self {
        Query::default()
    }

    /// Add `name=value`; the value is encoded whole.
    pub fn add(&mut self, name: &str, value: &str) -> &mut Self {
        self.pairs
            .push((name.to_string(), transport::percent_encode(value)));
        self
    }

    /// Add a token `system|value` [FHIR R4 search.html#token]; `,` and `|` inside the
    /// parts are escaped with `\` as the search syntax asks.
    pub fn token(&mut self, name: &str, system: &str, value: &str) -> &mut Self {
        self.tokens(name, &[(system.to_string(), value.to_string())])
    }

    /// Add alternative tokens, OR-ed by `,` [FHIR R4 search.html#combining].
    pub fn tokens(&mut self, name: &str, tokens: &[(String, String)]) -> &mut Self {
        let escape = |s: &str| {
            s.replace('\\', "\\\\")
                .replace(',', "\\,")
                .replace('|', "\\|")
        };
        let text: Vec<String> = tokens
            .iter()
            .map(|(system, value)| format!("{}|{}", escape(system), escape(value)))
            .collect();
        self.add(name, &text.join(","))
    }

    /// `Resource?pairs`.
    pub fn path(&self, resource: &str) -> String {
        let pairs: Vec<String> = self.pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
        format!("{resource}?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests;
