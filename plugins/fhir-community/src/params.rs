//! Stored query parameters in their value syntax [ITI TF-2 3.18.4.1.2.3.5], with the
//! errors a missing or repeated one earns [ITI TF-3 Table 4.2.4.1-2].

use std::collections::BTreeMap;
use xcgate_ihe::ebrs::error_codes;
use xcgate_sdk::xca_query::RegistrySlot;

/// Why a stored query cannot be answered: one RegistryError and no objects.
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

/// Every value of every Slot, by parameter name (values of one parameter are
/// alternatives [ITI TF-2 3.18.4.1.2.3.5]).
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, Vec<String>>,
}

impl Params {
    /// Read the Slots; text outside the value syntax is refused (the values select
    /// patient data, so they are never guessed at).
    pub fn parse(slots: &[RegistrySlot]) -> Result<Params, QueryError> {
        let mut params = Params::default();
        for s in slots {
            let name = s.name.trim();
            for raw in &s.values {
                let parsed = xcgate_ihe::ebrs::parse_values(raw).map_err(|e| {
                    QueryError::new(
                        error_codes::REGISTRY_ERROR,
                        format!("parameter {name}: {e}"),
                    )
                })?;
                params
                    .values
                    .entry(name.to_string())
                    .or_default()
                    .extend(parsed);
            }
        }
        Ok(params)
    }

    /// Every value of a parameter; `None` when absent or empty.
    pub fn list(&self, name: &str) -> Option<&[String]> {
        self.values
            .get(name)
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }

    /// A required parameter: absent → XDSStoredQueryMissingParam.
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

    /// A required parameter with one value.
    pub fn required_single(&self, name: &str) -> Result<&str, QueryError> {
        self.required(name)?;
        self.single(name)?.ok_or_else(|| {
            QueryError::new(
                error_codes::STORED_QUERY_MISSING_PARAM,
                format!("required parameter {name} is missing"),
            )
        })
    }

    /// Exactly one of two alternatives (GetDocuments' entryUUID / uniqueId
    /// [ITI TF-2 3.18.4.1.2.3.7.5]); `true` when it is the first.
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
}

/// The (extension, root) of a CX patient id `EXT^^^&ROOT&ISO` [ITI TF-3 4.2.3.2.16].
pub fn parse_cx(value: &str) -> Option<(&str, &str)> {
    let mut components = value.trim().split('^');
    let extension = components.next()?.trim();
    let authority = components.nth(2)?;
    let root = authority.split('&').nth(1)?.trim();
    (!extension.is_empty() && !root.is_empty()).then_some((extension, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(name: &str, value: &str) -> RegistrySlot {
        RegistrySlot {
            name: name.into(),
            slot_type: None,
            values: vec![value.into()],
        }
    }

    #[test]
    fn values_are_read_in_the_stored_query_syntax() {
        let p = Params::parse(&[
            slot("$XDSDocumentEntryPatientId", "'P1^^^&2.999.44.1&ISO'"),
            slot("$XDSDocumentEntryStatus", "('a', 'b')"),
        ])
        .unwrap();
        assert_eq!(
            p.required_single("$XDSDocumentEntryPatientId").unwrap(),
            "P1^^^&2.999.44.1&ISO"
        );
        assert_eq!(p.list("$XDSDocumentEntryStatus").unwrap(), ["a", "b"]);
        assert_eq!(
            p.single("$XDSDocumentEntryStatus").unwrap_err().code,
            "XDSStoredQueryParamNumber"
        );
        assert_eq!(
            p.required("$x").unwrap_err().code,
            "XDSStoredQueryMissingParam"
        );
        assert!(Params::parse(&[slot("$x", "('open")]).is_err());
    }

    #[test]
    fn cx_ids_give_extension_and_root() {
        assert_eq!(
            parse_cx("FHIR-1001^^^&2.999.44.1&ISO"),
            Some(("FHIR-1001", "2.999.44.1"))
        );
        assert_eq!(parse_cx("FHIR-1001"), None);
    }
}
