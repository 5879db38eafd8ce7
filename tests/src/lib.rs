//! Test harness: an in-process gateway on 127.0.0.1:0, the test guests, a SOAP client,
//! the shared conformance corpus, and XSD validation with xmllint.

pub mod arr;
pub mod corpus;
pub mod medplum;
pub mod mock_responder;
pub mod pki;
pub mod soap_client;
pub mod tls_client;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use xcgate::config::Config;
use xcgate::gateway::{Gateway, RunningGateway};
use xcgate::plugin::{PluginRuntime, RuntimeOptions};

/// The misbehaving test guest (behaviour chosen by its `behaviour` setting).
pub const MISBEHAVING: &str = env!("XCGATE_TEST_PLUGIN_MISBEHAVING");
/// A guest that imports an interface the host does not provide.
pub const UNLINKABLE: &str = env!("XCGATE_TEST_PLUGIN_UNLINKABLE");
/// A guest that exports only patient-discovery.
pub const DISCOVERY_ONLY: &str = env!("XCGATE_TEST_PLUGIN_DISCOVERY_ONLY");
/// The demo community adapter.
pub const DEMO_COMMUNITY: &str = env!("XCGATE_TEST_PLUGIN_DEMO_COMMUNITY");
/// The standard IHE SOAP adapter (a community behind a standard responding gateway).
pub const IHE_SOAP: &str = env!("XCGATE_TEST_PLUGIN_IHE_SOAP");
/// The FHIR R4 community adapter.
pub const FHIR_COMMUNITY: &str = env!("XCGATE_TEST_PLUGIN_FHIR_COMMUNITY");

/// One plugin runtime per test binary: components are compiled once and shared.
pub fn runtime() -> Arc<PluginRuntime> {
    static RUNTIME: OnceLock<Arc<PluginRuntime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            PluginRuntime::new(RuntimeOptions {
                max_instances: 200,
                max_memory: 256 << 20,
                cache_dir: None,
            })
            .expect("plugin runtime")
        })
        .clone()
}

/// Config text with the test guests' paths in place of `{MISBEHAVING}`, `{UNLINKABLE}`,
/// `{DISCOVERY_ONLY}`, `{DEMO}`, `{IHE_SOAP}` and `{FHIR}`.
pub fn with_guests(toml: &str) -> String {
    toml.replace("{MISBEHAVING}", MISBEHAVING)
        .replace("{UNLINKABLE}", UNLINKABLE)
        .replace("{DEMO}", DEMO_COMMUNITY)
        .replace("{DISCOVERY_ONLY}", DISCOVERY_ONLY)
        .replace("{IHE_SOAP}", IHE_SOAP)
        .replace("{FHIR}", FHIR_COMMUNITY)
}

/// Config text with an `[audit]` journal of its own in a fresh temp folder, unless the
/// text has an `[audit]` table: tests never share (or lock) the user's default journal.
pub fn with_audit(toml: &str) -> String {
    if toml.contains("[audit]") {
        return toml.to_string();
    }
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xcgate-test-audit-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::create_dir_all(&dir);
    with_journal(toml, &dir.join("audit.log"))
}

/// The text of a config file that a reload reads again: the guests' paths in place, and
/// (unless the text has an `[audit]` table) a journal beside the file, the same at every
/// rewrite, so that a reload sees no `[audit]` change and tests never share the user's
/// default journal (one writer per journal: a second opener is refused).
pub fn config_file_text(toml: &str, file: &std::path::Path) -> String {
    let text = with_guests(toml);
    if text.contains("[audit]") {
        return text;
    }
    with_journal(&text, &file.with_extension("audit.log"))
}

fn with_journal(toml: &str, journal: &std::path::Path) -> String {
    format!("{toml}\n[audit]\njournal = \"{}\"\n", journal.display())
}

/// A gateway serving in this process.
pub struct TestGateway {
    pub gateway: Arc<Gateway>,
    pub running: RunningGateway,
}

impl TestGateway {
    /// Start a gateway from config text; `{MISBEHAVING}`, `{UNLINKABLE}`,
    /// `{DISCOVERY_ONLY}`, `{DEMO}`, `{IHE_SOAP}` and `{FHIR}` are replaced by the test
    /// guests' paths.
    pub async fn start(toml: &str) -> anyhow::Result<TestGateway> {
        let config = Config::from_toml(
            &with_audit(&with_guests(toml)),
            "test config",
            PathBuf::from("."),
        )?;
        let mut gateway = Gateway::load(config, runtime())?;
        gateway.open_audit().await?;
        let gateway = Arc::new(gateway);
        let running = gateway.clone().start("127.0.0.1:0".parse()?).await?;
        Ok(TestGateway { gateway, running })
    }

    /// Start a gateway from a config file that a reload reads again (write its text with
    /// [`config_file_text`]: guests in place, a journal of its own).
    pub async fn start_file(path: &std::path::Path) -> anyhow::Result<TestGateway> {
        let config = Config::from_file(path)?;
        let mut gateway = Gateway::load(config, runtime())?;
        gateway.open_audit().await?;
        let gateway = Arc::new(gateway);
        let live = xcgate::live::LiveGateway::new(gateway.clone(), Some(path.to_path_buf()));
        let running = live.start("127.0.0.1:0".parse()?).await?;
        Ok(TestGateway { gateway, running })
    }

    /// The bundled demo config, on a free port.
    pub async fn demo() -> TestGateway {
        let text = xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0");
        TestGateway::start(&text)
            .await
            .expect("demo gateway starts")
    }

    pub fn initiating_url(&self) -> String {
        format!("{}/initiating", self.running.url())
    }

    /// Everything the gateway's audit journal holds (one DICOM audit record per line).
    pub fn journal_text(&self) -> String {
        let config = &self.gateway.config;
        std::fs::read_to_string(config.audit.journal_path(&config.base_dir)).unwrap_or_default()
    }

    pub fn responding_url(&self) -> String {
        format!("{}/responding", self.running.url())
    }
}

/// True when the tests run in CI (`CI=true`), where a missing corpus or tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}
