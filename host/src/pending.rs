//! `xcgate pending list` and `retry`: the asynchronous exchanges of a gateway's state store,
//! for its operator: answers owed and awaited, delivered, and given up (with why); a
//! given-up answer tried again once its receiver works. Read straight
//! from the store (SQLite readers never wait for the running gateway; PostgreSQL is
//! shared), never the message bodies: they are patient data.

use crate::config::Config;
use serde_json::json;
use std::fmt::Write as _;
use xcgate_state::{Exchange, ExchangeState};

/// At most this many rows are printed.
const LIMIT: i64 = 1000;

/// `pending`, `delivered`, `given-up` or `all`.
pub fn state_named(name: &str) -> anyhow::Result<Option<ExchangeState>> {
    match name {
        "all" => Ok(None),
        "pending" => Ok(Some(ExchangeState::Pending)),
        "delivered" => Ok(Some(ExchangeState::Delivered)),
        "given-up" => Ok(Some(ExchangeState::GivenUp)),
        _ => anyhow::bail!("--state `{name}`: use pending, delivered, given-up or all"),
    }
}

/// The listing of `config`'s store, as a table or JSON lines.
pub fn list(config: &Config, state: Option<ExchangeState>, json: bool) -> anyhow::Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = crate::process::open_store(config).await?;
        let exchanges = store.exchanges(state, LIMIT).await?;
        let counts = store.exchange_counts().await?;
        store.close().await;
        Ok(if json {
            exchanges
                .iter()
                .map(|e| format!("{}\n", row_json(e)))
                .collect()
        } else {
            table(&exchanges, counts)
        })
    })
}

/// Make the given-up answer `id` due again, tried for `[gateway.replies] horizon` from now;
/// the running gateway (any replica) delivers it. What to tell the operator.
pub fn retry(config: &Config, id: &str) -> anyhow::Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = crate::process::open_store(config).await?;
        let now = crate::wire::now_ms();
        let horizon = crate::wire::millis(config.gateway.replies.horizon.0);
        let retried = store
            .retry_given_up(id, now, now.saturating_add(horizon))
            .await?;
        store.close().await;
        if !retried {
            anyhow::bail!(
                "no given-up answer has the id `{id}`: `xcgate pending list --state given-up` lists them"
            );
        }
        Ok(format!(
            "{id} is due again; the running gateway delivers it (tried until gateway.replies.horizon from now)\n"
        ))
    })
}

fn row_json(e: &Exchange) -> serde_json::Value {
    json!({
        "id": e.id,
        "direction": e.direction.name(),
        "transaction": e.transaction,
        "relates_to": e.relates_to,
        "address": e.address,
        "state": e.state.name(),
        "attempts": e.attempts,
        "created_at_ms": e.created_at,
        "next_attempt_at_ms": e.next_attempt_at,
        "horizon_at_ms": e.horizon_at,
        "finished_at_ms": e.finished_at,
        "last_error": e.last_error,
        "bytes": e.body.len(),
    })
}

fn table(exchanges: &[Exchange], counts: xcgate_state::ExchangeCounts) -> String {
    let mut out = format!(
        "{} pending, {} delivered, {} given up\n",
        counts.pending, counts.delivered, counts.given_up
    );
    if exchanges.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\n{:36}  {:7}  {:6}  {:8}  {:>8}  address / last error",
        "id", "way", "tx", "state", "attempts"
    );
    for e in exchanges {
        let _ = writeln!(
            out,
            "{:36}  {:7}  {:6}  {:8}  {:>8}  {}{}",
            e.id,
            e.direction.name(),
            e.transaction,
            e.state.name(),
            e.attempts,
            e.address,
            e.last_error
                .as_deref()
                .map(|why| format!(" ({why})"))
                .unwrap_or_default()
        );
    }
    out
}
