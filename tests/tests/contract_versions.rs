//! The support window of the plugin contract [wit/README.md, "Support window"]: a plugin
//! built against the previous minor (`wit/v0.5`) still loads and answers; one built against
//! a version outside the window is refused at start-up with what to do about it.

use xcgate_tests::soap_client;
use xcgate_tests::{TempDir, TestGateway, gateway, guests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_built_against_the_previous_contract_answers_with_its_settings() {
    let gw = gateway()
        .community_with("older", guests::CONTRACT_V0_5, |c| {
            c.setting_str("patient-extension", "V05-1")
        })
        .start()
        .await
        .expect("a 0.5.0 plugin loads");
    let query = soap_client::demographic_query("v05", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(&gw.initiating_url(), &query).await;
    let parsed = soap_client::iti55_answer(&answer.body);
    assert_eq!(parsed.ack_code.as_deref(), Some("AA"), "{}", answer.body);
    let ids: Vec<_> = parsed
        .matches
        .iter()
        .map(|m| {
            (
                m.patient_id.root.as_str(),
                m.patient_id.extension.as_deref(),
            )
        })
        .collect();
    assert_eq!(ids, [("2.999.5", Some("V05-1"))]);
}

/// The 0.5.0 test guest with every `@0.5.0` in its interface names replaced (same length,
/// so the component stays valid): a plugin built against another version.
fn renamed_guest(dir: &TempDir, from: &str, to: &str) -> String {
    assert_eq!(from.len(), to.len());
    let bytes = std::fs::read(guests::CONTRACT_V0_5).unwrap();
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    assert_ne!(
        out,
        bytes,
        "the guest names {}",
        String::from_utf8_lossy(from)
    );
    let path = dir.path().join("renamed.wasm");
    std::fs::write(&path, out).unwrap();
    path.display().to_string()
}

async fn start_error(plugin: &str) -> String {
    let text = format!(
        "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.1\"\n[communities.partner]\nhome_community_id = \"urn:oid:2.999.1.7\"\nplugin = \"{plugin}\"\n"
    );
    match TestGateway::start(&text).await {
        Ok(_) => panic!("the gateway started with {plugin}"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn a_plugin_older_than_the_window_is_told_to_rebuild() {
    let dir = TempDir::new("contract-older");
    let e = start_error(&renamed_guest(&dir, "@0.5.0", "@0.4.0")).await;
    assert!(e.contains("community `partner`"), "{e}");
    assert!(
        e.contains("xcgate:adapter@0.4.0") && e.contains("no longer loads"),
        "{e}"
    );
    assert!(e.contains("0.6.0, 0.5.0") && e.contains("rebuild"), "{e}");
}

#[tokio::test]
async fn a_plugin_newer_than_the_gateway_is_told_to_upgrade_the_gateway() {
    let dir = TempDir::new("contract-newer");
    let e = start_error(&renamed_guest(&dir, "@0.5.0", "@0.9.0")).await;
    assert!(
        e.contains("xcgate:adapter@0.9.0") && e.contains("newer than this gateway"),
        "{e}"
    );
    assert!(e.contains("upgrade xcgate"), "{e}");
}

#[tokio::test]
async fn a_plugin_mixing_versions_is_refused() {
    let dir = TempDir::new("contract-mixed");
    let e = start_error(&renamed_guest(
        &dir,
        "patient-discovery@0.5.0",
        "patient-discovery@0.6.0",
    ))
    .await;
    assert!(e.contains("mixes contract versions (0.5.0, 0.6.0)"), "{e}");
}
