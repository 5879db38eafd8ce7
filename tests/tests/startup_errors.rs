//! Problems with a community's plugin are start-up errors that name the community and
//! the problem, never a failure at the first request.

use xcgate_tests::TestGateway;

fn one_community(plugin: &str) -> String {
    format!(
        "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = \"urn:oid:2.999.1\"\n[communities.partner]\nhome_community_id = \"urn:oid:2.999.1.7\"\nplugin = \"{plugin}\"\n"
    )
}

async fn start_error(plugin: &str) -> String {
    match TestGateway::start(&one_community(plugin)).await {
        Ok(_) => panic!("the gateway started with plugin {plugin}"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn a_plugin_importing_what_the_host_lacks_names_the_community_and_the_import() {
    let e = start_error("{UNLINKABLE}").await;
    assert!(e.contains("community `partner` (urn:oid:2.999.1.7)"), "{e}");
    assert!(e.contains("xcgate:testing/missing"), "{e}");
}

#[tokio::test]
async fn a_missing_plugin_file_is_named() {
    let e = start_error("no/such/adapter.wasm").await;
    assert!(
        e.contains("community `partner`") && e.contains("no/such/adapter.wasm"),
        "{e}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_component_is_refused() {
    let path = std::env::temp_dir().join(format!(
        "xcgate-not-a-component-{}.wasm",
        std::process::id()
    ));
    std::fs::write(&path, b"\0asm\x01\0\0\0").unwrap();
    let e = start_error(path.to_str().unwrap()).await;
    let _ = std::fs::remove_file(&path);
    assert!(e.contains("not a valid WebAssembly component"), "{e}");
}

#[tokio::test]
async fn an_unknown_bundled_plugin_lists_the_bundled_ones() {
    let e = start_error("bundled:nope").await;
    assert!(e.contains("bundled plugins: demo-community"), "{e}");
}

#[tokio::test]
async fn a_state_store_that_cannot_be_reached_names_its_url_without_the_password() {
    // Nothing listens on port 1 of loopback.
    let text = format!(
        "{}\n[state]\nurl = \"postgres://xcgate:s3cret-pw@127.0.0.1:1/xcgate\"\n",
        one_community("bundled:demo-community")
    );
    let e = match TestGateway::start(&text).await {
        Ok(_) => panic!("the gateway started without its store"),
        Err(e) => format!("{e:#}"),
    };
    assert!(e.contains("[state]") && e.contains("127.0.0.1:1"), "{e}");
    assert!(!e.contains("s3cret-pw"), "the password is not shown: {e}");
}

/// Each bundled adapter checks its settings at start-up: a typo or a malformed value is a
/// start-up error naming the community and the key.
#[tokio::test]
async fn each_bundled_adapter_names_the_setting_that_is_wrong() {
    let cases = [
        (
            "bundled:demo-community",
            "settings.max_matchs = 3",
            "communities.partner.settings.max_matchs: unknown setting; did you mean `max_matches`?",
        ),
        (
            "bundled:demo-community",
            "settings.patients = \"nobody\"",
            "communities.partner.settings.patients:",
        ),
        (
            "bundled:ihe-soap",
            "settings.remote_home_community_id = \"hospital\"",
            "communities.partner.settings.remote_home_community_id:",
        ),
        (
            "bundled:fhir-community",
            "settings.max_matches = \"many\"",
            "communities.partner.settings.max_matches:",
        ),
    ];
    for (plugin, setting, expected) in cases {
        let text = format!("{}{setting}\n", one_community(plugin));
        let e = match TestGateway::start(&text).await {
            Ok(_) => panic!("the gateway started with {setting} for {plugin}"),
            Err(e) => format!("{e:#}"),
        };
        assert!(e.contains(expected), "{plugin} {setting}: {e}");
    }
}
