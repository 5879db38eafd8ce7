//! Several replicas on one PostgreSQL share what they learn: a correlation learned through
//! replica 1 serves an ITI-18 sent to replica 2, which asks nobody who the patient is.
//! Real `xcgate serve` processes, each with its own journal, and a real PostgreSQL cluster
//! (skipped loudly without PostgreSQL; a failure under `CI=true`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use xcgate_testkit::TempDir;
use xcgate_testkit::postgres::Postgres;

const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// One `xcgate serve` process.
struct Replica {
    child: Child,
    addr: String,
    state: PathBuf,
}

impl Replica {
    fn start(config: &Path, state: PathBuf, store_url: &str) -> Replica {
        let mut child = Command::new(XCGATE)
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .env("XCGATE_LOG", "warn")
            .env("XDG_STATE_HOME", &state)
            .env("XCGATE_STATE_URL", store_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Replica { child, addr, state }
    }

    /// POST a file of the repository to /initiating; the raw answer.
    fn post(&self, file: &str) -> String {
        let body = std::fs::read(repo(file)).unwrap();
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let addr = &self.addr;
        write!(stream, "POST /initiating HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
        stream.write_all(&body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// The audit records this replica wrote (its own journal, in its own state folder).
    fn journal(&self) -> String {
        let mut text = String::new();
        for entry in walk(&self.state) {
            if entry.file_name().is_some_and(|n| n == "audit.log") {
                text.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
            }
        }
        text
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn records(journal: &str, transaction: &str) -> usize {
    let code = format!("csd-code=\"{transaction}\"");
    journal.lines().filter(|l| l.contains(&code)).count()
}

#[test]
fn a_correlation_learned_through_one_replica_serves_the_other() {
    let Some(pg) = Postgres::start("replicas") else {
        return;
    };
    let dir = TempDir::new("replicas");
    let config = dir.path().join("replica.toml");
    // The demo, with the store URL (and its password, were there one) from the
    // environment, as the README's "Running several replicas" says.
    let text = std::fs::read_to_string(repo("config/demo.toml")).unwrap()
        + "\n[state]\nurl = \"env:XCGATE_STATE_URL\"\n";
    std::fs::write(&config, text).unwrap();
    let one = Replica::start(&config, dir.path().join("one"), &pg.url());
    let two = Replica::start(&config, dir.path().join("two"), &pg.url());

    let first = one.post("config/examples/iti18-find-documents-hetu.xml");
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert_eq!(first.matches("<rim:ExtrinsicObject ").count(), 3, "{first}");
    assert_eq!(
        records(&one.journal(), "ITI-55"),
        3,
        "replica 1 looked her up"
    );

    let second = two.post("config/examples/iti18-find-documents-hetu.xml");
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert_eq!(
        second.matches("<rim:ExtrinsicObject ").count(),
        3,
        "{second}"
    );
    let journal = two.journal();
    assert_eq!(
        records(&journal, "ITI-18"),
        1,
        "replica 2 answered: {journal}"
    );
    assert_eq!(
        records(&journal, "ITI-55"),
        0,
        "replica 2 asked nobody who she is: it knew from replica 1"
    );
}
