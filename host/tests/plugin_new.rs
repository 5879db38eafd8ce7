//! `xcgate plugin new`, as a newcomer follows it: the project it writes builds, passes its
//! own tests, passes `xcgate plugin test` and loads in a gateway (`check-config`), in Rust,
//! Python and JavaScript.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xcgate_testkit::{TempDir, corpus, in_ci};

const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn ok(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn new_project(parent: &Path, args: &[&str]) -> PathBuf {
    let dir = parent.join("my-hospital");
    let mut all = vec!["plugin", "new", "my-hospital", "--dir"];
    let dir_text = dir.display().to_string();
    all.push(&dir_text);
    all.extend_from_slice(args);
    ok(&run(parent, XCGATE, &all), "plugin new");
    dir
}

/// `plugin test` with the project's settings and requests (and the corpus, when there
/// is one), then `check-config gateway.toml`: the two last steps of its README.
fn passes_the_kit_and_loads(project: &Path, wasm: &str, requests: &[&str]) {
    let mut args = vec![
        "plugin",
        "test",
        wasm,
        "--settings",
        "settings.toml",
        "--home-community-id",
        "urn:oid:2.999.7",
    ];
    for r in requests {
        args.extend_from_slice(&["--request", r]);
    }
    let corpus = corpus::dir().map(|d| d.display().to_string());
    if let Some(c) = &corpus {
        args.extend_from_slice(&["--corpus", c]);
    }
    let report = ok(&run(project, XCGATE, &args), "plugin test");
    assert!(report.contains("the plugin keeps the contract"), "{report}");
    assert!(!report.contains("not varied"), "{report}");
    let loaded = ok(
        &run(project, XCGATE, &["check-config", "gateway.toml"]),
        "check-config",
    );
    assert!(
        loaded.contains("1 communities: my-hospital urn:oid:2.999.7"),
        "{loaded}"
    );
}

#[test]
fn plugin_new_refuses_a_bad_name_an_unknown_capability_and_a_used_folder() {
    let tmp = TempDir::new("plugin-new-refusals");
    let out = run(tmp.path(), XCGATE, &["plugin", "new", "My_Hospital"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lower-case words"));
    let out = run(
        tmp.path(),
        XCGATE,
        &[
            "plugin",
            "new",
            "x",
            "--lang",
            "js",
            "--capabilities",
            "document-retrieve",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the JavaScript template implements patient-discovery, document-query")
    );
    std::fs::create_dir_all(tmp.path().join("taken")).unwrap();
    std::fs::write(tmp.path().join("taken/file"), "x").unwrap();
    let out = run(tmp.path(), XCGATE, &["plugin", "new", "taken"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists and is not empty"));
    // An SDK path that holds no SDK is named before anything is written.
    let out = run(
        tmp.path(),
        XCGATE,
        &["plugin", "new", "fresh", "--sdk", "/nonexistent/sdk"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--sdk /nonexistent/sdk: no SDK crate there")
    );
    assert!(!tmp.path().join("fresh").exists());
}

#[test]
fn a_new_rust_plugin_builds_passes_its_tests_and_the_kit_and_loads() {
    let tmp = TempDir::new("plugin-new-rust");
    let project = new_project(tmp.path(), &[]);
    // One target folder for every run of this test: the SDK is compiled once.
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/plugin-new");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let with_target = |args: &[&str]| {
        Command::new(&cargo)
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(&project)
            .output()
            .unwrap()
    };
    let tests = ok(&with_target(&["test", "--quiet"]), "cargo test");
    assert!(tests.contains("test result: ok"), "{tests}");
    // What a partner's CI checks too: the code written is formatted and lint-free.
    ok(&with_target(&["fmt", "--check"]), "cargo fmt --check");
    ok(
        &with_target(&["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"]),
        "cargo clippy",
    );
    ok(
        &with_target(&["build", "--target", "wasm32-wasip2", "--release", "--quiet"]),
        "cargo build",
    );
    // The README's path, target/wasm32-wasip2/release/my_hospital.wasm, is the project's
    // own target folder; this test shares one, so it links the component there.
    let built = target.join("wasm32-wasip2/release/my_hospital.wasm");
    let expected = project.join("target/wasm32-wasip2/release");
    std::fs::create_dir_all(&expected).unwrap();
    std::fs::copy(&built, expected.join("my_hospital.wasm")).unwrap();
    passes_the_kit_and_loads(
        &project,
        "target/wasm32-wasip2/release/my_hospital.wasm",
        &[
            "requests/iti55-aino.xml",
            "requests/iti38-find-documents.xml",
            "requests/iti39-retrieve.xml",
        ],
    );
}

#[test]
fn a_new_rust_plugin_with_one_capability_exports_only_it() {
    let tmp = TempDir::new("plugin-new-one");
    let project = new_project(tmp.path(), &["--capabilities", "patient-discovery"]);
    assert!(project.join("src/discovery.rs").is_file());
    assert!(!project.join("src/query.rs").exists());
    assert!(!project.join("requests/iti38-find-documents.xml").exists());
    let lib = std::fs::read_to_string(project.join("src/lib.rs")).unwrap();
    assert!(lib.contains("register_patient_discovery!(Adapter)"));
    assert!(!lib.contains("register_document_query"));
    // Nothing left unused by the capabilities it does not have.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/plugin-new");
    let out = Command::new(&cargo)
        .args(["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&project)
        .output()
        .unwrap();
    ok(&out, "cargo clippy");
}

/// Python and JavaScript: `./build.sh` (its tools from PyPI / npm; exit 3 when they
/// cannot be installed, a loud skip outside CI), `./test.sh` (the unit tests), then the
/// kit and the gateway.
fn a_new_plugin_in(lang: &str) {
    let tmp = TempDir::new(&format!("plugin-new-{lang}"));
    let project = new_project(tmp.path(), &["--lang", lang]);
    let out = run(&project, "bash", &["build.sh"]);
    if out.status.code() == Some(3) {
        assert!(
            !in_ci(),
            "{lang} tools missing in CI: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("SKIPPED: {lang} tools not installable here");
        return;
    }
    ok(&out, "build.sh");
    let tests = ok(&run(&project, "bash", &["test.sh"]), "test.sh");
    assert!(
        tests.contains("OK") || tests.contains("4 passed, 0 failed"),
        "{tests}"
    );
    passes_the_kit_and_loads(
        &project,
        "target/my-hospital.wasm",
        &[
            "requests/iti55-aino.xml",
            "requests/iti38-find-documents.xml",
        ],
    );
}

#[test]
fn a_new_python_plugin_builds_passes_the_kit_and_loads() {
    a_new_plugin_in("python");
}

#[test]
fn a_new_javascript_plugin_builds_passes_the_kit_and_loads() {
    a_new_plugin_in("js");
}
