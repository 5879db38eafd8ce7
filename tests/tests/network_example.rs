//! The README's "Joining a network" example (`config/examples/ehealth-exchange/gateway.toml`)
//! works as written with a network's certificates in place: it starts, its outbound
//! endpoint carries the eHealth Exchange message security, `/responding/hospital` requires
//! it, and its Integration Statement says so.

use xcgate::statement::Statement;
use xcgate_tests::TestGateway;
use xcgate_tests::pki::Pki;

const EXAMPLE: &str = include_str!("../../config/examples/ehealth-exchange/gateway.toml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_example_starts_and_states_its_profiles() {
    let pki = Pki::generate("ehex-example");
    let mut text = EXAMPLE.to_string();
    for (from, to) in [
        ("0.0.0.0:8444".to_string(), "127.0.0.1:0".to_string()),
        ("tls/gateway.pem".into(), pki.path("server.pem")),
        ("tls/gateway.key".into(), pki.path("server.key")),
        ("tls/network-ca.pem".into(), pki.path("ca.pem")),
    ] {
        assert!(text.contains(&from), "the example names {from}");
        text = text.replace(&from, &to);
    }
    let gw = TestGateway::start(&text)
        .await
        .unwrap_or_else(|e| panic!("the example starts: {e:#}"));
    let statement = Statement::of(&gw.gateway, 0);
    let actors: Vec<(&str, &Vec<String>)> = statement
        .rows
        .iter()
        .map(|r| (r.actor, &r.options))
        .collect();
    assert!(
        actors.iter().any(|(a, o)| *a == "X-Service User"
            && o.iter()
                .any(|x| x.starts_with("eHealth Exchange message security"))),
        "{actors:?}"
    );
    assert!(
        actors.iter().any(|(a, o)| *a == "X-Service Provider"
            && o.contains(
                &"eHealth Exchange message security required on /responding".to_string()
            )),
        "{actors:?}"
    );
    assert!(
        actors.iter().any(|(a, _)| *a == "Secure Node"),
        "{actors:?}"
    );
    let hospital = statement
        .communities
        .iter()
        .find(|c| c.name == "hospital")
        .unwrap();
    assert_eq!(hospital.served_at, "/responding/hospital");
}

#[test]
fn the_readme_shows_the_example_as_it_is() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let section = &readme[readme.find("## Joining a network").expect("the section")..];
    let start = section.find("```toml\n").expect("a toml block") + 8;
    let end = start + section[start..].find("```").expect("its end");
    let body = &EXAMPLE[EXAMPLE.find("[gateway]").expect("[gateway]")..];
    assert_eq!(&section[start..end], body);
}
