//! The files of a new plugin project: templates compiled into the binary (`host/templates`,
//! the language examples of `plugins/examples`, the contract of `wit/v0.6`), filled in.

use super::{Lang, Plan, short};
use crate::plugin::Capability;

const RUST: [(&str, &str); 6] = [
    (
        "Cargo.toml",
        include_str!("../../../templates/rust/Cargo.toml"),
    ),
    (
        "src/lib.rs",
        include_str!("../../../templates/rust/src/lib.rs"),
    ),
    (
        "src/records.rs",
        include_str!("../../../templates/rust/src/records.rs"),
    ),
    (
        "src/discovery.rs",
        include_str!("../../../templates/rust/src/discovery.rs"),
    ),
    (
        "src/query.rs",
        include_str!("../../../templates/rust/src/query.rs"),
    ),
    (
        "src/retrieve.rs",
        include_str!("../../../templates/rust/src/retrieve.rs"),
    ),
];
const RUST_SETTINGS: &str = include_str!("../../../templates/rust/settings.toml");

const PYTHON: [(&str, &str); 5] = [
    (
        "test_app.py",
        include_str!("../../../templates/python/test_app.py"),
    ),
    ("test.sh", include_str!("../../../templates/python/test.sh")),
    (
        "app.py",
        include_str!("../../../../plugins/examples/python-community/app.py"),
    ),
    (
        "requirements.txt",
        include_str!("../../../../plugins/examples/python-community/requirements.txt"),
    ),
    (
        "build.sh",
        include_str!("../../../../plugins/examples/python-community/build.sh"),
    ),
];
const JS: [(&str, &str); 6] = [
    ("test.mjs", include_str!("../../../templates/js/test.mjs")),
    ("test.sh", include_str!("../../../templates/js/test.sh")),
    (
        "adapter.js",
        include_str!("../../../../plugins/examples/js-community/adapter.js"),
    ),
    (
        "package.json",
        include_str!("../../../../plugins/examples/js-community/package.json"),
    ),
    (
        "package-lock.json",
        include_str!("../../../../plugins/examples/js-community/package-lock.json"),
    ),
    (
        "build.sh",
        include_str!("../../../../plugins/examples/js-community/build.sh"),
    ),
];
const EXAMPLE_SETTINGS: &str = include_str!("../../../../plugins/examples/settings.toml");

/// The contract, copied into Python and JavaScript projects for their tool chains.
const CONTRACT: [(&str, &str); 8] = [
    (
        "deferred.wit",
        include_str!("../../../../wit/v0.6/deferred.wit"),
    ),
    ("plq.wit", include_str!("../../../../wit/v0.6/plq.wit")),
    (
        "settings.wit",
        include_str!("../../../../wit/v0.6/settings.wit"),
    ),
    (
        "transport.wit",
        include_str!("../../../../wit/v0.6/transport.wit"),
    ),
    ("types.wit", include_str!("../../../../wit/v0.6/types.wit")),
    (
        "worlds.wit",
        include_str!("../../../../wit/v0.6/worlds.wit"),
    ),
    ("xca.wit", include_str!("../../../../wit/v0.6/xca.wit")),
    ("xcpd.wit", include_str!("../../../../wit/v0.6/xcpd.wit")),
];

const README: &str = include_str!("../../../templates/common/README.md");
const GATEWAY: &str = include_str!("../../../templates/common/gateway.toml");
const ITI55: &str = include_str!("../../../../plugins/examples/requests/iti55-aino.xml");
const ITI38: &str = include_str!("../../../../plugins/examples/requests/iti38-find-documents.xml");
const ITI39: &str = include_str!("../../../templates/common/iti39-retrieve.xml");

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

/// `settings.toml`'s tables moved under `[communities.NAME.settings]` (its leading
/// comment left out).
fn settings_in_config(settings: &str, name: &str) -> String {
    settings
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| {
            if let Some(rest) = l.strip_prefix("[[") {
                format!("[[communities.{name}.settings.{rest}\n")
            } else if let Some(rest) = l.strip_prefix('[') {
                format!("[communities.{name}.settings.{rest}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Every file of the project: (path relative to the project, contents).
pub fn of(plan: &Plan) -> anyhow::Result<Vec<(String, String)>> {
    let name = plan.name.as_str();
    let crate_name = name.replace('-', "_");
    let caps = &plan.capabilities;
    let has = |c: Capability| caps.contains(&c);
    let capability_list = caps
        .iter()
        .map(|c| short(*c))
        .collect::<Vec<_>>()
        .join(", ");
    let mut files: Vec<(String, String)> = Vec::new();
    let (wasm, settings, build, unit_test, rows, memory_limit) = match plan.lang {
        Lang::Rust => {
            let sdk = plan.sdk.display().to_string();
            // In rustfmt's order.
            let mods: String = [
                (Some(Capability::PatientDiscovery), "discovery"),
                (Some(Capability::DocumentQuery), "query"),
                (None, "records"),
                (Some(Capability::DocumentRetrieve), "retrieve"),
            ]
            .iter()
            .filter(|(c, _)| c.is_none_or(has))
            .map(|(_, m)| format!("pub mod {m};\n"))
            .collect();
            let registers: String = [
                (Capability::PatientDiscovery, "register_patient_discovery"),
                (Capability::DocumentQuery, "register_document_query"),
                (Capability::DocumentRetrieve, "register_document_retrieve"),
            ]
            .iter()
            .filter(|(c, _)| has(*c))
            .map(|(_, r)| format!("xcgate_sdk::{r}!(Adapter);"))
            .collect::<Vec<_>>()
            .join("\n");
            let pairs = [
                ("name", name),
                ("crate", crate_name.as_str()),
                ("sdk", sdk.as_str()),
                ("mods", mods.as_str()),
                ("registers", registers.as_str()),
                ("capability_list", capability_list.as_str()),
            ];
            for (path, template) in RUST {
                let needed = match path {
                    "src/discovery.rs" => has(Capability::PatientDiscovery),
                    "src/query.rs" => has(Capability::DocumentQuery),
                    "src/retrieve.rs" => has(Capability::DocumentRetrieve),
                    _ => true,
                };
                if needed {
                    files.push((path.into(), fill(template, &pairs)));
                }
            }
            files.push((".gitignore".into(), "target/\n".into()));
            (
                format!("target/wasm32-wasip2/release/{crate_name}.wasm"),
                fill(RUST_SETTINGS, &[("name", name)]),
                "rustup target add wasm32-wasip2               # once\ncargo build --target wasm32-wasip2 --release".to_string(),
                "```sh\ncargo test\n```\n\nruns the unit tests natively (`xcgate_sdk::testing` stands in for the host, with the settings of\n`settings.toml`). ".to_string(),
                "| `Cargo.toml`, `src/` | the adapter: `lib.rs` registers each capability and its settings check; `records.rs` reads the settings |\n".to_string(),
                "32MiB",
            )
        }
        Lang::Python | Lang::Js => {
            let (example, sources, tool) = match plan.lang {
                Lang::Python => ("python-community", &PYTHON[..], "componentize-py from PyPI"),
                _ => ("js-community", &JS[..], "ComponentizeJS from npm"),
            };
            for (path, text) in sources {
                // The npm files keep their name: the same lock file reuses the installed
                // tools (build.sh compares it).
                let text = match *path {
                    "package.json" | "package-lock.json" => (*text).to_string(),
                    _ => fill(&text.replace(example, name), &[("name", name)]),
                };
                files.push(((*path).into(), text));
            }
            files.push(("wit/world.wit".into(), world(name, caps)));
            for (file, text) in CONTRACT {
                files.push((format!("wit/deps/xcgate-adapter/{file}"), text.into()));
            }
            files.push((".gitignore".into(), "target/\n".into()));
            let (source, test_file, tests) = if plan.lang == Lang::Python {
                (
                    "app.py",
                    "test_app.py",
                    "test_app.py, natively, on the contract's Python bindings",
                )
            } else {
                (
                    "adapter.js",
                    "test.mjs",
                    "test.mjs, the component in Node.js",
                )
            };
            (
                format!("target/{name}.wasm"),
                EXAMPLE_SETTINGS.to_string(),
                format!(
                    "./build.sh     # {tool}, cached in $XCGATE_EXAMPLES_TOOLS (default /tmp/xcgate-examples)"
                ),
                format!(
                    "```sh\n./test.sh\n```\n\nruns the unit tests ({tests}: the exported functions called with the test\npatients, the host played by the test). "
                ),
                format!(
                    "| `{source}`, `build.sh` | the adapter and its build |\n| `test.sh`, `{test_file}` | its unit tests |\n| `wit/` | its world and the contract, `xcgate:adapter@0.6.0` |\n"
                ),
                "64MiB",
            )
        }
    };
    let mut requests = Vec::new();
    for (capability, file, text) in [
        (Capability::PatientDiscovery, "iti55-aino.xml", ITI55),
        (Capability::DocumentQuery, "iti38-find-documents.xml", ITI38),
        (Capability::DocumentRetrieve, "iti39-retrieve.xml", ITI39),
    ] {
        if has(capability) {
            files.push((format!("requests/{file}"), text.into()));
            requests.push(format!("--request requests/{file}"));
        }
    }
    let gateway = fill(
        GATEWAY,
        &[
            ("name", name),
            ("wasm", &wasm),
            ("memory_limit", memory_limit),
        ],
    ) + &settings_in_config(&settings, name);
    files.push(("gateway.toml".into(), gateway));
    files.push(("settings.toml".into(), settings));
    let readme = fill(
        README,
        &[
            ("name", name),
            ("lang_title", plan.lang.title()),
            ("capability_list", &capability_list),
            ("files", &rows),
            ("build", &build),
            ("wasm", &wasm),
            ("unit_test", &unit_test),
            ("xcgate", &plan.xcgate),
            ("requests_args", &requests.join(" ")),
        ],
    );
    files.push(("README.md".into(), readme));
    Ok(files)
}

/// The world of a Python or JavaScript project: the capabilities chosen and the settings
/// check, over the contract in `wit/deps`.
fn world(name: &str, caps: &[Capability]) -> String {
    let includes: String = caps
        .iter()
        .map(|c| format!("    include xcgate:adapter/{}-adapter@0.6.0;\n", short(*c)))
        .collect();
    format!(
        "// The world of the {name} adapter (written by `xcgate plugin new`): what it exports,\n// over the contract in deps/xcgate-adapter (xcgate:adapter@0.6.0).\npackage xcgate-plugin:{name};\n\nworld community {{\n{includes}    include xcgate:adapter/settings-check-adapter@0.6.0;\n}}\n"
    )
}
