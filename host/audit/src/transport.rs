//! Connections to the Audit Record Repository: TLS with octet-counted frames [RFC 5425] or
//! one UDP datagram per message [RFC 5426]. rustls with the ring provider, trust roots and
//! client key only from the files the config names, read at open so a bad file is an error
//! at start-up.

use crate::config::{AuditError, SyslogTransport};
use crate::syslog::octet_counted;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A repository that stops reading must not stall the forwarder for ever: a send that takes
/// longer fails and the connection is replaced.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest UDP payload over IPv4 [RFC 5426 §3.2].
pub(crate) const MAX_DATAGRAM: usize = 65_507;

/// Where and how to connect, prepared at open.
#[derive(Clone)]
pub(crate) enum Target {
    Tls {
        address: String,
        server_name: ServerName<'static>,
        connector: TlsConnector,
    },
    Udp {
        address: String,
    },
}

impl Target {
    pub fn new(transport: &SyslogTransport) -> Result<Target, AuditError> {
        match transport {
            SyslogTransport::Udp { address } => Ok(Target::Udp {
                address: address.clone(),
            }),
            SyslogTransport::Tls {
                address,
                server_name,
                ca_file,
                client_cert_file,
                client_key_file,
            } => {
                let name = ServerName::try_from(server_name.clone()).map_err(|err| {
                    AuditError::Config {
                        key: "syslog.server_name",
                        detail: format!("{server_name:?} is not a DNS name or IP address: {err}"),
                    }
                })?;
                let config = client_config(
                    ca_file,
                    client_cert_file.as_deref().zip(client_key_file.as_deref()),
                )?;
                Ok(Target::Tls {
                    address: address.clone(),
                    server_name: name,
                    connector: TlsConnector::from(Arc::new(config)),
                })
            }
        }
    }

    /// The address, for logs (a sink name, never patient data).
    pub fn address(&self) -> &str {
        match self {
            Target::Tls { address, .. } | Target::Udp { address } => address,
        }
    }

    pub async fn connect(&self) -> io::Result<Connection> {
        match self {
            Target::Tls {
                address,
                server_name,
                connector,
            } => {
                let connect = async {
                    let tcp = TcpStream::connect(address.as_str()).await?;
                    tcp.set_nodelay(true)?;
                    connector.connect(server_name.clone(), tcp).await
                };
                let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
                    .await
                    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
                Ok(Connection::Tls(Box::new(stream)))
            }
            Target::Udp { address } => {
                let socket = UdpSocket::bind(if address.starts_with('[') {
                    "[::]:0"
                } else {
                    "0.0.0.0:0"
                })
                .await?;
                socket.connect(address.as_str()).await?;
                Ok(Connection::Udp(socket))
            }
        }
    }
}

/// A live connection.
pub(crate) enum Connection {
    Tls(Box<TlsStream<TcpStream>>),
    Udp(UdpSocket),
}

impl Connection {
    /// Send the messages in order: over TLS as octet-counted frames in one write; over UDP
    /// one datagram each (a message above the UDP limit cannot be sent at all and is
    /// skipped with an error log: UDP has no delivery guarantee to keep).
    pub async fn send(&mut self, messages: &[Vec<u8>]) -> io::Result<()> {
        let send = async {
            match self {
                Connection::Tls(stream) => {
                    let mut frames = Vec::with_capacity(messages.iter().map(|m| m.len() + 8).sum());
                    for m in messages {
                        octet_counted(m, &mut frames);
                    }
                    stream.write_all(&frames).await?;
                    stream.flush().await
                }
                Connection::Udp(socket) => {
                    for m in messages {
                        if m.len() > MAX_DATAGRAM {
                            tracing::error!(
                                size = m.len(),
                                "audit record too large for one UDP datagram; not sent (use TLS)"
                            );
                            continue;
                        }
                        socket.send(m).await?;
                    }
                    Ok(())
                }
            }
        };
        tokio::time::timeout(SEND_TIMEOUT, send)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "send timed out"))?
    }

    /// Completes when the repository closed the connection (it never sends data on a
    /// syslog connection), so an idle forwarder notices a drop before its next send.
    pub async fn closed(&mut self) -> io::Error {
        match self {
            Connection::Tls(stream) => {
                let mut buf = [0u8; 512];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) => {
                            return io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "closed by the repository",
                            );
                        }
                        Ok(_) => {}
                        Err(err) => return err,
                    }
                }
            }
            Connection::Udp(_) => std::future::pending().await,
        }
    }

    /// TLS close_notify on an orderly stop.
    pub async fn close(self) {
        if let Connection::Tls(mut stream) = self {
            let _ = tokio::time::timeout(Duration::from_secs(1), stream.shutdown()).await;
        }
    }
}

fn client_config(
    ca_file: &Path,
    client: Option<(&Path, &Path)>,
) -> Result<rustls::ClientConfig, AuditError> {
    let tls_err = |key: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |detail: String| AuditError::TlsMaterial {
            key,
            path: path.clone(),
            detail,
        }
    };
    let roots_err = tls_err("ca_file", ca_file);
    let certs = read_certs(ca_file).map_err(&roots_err)?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|err| {
            roots_err(format!(
                "holds a certificate rustls cannot use as a trust root: {err}"
            ))
        })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| AuditError::Config {
            key: "syslog (TLS)",
            detail: err.to_string(),
        })?
        .with_root_certificates(roots);
    match client {
        None => Ok(builder.with_no_client_auth()),
        Some((cert_file, key_file)) => {
            let chain = read_certs(cert_file).map_err(tls_err("client_cert_file", cert_file))?;
            let key = PrivateKeyDer::from_pem_file(key_file).map_err(|err| {
                tls_err("client_key_file", key_file)(format!(
                    "no usable PEM private key (PKCS#8, PKCS#1 or SEC1): {err}"
                ))
            })?;
            builder.with_client_auth_cert(chain, key).map_err(|err| {
                tls_err("client_key_file", key_file)(format!(
                    "does not fit the client certificate: {err}"
                ))
            })
        }
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|err| format!("cannot read PEM certificates: {err}"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)".to_string());
    }
    Ok(certs)
}
