//! Answers this gateway awaits: the asynchronous side of an endpoint marked `async = true`
//! [ITI TF-2 App V V.5]. The request leaves with this gateway's `/replies` address as its
//! `wsa:ReplyTo`; the answer arrives there as a new request and is handed to the call that
//! waits for it, by its `wsa:RelatesTo`, within the call's deadline.
//!
//! Each awaited answer is also a row of the state store (direction `awaited`): with
//! several replicas behind one load balancer, the answer may reach another replica's
//! `/replies`, which leaves it in the row for the replica that waits.

use crate::wire::now_ms;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;
use xcgate_state::{Exchange, ExchangeDirection, ExchangeState, Store};

/// An answer that arrived.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub content_type: String,
    pub body: Bytes,
}

/// The answers awaited by this process.
#[derive(Debug, Default)]
pub struct Awaited {
    waiting: Mutex<HashMap<String, oneshot::Sender<Arrived>>>,
    store: OnceLock<Store>,
    /// This gateway's `/replies`, as it listens (`[gateway.replies] endpoint` overrides it).
    url: OnceLock<String>,
}

/// The key answers are found by: the message id without prefix and case.
use xcgate_ihe::wsa::bare_message_id as key;

/// One answer being waited for.
pub struct Waiting<'a> {
    awaited: &'a Awaited,
    key: String,
    receiver: oneshot::Receiver<Arrived>,
    /// The store row, when there is a store.
    row: Option<String>,
}

impl Awaited {
    /// Keep awaited answers in `store` too (a gateway that serves).
    pub fn use_store(&self, store: Store) {
        let _ = self.store.set(store);
    }

    /// The `/replies` URL of the listener, once it is bound.
    pub fn set_url(&self, url: String) {
        let _ = self.url.set(url);
    }

    pub fn url(&self) -> Option<&str> {
        self.url.get().map(String::as_str)
    }

    /// Begin waiting for the answer that relates to `message_id`, a request of
    /// `transaction` sent to `address`, until `deadline`.
    pub async fn wait_for(
        &self,
        message_id: &str,
        transaction: &str,
        address: &str,
        deadline: Instant,
    ) -> Waiting<'_> {
        let key = key(message_id);
        let (sender, receiver) = oneshot::channel();
        self.lock().insert(key.clone(), sender);
        let mut row = None;
        if let Some(store) = self.store.get() {
            let now = now_ms();
            let left = deadline.saturating_duration_since(Instant::now());
            let exchange = Exchange::new(
                crate::wire::new_uuid(),
                ExchangeDirection::Awaited,
                transaction,
                key.clone(),
                address,
                "",
                Vec::new(),
                now,
                now.saturating_add(crate::wire::millis(left)),
            );
            match store.add_exchange(&exchange).await {
                Ok(()) => row = Some(exchange.id),
                // Without the row only this replica can take the answer: still worth
                // waiting for.
                Err(e) => tracing::warn!("awaited answer not kept in the store: {e}"),
            }
        }
        Waiting {
            awaited: self,
            key,
            receiver,
            row,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<Arrived>>> {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An answer that relates to `relates_to` arrived at `/replies`. Err when no request
    /// of this gateway (or, through the store, of another replica) awaits it.
    pub async fn arrive(&self, relates_to: &str, arrived: Arrived) -> Result<(), String> {
        let key = key(relates_to);
        let local = self.lock().remove(&key);
        if let Some(sender) = local {
            if let Some(store) = self.store.get() {
                // Recorded as delivered; the body goes straight to the waiting call.
                let _ = store
                    .awaited_arrived(&key, &arrived.content_type, &[], now_ms())
                    .await;
            }
            return sender
                .send(arrived)
                .map_err(|_| "the request that awaited it has just timed out".to_string());
        }
        match self.store.get() {
            Some(store) => match store
                .awaited_arrived(&key, &arrived.content_type, &arrived.body, now_ms())
                .await
            {
                Ok(true) => Ok(()),
                Ok(false) => Err("no request of this gateway awaits an answer relating to it (unknown, answered already, or timed out)".to_string()),
                Err(e) => Err(format!("the state store is unavailable: {e}")),
            },
            None => Err("no request of this gateway awaits an answer relating to it".to_string()),
        }
    }
}

/// How often a waiting call looks in the store for an answer another replica received.
const POLL: Duration = Duration::from_millis(100);

impl Waiting<'_> {
    /// The answer, or `None` when none came by `until`.
    pub async fn answer(mut self, until: Instant) -> Option<Arrived> {
        let store = self.awaited.store.get().filter(|_| self.row.is_some());
        let arrived = loop {
            let next = (Instant::now() + POLL).min(until);
            tokio::select! {
                got = &mut self.receiver => break got.ok(),
                () = tokio::time::sleep_until(next) => {}
            }
            if let (Some(store), Some(id)) = (store, &self.row)
                && let Ok(Some(row)) = store.exchange(id).await
                && row.state == ExchangeState::Delivered
                && !row.body.is_empty()
            {
                let _ = store.clear_body(id).await;
                break Some(Arrived {
                    content_type: row.content_type,
                    body: Bytes::from(row.body),
                });
            }
            if Instant::now() >= until {
                break None;
            }
        };
        if arrived.is_none()
            && let (Some(store), Some(id)) = (store, &self.row)
        {
            let _ = store
                .awaited_gave_up(id, now_ms(), "no answer by the call's deadline")
                .await;
        }
        arrived
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.awaited.lock().remove(&self.key);
    }
}
