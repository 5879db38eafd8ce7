//! Who sent a request, as the connection tells it: the address and, under mutual TLS,
//! the subject of the client certificate the handshake verified. Routing policy and the
//! audit record (the Source participant) read it; it names a system, never a patient.

use std::net::SocketAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub address: SocketAddr,
    /// The verified client certificate's subject (RFC 4514 form), with `[gateway.tls]
    /// client_ca_file`; `None` over plain HTTP or TLS without client certificates.
    pub certificate_subject: Option<String>,
}
