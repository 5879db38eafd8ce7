//! `xds:RetrieveDocumentSetResponse` [ITI TF-2 3.43.4.2.2, 3.39.4.1.3]: an
//! `rs:RegistryResponse`, then zero or more DocumentResponses.

use super::base64;
use super::request::required;
use super::{RetrieveError, child_text};
use crate::ebrs::{EbrsError, RegistryResponse, ResponseStatus, expect_element};
use crate::xml::{Element, Node, XmlWriter, ns};

/// The content of a `Document`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentContent {
    /// The bytes, decoded from the inline base64 text.
    Inline(Vec<u8>),
    /// An MTOM attachment: `href` as sent (a `cid:` URI, often URL-encoded [host/ihe/README.md,
    /// §4]); resolving it against the MIME parts is the transport's job [App V V.8].
    XopInclude { href: String },
}

impl DocumentContent {
    /// The bytes when they are inline.
    pub fn inline(&self) -> Option<&[u8]> {
        match self {
            DocumentContent::Inline(b) => Some(b),
            DocumentContent::XopInclude { .. } => None,
        }
    }
}

/// One document returned [ITI TF-2 3.43.4.2.2].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentResponse {
    /// Echo of the request's value, absent when it was absent [ITI TF-2 3.43.4.2.2]
    /// (some responders leave it out regardless).
    pub home_community_id: Option<String>,
    pub repository_unique_id: String,
    pub document_unique_id: String,
    /// Persistence of Retrieved Documents / On-Demand [ITI TF-2 3.43.4.2.2].
    pub new_repository_unique_id: Option<String>,
    pub new_document_unique_id: Option<String>,
    /// As sent (responders have been seen to send `undefined`).
    pub mime_type: String,
    pub document: DocumentContent,
    /// Other child elements (not in the schema), verbatim.
    pub extensions: Vec<Element>,
}

/// A Retrieve Document Set response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrieveDocumentSetResponse {
    pub registry: RegistryResponse,
    pub documents: Vec<DocumentResponse>,
}

/// A response read by [`RetrieveDocumentSetResponse::parse_per_document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerDocument {
    pub registry: RegistryResponse,
    /// The DocumentResponses that could be read, in order.
    pub documents: Vec<DocumentResponse>,
    /// The ones that could not: their DocumentUniqueId (when readable) and why.
    pub refused: Vec<(Option<String>, RetrieveError)>,
}

const KNOWN: [&str; 7] = [
    "HomeCommunityId",
    "RepositoryUniqueId",
    "DocumentUniqueId",
    "NewRepositoryUniqueId",
    "NewDocumentUniqueId",
    "mimeType",
    "Document",
];

impl RetrieveDocumentSetResponse {
    pub fn new(status: ResponseStatus) -> Self {
        RetrieveDocumentSetResponse {
            registry: RegistryResponse::new(status, Vec::new()),
            documents: Vec::new(),
        }
    }

    /// Read the payload of an ITI-43 or ITI-39 response. A SOAP Fault in its place and a
    /// Document that is neither base64 nor an `xop:Include` are refused precisely.
    pub fn parse(el: &Element) -> Result<RetrieveDocumentSetResponse, RetrieveError> {
        expect_element(
            el,
            ns::XDS_B,
            "RetrieveDocumentSetResponse",
            "{urn:ihe:iti:xds-b:2007}RetrieveDocumentSetResponse",
        )?;
        let registry = el
            .child(ns::RS, "RegistryResponse")
            .ok_or(EbrsError::Missing("rs:RegistryResponse"))?;
        Ok(RetrieveDocumentSetResponse {
            registry: RegistryResponse::parse(registry)?,
            documents: el
                .children_named(ns::XDS_B, "DocumentResponse")
                .map(parse_document_response)
                .collect::<Result<_, _>>()?,
        })
    }

    /// Read the payload document by document, for a gateway that relays it: a
    /// DocumentResponse that cannot be used (e.g. Document text that is not base64, a
    /// deviation seen in real traffic [host/ihe/README.md, "What real peers send"]) is set aside with its reason
    /// instead of refusing the whole answer, so the other documents still reach the
    /// initiator. The head (status, errors) must be readable.
    pub fn parse_per_document(el: &Element) -> Result<PerDocument, RetrieveError> {
        expect_element(
            el,
            ns::XDS_B,
            "RetrieveDocumentSetResponse",
            "{urn:ihe:iti:xds-b:2007}RetrieveDocumentSetResponse",
        )?;
        let registry = el
            .child(ns::RS, "RegistryResponse")
            .ok_or(EbrsError::Missing("rs:RegistryResponse"))?;
        let mut out = PerDocument {
            registry: RegistryResponse::parse(registry)?,
            documents: Vec::new(),
            refused: Vec::new(),
        };
        for d in el.children_named(ns::XDS_B, "DocumentResponse") {
            match parse_document_response(d) {
                Ok(doc) => out.documents.push(doc),
                Err(e) => out.refused.push((
                    child_text(d, "DocumentUniqueId").filter(|t| !t.is_empty()),
                    e,
                )),
            }
        }
        Ok(out)
    }

    /// The response as XML (no declaration). Inline documents are written as base64,
    /// attachments as `xop:Include`.
    pub fn build(&self) -> String {
        let payload: usize = self
            .documents
            .iter()
            .map(|d| match &d.document {
                DocumentContent::Inline(b) => base64::encoded_len(b.len()),
                DocumentContent::XopInclude { href } => href.len() + 64,
            })
            .sum();
        let mut w = XmlWriter::with_capacity(512 + 384 * self.documents.len() + payload);
        w.open(
            "RetrieveDocumentSetResponse",
            &[
                ("xmlns", Some(ns::XDS_B)),
                ("xmlns:rs", Some(ns::RS)),
                ("xmlns:rim", Some(ns::RIM)),
            ],
        );
        self.registry.write(&mut w);
        for d in &self.documents {
            write_document_response(&mut w, d);
        }
        w.close("RetrieveDocumentSetResponse");
        w.finish()
    }
}

fn parse_document_response(d: &Element) -> Result<DocumentResponse, RetrieveError> {
    let document_unique_id = required(d, "DocumentUniqueId", None)?;
    let id = Some(document_unique_id.as_str());
    let repository_unique_id = required(d, "RepositoryUniqueId", id)?;
    let mime_type = child_text(d, "mimeType").ok_or_else(|| RetrieveError::Missing {
        path: "mimeType",
        document_unique_id: Some(document_unique_id.clone()),
    })?;
    let document = d
        .child(ns::XDS_B, "Document")
        .ok_or_else(|| RetrieveError::Missing {
            path: "Document",
            document_unique_id: Some(document_unique_id.clone()),
        })
        .and_then(|doc| parse_content(doc, &document_unique_id))?;
    Ok(DocumentResponse {
        home_community_id: child_text(d, "HomeCommunityId"),
        new_repository_unique_id: child_text(d, "NewRepositoryUniqueId"),
        new_document_unique_id: child_text(d, "NewDocumentUniqueId"),
        extensions: d
            .elements()
            .filter(|e| e.ns != ns::XDS_B || !KNOWN.contains(&e.local.as_str()))
            .cloned()
            .collect(),
        repository_unique_id,
        document_unique_id,
        mime_type,
        document,
    })
}

/// Base64 text, or exactly one `xop:Include` and no text [XOP 1.0 3; App V V.8].
fn parse_content(
    doc: &Element,
    document_unique_id: &str,
) -> Result<DocumentContent, RetrieveError> {
    let bad = |reason| RetrieveError::BadDocument {
        document_unique_id: document_unique_id.to_string(),
        reason,
    };
    let mut elements = doc.elements();
    match (elements.next(), elements.next()) {
        (None, _) => base64::decode(&doc.text())
            .map(DocumentContent::Inline)
            .map_err(|source| RetrieveError::NotBase64 {
                document_unique_id: document_unique_id.to_string(),
                source,
            }),
        (Some(inc), None) if inc.is(ns::XOP, "Include") => {
            let text_beside = doc
                .children
                .iter()
                .any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()));
            if text_beside {
                return Err(bad("holds both text and an xop:Include"));
            }
            let href = inc
                .attr("href")
                .ok_or_else(|| bad("its xop:Include has no href [XOP 1.0 3.1]"))?;
            Ok(DocumentContent::XopInclude {
                href: href.trim().to_string(),
            })
        }
        _ => Err(bad(
            "holds elements other than a single xop:Include; expected base64 text",
        )),
    }
}

fn write_document_response(w: &mut XmlWriter, d: &DocumentResponse) {
    w.open("DocumentResponse", &[]);
    if let Some(h) = &d.home_community_id {
        w.leaf("HomeCommunityId", h);
    }
    w.leaf("RepositoryUniqueId", &d.repository_unique_id)
        .leaf("DocumentUniqueId", &d.document_unique_id);
    if let Some(v) = &d.new_repository_unique_id {
        w.leaf("NewRepositoryUniqueId", v);
    }
    if let Some(v) = &d.new_document_unique_id {
        w.leaf("NewDocumentUniqueId", v);
    }
    w.leaf("mimeType", &d.mime_type);
    match &d.document {
        DocumentContent::Inline(bytes) => {
            w.open("Document", &[]);
            // The base64 alphabet needs no XML escaping.
            base64::encode_into(bytes, &mut w.out);
            w.close("Document");
        }
        DocumentContent::XopInclude { href } => {
            w.open("Document", &[]).empty(
                "xop:Include",
                &[("xmlns:xop", Some(ns::XOP)), ("href", Some(href.as_str()))],
            );
            w.close("Document");
        }
    }
    for e in &d.extensions {
        w.element(e, ns::XDS_B);
    }
    w.close("DocumentResponse");
}
