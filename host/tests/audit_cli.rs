//! The audit trail of the real `xcgate` binary: records spooled in the journal survive a
//! `kill -9` and reach the Audit Record Repository after the restart, in order; patient data
//! goes to the audit journal and never to the logs, even at `XCGATE_LOG=debug`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use xcgate_ihe::retrieve::base64;
use xcgate_testkit::arr::{self, Arr};
use xcgate_testkit::pki;

const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

use xcgate_testkit::TempDir;

/// A running `xcgate serve`, killed (SIGKILL) on drop.
struct Gateway {
    child: Child,
    addr: String,
    /// The lines printed after the listening line (read up to the audit journal line).
    banner: Vec<String>,
    stdout: Option<BufReader<ChildStdout>>,
}

impl Gateway {
    /// Start `xcgate serve --config <config>` with `XCGATE_LOG=<log>`; stderr is piped
    /// (read it with `take_stderr`) when `capture_stderr`, else dropped.
    fn start(config: &Path, log: &str, state: &Path, capture_stderr: bool) -> Gateway {
        let mut child = Command::new(XCGATE)
            .args(["serve", "--config"])
            .arg(config)
            .env("XCGATE_LOG", log)
            .env("XDG_STATE_HOME", state)
            .stdout(Stdio::piped())
            .stderr(if capture_stderr {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        let mut banner = vec![first];
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let done = line.contains("audit journal");
            banner.push(line);
            if done {
                break;
            }
        }
        Gateway {
            child,
            addr,
            banner,
            stdout: Some(stdout),
        }
    }

    /// POST a SOAP envelope to `path`; the raw HTTP answer.
    fn post(&self, path: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        // A gateway that stops answering fails the test instead of hanging the suite.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let addr = &self.addr;
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        answer
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo config with `[audit]` writing to `audit.log` next to it; `responding` fronts
/// pirkanmaa on /responding; `extra` is appended (e.g. `[audit.syslog]`).
fn write_config(dir: &Path, extra: &str) -> PathBuf {
    let demo = std::fs::read_to_string(repo("config/demo.toml"))
        .unwrap()
        .replace("127.0.0.1:8088", "127.0.0.1:0")
        .replace(
            "max_body = \"16MiB\"",
            "max_body = \"16MiB\"\nresponding = [\"pirkanmaa\"]",
        );
    let file = dir.join("xcgate.toml");
    std::fs::write(
        &file,
        format!("{demo}\n[audit]\njournal = \"audit.log\"\n{extra}"),
    )
    .unwrap();
    file
}

fn journal_lines(journal: &Path) -> Vec<String> {
    xcgate::audit::journal_text(journal)
        .lines()
        .map(str::to_string)
        .collect()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(repo(&format!("config/examples/{name}"))).unwrap()
}

#[test]
fn kill_9_with_spooled_records_then_restart_delivers_them() {
    let dir = TempDir::new("kill9");
    let pki = pki::Pki::generate("audit-cli");
    let addr: SocketAddr = arr::free_port().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "[audit.syslog]\ntransport = \"tls\"\naddress = \"{addr}\"\nserver_name = \"localhost\"\nca_file = \"{}\"\nclient_cert_file = \"{}\"\nclient_key_file = \"{}\"\n",
            pki.path("ca.pem"),
            pki.path("client.pem"),
            pki.path("client.key"),
        ),
    );
    let journal = dir.path().join("audit.log");

    // The repository is down: answers leave, records wait in the journal.
    let mut gw = Gateway::start(&config, "warn", dir.path(), false);
    let search = example("iti55-virtanen.xml");
    for _ in 0..5 {
        gw.post("/initiating", &search);
        gw.post("/responding", &search);
    }
    let spooled = journal_lines(&journal);
    // /initiating: uusimaa and lappi (pirkanmaa is fronted for remote gateways); /responding: one.
    assert_eq!(spooled.len(), 5 * 3, "{spooled:#?}");

    // kill -9: nothing is flushed or delivered on the way out.
    gw.child.kill().unwrap();
    gw.child.wait().unwrap();
    drop(gw);
    assert_eq!(
        journal_lines(&journal),
        spooled,
        "the journal survives as written"
    );

    let arr = Arr::tls(&pki, addr).unwrap();
    let started = Instant::now();
    let gw = Gateway::start(&config, "warn", dir.path(), false);
    let waiting = gw.banner.join("");
    assert!(
        waiting.contains(&format!(
            "({} records waiting for the repository)",
            spooled.len()
        )),
        "the restarted gateway finds the spooled records: {waiting}"
    );
    let frames = arr.wait_until(Duration::from_secs(30), |f| f.len() >= spooled.len());
    eprintln!(
        "{} records delivered {:?} after the restart",
        frames.len(),
        started.elapsed()
    );
    arr::assert_complete_in_order(&spooled, &frames);
    drop(gw);
}

/// Every decoded ParticipantObjectQuery and every ParticipantObjectID of the journal.
fn audited_text(journal: &Path) -> (String, usize) {
    let mut text = String::new();
    let lines = journal_lines(journal);
    for line in &lines {
        let root = xcgate_ihe::xml::parse(line.as_bytes()).unwrap();
        for o in root.children_named("", "ParticipantObjectIdentification") {
            text.push_str(o.attr("ParticipantObjectID").unwrap_or_default());
            text.push('\n');
            if let Some(q) = o.child("", "ParticipantObjectQuery") {
                let bytes = base64::decode(q.text().trim()).unwrap();
                text.push_str(&String::from_utf8(bytes).unwrap());
                text.push('\n');
            }
        }
    }
    (text, lines.len())
}

#[test]
fn a_marker_patient_name_reaches_the_audit_file_and_never_the_logs() {
    const NAME: &str = "Zzmarkername";
    const GIVEN: &str = "Zzmarkergiven";
    const PATIENT: &str = "ZZMARKERPID-1";
    let dir = TempDir::new("marker");
    let config = write_config(dir.path(), "");
    let journal = dir.path().join("audit.log");
    let mut gw = Gateway::start(&config, "debug", dir.path(), true);
    let mut stderr = gw.child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut stdout = gw.stdout.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });

    // ITI-55 with the marker name, ITI-38/18 with the marker patient id, ITI-39/43 (which
    // carry no patient), on both endpoints where the transaction is served.
    let search = example("iti55-virtanen.xml")
        .replace(
            "<family>Virtanen</family>",
            &format!("<family>{NAME}</family>"),
        )
        .replace("<given>Aino</given>", &format!("<given>{GIVEN}</given>"));
    assert!(search.contains(NAME) && search.contains(GIVEN));
    let find = example("iti38-find-documents.xml").replace("PIR-1001", PATIENT);
    let find_local = find.replace(
        "urn:ihe:iti:2007:CrossGatewayQuery",
        "urn:ihe:iti:2007:RegistryStoredQuery",
    );
    let retrieve = example("iti39-retrieve.xml");
    let retrieve_local = retrieve.replace(
        "urn:ihe:iti:2007:CrossGatewayRetrieve",
        "urn:ihe:iti:2007:RetrieveDocumentSet",
    );
    for path in ["/initiating", "/responding"] {
        gw.post(path, &search);
        gw.post(path, &find);
        gw.post(path, &retrieve);
    }
    gw.post("/initiating", &find_local);
    gw.post("/initiating", &retrieve_local);

    // A graceful stop (SIGTERM) so every log line is written before the pipes close.
    let status = Command::new("kill")
        .args(["-TERM", &gw.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while gw.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "xcgate did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    let logs = format!(
        "{}{}{}",
        gw.banner.join(""),
        out_reader.join().unwrap(),
        err_reader.join().unwrap()
    );

    assert!(
        logs.lines().count() > 10 && logs.contains("DEBUG"),
        "debug logging is on: {logs}"
    );
    let lower = logs.to_lowercase();
    for marker in [NAME, GIVEN, PATIENT] {
        if let Some(at) = lower.find(&marker.to_lowercase()) {
            let line = logs[..at].lines().count();
            panic!(
                "patient data {marker:?} in the logs (line {line}): {}",
                logs.lines().nth(line.saturating_sub(1)).unwrap_or_default()
            );
        }
    }

    let (audited, records) = audited_text(&journal);
    eprintln!(
        "{} log lines free of patient data; {records} audit records",
        logs.lines().count()
    );
    assert!(records >= 12, "{records} records");
    for marker in [NAME, GIVEN, PATIENT] {
        assert!(
            audited.contains(marker),
            "{marker} is in the audit journal (decoded ParticipantObjectQuery / ParticipantObjectID)"
        );
    }
    let raw = xcgate::audit::journal_text(&journal);
    assert!(
        raw.contains(PATIENT),
        "the patient id is a ParticipantObjectID in plain text"
    );
}
