//! The per-document errors of Cross Gateway Retrieve (ITI-39): each DocumentRequest that
//! cannot be answered gets one RegistryError, severity Error, location = its
//! DocumentUniqueId, and no DocumentResponse [ITI TF-2 3.43.5].

use crate::xca_retrieve::DocumentRequest;
use crate::{RegistryError, Severity};
use xcgate_ihe::ebrs::error_codes;

/// True when two homeCommunityIds name the same community: `urn:oid:1.2` and `1.2` do
/// (the id is an OID URN, but initiators and configs do not all write the prefix).
pub fn same_community(a: &str, b: &str) -> bool {
    fn bare(home: &str) -> &str {
        let home = home.trim();
        home.strip_prefix("urn:oid:").unwrap_or(home)
    }
    bare(a) == bare(b)
}

/// The homeCommunityId of a request when it names a community other than `home`
/// (XDSUnknownCommunity [ITI TF-2 3.39.4.1.3]); `None` when it is ours, or absent or empty,
/// which is accepted because ITI-43 callers omit it.
pub fn foreign_community<'r>(request: &'r DocumentRequest, home: &str) -> Option<&'r str> {
    let given = request.home_community_id.as_deref()?.trim();
    (!given.is_empty() && !same_community(given, home)).then_some(given)
}

/// The RegistryError for one DocumentRequest [ITI TF-2 3.43.5].
pub fn request_error(
    code: &'static str,
    context: String,
    request: &DocumentRequest,
) -> RegistryError {
    RegistryError {
        error_code: code.to_string(),
        code_context: context,
        severity: Severity::Error,
        location: Some(request.document_unique_id.trim().to_string()),
    }
}

/// XDSUnknownRepositoryId for a request whose repositoryUniqueId this community does not
/// have [ITI TF-3 Table 4.2.4.1-2].
pub fn unknown_repository(request: &DocumentRequest) -> RegistryError {
    request_error(
        error_codes::UNKNOWN_REPOSITORY_ID,
        format!(
            "repositoryUniqueId {} is not a repository of this community",
            request.repository_unique_id.trim()
        ),
        request,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(home: Option<&str>) -> DocumentRequest {
        DocumentRequest {
            home_community_id: home.map(str::to_string),
            repository_unique_id: " 2.999.3 ".into(),
            document_unique_id: " 2.999.1.7 ".into(),
        }
    }

    #[test]
    fn home_community_ids_compare_with_or_without_urn_prefix() {
        assert!(same_community("urn:oid:2.999.1", " 2.999.1"));
        assert!(!same_community("urn:oid:2.999.1", "urn:oid:2.999.2"));
        assert_eq!(foreign_community(&request(None), "urn:oid:2.999"), None);
        assert_eq!(
            foreign_community(&request(Some(" ")), "urn:oid:2.999"),
            None
        );
        assert_eq!(
            foreign_community(&request(Some("2.999")), "urn:oid:2.999"),
            None
        );
        assert_eq!(
            foreign_community(&request(Some(" urn:oid:2.998 ")), "urn:oid:2.999"),
            Some("urn:oid:2.998")
        );
    }

    #[test]
    fn errors_are_located_at_the_document_unique_id() {
        let e = unknown_repository(&request(None));
        assert_eq!(e.error_code, "XDSUnknownRepositoryId");
        assert_eq!(e.location.as_deref(), Some("2.999.1.7"));
        assert_eq!(e.severity, Severity::Error);
        assert!(
            e.code_context.contains("2.999.3 is not"),
            "{}",
            e.code_context
        );
    }
}
