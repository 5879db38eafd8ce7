//! Stored query parameters: the values as the value syntax gives them
//! [ITI TF-2 3.18.4.1.2.3.5], with the errors a missing or repeated parameter earns
//! [ITI TF-3 Table 4.2.4.1-2], and the comparisons the queries filter with.

use crate::settings::CodeConfig;
use std::collections::BTreeMap;
use xcgate_ihe::ebrs::error_codes;
use xcgate_sdk::xca_query::RegistrySlot;

/// Why a stored query cannot be answered: becomes one RegistryError, and no objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub code: &'static str,
    pub context: String,
}

impl QueryError {
    pub fn new(code: &'static str, context: impl Into<String>) -> Self {
        QueryError {
            code,
            context: context.into(),
        }
    }
}

/// The parameters of one stored query, by name, each with every value of every Slot of
/// that name (values of one parameter are alternatives [ITI TF-2 3.18.4.1.2.3.5]).
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, Vec<String>>,
    /// Parameters whose text is not in the value syntax, with the reason.
    malformed: BTreeMap<String, String>,
}

impl Params {
    /// Read the Slots. Text that is not in the value syntax is never guessed at (the values
    /// select patient data): the parameter is set aside as malformed, for [`Params::check`]
    /// and [`Params::patient`] to judge.
    pub fn parse(slots: &[RegistrySlot]) -> Params {
        let mut params = Params::default();
        for s in slots {
            let name = s.name.trim();
            for raw in &s.values {
                match xcgate_ihe::ebrs::parse_values(raw) {
                    Ok(parsed) => params
                        .values
                        .entry(name.to_string())
                        .or_default()
                        .extend(parsed),
                    Err(e) => {
                        params.malformed.insert(name.to_string(), e.to_string());
                    }
                }
            }
        }
        for name in params.malformed.keys() {
            params.values.remove(name);
        }
        params
    }

    /// Refuse a query with a malformed parameter (XDSRegistryError, the code for errors
    /// with no more specific one [ITI TF-3 Table 4.2.4.1-2]), except `patient`, which
    /// [`Params::patient`] handles.
    pub fn check(&self, patient: Option<&str>) -> Result<(), QueryError> {
        match self
            .malformed
            .iter()
            .find(|(name, _)| Some(name.as_str()) != patient)
        {
            Some((name, reason)) => Err(QueryError::new(
                error_codes::REGISTRY_ERROR,
                format!("parameter {name}: {reason}"),
            )),
            None => Ok(()),
        }
    }

    /// The required, single-valued patient id parameter. A value that is not in the value
    /// syntax names no patient this community knows: `None`, so the query finds nothing,
    /// the answer ITI-38 allows for an unknown patient [ITI TF-2 3.38.4.1.2.2].
    pub fn patient(&self, name: &str) -> Result<Option<&str>, QueryError> {
        if self.malformed.contains_key(name) {
            return Ok(None);
        }
        self.required_single(name).map(Some)
    }

    /// Every value of a parameter; `None` when it is absent or has no value.
    pub fn list(&self, name: &str) -> Option<&[String]> {
        self.values
            .get(name)
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }

    /// A required parameter [ITI TF-2 3.18.4.1.2.3.7]: absent → XDSStoredQueryMissingParam.
    pub fn required(&self, name: &str) -> Result<&[String], QueryError> {
        self.list(name).ok_or_else(|| {
            QueryError::new(
                error_codes::STORED_QUERY_MISSING_PARAM,
                format!("required parameter {name} is missing"),
            )
        })
    }

    /// A parameter that takes one value: more → XDSStoredQueryParamNumber.
    pub fn single(&self, name: &str) -> Result<Option<&str>, QueryError> {
        match self.list(name) {
            None => Ok(None),
            Some([one]) => Ok(Some(one.as_str())),
            Some(_) => Err(QueryError::new(
                error_codes::STORED_QUERY_PARAM_NUMBER,
                format!("parameter {name} takes one value"),
            )),
        }
    }

    /// A required parameter that takes one value.
    pub fn required_single(&self, name: &str) -> Result<&str, QueryError> {
        self.required(name)?;
        self.single(name)?.ok_or_else(|| {
            QueryError::new(
                error_codes::STORED_QUERY_MISSING_PARAM,
                format!("required parameter {name} is missing"),
            )
        })
    }

    /// Exactly one of two alternative parameters (GetDocuments' entryUUID / uniqueId
    /// [ITI TF-2 3.18.4.1.2.3.7.5]): both → XDSStoredQueryParamNumber, neither →
    /// XDSStoredQueryMissingParam.
    pub fn one_of(&self, a: &str, b: &str) -> Result<(bool, &[String]), QueryError> {
        match (self.list(a), self.list(b)) {
            (Some(v), None) => Ok((true, v)),
            (None, Some(v)) => Ok((false, v)),
            (Some(_), Some(_)) => Err(QueryError::new(
                error_codes::STORED_QUERY_PARAM_NUMBER,
                format!("give {a} or {b}, not both"),
            )),
            (None, None) => Err(QueryError::new(
                error_codes::STORED_QUERY_MISSING_PARAM,
                format!("one of {a} or {b} is required"),
            )),
        }
    }

    /// How many parameters were given (for logs: a count, never values).
    pub fn len(&self) -> usize {
        self.values.len() + self.malformed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The (extension, root) of an HL7 CX patient id with an ISO assigning authority,
/// `EXT^^^&ROOT&ISO` [ITI TF-3 4.2.3.2.16]; `None` without both.
pub fn parse_cx(value: &str) -> Option<(&str, &str)> {
    let mut components = value.trim().split('^');
    let extension = components.next()?.trim();
    let authority = components.nth(2)?;
    let root = authority.split('&').nth(1)?.trim();
    (!extension.is_empty() && !root.is_empty()).then_some((extension, root))
}

/// True when the CX names the same patient as `cx` (same extension and root).
pub fn same_patient(query_cx: &str, cx: &str) -> bool {
    matches!((parse_cx(query_cx), parse_cx(cx)), (Some(a), Some(b)) if a == b)
}

/// True when some value `code^^scheme` [ITI TF-2 3.18.4.1.2.3.5] names this code; a value
/// without `^^scheme` matches the code in any scheme. No filter matches everything.
pub fn code_matches(filter: Option<&[String]>, code: &CodeConfig) -> bool {
    let Some(values) = filter else { return true };
    values.iter().any(|v| {
        let (c, scheme) = match v.split_once("^^") {
            Some((c, s)) => (c, Some(s)),
            None => (v.as_str(), None),
        };
        c.trim() == code.code && scheme.is_none_or(|s| s.trim() == code.scheme)
    })
}

/// True when some value is the status, or no filter is given.
pub fn one_of_values(filter: Option<&[String]>, value: &str) -> bool {
    filter.is_none_or(|values| values.iter().any(|v| v.trim() == value))
}

/// SQL LIKE as the author parameters use it: `%` any run, `_` any one character
/// [ITI TF-2 3.18.4.1.2.3.7.1, $XDSDocumentEntryAuthorPerson].
pub fn like(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    // Iterative match with backtracking to the last `%`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < v.len() {
        if i < p.len() && (p[i] == '_' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '%' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '%')
}

#[cfg(test)]
mod tests;
