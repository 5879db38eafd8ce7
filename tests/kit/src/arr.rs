//! A test Audit Record Repository: a syslog-over-TLS listener [RFC 5425] that requires a
//! client certificate and parses octet-counted frames (`MSG-LEN SP SYSLOG-MSG`), or a UDP
//! socket [RFC 5426], one message per datagram. Every message is kept with the index of
//! the connection it came on. Plain threads and std sockets, so it serves async tests and
//! tests that drive the `xcgate` binary alike.

use crate::BoxError;
use crate::pki::Pki;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{BufRead, BufReader, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One received syslog message.
#[derive(Debug, Clone)]
pub struct Frame {
    pub connection: usize,
    pub message: String,
}

impl Frame {
    /// The DICOM audit XML of the message (after the RFC 5424 header).
    pub fn xml(&self) -> &str {
        self.message
            .find("<?xml")
            .map_or(self.message.as_str(), |i| &self.message[i..])
            .trim_end_matches('\n')
    }
}

/// The repository; stops listening and closes its connections on drop.
#[derive(Debug)]
pub struct Arr {
    pub addr: SocketAddr,
    frames: Arc<Mutex<Vec<Frame>>>,
    open: Arc<Mutex<Vec<TcpStream>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Arr {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(open) = self.open.lock() {
            for s in open.iter() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

/// A port nobody listens on (bound, then released), to start a repository on later.
pub fn free_port() -> std::io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")?.local_addr()
}

impl Arr {
    /// A TLS repository on `addr` (`127.0.0.1:0` for a fresh port) with `pki`'s server
    /// certificate, trusting client certificates of its CA.
    pub fn tls(pki: &Pki, addr: SocketAddr) -> Result<Arr, BoxError> {
        Arr::tls_dropping(pki, addr, None)
    }

    /// As [`Arr::tls`]; the first connection is dropped after `drop_first_after` frames
    /// (with whatever is still unread), to test re-sending after a lost connection.
    pub fn tls_dropping(
        pki: &Pki,
        addr: SocketAddr,
        drop_first_after: Option<usize>,
    ) -> Result<Arr, BoxError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(pki.ca())? {
            roots.add(c?)?;
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()?;
        let chain =
            CertificateDer::pem_file_iter(pki.server_cert())?.collect::<Result<Vec<_>, _>>()?;
        let key = PrivateKeyDer::from_pem_file(pki.server_key())?;
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_client_cert_verifier(verifier)
                .with_single_cert(chain, key)?,
        );
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let arr = Arr::new(listener.local_addr()?);
        let (sink, conns, stopped) = (arr.frames.clone(), arr.open.clone(), arr.stop.clone());
        std::thread::spawn(move || {
            let mut connection = 0usize;
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((tcp, _)) => {
                        let _ = tcp.set_nonblocking(false);
                        if let (Ok(clone), Ok(mut c)) = (tcp.try_clone(), conns.lock()) {
                            c.push(clone);
                        }
                        let limit = drop_first_after.filter(|_| connection == 0);
                        let (config, sink, index) = (config.clone(), sink.clone(), connection);
                        connection += 1;
                        std::thread::spawn(move || {
                            let _ = serve(config, tcp, index, limit, sink);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(arr)
    }

    /// A UDP repository on a fresh port: one message per datagram.
    pub fn udp() -> Result<Arr, BoxError> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        socket.set_read_timeout(Some(Duration::from_millis(50)))?;
        let arr = Arr::new(socket.local_addr()?);
        let (sink, stopped) = (arr.frames.clone(), arr.stop.clone());
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 70_000];
            while !stopped.load(Ordering::SeqCst) {
                if let Ok(n) = socket.recv(&mut buf) {
                    let message = String::from_utf8_lossy(&buf[..n]).into_owned();
                    if let Ok(mut frames) = sink.lock() {
                        frames.push(Frame {
                            connection: 0,
                            message,
                        });
                    }
                }
            }
        });
        Ok(arr)
    }

    fn new(addr: SocketAddr) -> Arr {
        Arr {
            addr,
            frames: Arc::default(),
            open: Arc::default(),
            stop: Arc::default(),
        }
    }

    pub fn frames(&self) -> Vec<Frame> {
        self.frames.lock().map(|f| f.clone()).unwrap_or_default()
    }

    /// Poll until `done(frames)` holds or `limit` passed; the frames either way. Blocks
    /// the thread (for tests of the binary).
    pub fn wait_until(&self, limit: Duration, done: impl Fn(&[Frame]) -> bool) -> Vec<Frame> {
        let deadline = Instant::now() + limit;
        loop {
            let frames = self.frames();
            if done(&frames) || Instant::now() > deadline {
                return frames;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// As [`Arr::wait_until`], for async tests (20 s at most).
    pub async fn wait_for(&self, done: impl Fn(&[Frame]) -> bool) -> Vec<Frame> {
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

fn serve(
    config: Arc<rustls::ServerConfig>,
    tcp: TcpStream,
    connection: usize,
    limit: Option<usize>,
    sink: Arc<Mutex<Vec<Frame>>>,
) -> Result<(), BoxError> {
    let tls = rustls::StreamOwned::new(rustls::ServerConnection::new(config)?, tcp);
    let mut reader = BufReader::new(tls);
    let mut count = 0usize;
    loop {
        if limit.is_some_and(|l| count >= l) {
            let _ = reader.get_ref().sock.shutdown(Shutdown::Both);
            return Ok(());
        }
        let mut len = Vec::new();
        if reader.read_until(b' ', &mut len)? == 0 || len.last() != Some(&b' ') {
            return Ok(());
        }
        let len: usize = std::str::from_utf8(&len[..len.len() - 1])?.parse()?;
        let mut message = vec![0u8; len];
        reader.read_exact(&mut message)?;
        let message = String::from_utf8(message)?;
        sink.lock().map_err(|_| "poisoned")?.push(Frame {
            connection,
            message,
        });
        count += 1;
    }
}

/// Every record of `expected` (journal lines, in journal order) arrived, in order, none
/// missing. A record may be repeated only around a reconnect (RFC 5425 has no
/// acknowledgement, so the forwarder re-sends a window after a new connection): the first
/// frame of a new connection may go back to an already delivered record, and the frames
/// after it continue in order from there. Panics with the first gap or reordering.
pub fn assert_complete_in_order(expected: &[String], frames: &[Frame]) {
    let mut next = 0usize;
    let mut connection = None;
    for (i, frame) in frames.iter().enumerate() {
        let xml = frame.xml();
        let at = if connection != Some(frame.connection) {
            connection = Some(frame.connection);
            expected[..(next + 1).min(expected.len())]
                .iter()
                .rposition(|e| e == xml)
        } else {
            (expected.get(next).map(String::as_str) == Some(xml)).then_some(next)
        };
        match at {
            Some(at) => next = at + 1,
            None => panic!(
                "frame {i} (connection {}) is not journal record {next} nor a re-send at a \
                 reconnect: a gap, a reordering or a duplicate\nframe: {xml}\ndue: {:?}",
                frame.connection,
                expected.get(next)
            ),
        }
    }
    assert_eq!(
        expected.len(),
        next,
        "only {next} of {} journal records arrived in order",
        expected.len()
    );
}
