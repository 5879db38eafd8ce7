//! Stored query parameters: the values as the value syntax gives them
//! [ITI TF-2 3.18.4.1.2.3.5], with the errors a missing or repeated parameter earns
//! [ITI TF-3 Table 4.2.4.1-2]. Every XCA responder reads its ITI-38 Slots the same way, so
//! adapters share this rather than each re-parsing `('a','b')` lists.

use crate::xca_query::RegistrySlot;
use std::collections::BTreeMap;
use xcgate_ihe::ebrs::error_codes;

/// Why a stored query cannot be answered: becomes one RegistryError, and no objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The errorCode [ITI TF-3 Table 4.2.4.1-2], from `xcgate_ihe::ebrs::error_codes`.
    pub code: &'static str,
    /// Says what was wrong; names parameters, never patient data.
    pub context: String,
}

impl QueryError {
    /// An error with an ITI TF-3 Table 4.2.4.1-2 code and a context for the RegistryError.
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

    /// Read the Slots and refuse the whole query when any value is not in the value syntax:
    /// the first malformed one, in Slot order, becomes an XDSRegistryError (the code for
    /// errors with no more specific one [ITI TF-3 Table 4.2.4.1-2]). For adapters that do
    /// not need [`Params::patient`]'s leniency for a malformed patient id.
    pub fn parse_strict(slots: &[RegistrySlot]) -> Result<Params, QueryError> {
        for s in slots {
            let name = s.name.trim();
            for raw in &s.values {
                if let Err(e) = xcgate_ihe::ebrs::parse_values(raw) {
                    return Err(QueryError::new(
                        error_codes::REGISTRY_ERROR,
                        format!("parameter {name}: {e}"),
                    ));
                }
            }
        }
        Ok(Params::parse(slots))
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

    /// The `$XDSDocumentEntry{what}From` / `...To` pair of a time filter (`what` is
    /// `CreationTime`, `ServiceStartTime` or `ServiceStopTime` [ITI TF-2 3.18.4.1.2.3.7.1]),
    /// each taking one value.
    pub fn entry_time_range(&self, what: &str) -> Result<(Option<&str>, Option<&str>), QueryError> {
        Ok((
            self.single(&format!("$XDSDocumentEntry{what}From"))?,
            self.single(&format!("$XDSDocumentEntry{what}To"))?,
        ))
    }

    /// How many parameters were given (for logs: a count, never values).
    pub fn len(&self) -> usize {
        self.values.len() + self.malformed.len()
    }

    /// True when no parameter was given.
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

#[cfg(test)]
mod tests;
