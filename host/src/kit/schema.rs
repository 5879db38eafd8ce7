//! Schema validation of the messages the kit builds, by a validator that is not ours:
//! libxml2's `xmllint` against the IHE / HL7 XSD set (the conformance corpus's `schemas/`,
//! laid out as its README says). Without xmllint or the schemas the check is a loud skip,
//! never a silent pass.

use std::path::{Path, PathBuf};
use std::process::Command;
use xcgate_ihe::transaction::Transaction;

/// The schema a bare answer payload validates against (paths under `schemas/`).
fn schema_for(answer_of: Transaction) -> &'static str {
    match answer_of {
        Transaction::Iti55 => "HL7V3/NE2008/multicacheschemas/PRPA_IN201306UV02.xsd",
        Transaction::Iti56 => "IHE/XCPD_PLQ.xsd",
        Transaction::Iti39 => "xds-b/XDS.b_DocumentRepository.xsd",
        _ => "xds-b/query.xsd",
    }
}

/// Where the validation can run, or why it cannot.
pub enum Schemas {
    Ready(PathBuf),
    Unavailable(String),
}

impl Schemas {
    /// The `schemas/` folder of `corpus` (from `--corpus` or `XCGATE_CONFORMANCE_DIR`),
    /// with xmllint on the PATH.
    pub fn find(corpus: Option<&Path>) -> Schemas {
        let Some(corpus) = corpus else {
            return Schemas::Unavailable(
                "no XSD set: give --corpus DIR (the conformance corpus, with schemas/) or set XCGATE_CONFORMANCE_DIR".into(),
            );
        };
        let dir = corpus.join("schemas");
        if !dir.join(schema_for(Transaction::Iti55)).is_file() {
            return Schemas::Unavailable(format!(
                "{} holds no IHE/HL7 XSD set (expected {})",
                dir.display(),
                schema_for(Transaction::Iti55)
            ));
        }
        let xmllint = Command::new("xmllint").arg("--version").output();
        if !xmllint.is_ok_and(|o| o.status.success()) {
            return Schemas::Unavailable(
                "xmllint is not installed (Debian: apt-get install libxml2-utils)".into(),
            );
        }
        Schemas::Ready(dir)
    }

    /// Validate every `(transaction, message)`; one result per message, in order. One
    /// xmllint run per schema: loading the HL7 schemas costs more than validating.
    pub fn validate(&self, messages: &[(Transaction, &str)]) -> Vec<Result<String, String>> {
        let dir = match self {
            Schemas::Ready(dir) => dir,
            Schemas::Unavailable(why) => return vec![Err(why.clone()); messages.len()],
        };
        let work = std::env::temp_dir().join(format!(
            "xcgate-kit-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let results = validate_in(dir, &work, messages);
        let _ = std::fs::remove_dir_all(&work);
        results
    }
}

fn validate_in(
    schemas: &Path,
    work: &Path,
    messages: &[(Transaction, &str)],
) -> Vec<Result<String, String>> {
    let mut results: Vec<Result<String, String>> =
        vec![Err("not validated".to_string()); messages.len()];
    if let Err(e) = std::fs::create_dir_all(work) {
        return vec![Err(format!("cannot write to {}: {e}", work.display())); messages.len()];
    }
    let mut by_schema: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for (i, (t, _)) in messages.iter().enumerate() {
        let schema = schema_for(*t);
        match by_schema.iter_mut().find(|(s, _)| *s == schema) {
            Some((_, ids)) => ids.push(i),
            None => by_schema.push((schema, vec![i])),
        }
    }
    for (schema, ids) in by_schema {
        let files: Vec<PathBuf> = ids
            .iter()
            .map(|i| work.join(format!("message-{i}.xml")))
            .collect();
        for (file, i) in files.iter().zip(&ids) {
            if let Err(e) = std::fs::write(file, messages[*i].1) {
                results[*i] = Err(format!("cannot write {}: {e}", file.display()));
            }
        }
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schemas.join(schema))
            .args(&files)
            .output();
        let out = match out {
            Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
            Err(e) => {
                for i in &ids {
                    results[*i] = Err(format!("cannot run xmllint: {e}"));
                }
                continue;
            }
        };
        for (file, i) in files.iter().zip(&ids) {
            let name = file.display().to_string();
            results[*i] = if out.lines().any(|l| l == format!("{name} validates")) {
                Ok(format!("valid against {schema} (xmllint)"))
            } else {
                // xmllint's own words, without our temporary file's name.
                let errors: Vec<String> = out
                    .lines()
                    .filter_map(|l| l.strip_prefix(&format!("{name}:")))
                    .take(3)
                    .map(|l| l.trim().to_string())
                    .collect();
                Err(format!(
                    "not valid against {schema} (xmllint): {}",
                    if errors.is_empty() {
                        "it did not say why".to_string()
                    } else {
                        errors.join(" | ")
                    }
                ))
            };
        }
    }
    results
}
