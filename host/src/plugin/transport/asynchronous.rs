//! An endpoint marked `async = true`: each SOAP request a plugin sends there leaves as an
//! asynchronous WS-Addressing request [ITI TF-2 App V V.5], its `wsa:ReplyTo` this
//! gateway's `/replies`; the answer that arrives there, related by `wsa:RelatesTo`, is
//! handed to the plugin as if the peer had answered on the connection. The plugin does not
//! know the difference; the call's deadline applies as for a synchronous exchange.

use super::awaited::Awaited;
use std::sync::Arc;
use xcgate_ihe::wsa::ANONYMOUS;

/// The asynchronous side of one endpoint.
#[derive(Debug, Clone)]
pub struct Asynchronous {
    pub awaited: Arc<Awaited>,
    /// `[gateway.replies] endpoint`; else the listener's own `/replies`.
    reply_to: Option<String>,
}

/// A request made asynchronous.
pub struct Prepared {
    pub body: Vec<u8>,
    pub message_id: String,
    pub action: String,
}

impl Asynchronous {
    pub fn new(awaited: Arc<Awaited>, reply_to: Option<String>) -> Asynchronous {
        Asynchronous { awaited, reply_to }
    }

    fn reply_to(&self) -> Result<String, String> {
        self.reply_to
            .clone()
            .or_else(|| self.awaited.url().map(str::to_string))
            .ok_or_else(|| {
                "this gateway's /replies address is not known: set [gateway.replies] endpoint"
                    .to_string()
            })
    }

    /// `body` (SOAP 1.2, or MTOM with the envelope as root part) with its anonymous
    /// `wsa:ReplyTo` replaced by our `/replies`; its MessageID and Action.
    pub fn prepare(&self, body: Vec<u8>, content_type: Option<&str>) -> Result<Prepared, String> {
        let envelope = match content_type {
            Some(ct) if ct.to_ascii_lowercase().starts_with("multipart/related") => {
                xcgate_ihe::mtom::parse_multipart(ct, bytes::Bytes::from(body.clone()))
                    .map_err(|e| format!("the MTOM request cannot be read: {e}"))?
                    .root()
                    .body()
                    .clone()
            }
            _ => bytes::Bytes::from(body.clone()),
        };
        let env = xcgate_ihe::soap::parse_envelope(&envelope)
            .map_err(|e| format!("an async endpoint takes SOAP requests: {e}"))?;
        let message_id =
            env.addressing.message_id.clone().ok_or(
                "an asynchronous request needs a wsa:MessageID for its answer to relate to",
            )?;
        if env.addressing.reply_to.as_deref() != Some(ANONYMOUS) {
            return Err(
                "an async endpoint redirects the request's anonymous wsa:ReplyTo to this gateway's /replies; this request has none"
                    .to_string(),
            );
        }
        let reply_to = self.reply_to()?;
        Ok(Prepared {
            body: replace_first(&body, ANONYMOUS.as_bytes(), reply_to.as_bytes()),
            message_id,
            action: env.addressing.action.unwrap_or_default(),
        })
    }
}

fn replace_first(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    match haystack.windows(needle.len()).position(|w| w == needle) {
        Some(at) => [&haystack[..at], with, &haystack[at + needle.len()..]].concat(),
        None => haystack.to_vec(),
    }
}
