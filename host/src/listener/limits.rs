//! How many connections a listener holds open: at most `max` in all and at most
//! `per_client` from one IP address, so that slow clients (each holding a connection up
//! to the header timeout) can neither exhaust the process nor crowd out other clients.
//! A connection over a cap is answered at once and closed: plain HTTP `503` with the
//! reason on a plain listener; on a TLS listener it is closed before the handshake.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The caps of one listener, from its config (read when the listener starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max: usize,
    pub per_client: usize,
    /// The config keys, for the refusal's text.
    pub keys: (&'static str, &'static str),
}

impl ConnectionLimits {
    /// The SOAP listener's caps.
    pub fn gateway(config: &crate::config::GatewayConfig) -> ConnectionLimits {
        ConnectionLimits {
            max: config.max_connections,
            per_client: config.max_connections_per_client,
            keys: (
                "gateway.max_connections",
                "gateway.max_connections_per_client",
            ),
        }
    }

    /// The admin listener's caps: `max_connections` in all and from one address.
    pub fn admin(config: &crate::config::AdminConfig) -> ConnectionLimits {
        ConnectionLimits {
            max: config.max_connections,
            per_client: config.max_connections,
            keys: ("admin.max_connections", "admin.max_connections"),
        }
    }
}

/// Why a connection is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Total,
    PerClient,
}

impl Over {
    /// The metrics label.
    pub fn kind(self) -> &'static str {
        match self {
            Over::Total => "max_connections",
            Over::PerClient => "max_connections_per_client",
        }
    }
}

/// The connections open now.
#[derive(Debug)]
pub struct Open {
    limits: ConnectionLimits,
    state: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One open connection; closing it (dropping this) frees its place.
#[derive(Debug)]
pub struct Held {
    open: Arc<Open>,
    client: IpAddr,
}

impl Open {
    pub fn new(limits: ConnectionLimits) -> Arc<Open> {
        Arc::new(Open {
            limits,
            state: Mutex::new((0, HashMap::new())),
        })
    }

    /// A place for a connection from `client`, or which cap it is over.
    pub fn admit(self: &Arc<Open>, client: IpAddr) -> Result<Held, Over> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.0 >= self.limits.max {
            return Err(Over::Total);
        }
        let from_client = state.1.get(&client).copied().unwrap_or(0);
        if from_client >= self.limits.per_client {
            return Err(Over::PerClient);
        }
        state.0 += 1;
        state.1.insert(client, from_client + 1);
        Ok(Held {
            open: self.clone(),
            client,
        })
    }

    /// The plain-HTTP refusal of a connection over `over`.
    pub fn refusal(&self, over: Over) -> String {
        let (text, key, limit) = match over {
            Over::Total => (
                "too many open connections",
                self.limits.keys.0,
                self.limits.max,
            ),
            Over::PerClient => (
                "too many open connections from this address",
                self.limits.keys.1,
                self.limits.per_client,
            ),
        };
        let body = format!("{text} ({key} = {limit}); try again shortly\n");
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut state = self
            .open
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.0 = state.0.saturating_sub(1);
        if let Some(n) = state.1.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                state.1.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_kept_per_client_and_in_all_and_places_come_back() -> Result<(), Over> {
        let open = Open::new(ConnectionLimits {
            max: 3,
            per_client: 2,
            keys: ("max", "per"),
        });
        let a = IpAddr::from([127, 0, 0, 1]);
        let b = IpAddr::from([127, 0, 0, 2]);
        let a1 = open.admit(a)?;
        let _a2 = open.admit(a)?;
        assert_eq!(open.admit(a).err(), Some(Over::PerClient));
        let _b1 = open.admit(b)?;
        assert_eq!(open.admit(b).err(), Some(Over::Total));
        drop(a1);
        assert!(open.admit(b).is_ok());
        assert!(open.refusal(Over::PerClient).contains("per = 2"));
        Ok(())
    }
}
