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

/// One page of a searchset Bundle: the resources that matched (`search.mode` absent or
/// `match`; included resources and warnings (`outcome`) are left out [FHIR R4 3.1.1.2.3]),
/// and the `next` link when the server pages [FHIR R4 http.html#paging].
#[derive(Debug, Default)]
pub struct Page {
    pub resources: Vec<Value>,
    pub next: Option<String>,
}

/// Read a search answer.
pub fn page(bundle: Value) -> Result<Page, AdapterError> {
    if resource_type(&bundle) != Some("Bundle") {
        return Err(AdapterError::BadResponse(format!(
            "a FHIR search answered a {} instead of a Bundle",
            resource_type(&bundle).unwrap_or("document without resourceType")
        )));
    }
    let bundle: Bundle = serde_json::from_value(bundle)
        .map_err(|e| AdapterError::BadResponse(format!("the search Bundle is malformed: {e}")))?;
    let next = bundle
        .link
        .iter()
        .find(|l| l.relation.as_deref() == Some("next"))
        .and_then(|l| l.url.clone());
    let resources = bundle
        .entry
        .into_iter()
        .filter(|e| {
            e.search
                .as_ref()
                .and_then(|s| s.mode.as_deref())
                .is_none_or(|m| m == "match")
        })
        .filter_map(|e| e.resource)
        .collect();
    Ok(Page { resources, next })
}

/// The path under the endpoint of a URL the server wrote: a relative one as it is, an
/// absolute one only under `base_url` (the plugin never sees the endpoint's own URL).
pub fn relative_to(url: &str, base_url: Option<&str>) -> Option<String> {
    let url = url.trim();
    if !url.contains("://") {
        return (!url.is_empty() && !url.starts_with('/')).then(|| url.to_string());
    }
    base_url
        .and_then(|base| url.strip_prefix(base.trim_end_matches('/')))
        .and_then(|rest| match rest.strip_prefix('/') {
            Some(path) => Some(path),
            // A query on the base itself, as HAPI's `?_getpages=` next links are.
            None => rest.starts_with('?').then_some(rest),
        })
        .filter(|rest| !rest.is_empty())
        .map(str::to_string)
}

/// GET `path` from the endpoint and interpret the answer.
pub fn get(endpoint: &str, path: &str) -> Result<Value, AdapterError> {
    let response = transport::get(endpoint, path, &[("Accept", FHIR_JSON)])
        .map_err(|e| transport_error(endpoint, e))?;
    interpret(response.status, &response.body)
}

/// Run a search (`Patient?family=...`) and return the matched resources of its first page.
pub fn search(endpoint: &str, path: &str) -> Result<Vec<Value>, AdapterError> {
    Ok(search_pages(endpoint, path, None, 1)?.0)
}

/// Pages one search may read: a patient's documents rarely need more, and each page is a
/// request within the call's deadline.
pub const MAX_PAGES: usize = 20;

/// Run a search and follow its `next` links, up to `max_pages`. Returns the resources and
/// whether some were left on the server (a link we may not follow, or too many pages).
pub fn search_pages(
    endpoint: &str,
    path: &str,
    base_url: Option<&str>,
    max_pages: usize,
) -> Result<(Vec<Value>, bool), AdapterError> {
    let kind = path.split('?').next().unwrap_or_default().to_string();
    let mut path = path.to_string();
    let mut out = Vec::new();
    for pages in 1..=max_pages {
        let page = page(get(endpoint, &path)?)?;
        out.extend(page.resources);
        let Some(next) = page.next else {
            xcgate_sdk::debug!(
                "FHIR search of {kind}: {} resources, {pages} pages",
                out.len()
            );
            return Ok((out, false));
        };
        match relative_to(&next, base_url) {
            Some(p) if pages < max_pages => path = p,
            _ => break,
        }
    }
    xcgate_sdk::debug!(
        "FHIR search of {kind}: {} resources, more on the server",
        out.len()
    );
    Ok((out, true))
}

/// Every match of a search, through its pages; results left on the server are logged
/// (set `base_url` when the server's `next` links are absolute).
pub fn search_all(
    endpoint: &str,
    path: &str,
    base_url: Option<&str>,
) -> Result<Vec<Value>, AdapterError> {
    let (found, truncated) = search_pages(endpoint, path, base_url, MAX_PAGES)?;
    if truncated {
        xcgate_sdk::warn!(
            "a FHIR search has more pages than were read ({} resources kept); set settings.base_url if its next links are absolute",
            found.len()
        );
    }
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
