//! `xds:RetrieveDocumentSetRequest` [ITI TF-2 3.43.4.1.2, 3.39.5].

use super::{RetrieveError, child_text};
use crate::ebrs::expect_element;
use crate::xml::{Element, XmlWriter, ns};

/// One document asked for.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentRequest {
    /// Required in ITI-39 [ITI TF-2 3.39.1, 3.39.5] and when the document came from another
    /// community; optional in plain ITI-43 (the gateway decides what to refuse).
    pub home_community_id: Option<String>,
    pub repository_unique_id: String,
    pub document_unique_id: String,
}

/// A Retrieve Document Set request: one or more documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetrieveDocumentSetRequest {
    pub documents: Vec<DocumentRequest>,
}

impl RetrieveDocumentSetRequest {
    /// Read the payload of an ITI-43 or ITI-39 request. Values are trimmed (pretty-printed
    /// messages put line breaks around them) and otherwise kept as sent.
    pub fn parse(el: &Element) -> Result<RetrieveDocumentSetRequest, RetrieveError> {
        expect_element(
            el,
            ns::XDS_B,
            "RetrieveDocumentSetRequest",
            "{urn:ihe:iti:xds-b:2007}RetrieveDocumentSetRequest",
        )?;
        let documents = el
            .children_named(ns::XDS_B, "DocumentRequest")
            .map(|d| {
                let document_unique_id = required(d, "DocumentUniqueId", None)?;
                Ok(DocumentRequest {
                    home_community_id: child_text(d, "HomeCommunityId"),
                    repository_unique_id: required(
                        d,
                        "RepositoryUniqueId",
                        Some(&document_unique_id),
                    )?,
                    document_unique_id,
                })
            })
            .collect::<Result<Vec<_>, RetrieveError>>()?;
        if documents.is_empty() {
            return Err(RetrieveError::NoDocumentRequest);
        }
        Ok(RetrieveDocumentSetRequest { documents })
    }

    /// The request as XML (no declaration), in the XDS.b default namespace.
    pub fn build(&self) -> String {
        let mut w = XmlWriter::with_capacity(128 + 256 * self.documents.len());
        w.open("RetrieveDocumentSetRequest", &[("xmlns", Some(ns::XDS_B))]);
        for d in &self.documents {
            w.open("DocumentRequest", &[]);
            if let Some(h) = &d.home_community_id {
                w.leaf("HomeCommunityId", h);
            }
            w.leaf("RepositoryUniqueId", &d.repository_unique_id)
                .leaf("DocumentUniqueId", &d.document_unique_id)
                .close("DocumentRequest");
        }
        w.close("RetrieveDocumentSetRequest");
        w.finish()
    }
}

/// The trimmed, non-empty text of a required child.
pub(super) fn required(
    el: &Element,
    local: &'static str,
    document_unique_id: Option<&str>,
) -> Result<String, RetrieveError> {
    child_text(el, local)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| RetrieveError::Missing {
            path: local,
            document_unique_id: document_unique_id.map(str::to_string),
        })
}
