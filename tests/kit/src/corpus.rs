//! The shared conformance corpus (`../shared/conformance`, or `XCGATE_CONFORMANCE_DIR`) and
//! XSD validation of what xcgate produces. Every crate's corpus tests find it here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus folder: `XCGATE_CONFORMANCE_DIR`, else `shared/conformance` beside the
/// checkout. Outside CI a missing corpus is a loud skip (`None`); in CI (`CI=true`) it
/// fails the test that asked.
pub fn dir() -> Option<PathBuf> {
    let dir = std::env::var_os("XCGATE_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        });
    if dir.join("samples").is_dir() {
        return Some(dir);
    }
    assert!(
        !crate::in_ci(),
        "the conformance corpus is missing at {} (set XCGATE_CONFORMANCE_DIR)",
        dir.display()
    );
    eprintln!(
        "SKIPPED: conformance corpus not found at {} (set XCGATE_CONFORMANCE_DIR)",
        dir.display()
    );
    None
}

/// One file of the corpus by its path under the corpus folder (`samples/atna/x.xml`), or
/// `None` (a loud skip) where the corpus is missing outside CI. A corpus that is there
/// but lacks the file fails the test: a sample the tests rely on was removed.
pub fn file(relative: &str) -> Option<PathBuf> {
    let path = dir()?.join(relative);
    assert!(
        path.is_file(),
        "the conformance corpus has no {relative} (at {})",
        path.display()
    );
    Some(path)
}

/// The sample files of one folder (`iti55`, ...) whose names contain `kind` (`request`,
/// `response`), sorted.
pub fn samples(dir: &Path, folder: &str, kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("samples").join(folder))
        .unwrap_or_else(|e| panic!("cannot list samples/{folder}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains(kind))
        })
        .collect();
    files.sort();
    files
}

/// True when xmllint is available. In CI it must be.
pub fn have_xmllint() -> bool {
    let ok = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok || !crate::in_ci(),
        "xmllint is required in CI (Debian package libxml2-utils)"
    );
    if !ok {
        eprintln!(
            "SKIPPED: xmllint not installed (apt-get install libxml2-utils); schema validation not run"
        );
    }
    ok
}

/// Validate `xml` against a schema of the corpus (path relative to `schemas/`).
pub fn validate(corpus: &Path, schema: &str, xml: &str, label: &str) -> Result<(), String> {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "xcgate-validate-{}-{}-{}.xml",
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
        label.replace(['/', ' '], "_")
    ));
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(corpus.join("schemas").join(schema))
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot run xmllint: {e}"))?;
    let _ = std::fs::remove_file(&file);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{label} does not validate against {schema}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
