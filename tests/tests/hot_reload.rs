//! Hot reload: the config file is read again (admin endpoint here; SIGHUP in the CLI
//! tests) and the new communities serve new requests, while a client sending without
//! pause loses no request; a broken config or plugin changes nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use xcgate_tests::{TestGateway, config_file_text, soap_client};

const BASE: &str = r#"[gateway]
listen = "127.0.0.1:0"
home_community_id = "urn:oid:2.999.1"
deadline = "3s"

[admin]
listen = "127.0.0.1:0"

[communities.first]
home_community_id = "urn:oid:2.999.1.10"
plugin = "{DEMO_COMMUNITY}"
[[communities.first.settings.patients]]
id = { root = "2.999.1.10.1", extension = "FIRST-1" }
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"
"#;

const SECOND: &str = r#"
[communities.second]
home_community_id = "urn:oid:2.999.1.20"
plugin = "{DEMO_COMMUNITY}"
[[communities.second.settings.patients]]
id = { root = "2.999.1.20.1", extension = "SECOND-1" }
family = ["Virtanen"]
given = ["Aino"]
gender = "F"
birth_time = "19900312"
"#;

/// A config file in a fresh temp folder, removed on drop.
struct ConfigFile(std::path::PathBuf);

impl ConfigFile {
    fn new(text: &str) -> ConfigFile {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xcgate-reload-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = ConfigFile(dir.join("xcgate.toml"));
        file.write(text);
        file
    }
    fn write(&self, text: &str) {
        std::fs::write(&self.0, config_file_text(text, &self.0)).unwrap();
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The ids of the patients matched by one ITI-55, or the failure.
async fn matched(url: &str) -> Result<Vec<String>, String> {
    let query = soap_client::demographic_query("reload", "Virtanen", "Aino", "19900312");
    let answer = soap_client::iti55(url, &query).await;
    if answer.status != 200 {
        return Err(format!("HTTP {}: {}", answer.status, answer.body));
    }
    let parsed = soap_client::iti55_answer(&answer.body);
    if !parsed.issues.is_empty() {
        return Err(format!("{:?}", parsed.issues));
    }
    let mut ids: Vec<String> = parsed
        .matches
        .iter()
        .map(|m| m.patient_id.extension.clone().unwrap_or_default())
        .collect();
    ids.sort();
    Ok(ids)
}

async fn reload(gw: &TestGateway) -> (u16, String) {
    let admin = gw.running.admin_url().expect("[admin] is configured");
    let answer = soap_client::post(&format!("{admin}/admin/reload"), "text/plain", "").await;
    (answer.status, answer.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_under_continuous_load_fails_no_request_and_new_requests_see_the_new_set() {
    let file = ConfigFile::new(BASE);
    let gw = TestGateway::start_file(&file.0).await.unwrap();
    let url = gw.initiating_url();
    assert_eq!(matched(&url).await, Ok(vec!["FIRST-1".to_string()]));

    let stop = Arc::new(AtomicBool::new(false));
    let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (url, stop, sent, failed) =
                (url.clone(), stop.clone(), sent.clone(), failed.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    match matched(&url).await {
                        Ok(ids) if ids == ["FIRST-1"] || ids == ["FIRST-1", "SECOND-1"] => {}
                        other => {
                            eprintln!("failed during reload: {other:?}");
                            failed.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    while sent.load(Ordering::SeqCst) < 20 {
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    file.write(&format!("{BASE}{SECOND}"));
    let (status, body) = reload(&gw).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("reloaded: 2 communities"), "{body}");
    let after_reload = sent.load(Ordering::SeqCst);
    while sent.load(Ordering::SeqCst) < after_reload + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    assert_eq!(
        failed.load(Ordering::SeqCst),
        0,
        "of {} requests",
        sent.load(Ordering::SeqCst)
    );
    assert_eq!(
        matched(&url).await,
        Ok(vec!["FIRST-1".to_string(), "SECOND-1".to_string()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_config_or_plugin_is_refused_with_the_reason_and_the_old_set_keeps_serving() {
    let file = ConfigFile::new(BASE);
    let gw = TestGateway::start_file(&file.0).await.unwrap();
    let url = gw.initiating_url();
    for (broken, reason) in [
        (format!("{BASE}[communities.second\n"), "TOML"),
        (
            format!(
                "{BASE}{}",
                SECOND.replace("{DEMO_COMMUNITY}", "/nonexistent/plugin.wasm")
            ),
            "cannot read plugin file",
        ),
        (
            format!(
                "{BASE}{}",
                SECOND.replace(
                    "plugin = \"{DEMO_COMMUNITY}\"",
                    "plugin = \"{DEMO_COMMUNITY}\"\nmemory_limit = \"1MiB\""
                )
            ),
            "does not start",
        ),
    ] {
        file.write(&broken);
        let (status, body) = reload(&gw).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body.contains("previous config keeps serving") && body.contains(reason),
            "{reason}: {body}"
        );
        assert_eq!(matched(&url).await, Ok(vec!["FIRST-1".to_string()]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_endpoint_answers_liveness_and_only_post_reloads() {
    let file = ConfigFile::new(BASE);
    let gw = TestGateway::start_file(&file.0).await.unwrap();
    let admin = gw.running.admin_url().unwrap();
    let client: hyper_util::client::legacy::Client<_, http_body_util::Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let health = client
        .get(format!("{admin}/live").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let get_reload = client
        .get(format!("{admin}/admin/reload").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(get_reload.status(), 405);
    // The admin paths are not on the SOAP listener.
    let on_soap = soap_client::post(
        &format!("{}/admin/reload", gw.running.url()),
        "text/plain",
        "",
    )
    .await;
    assert_ne!(on_soap.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_with_a_settings_typo_is_refused_naming_the_key_and_the_old_set_serves() {
    let file = ConfigFile::new(BASE);
    let gw = TestGateway::start_file(&file.0).await.unwrap();
    let url = gw.initiating_url();
    file.write(&BASE.replace(
        "[[communities.first.settings.patients]]",
        "[communities.first.settings]\nmax_matchs = 3\n[[communities.first.settings.patients]]",
    ));
    let (status, body) = reload(&gw).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("communities.first.settings.max_matchs")
            && body.contains("did you mean `max_matches`"),
        "{body}"
    );
    assert_eq!(
        matched(&url).await,
        Ok(vec!["FIRST-1".to_string()]),
        "the old set keeps serving"
    );
}
