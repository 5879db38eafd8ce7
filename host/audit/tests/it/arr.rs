//! A test Audit Record Repository: a TLS listener (client certificate required) that parses
//! RFC 5425 octet-counted frames, or a UDP socket, and keeps every message with the index of
//! the connection it came on.

use crate::pki::{BoxError, Pki};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// One received syslog message.
#[derive(Debug, Clone)]
pub struct Frame {
    pub connection: usize,
    pub message: String,
}

impl Frame {
    /// The record number the tests put in the query's ParticipantObjectID (`q-<n>`).
    pub fn seq(&self) -> Option<u64> {
        seq_in(&self.message)
    }
}

pub fn seq_in(text: &str) -> Option<u64> {
    let start = text.find("ParticipantObjectID=\"q-")? + "ParticipantObjectID=\"q-".len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[derive(Debug)]
pub struct Arr {
    pub addr: SocketAddr,
    frames: Arc<Mutex<Vec<Frame>>>,
    task: JoinHandle<()>,
}

impl Drop for Arr {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Arr {
    /// A TLS repository on `addr` (`127.0.0.1:0` for a fresh port); the first connection is
    /// dropped after `drop_first_after` frames when set.
    pub async fn tls(
        pki: &Pki,
        addr: SocketAddr,
        drop_first_after: Option<usize>,
    ) -> Result<Arr, BoxError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(&pki.ca)? {
            roots.add(cert?)?;
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()?;
        let chain =
            CertificateDer::pem_file_iter(&pki.server_cert)?.collect::<Result<Vec<_>, _>>()?;
        let key = PrivateKeyDer::from_pem_file(&pki.server_key)?;
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)?;
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let frames = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&frames);
        let task = tokio::spawn(async move {
            let mut connection = 0usize;
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let sink = Arc::clone(&sink);
                let limit = if connection == 0 {
                    drop_first_after
                } else {
                    None
                };
                let index = connection;
                connection += 1;
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = read_frames(tls, index, limit, sink).await;
                    }
                });
            }
        });
        Ok(Arr { addr, frames, task })
    }

    /// A UDP repository: one message per datagram.
    pub async fn udp() -> Result<Arr, BoxError> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let addr = socket.local_addr()?;
        let frames = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&frames);
        let task = tokio::spawn(async move {
            let mut buf = vec![0u8; 70_000];
            while let Ok(n) = socket.recv(&mut buf).await {
                let message = String::from_utf8_lossy(&buf[..n]).into_owned();
                if let Ok(mut frames) = sink.lock() {
                    frames.push(Frame {
                        connection: 0,
                        message,
                    });
                }
            }
        });
        Ok(Arr { addr, frames, task })
    }

    pub fn frames(&self) -> Vec<Frame> {
        self.frames.lock().map(|f| f.clone()).unwrap_or_default()
    }

    /// Poll until `done(frames)` holds or 20 s passed; the frames either way.
    pub async fn wait_until(&self, done: impl Fn(&[Frame]) -> bool) -> Vec<Frame> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let frames = self.frames();
            if done(&frames) || Instant::now() > deadline {
                return frames;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// `MSG-LEN SP SYSLOG-MSG` frames [RFC 5425 §4.3] until EOF or `limit` frames.
async fn read_frames(
    tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    connection: usize,
    limit: Option<usize>,
    sink: Arc<Mutex<Vec<Frame>>>,
) -> Result<(), BoxError> {
    let mut reader = BufReader::new(tls);
    let mut count = 0usize;
    loop {
        if limit.is_some_and(|l| count >= l) {
            // Drop the connection with whatever is still unread in the buffers.
            return Ok(());
        }
        let mut len = Vec::new();
        if reader.read_until(b' ', &mut len).await? == 0 {
            return Ok(());
        }
        let len: usize = std::str::from_utf8(&len[..len.len() - 1])?.parse()?;
        let mut message = vec![0u8; len];
        reader.read_exact(&mut message).await?;
        let message = String::from_utf8(message)?;
        sink.lock().map_err(|_| "poisoned")?.push(Frame {
            connection,
            message,
        });
        count += 1;
    }
}
