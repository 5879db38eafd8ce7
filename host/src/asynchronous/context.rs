//! What the acceptance of an asynchronous request learned that answering it needs, kept
//! with the exchange (JSON) so that another replica, or this one after a restart, can
//! answer it as it would have at once.

use crate::peer::Peer;
use serde::{Deserialize, Serialize};

/// How the answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// To the `wsa:ReplyTo` address, with the response action [App V V.5].
    WsAddressing,
    /// To the ITI-55 `respondTo` URL, with the Deferred action; an MCCI ack comes back
    /// [ITI TF-2 3.55.6.2].
    Deferred,
}

/// The context of one owed exchange.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub mode: Mode,
    /// The HTTP path the request came to (`/responding/<community>`, ...).
    pub endpoint: String,
    /// Our endpoint as the requester addressed it (the audit record's destination).
    pub endpoint_uri: String,
    /// The requester's socket address and verified client certificate subject.
    pub peer_address: std::net::SocketAddr,
    pub peer_certificate: Option<String>,
    /// The id of the request in our logs.
    pub request_id: String,
}

impl Context {
    pub fn peer(&self) -> Peer {
        Peer {
            address: self.peer_address,
            certificate_subject: self.peer_certificate.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Context, String> {
        serde_json::from_str(text).map_err(|e| format!("the exchange's context is unreadable: {e}"))
    }
}
