//! Native doubles of the host, so an adapter's unit tests call its trait functions
//! themselves with `cargo test` (native builds only; a component always talks to the real
//! host).
//!
//! [`TestHost`] holds what the gateway would give: the community's settings, and a
//! stand-in for the community behind [`transport`](crate::transport). Installed, it
//! serves [`config`](crate::config), [`log`](crate::log) and
//! [`transport`](crate::transport) on the current thread until the returned guard drops
//! (each `#[test]` runs on a thread of its own). Without one, `config` has no settings, log
//! lines go to stderr and every `transport` request fails as `undeclared-endpoint`, as in a
//! community that declares no endpoint.
//!
//! ```
//! use xcgate_sdk::testing::{TestHost, call_context, response};
//! use xcgate_sdk::{config, transport};
//!
//! let host = TestHost::new()
//!     .setting("max_matches", "5")
//!     .transport(|request| Ok(response(200, "application/fhir+json", format!("asked {}", request.path))))
//!     .install();
//! assert_eq!(config::get("max_matches").as_deref(), Some("5"));
//! let answer = transport::get("fhir", "Patient?family=Virtanen", &[]).unwrap();
//! assert_eq!(answer.body, b"asked Patient?family=Virtanen");
//! xcgate_sdk::info!("{} requests", host.requests().len());
//! assert_eq!(host.log()[0].1, "1 requests");
//! assert!(call_context().remaining_ms() > 0);
//! ```

use crate::log::Level;
use crate::transport::{Request, Response, TransportError};
use crate::{CallContext, Slot};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::marker::PhantomData;

type Handler = Box<dyn FnMut(&Request) -> Result<Response, TransportError>>;

#[derive(Default)]
struct State {
    settings: BTreeMap<String, String>,
    transport: Option<Handler>,
    log: Vec<(Level, String)>,
    requests: Vec<Request>,
}

thread_local! {
    static HOST: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// What the host gives an adapter in a test; see the module documentation.
#[derive(Default)]
pub struct TestHost {
    state: State,
}

impl TestHost {
    pub fn new() -> TestHost {
        TestHost::default()
    }

    /// A setting as the host passes it: text (numbers and booleans as their TOML text).
    pub fn setting(mut self, key: &str, value: impl Into<String>) -> TestHost {
        self.state.settings.insert(key.to_string(), value.into());
        self
    }

    /// An array or table setting: the host passes those as JSON text.
    pub fn setting_json(self, key: &str, value: &serde_json::Value) -> TestHost {
        self.setting(key, value.to_string())
    }

    /// The community behind `transport`: answers every request the adapter sends.
    pub fn transport(
        mut self,
        handler: impl FnMut(&Request) -> Result<Response, TransportError> + 'static,
    ) -> TestHost {
        self.state.transport = Some(Box::new(handler));
        self
    }

    /// Serve `config`, `log` and `transport` on this thread until the guard drops.
    pub fn install(self) -> Installed {
        HOST.with(|h| *h.borrow_mut() = Some(self.state));
        Installed {
            _thread_bound: PhantomData,
        }
    }
}

/// The installed [`TestHost`]: what the adapter logged and sent.
pub struct Installed {
    _thread_bound: PhantomData<*const ()>,
}

impl Installed {
    /// The log lines so far, with their level.
    pub fn log(&self) -> Vec<(Level, String)> {
        HOST.with(|h| {
            h.borrow()
                .as_ref()
                .map(|s| s.log.clone())
                .unwrap_or_default()
        })
    }

    /// The transport requests so far.
    pub fn requests(&self) -> Vec<Request> {
        HOST.with(|h| {
            h.borrow()
                .as_ref()
                .map(|s| s.requests.clone())
                .unwrap_or_default()
        })
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        HOST.with(|h| *h.borrow_mut() = None);
    }
}

/// A call context as the gateway would pass it: request id `test`, target community
/// `urn:oid:2.999.1`, a deadline 5 s from now, no user.
pub fn call_context() -> CallContext {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    CallContext {
        request_id: "test".to_string(),
        deadline_unix_ms: now + 5_000,
        target_home_community_id: "urn:oid:2.999.1".to_string(),
        initiator_home_community_id: Some("urn:oid:2.999.2".to_string()),
        user: None,
        extensions: Vec::<Slot>::new(),
    }
}

/// A response with a status, a content type and a body.
pub fn response(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
    Response {
        status,
        content_type: Some(content_type.to_string()),
        headers: vec![],
        body: body.into(),
    }
}

pub(crate) fn config_get(key: &str) -> Option<String> {
    HOST.with(|h| h.borrow().as_ref()?.settings.get(key).cloned())
}

pub(crate) fn config_keys() -> Vec<String> {
    HOST.with(|h| {
        h.borrow()
            .as_ref()
            .map(|s| s.settings.keys().cloned().collect())
            .unwrap_or_default()
    })
}

pub(crate) fn log(level: Level, message: &str) {
    HOST.with(|h| match h.borrow_mut().as_mut() {
        Some(s) => s.log.push((level, message.to_string())),
        None => eprintln!("[{level:?}] {message}"),
    })
}

pub(crate) fn send(request: &Request) -> Result<Response, TransportError> {
    // Take the handler out while it runs, so it may itself log or read settings.
    let handler = HOST.with(|h| {
        let mut h = h.borrow_mut();
        let s = h.as_mut()?;
        s.requests.push(request.clone());
        s.transport.take()
    });
    let Some(mut handler) = handler else {
        return Err(TransportError::UndeclaredEndpoint(request.endpoint.clone()));
    };
    let answer = handler(request);
    HOST.with(|h| {
        if let Some(s) = h.borrow_mut().as_mut() {
            s.transport = Some(handler);
        }
    });
    answer
}
