//! Adapters written in Python (componentize-py) and JavaScript (ComponentizeJS), built by
//! `plugins/examples/build.sh` against the same contract as the Rust ones, load in the
//! gateway and answer ITI-55 and ITI-38 from their settings. `.ci/run` builds them (from
//! PyPI and npm); elsewhere a missing component skips these tests with a loud line.

use xcgate_ihe::ebrs::{AdhocQueryResponse, ReturnType};
use xcgate_tests::soap_client::{self, ITI38, post};
use xcgate_tests::{corpus, gateway, in_ci};

const SOAP: &str = "application/soap+xml; charset=utf-8";

/// The example component `name.wasm` in `$XCGATE_EXAMPLE_PLUGINS` (default
/// `target/example-plugins`), or `None` (skipped loudly; a failure in CI).
pub fn example_plugin(name: &str) -> Option<String> {
    let dir = std::env::var_os("XCGATE_EXAMPLE_PLUGINS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/example-plugins")
        });
    let path = dir.join(format!("{name}.wasm"));
    if path.is_file() {
        return Some(path.display().to_string());
    }
    assert!(
        !in_ci(),
        "{} is missing: .ci/run builds it with plugins/examples/build.sh",
        path.display()
    );
    eprintln!(
        "SKIPPED: {} not built (run plugins/examples/build.sh: componentize-py from PyPI, ComponentizeJS from npm)",
        path.display()
    );
    None
}

const PATIENTS: &str = r#"[{ id = "EX-1001", root = "2.999.7.1", family = "Virtanen", given = "Aino", gender = "F", birth_time = "19900312" }, { id = "EX-1002", root = "2.999.7.1", family = "Korhonen", given = "Eero", gender = "M", birth_time = "19551120" }]"#;

fn documents() -> String {
    let code =
        |c: &str, s: &str| format!("{{ code = \"{c}\", scheme = \"{s}\", display = \"{c}\" }}");
    let doc = |n: u32, patient: &str| {
        format!(
            "{{ patient = \"{patient}\", unique_id = \"2.999.7.2.{n}\", title = \"Note {n}\", creation_time = \"2024031208300{n}\", mime_type = \"text/plain\", repository_unique_id = \"2.999.7.3\", size = 26, hash = \"c0826d33737f26f5b98f5cf23fa51c78ede4573e\", class_code = {}, type_code = {}, format_code = {}, healthcare_facility_type_code = {}, practice_setting_code = {} }}",
            code("18842-5", "2.16.840.1.113883.6.1"),
            code("18842-5", "2.16.840.1.113883.6.1"),
            code(
                "urn:ihe:iti:xds:2017:mimeTypeSufficient",
                "1.3.6.1.4.1.19376.1.2.3"
            ),
            code("22232009", "2.16.840.1.113883.6.96"),
            code("394802001", "2.16.840.1.113883.6.96"),
        )
    };
    format!(
        "[{}, {}, {}]",
        doc(1, "EX-1001"),
        doc(2, "EX-1001"),
        doc(3, "EX-1002")
    )
}

async fn answers_iti55_and_iti38(example: &str) {
    let Some(plugin) = example_plugin(example) else {
        return;
    };
    let gw = gateway()
        .community_with(example, &plugin, |c| {
            c.home_community_id("urn:oid:2.999.7")
                .setting("patients", PATIENTS)
                .setting("documents", &documents())
        })
        .start()
        .await
        .unwrap_or_else(|e| panic!("{example} does not load: {e:#}"));

    // ITI-55: Aino by name and birth date, and nobody for a name it does not hold.
    let query = soap_client::demographic_query("lang", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&gw.initiating_url(), &query).await;
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(parsed.ack_code.as_deref(), Some("AA"), "{}", answer.body);
    let ids: Vec<_> = parsed
        .matches
        .iter()
        .map(|m| m.patient_id.extension.as_deref())
        .collect();
    assert_eq!(ids, [Some("EX-1001")], "{}", answer.body);
    let nobody = soap_client::demographic_query("lang2", "Nobody", "Noone", "19900312");
    let parsed =
        soap_client::iti55_answer(&soap_client::iti55(&gw.initiating_url(), &nobody).await.body);
    assert_eq!(parsed.query_response_code.as_deref(), Some("NF"));

    // ITI-38: Aino's two documents, full DocumentEntries the gateway accepts, schema-valid.
    let payload = soap_client::find_documents("EX-1001^^^&2.999.7.1&ISO", ReturnType::LeafClass);
    let a = post(
        &gw.initiating_url(),
        SOAP,
        soap_client::envelope(ITI38, "urn:uuid:lang-q", &payload),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    if let Some(dir) = corpus::dir()
        && corpus::have_xmllint()
    {
        corpus::validate(&dir, "drivers/soap12-xds.xsd", &a.body, example).unwrap();
    }
    let r = AdhocQueryResponse::parse(&soap_client::body_payload(&a.body)).unwrap();
    assert!(r.registry.errors.is_none(), "{}", a.body);
    assert_eq!(r.objects.len(), 2, "{}", a.body);
    for o in &r.objects {
        assert_eq!(o.home(), Some("urn:oid:2.999.7"), "{}", a.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_adapter_answers_iti55_and_iti38() {
    answers_iti55_and_iti38("python-community").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_javascript_adapter_answers_iti55_and_iti38() {
    answers_iti55_and_iti38("js-community").await;
}

/// `xcgate plugin test` on an example, with the settings and requests it ships.
async fn keeps_the_contract(example: &str) {
    use xcgate::kit::{cases, subject, suite};
    let Some(plugin) = example_plugin(example) else {
        return;
    };
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/examples");
    let subject = subject::Subject::load(&subject::Source::File {
        plugin: plugin.into(),
        settings: Some(examples.join("settings.toml")),
        home_community_id: "urn:oid:2.999.7".into(),
    })
    .unwrap();
    let requests = cases::from_files(&[
        examples.join("requests/iti55-aino.xml"),
        examples.join("requests/iti38-find-documents.xml"),
    ])
    .unwrap();
    let report = suite::run(
        &subject,
        suite::Inputs {
            requests,
            corpus: corpus::dir(),
        },
    )
    .await;
    assert!(!report.failed(), "{example}:\n{}", report.to_text());
    let used = report
        .checks
        .iter()
        .find(|c| c.name == "parameters used")
        .unwrap();
    // Aino was found, so her gender was varied too.
    assert!(!used.why.contains("not varied"), "{}", used.why);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_adapter_passes_plugin_test() {
    keeps_the_contract("python-community").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_javascript_adapter_passes_plugin_test() {
    keeps_the_contract("js-community").await;
}
