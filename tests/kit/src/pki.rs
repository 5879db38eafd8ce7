//! A throwaway PKI for TLS tests: a CA, a server certificate for `localhost` and
//! `127.0.0.1`, a client certificate, and an expired server certificate, written as PEM
//! files to a temporary folder that is removed on drop. Generated per test (rcgen); no key
//! is ever committed.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use std::path::{Path, PathBuf};

/// PEM files of one test PKI.
#[derive(Debug)]
pub struct Pki {
    dir: crate::TempDir,
}

fn must<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("test PKI: {what}: {e}"))
}

impl Pki {
    /// A fresh CA named `name` with a server, a client and an expired server certificate.
    pub fn generate(name: &str) -> Pki {
        let dir = crate::TempDir::new(&format!("pki-{name}"));

        let mut ca = must("CA", CertificateParams::new(Vec::<String>::new()));
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, format!("xcgate test CA {name}"));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = must("CA key", KeyPair::generate());
        let ca_cert = must("CA certificate", ca.self_signed(&ca_key));
        let issuer = Issuer::new(ca, ca_key);

        let mut server = must(
            "server",
            CertificateParams::new(vec!["localhost".to_string()]),
        );
        server
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        server
            .distinguished_name
            .push(DnType::CommonName, format!("{name} server"));
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = must("server key", KeyPair::generate());
        let server_cert = must("server certificate", server.signed_by(&server_key, &issuer));

        // The same server, but its certificate ran out at the end of 2020.
        let mut expired = must(
            "expired",
            CertificateParams::new(vec!["localhost".to_string()]),
        );
        expired
            .distinguished_name
            .push(DnType::CommonName, format!("{name} expired server"));
        expired.not_before = rcgen::date_time_ymd(2019, 1, 1);
        expired.not_after = rcgen::date_time_ymd(2020, 12, 31);
        let expired_cert = must(
            "expired certificate",
            expired.signed_by(&server_key, &issuer),
        );

        let mut client = must("client", CertificateParams::new(Vec::<String>::new()));
        client
            .distinguished_name
            .push(DnType::CommonName, format!("{name} client"));
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client_key = must("client key", KeyPair::generate());
        let client_cert = must("client certificate", client.signed_by(&client_key, &issuer));

        for (file, pem) in [
            ("ca.pem", ca_cert.pem()),
            ("server.pem", server_cert.pem()),
            ("server.key", server_key.serialize_pem()),
            ("expired.pem", expired_cert.pem()),
            ("client.pem", client_cert.pem()),
            ("client.key", client_key.serialize_pem()),
        ] {
            must("write PEM", std::fs::write(dir.path().join(file), pem));
        }
        Pki { dir }
    }

    /// The path of one of `ca.pem`, `server.pem`, `server.key`, `client.pem`, `client.key`,
    /// `expired.pem` (the server's key, certified for 2019-2020 only), as text for configs.
    pub fn path(&self, file: &str) -> String {
        self.file(file).display().to_string()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn ca(&self) -> PathBuf {
        self.file("ca.pem")
    }
    pub fn server_cert(&self) -> PathBuf {
        self.file("server.pem")
    }
    pub fn server_key(&self) -> PathBuf {
        self.file("server.key")
    }
    pub fn client_cert(&self) -> PathBuf {
        self.file("client.pem")
    }
    pub fn client_key(&self) -> PathBuf {
        self.file("client.key")
    }
}
