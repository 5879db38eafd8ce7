//! The loopback Medplum FHIR R4 server (Medplum's FhirRouter over an in-memory repository,
//! `$CONFORMANCE/peers/medplum-fhir`) for tests: one per test, on a free port, seeded from
//! one of our fixtures, stopped when dropped.
//!
//! The installed copy is found through `XCGATE_MEDPLUM_DIR` (a directory with `server.mjs`
//! and `node_modules`; `.ci/peers/medplum.sh DIR` makes one). Without it a test skips, and
//! fails in CI.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the installed server.
pub const DIR_VAR: &str = "XCGATE_MEDPLUM_DIR";

/// How long the server may take to load the FHIR definitions and the seed.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server; killed on drop.
pub struct Medplum {
    /// The FHIR base, `http://127.0.0.1:<port>/fhir/R4`.
    pub base_url: String,
    child: Child,
    seed: PathBuf,
    log: PathBuf,
}

/// A fixture under `tests/fixtures/fhir/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fhir")
        .join(name)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Medplum {
    /// Start the server seeded with `seed` (a FHIR Bundle or array of resources, in which
    /// `{BASE}` stands for the server's own base URL). `None` when the server is not
    /// installed outside CI: the caller skips.
    pub fn start(seed: &Path) -> Option<Medplum> {
        let Some(dir) = std::env::var_os(DIR_VAR).filter(|d| !d.is_empty()) else {
            let how = format!(
                "{DIR_VAR} is not set: install the Medplum FHIR peer with \
                 `bash .ci/peers/medplum.sh /tmp/xcgate-medplum && export {DIR_VAR}=/tmp/xcgate-medplum` \
                 (needs node and npm, and the corpus in $CONFORMANCE or ../shared/conformance)"
            );
            assert!(!crate::in_ci(), "{how}");
            eprintln!("skipped: {how}");
            return None;
        };
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("server.mjs").is_file() && dir.join("node_modules").is_dir(),
            "{DIR_VAR}={} has no server.mjs and node_modules: run .ci/peers/medplum.sh on it",
            dir.display()
        );
        let port = free_port();
        let base_url = format!("http://127.0.0.1:{port}/fhir/R4");
        let text = std::fs::read_to_string(seed)
            .unwrap_or_else(|e| panic!("reading {}: {e}", seed.display()))
            .replace("{BASE}", &base_url);
        let stem =
            std::env::temp_dir().join(format!("xcgate-medplum-{}-{port}", std::process::id()));
        let (seed_file, log) = (stem.with_extension("json"), stem.with_extension("log"));
        std::fs::write(&seed_file, text).expect("writing the seed");
        let log_file = std::fs::File::create(&log).expect("creating the server log");
        let child = Command::new("node")
            .arg("server.mjs")
            .arg(port.to_string())
            .arg(&seed_file)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting node server.mjs in {}: {e}", dir.display()));
        let mut server = Medplum {
            base_url,
            child,
            seed: seed_file,
            log,
        };
        server.wait_until_listening(port);
        Some(server)
    }

    /// The server listens only after it has loaded the definitions and the seed.
    fn wait_until_listening(&mut self, port: u16) {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the Medplum server exited ({status}):\n{}", self.log_text());
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "the Medplum server did not listen within {START_TIMEOUT:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server wrote to stderr (for failure messages).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Medplum {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.seed);
        let _ = std::fs::remove_file(&self.log);
    }
}
