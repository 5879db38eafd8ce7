//! Connection caps [issue: "Run for a year"]: slow clients that open connections and send
//! nothing hold them up to the header timeout. Past `gateway.max_connections_per_client`
//! from one address, and past `gateway.max_connections` in all, a connection is answered
//! `503` with the reason at once and closed, and a well-behaved client elsewhere is
//! still served. Loopback addresses 127.0.0.x stand in for different clients.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use xcgate_tests::TestGateway;

async fn connect_from(source: &str, gw: &TestGateway) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    socket.connect(gw.running.addr).await.unwrap()
}

/// What the gateway says at once to a connection that sends nothing (empty: nothing yet).
async fn said_at_once(stream: &mut TcpStream) -> String {
    let mut buf = vec![0; 4096];
    match tokio::time::timeout(Duration::from_millis(700), stream.read(&mut buf)).await {
        Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        _ => String::new(),
    }
}

async fn ready_from(source: &str, gw: &TestGateway) -> String {
    let mut stream = connect_from(source, gw).await;
    stream
        .write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer)).await;
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_over_the_caps_are_refused_and_a_well_behaved_client_is_served() {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "[gateway]\n",
            "[gateway]\nmax_connections = 6\nmax_connections_per_client = 4\n",
        );
    let gw = TestGateway::start(&text).await.unwrap();
    // Eight slow connections from one address: four are held, four refused at once.
    let mut slow = Vec::new();
    let mut refused = Vec::new();
    for _ in 0..8 {
        let mut s = connect_from("127.0.0.1", &gw).await;
        let said = said_at_once(&mut s).await;
        if said.is_empty() {
            slow.push(s);
        } else {
            refused.push(said);
        }
    }
    assert_eq!(slow.len(), 4);
    assert_eq!(refused.len(), 4);
    assert!(refused[0].starts_with("HTTP/1.1 503"), "{}", refused[0]);
    assert!(
        refused[0].contains("gateway.max_connections_per_client = 4"),
        "{}",
        refused[0]
    );

    // Another client is served while they hang.
    let answer = ready_from("127.0.0.2", &gw).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Two more slow ones elsewhere fill the gateway: the next client is refused, naming
    // the total cap, until a slow one goes away.
    let _c = connect_from("127.0.0.3", &gw).await;
    let _d = connect_from("127.0.0.3", &gw).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let full = ready_from("127.0.0.4", &gw).await;
    assert!(full.starts_with("HTTP/1.1 503"), "{full}");
    assert!(full.contains("gateway.max_connections = 6"), "{full}");
    drop(slow.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = ready_from("127.0.0.4", &gw).await;
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");

    let metrics = gw.metrics().render();
    assert!(metrics.contains("xcgate_connections_refused_total{listener=\"soap\",kind=\"max_connections_per_client\"} 4"), "{metrics}");
    assert!(
        metrics.contains(
            "xcgate_connections_refused_total{listener=\"soap\",kind=\"max_connections\"} 1"
        ),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cap_of_zero_is_a_config_error_that_says_why() {
    let text = xcgate::config::DEMO_CONFIG
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace("[gateway]\n", "[gateway]\nmax_connections = 0\n");
    let error = TestGateway::start(&text)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("gateway.max_connections") && error.contains("at least 1"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_listener_has_its_own_cap() {
    let text = xcgate::config::DEMO_CONFIG.replace("127.0.0.1:8088", "127.0.0.1:0")
        + "\n[admin]\nlisten = \"127.0.0.1:0\"\nmax_connections = 2\n";
    let gw = TestGateway::start(&text).await.unwrap();
    let admin: std::net::SocketAddr = gw
        .running
        .admin_url()
        .unwrap()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let _a = TcpStream::connect(admin).await.unwrap();
    let _b = TcpStream::connect(admin).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(admin).await.unwrap();
    let said = said_at_once(&mut third).await;
    assert!(said.starts_with("HTTP/1.1 503"), "{said}");
    assert!(said.contains("admin.max_connections = 2"), "{said}");
    // The SOAP listener is not affected.
    assert!(
        ready_from("127.0.0.1", &gw)
            .await
            .starts_with("HTTP/1.1 200")
    );
}
