//! Liveness and readiness, on the SOAP listener and the admin listener alike:
//!
//! - `GET /live`: 200 while the process answers at all (restart it when this fails).
//! - `GET /ready`: 200 when the gateway can serve: every community's plugin is linked
//!   (a gateway that could not link one never starts, and a reload that cannot keeps the
//!   old set) and the audit journal is open and takes records (with `audit.on_failure =
//!   "refuse"`); 503 with the reasons otherwise, and from the
//!   moment shutdown begins, so a load balancer stops sending while connections drain.

use crate::answer::{self, Chunks};
use crate::live::LiveGateway;
use http::{Method, Response, StatusCode};

/// The answer to a health request, or `None` when `path` is not one.
pub fn answer(method: &Method, path: &str, live: &LiveGateway) -> Option<Response<Chunks>> {
    if method != Method::GET {
        return None;
    }
    match path {
        "/live" => Some(answer::plain(StatusCode::OK, "live\n")),
        "/ready" => Some(ready(live)),
        _ => None,
    }
}

fn ready(live: &LiveGateway) -> Response<Chunks> {
    let gw = live.current();
    let mut not_ready = Vec::new();
    if live.is_draining() {
        not_ready.push("draining: shutdown has begun");
    }
    if !gw.process.audit.is_open() {
        not_ready.push("the audit journal is not open");
    }
    if gw.process.audit.refuses() && !gw.process.audit.writable() {
        not_ready.push(
            "the audit journal cannot store records (audit.on_failure = \"refuse\": answers are withheld)",
        );
    }
    if not_ready.is_empty() {
        answer::plain(
            StatusCode::OK,
            format!(
                "ready: {} communities linked, audit journal open\n",
                gw.communities.len()
            ),
        )
    } else {
        answer::plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", not_ready.join("; ")),
        )
    }
}
