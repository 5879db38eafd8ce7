//! The `xcgate` command as the README uses it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const XCGATE: &str = env!("CARGO_BIN_EXE_xcgate");

fn repo(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

#[test]
fn check_config_accepts_the_demo_config_and_names_its_communities() {
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(repo("config/demo.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("3 communities") && stdout.contains("pirkanmaa urn:oid:2.999.1.10"),
        "{stdout}"
    );
}

#[test]
fn check_config_explains_what_is_wrong_and_where() {
    let file = std::env::temp_dir().join(format!("xcgate-bad-{}.toml", std::process::id()));
    std::fs::write(
        &file,
        "[gateway]\nlisten = \"127.0.0.1:1\"\nhome_community_id = \"1.2.3\"\n",
    )
    .unwrap();
    let out = Command::new(XCGATE)
        .arg("check-config")
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("gateway.home_community_id") && stderr.contains("urn:oid:1.2.3"),
        "{stderr}"
    );
}

/// `xcgate serve --listen 127.0.0.1:0` on the bundled demo: the child and its address.
struct Demo {
    child: std::process::Child,
    addr: String,
}

impl Demo {
    fn start() -> Demo {
        let mut child = Command::new(XCGATE)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("XCGATE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
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
        Demo { child, addr }
    }

    /// POST a file of the repository to /initiating as the README's curl does; the raw answer.
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
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `xcgate serve` with no config runs the bundled demo and answers the README's ITI-55.
#[test]
fn serve_runs_the_bundled_demo_and_answers_the_readme_example() {
    let answer = Demo::start().post("config/examples/iti55-virtanen.xml");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("PIR-1001") && answer.contains("UUS-2001"),
        "two communities hold the patient: {answer}"
    );
    assert!(
        answer.contains(r#"<queryResponseCode code="OK"/>"#),
        "{answer}"
    );
}

/// The README's XCA examples: FindDocuments finds PIR-1001's documents; the retrieve of one
/// document from each of two communities comes back as MTOM with both documents.
#[test]
fn serve_answers_the_readme_xca_examples() {
    let demo = Demo::start();
    let found = demo.post("config/examples/iti38-find-documents.xml");
    let retrieved = demo.post("config/examples/iti39-retrieve.xml");
    assert!(found.starts_with("HTTP/1.1 200"), "{found}");
    assert!(
        found.contains("ResponseStatusType:Success") && found.contains("2.999.1.10.2.1"),
        "{found}"
    );
    assert!(found.contains(r#"home="urn:oid:2.999.1.10""#), "{found}");
    assert!(
        retrieved.contains("multipart/related") && retrieved.contains("application/xop+xml"),
        "{retrieved}"
    );
    assert!(
        retrieved.contains("ResponseStatusType:Success"),
        "{retrieved}"
    );
    assert_eq!(
        retrieved.matches("<ClinicalDocument").count(),
        2,
        "both CDA documents travel as binary parts"
    );
}
