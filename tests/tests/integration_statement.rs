//! The IHE Integration Statement is derived from the configuration, never written by hand:
//! each actor and option appears exactly when the config and the plugins implement it.

use xcgate::statement::{Format, Statement};
use xcgate_tests::pki::Pki;
use xcgate_tests::{GatewayBuilder, TestGateway, gateway, guests, soap_client};

/// (profile, actor) → options, of the statement of `gw`.
fn rows(gw: &TestGateway) -> Vec<(String, Vec<String>)> {
    Statement::of(&gw.gateway, 0)
        .rows
        .into_iter()
        .map(|r| (format!("{} / {}", r.profile, r.actor), r.options))
        .collect()
}

fn actors(gw: &TestGateway) -> Vec<String> {
    rows(gw).into_iter().map(|(a, _)| a).collect()
}

fn options_of(gw: &TestGateway, actor: &str) -> Vec<String> {
    rows(gw)
        .into_iter()
        .find(|(a, _)| a.ends_with(actor))
        .map(|(_, o)| o)
        .unwrap_or_else(|| panic!("no {actor} row in {:?}", actors(gw)))
}

const XCPD_IG: &str = "Cross-Community Patient Discovery (XCPD) / Initiating Gateway";
const XCPD_RG: &str = "Cross-Community Patient Discovery (XCPD) / Responding Gateway";
const XCA_IG: &str = "Cross-Community Access (XCA) / Initiating Gateway";
const XCA_RG: &str = "Cross-Community Access (XCA) / Responding Gateway";
const ATNA_APP: &str = "Audit Trail and Node Authentication (ATNA) / Secure Application";
const ATNA_NODE: &str = "Audit Trail and Node Authentication (ATNA) / Secure Node";
const XUA_PROVIDER: &str = "Cross-Enterprise User Assertion (XUA) / X-Service Provider";
const XUA_USER: &str = "Cross-Enterprise User Assertion (XUA) / X-Service User";

fn two_communities() -> GatewayBuilder {
    gateway()
        .community("north", guests::DEMO_COMMUNITY)
        .community("south", guests::DEMO_COMMUNITY)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initiating_only_responding_too_and_capabilities_decide_the_gateway_rows() {
    let gw = two_communities().start().await.unwrap();
    assert_eq!(actors(&gw), [XCPD_IG, XCA_IG, ATNA_APP]);
    assert_eq!(
        options_of(&gw, "XCA) / Initiating Gateway"),
        ["XDS Affinity Domain"]
    );

    let gw = two_communities()
        .responding(&["south"])
        .start()
        .await
        .unwrap();
    assert_eq!(actors(&gw), [XCPD_IG, XCPD_RG, XCA_IG, XCA_RG, ATNA_APP]);
    let statement = Statement::of(&gw.gateway, 0);
    let south = statement
        .communities
        .iter()
        .find(|c| c.name == "south")
        .unwrap();
    assert_eq!(south.served_at, "/responding/south");
    assert_eq!(
        south.capabilities,
        ["patient-discovery", "document-query", "document-retrieve"]
    );

    // A plugin without document-query and document-retrieve: no XCA.
    let gw = gateway()
        .community("xcpd", guests::DISCOVERY_ONLY)
        .start()
        .await
        .unwrap();
    assert_eq!(actors(&gw), [XCPD_IG, ATNA_APP]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_and_syslog_make_a_secure_node_with_its_options() {
    let pki = Pki::generate("statement");
    let gw = two_communities()
        .toml(&format!(
            "[gateway.tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\nclient_ca_file = \"{}\"\n\n[audit.syslog]\ntransport = \"tls\"\naddress = \"127.0.0.1:9\"\nca_file = \"{}\"\n",
            pki.path("server.pem"),
            pki.path("server.key"),
            pki.path("ca.pem"),
            pki.path("ca.pem"),
        ))
        .toml(&format!(
            "[audit]\njournal = \"{}\"\n",
            pki.dir().join("audit.log").display()
        ))
        .start()
        .await
        .unwrap();
    assert!(actors(&gw).contains(&ATNA_NODE.to_string()));
    assert_eq!(
        options_of(&gw, "Secure Node"),
        ["STX: TLS 1.2 Floor using BCP195", "ATX: TLS Syslog"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xua_in_and_out_with_their_network_profiles() {
    let pki = Pki::generate("statement-xua");
    let issuer = format!(
        "[gateway.xua.issuer]\nkey_file = \"{}\"\ncert_file = \"{}\"\nname = \"CN=gw\"\norganization = \"Example\"\norganization_id = \"2.999.1\"\nrole = {{ code = \"112247003\", system = \"2.16.840.1.113883.6.96\" }}\npurpose_of_use = {{ code = \"TREATMENT\", system = \"2.16.840.1.113883.3.18.7.1\" }}\n",
        pki.path("client.key"),
        pki.path("client.pem")
    );
    let gw = gateway()
        .community("remote", guests::IHE_SOAP)
        .toml(&format!(
            "[communities.remote.endpoints.rg]\nurl = \"http://127.0.0.1:9/rg\"\nxua = \"issue\"\nxua_profile = \"ehealth-exchange\"\n\n[gateway.xua]\nresponding = \"required\"\nresponding_profile = \"ehealth-exchange\"\ntrusted_issuers = [\"{}\"]\n{issuer}",
            pki.path("client.pem")
        ))
        .start()
        .await
        .unwrap();
    let provider = options_of(&gw, "X-Service Provider");
    assert!(
        provider.contains(&"eHealth Exchange message security required on /responding".to_string()),
        "{provider:?}"
    );
    let user = options_of(&gw, "X-Service User");
    assert_eq!(user[..2], ["Subject-Role", "PurposeOfUse"]);
    assert!(
        user[2].starts_with("eHealth Exchange message security"),
        "{user:?}"
    );
    // Without XUA, neither row.
    let plain = two_communities().start().await.unwrap();
    assert!(
        !actors(&plain)
            .iter()
            .any(|a| a == XUA_PROVIDER || a == XUA_USER)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_listener_serves_it_in_markdown_and_html() {
    let gw = two_communities()
        .toml("[admin]\nlisten = \"127.0.0.1:0\"\n")
        .start()
        .await
        .unwrap();
    let admin = gw.running.admin_url().unwrap();
    let md = soap_client::get(&format!("{admin}/integration-statement")).await;
    assert_eq!(md.status, 200);
    assert!(md.content_type.starts_with("text/markdown"));
    assert!(
        md.body.starts_with("# IHE Integration Statement"),
        "{}",
        md.body
    );
    assert!(
        md.body.contains(
            "| Cross-Community Access (XCA) | Initiating Gateway | XDS Affinity Domain |"
        ),
        "{}",
        md.body
    );
    // The same statement the CLI prints (but for the date).
    let offline = Statement::of(&gw.gateway, 0).render(Format::Markdown);
    assert_eq!(
        md.body.lines().skip(5).collect::<Vec<_>>(),
        offline.lines().skip(5).collect::<Vec<_>>()
    );
    let html = soap_client::get(&format!("{admin}/integration-statement?format=html")).await;
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.body.contains("<td>Cross-Community Access (XCA)</td><td>Initiating Gateway</td><td>XDS Affinity Domain</td>"), "{}", html.body);
}

/// The asynchronous options appear once `[gateway.replies]` allows somewhere to answer
/// [ITI TF-1 18.2.2, 27.2.1, 27.2.2].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asynchronous_options_follow_gateway_replies() {
    let gw = TestGateway::demo().await;
    assert_eq!(
        options_of(&gw, "XCPD) / Initiating Gateway"),
        ["Asynchronous Web Services Exchange", "Deferred Response"]
    );
    assert_eq!(
        options_of(&gw, "XCA) / Initiating Gateway"),
        ["XDS Affinity Domain", "Asynchronous Web Services Exchange"]
    );
}
