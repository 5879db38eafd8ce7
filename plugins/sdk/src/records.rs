//! Constructors of the shared records of `types`.

use crate::{CallContext, InstanceId, RegistryError, Severity};

impl InstanceId {
    /// An identifier with root and extension.
    pub fn new(root: impl Into<String>, extension: impl Into<String>) -> Self {
        InstanceId {
            root: root.into(),
            extension: Some(extension.into()),
        }
    }

    /// An identifier that is its root alone (an OID).
    pub fn root(root: impl Into<String>) -> Self {
        InstanceId {
            root: root.into(),
            extension: None,
        }
    }

    /// True when both have the same root and the same extension (OIDs compare exactly;
    /// an absent extension equals only an absent extension).
    pub fn same_as(&self, other: &InstanceId) -> bool {
        self.root.trim() == other.root.trim()
            && self.extension.as_deref().map(str::trim) == other.extension.as_deref().map(str::trim)
    }

    /// The id as an HL7 CX with an ISO assigning authority (`EXT^^^&ROOT&ISO`), the form of
    /// XDS patient ids [ITI TF-3 Table 4.2.3.1.7-2].
    pub fn cx(&self) -> String {
        format!(
            "{}^^^&{}&ISO",
            self.extension.as_deref().unwrap_or_default(),
            self.root
        )
    }
}

impl Default for InstanceId {
    fn default() -> Self {
        InstanceId::root("")
    }
}

impl RegistryError {
    /// An error with this errorCode [ITI TF-3 Table 4.2.4.1-2] and codeContext (a message
    /// for the initiator: no patient data).
    pub fn error(code: impl Into<String>, context: impl Into<String>) -> RegistryError {
        RegistryError {
            error_code: code.into(),
            code_context: context.into(),
            severity: Severity::Error,
            location: None,
        }
    }

    /// A warning with this errorCode and codeContext.
    pub fn warning(code: impl Into<String>, context: impl Into<String>) -> RegistryError {
        RegistryError {
            severity: Severity::Warning,
            ..RegistryError::error(code, context)
        }
    }

    /// Where it happened: the homeCommunityId for ITI-38, the DocumentUniqueId for ITI-39
    /// (the host fills the community's homeCommunityId when none is given).
    pub fn location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }
}

impl CallContext {
    /// Milliseconds left before the call's deadline (0 once it has passed): an adapter
    /// that waits on its community gives up in time.
    pub fn remaining_ms(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.deadline_unix_ms.saturating_sub(now)
    }
}
