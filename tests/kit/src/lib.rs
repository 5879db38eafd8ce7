//! The test kit of every xcgate crate (dev-only):
//!
//! - [`corpus`]: the shared conformance corpus (`XCGATE_CONFORMANCE_DIR`, else
//!   `../shared/conformance` beside the checkout) and XSD validation with xmllint. Outside
//!   CI a missing corpus or xmllint is a loud skip; under `CI=true` it fails the test.
//! - [`pki`]: a throwaway PKI per test (CA, server, client and expired certificates).
//! - [`arr`]: a test Audit Record Repository: syslog over TLS [RFC 5425] or UDP
//!   [RFC 5426], on std threads so async tests and tests of the `xcgate` binary share it.
//! - [`postgres`]: a PostgreSQL cluster of a test's own (initdb, pg_ctl on a free port).
//!
//! The in-process gateway builder and the test guests live in `xcgate-tests`, which
//! re-exports this kit: the message crates' tests use the kit without linking the gateway.

pub mod arr;
pub mod corpus;
pub mod pki;
pub mod postgres;

/// The error type of fallible test helpers.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// True when the tests run in CI (`CI=true`), where a missing corpus or tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A fresh folder under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xcgate-test-{}-{}-{name}",
            std::process::id(),
            SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("cannot create the test folder {}: {e}", dir.display());
        }
        TempDir(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
