//! Real `xcgate serve` processes for the tests that need them (restarts, `kill -9`,
//! replicas on one PostgreSQL), and a plain HTTP receiver for what they send.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

pub const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// One `xcgate serve` process.
pub struct Replica {
    pub child: Child,
    pub addr: String,
    pub state: PathBuf,
}

impl Replica {
    /// `xcgate serve --config config` with its state in `state`, the store at
    /// `store_url` (empty: the SQLite default).
    pub fn start(config: &Path, state: PathBuf, store_url: &str) -> Replica {
        Replica::spawn(Some(config), state, store_url)
    }

    /// `xcgate serve` on the bundled demo, with its state in `state`.
    pub fn demo(state: PathBuf) -> Replica {
        Replica::spawn(None, state, "")
    }

    /// `xcgate serve --config config` whose files may not grow past `file_size` bytes
    /// (RLIMIT_FSIZE, set with util-linux `prlimit`; raise it with [`Replica::lift_file_size`]).
    pub fn limited(config: &Path, state: PathBuf, file_size: u64) -> Replica {
        let mut command = Command::new("prlimit");
        // The soft limit only: raising it again needs no privilege.
        command
            .arg(format!("--fsize={file_size}:unlimited"))
            .arg("--")
            .arg(XCGATE);
        Replica::spawn_with(command, Some(config), state, "")
    }

    /// Lift the file size limit of a [`Replica::limited`] process: the disk has room again.
    pub fn lift_file_size(&self) {
        let status = Command::new("prlimit")
            .arg("--pid")
            .arg(self.child.id().to_string())
            .arg("--fsize=unlimited:unlimited")
            .status()
            .unwrap();
        assert!(status.success(), "prlimit --pid failed");
    }

    /// GET `path`; the raw answer.
    pub fn get(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let addr = &self.addr;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    fn spawn(config: Option<&Path>, state: PathBuf, store_url: &str) -> Replica {
        Replica::spawn_with(Command::new(XCGATE), config, state, store_url)
    }

    fn spawn_with(
        mut command: Command,
        config: Option<&Path>,
        state: PathBuf,
        store_url: &str,
    ) -> Replica {
        command.args(["serve", "--listen", "127.0.0.1:0"]);
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        command
            .env("XCGATE_LOG", "warn")
            .env("XDG_STATE_HOME", &state);
        if !store_url.is_empty() {
            command.env("XCGATE_STATE_URL", store_url);
        }
        let mut child = command
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
    pub fn post(&self, file: &str) -> String {
        self.post_to("/initiating", &std::fs::read(repo(file)).unwrap())
    }

    /// POST `body` to `path`; the raw answer.
    pub fn post_to(&self, path: &str, body: &[u8]) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let addr = &self.addr;
        write!(stream, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/soap+xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// The audit records this replica wrote (its own journal, in its own state folder).
    pub fn journal(&self) -> String {
        let mut text = String::new();
        for entry in walk(&self.state) {
            if entry.file_name().is_some_and(|n| n == "LOCK")
                && let Some(journal) = entry.parent()
            {
                text.push_str(&xcgate::audit::journal_text(journal));
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

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Got {
    pub path: String,
    pub content_type: String,
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
}

/// A plain HTTP/1.1 server on 127.0.0.1:0 that records each POST and answers it with the
/// status its policy gives (by the number of requests before it), no body.
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    pub fn start(policy: impl Fn(usize) -> u16 + Send + 'static) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut head = Vec::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    head.push(std::mem::take(&mut line));
                }
                let header = |name: &str| {
                    head.iter()
                        .find_map(|h| {
                            let (n, v) = h.split_once(':')?;
                            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                        })
                        .unwrap_or_default()
                };
                let length: usize = header("content-length").parse().unwrap_or(0);
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let n = g.lock().unwrap().len();
                let status = policy(n);
                g.lock().unwrap().push(Got {
                    path: head
                        .first()
                        .and_then(|l| l.split_whitespace().nth(1))
                        .unwrap_or("")
                        .to_string(),
                    content_type: header("content-type"),
                    body: String::from_utf8_lossy(&body).into_owned(),
                    status,
                });
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got }
    }

    pub fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Wait (at most `secs`) until `n` requests have come; all that came by then.
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Got> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while self.got().len() < n && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        self.got()
    }
}

/// A server that takes connections and never answers (a community that hangs).
pub struct Hang {
    pub url: String,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl Hang {
    pub fn start() -> Hang {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(Mutex::new(Vec::new()));
        let c = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                c.lock().unwrap().push(stream);
            }
        });
        Hang { url, connections }
    }

    /// Wait (at most `secs`) for a first connection; true when one came.
    pub fn wait_for_connection(&self, secs: u64) -> bool {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while self.connections.lock().unwrap().is_empty() {
            if std::time::Instant::now() > until {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        true
    }
}

/// The request's MessageID (the answer's RelatesTo).
pub fn message_id(xml: &str) -> String {
    let start = xml.find("MessageID>").expect("a MessageID") + "MessageID>".len();
    xml[start..].split('<').next().unwrap().trim().to_string()
}

/// `xcgate pending list --json` (one exchange a line) of the config and state folder: (state, relates_to)
/// of each exchange.
pub fn pending(config: &Path, state: &Path, store_url: &str) -> Vec<(String, String)> {
    let mut command = Command::new(XCGATE);
    command
        .args(["pending", "list", "--state", "all", "--json", "--config"])
        .arg(config)
        .env("XDG_STATE_HOME", state);
    if !store_url.is_empty() {
        command.env("XCGATE_STATE_URL", store_url);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|e| {
            (
                e["state"].as_str().unwrap_or("").to_string(),
                e["relates_to"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
