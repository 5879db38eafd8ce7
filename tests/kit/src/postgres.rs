//! A PostgreSQL cluster of a test's own: initdb in a temporary folder, started with pg_ctl
//! on a free port (loopback only, trust authentication), stopped and removed on drop. The
//! server is Debian's `postgresql` package (`.ci/run` installs it); without it the tests
//! that need one skip loudly, and under `CI=true` they fail. As root (CI containers), the
//! cluster runs as the `postgres` system user, since PostgreSQL refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running cluster.
#[derive(Debug)]
pub struct Postgres {
    dir: crate::TempDir,
    bin: PathBuf,
    port: u16,
    as_user: Option<String>,
}

/// The folder of initdb and pg_ctl: `$XCGATE_PG_BIN`, PATH, or Debian's
/// `/usr/lib/postgresql/<version>/bin` (newest first).
fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XCGATE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let on_path = Command::new("sh")
        .args(["-c", "command -v pg_ctl"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(p) = on_path {
        let real = std::fs::canonicalize(&p).unwrap_or_else(|_| PathBuf::from(&p));
        return real.parent().map(Path::to_path_buf);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Postgres {
    /// Start a cluster, or `None` (a loud skip; a failure under `CI=true`) when
    /// PostgreSQL is not installed.
    pub fn start(name: &str) -> Option<Postgres> {
        let Some(bin) = bin_dir().filter(|b| b.join("initdb").exists()) else {
            assert!(
                !crate::in_ci(),
                "PostgreSQL is required in CI (apt-get install postgresql)"
            );
            eprintln!(
                "SKIPPED: PostgreSQL is not installed (apt-get install postgresql); the PostgreSQL tests did not run"
            );
            return None;
        };
        let dir = crate::TempDir::new(&format!("pg-{name}"));
        let as_user = is_root().then(|| "postgres".to_string());
        if as_user.is_some() {
            // The data folder must belong to the user that runs the server.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "cannot give {} to the postgres user",
                dir.path().display()
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let pg = Postgres {
            dir,
            bin,
            port,
            as_user,
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "xcgate",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
        );
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("server.log").display().to_string();
        pg.run(
            "pg_ctl",
            &["-D", &data, "-l", &log, "-o", &options, "-w", "start"],
        );
        pg.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "xcgate",
                "xcgate",
            ],
        );
        Some(pg)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut cmd = match &self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `postgres://xcgate@127.0.0.1:<port>/xcgate`.
    pub fn url(&self) -> String {
        format!("postgres://xcgate@127.0.0.1:{}/xcgate", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stop the server (fast shutdown), e.g. to test an outage; [`Postgres::restart`]
    /// brings it back with its data.
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// Start the stopped server again on the same port.
    pub fn restart(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let mut cmd = match &self.as_user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(self.bin.join("pg_ctl"));
                c
            }
            None => Command::new(self.bin.join("pg_ctl")),
        };
        let _ = cmd
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}
