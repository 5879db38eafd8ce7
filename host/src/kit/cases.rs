//! The requests `xcgate plugin test` drives a plugin with: the partner's own (`--request`,
//! queries that find their test patients), the request samples of the conformance corpus
//! (real messages of other implementations), and cases derived from them.

pub mod xca;
pub mod xcpd;

use super::request::KitRequest;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The time a "deadline already near" case is given: a plugin must answer, or fail as
/// unavailable, within it.
pub const NEAR_DEADLINE: Duration = Duration::from_millis(50);

/// One call to make.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub request: KitRequest,
    /// `None`: the community's timeout.
    pub budget: Option<Duration>,
}

impl Case {
    pub fn new(name: impl Into<String>, request: KitRequest) -> Case {
        Case {
            name: name.into(),
            request,
            budget: None,
        }
    }

    pub fn with_budget(mut self, budget: Duration) -> Case {
        self.budget = Some(budget);
        self
    }
}

/// Our own example requests (written for the demo's patients), used as the base when
/// neither `--request` nor a corpus sample gives one of a transaction.
pub fn builtin(transaction: xcgate_ihe::transaction::Transaction) -> Option<Case> {
    use xcgate_ihe::transaction::Transaction;
    let (name, xml) = match transaction {
        Transaction::Iti55 => (
            "iti55-virtanen.xml",
            include_str!("../../../config/examples/iti55-virtanen.xml"),
        ),
        Transaction::Iti38 => (
            "iti38-find-documents.xml",
            include_str!("../../../config/examples/iti38-find-documents.xml"),
        ),
        Transaction::Iti39 => (
            "iti39-retrieve.xml",
            include_str!("../../../config/examples/iti39-retrieve.xml"),
        ),
        _ => return None,
    };
    let payload = super::request::payload_of(bytes::Bytes::from_static(xml.as_bytes())).ok()?;
    let request = KitRequest::from_payload(&payload, Some(transaction)).ok()?;
    Some(Case::new(
        format!("{} built-in {name}", transaction.label()),
        request,
    ))
}

/// The partner's request files: each must be readable (a mistyped path is an error).
pub fn from_files(paths: &[PathBuf]) -> anyhow::Result<Vec<Case>> {
    paths
        .iter()
        .map(|path| {
            let request = KitRequest::read(path, None)?;
            Ok(Case::new(
                format!("{} {}", request.transaction().label(), file_name(path)),
                request,
            ))
        })
        .collect()
}

/// The request samples of the corpus (`samples/iti55|iti56|iti38|iti39/*request*`). A
/// sample the gateway itself would refuse never reaches a plugin: it is left out, and
/// said so in `notes`.
pub fn from_corpus(corpus: &Path, notes: &mut Vec<String>) -> Vec<Case> {
    let mut cases = Vec::new();
    for folder in ["iti55", "iti56", "iti38", "iti39"] {
        let Ok(entries) = std::fs::read_dir(corpus.join("samples").join(folder)) else {
            notes.push(format!(
                "the corpus {} has no samples/{folder}",
                corpus.display()
            ));
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| file_name(p).contains("request"))
            .collect();
        files.sort();
        for path in files {
            match KitRequest::read(&path, None) {
                Ok(request) => cases.push(Case::new(
                    format!(
                        "{} corpus {}",
                        request.transaction().label(),
                        file_name(&path)
                    ),
                    request,
                )),
                Err(e) => notes.push(format!("corpus sample left out: {e:#}")),
            }
        }
    }
    cases
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
