//! An endpoint marked `async = true` or `deferred = true`: the SOAP requests a plugin sends
//! there leave as asynchronous requests whose answer comes to this gateway's `/replies`,
//! related by `wsa:RelatesTo`, and is handed to the plugin as if the peer had answered on
//! the connection. The plugin does not know the difference; the call's deadline applies
//! as for a synchronous exchange.
//!
//! - `async = true`: WS-Addressing [ITI TF-2 App V V.5]: the anonymous `wsa:ReplyTo`
//!   becomes `/replies`; the peer answers 202.
//! - `deferred = true`: an ITI-55 uses the XCPD Deferred Response option
//!   [ITI TF-2 3.55.6.2]: the Deferred action, `responsePriorityCode` `D` and a
//!   `respondTo` of `/replies`; the peer acknowledges with MCCI_IN000002UV01 `AA`.

use super::awaited::Awaited;
use std::sync::Arc;
use xcgate_ihe::hl7v3::actions;
use xcgate_ihe::wsa::ANONYMOUS;

/// The asynchronous side of one endpoint.
#[derive(Debug, Clone)]
pub struct Asynchronous {
    pub awaited: Arc<Awaited>,
    /// `[gateway.replies] endpoint`; else the listener's own `/replies`.
    reply_to: Option<String>,
    /// `async = true`.
    ws_addressing: bool,
    /// `deferred = true`.
    deferred: bool,
}

/// How a request was made asynchronous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    WsAddressing,
    Deferred,
}

/// A request made asynchronous.
pub struct Prepared {
    pub body: Vec<u8>,
    pub message_id: String,
    pub action: String,
    pub kind: Kind,
}

impl Asynchronous {
    pub fn new(
        awaited: Arc<Awaited>,
        reply_to: Option<String>,
        ws_addressing: bool,
        deferred: bool,
    ) -> Asynchronous {
        Asynchronous {
            awaited,
            reply_to,
            ws_addressing,
            deferred,
        }
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

    /// `body` (SOAP 1.2, or MTOM with the envelope as root part) made asynchronous as the
    /// endpoint says, with its MessageID and Action; `None` when it stays synchronous (an
    /// endpoint marked only `deferred` sends everything but ITI-55 as it is).
    pub fn prepare(
        &self,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Option<Prepared>, String> {
        let parsed = match content_type {
            // The envelope of an MTOM request is its root part (read from a copy: the
            // multipart reader takes shared bytes).
            Some(ct) if ct.to_ascii_lowercase().starts_with("multipart/related") => {
                let parts =
                    xcgate_ihe::mtom::parse_multipart(ct, bytes::Bytes::copy_from_slice(body))
                        .map_err(|e| format!("the MTOM request cannot be read: {e}"))?;
                xcgate_ihe::soap::parse_envelope(parts.root().body())
            }
            _ => xcgate_ihe::soap::parse_envelope(body),
        };
        let env = parsed.map_err(|e| format!("an async endpoint takes SOAP requests: {e}"))?;
        let action = env.addressing.action.clone().unwrap_or_default();
        let deferred = self.deferred && action == actions::ITI55_REQUEST;
        if !deferred && !self.ws_addressing {
            return Ok(None);
        }
        let message_id =
            env.addressing.message_id.clone().ok_or(
                "an asynchronous request needs a wsa:MessageID for its answer to relate to",
            )?;
        let reply_to = self.reply_to()?;
        if deferred {
            let text = std::str::from_utf8(body)
                .map_err(|_| "the ITI-55 request is not UTF-8".to_string())?;
            return Ok(Some(Prepared {
                body: super::deferred::deferred_request(text, &reply_to)?.into_bytes(),
                message_id,
                action: actions::ITI55_DEFERRED_REQUEST.to_string(),
                kind: Kind::Deferred,
            }));
        }
        if env.addressing.reply_to.as_deref() != Some(ANONYMOUS) {
            return Err(
                "an async endpoint redirects the request's anonymous wsa:ReplyTo to this gateway's /replies; this request has none"
                    .to_string(),
            );
        }
        Ok(Some(Prepared {
            body: replace_first(body, ANONYMOUS.as_bytes(), reply_to.as_bytes()),
            message_id,
            action,
            kind: Kind::WsAddressing,
        }))
    }
}

/// Did the peer accept a deferred ITI-55? Its answer must be an MCCI_IN000002UV01 `AA`
/// (or `CA`) [ITI TF-2 3.55.6.2].
pub fn deferred_accepted(body: &[u8]) -> Result<(), String> {
    let env = xcgate_ihe::soap::parse_envelope(body)
        .map_err(|e| format!("the acknowledgement is not a SOAP envelope: {e}"))?;
    let ack = xcgate_ihe::hl7v3::parse_ack(&env.body)
        .map_err(|e| format!("no accept acknowledgement: {e}"))?;
    if ack.accepted() {
        Ok(())
    } else {
        Err(format!(
            "the community refused it with {}: {}",
            ack.code,
            ack.text.unwrap_or_default()
        ))
    }
}

fn replace_first(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    match haystack.windows(needle.len()).position(|w| w == needle) {
        Some(at) => [&haystack[..at], with, &haystack[at + needle.len()..]].concat(),
        None => haystack.to_vec(),
    }
}
