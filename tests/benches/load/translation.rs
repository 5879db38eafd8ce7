//! (5) ITI-18 with patient id translation (XDS Affinity Domain option) next to plain
//! ITI-38, on one demo community: ITI-38 names the patient by the community's own id
//! (one adapter call); ITI-18 names her by her hetu, so each request also reads her
//! correlation from the state store (learned by the warm-up's first request) before the
//! same call. Once on the default SQLite store, once on PostgreSQL when it is installed.

use crate::client::{self, Check, Target};
use crate::report::Row;
use crate::scenarios::Bench;
use crate::setup::{SOAP, start_gateway};
use bytes::Bytes;
use std::sync::Arc;
use xcgate_ihe::ebrs::ReturnType;
use xcgate_tests::soap_client::{self, ITI18, ITI38};
use xcgate_tests::{aino, gateway, visit_summary};

/// One community holding Aino (PIR-1001, hetu 120390-904J) and one document of hers;
/// `state` is appended (a `[state]` table).
fn one_community_with_a_document(state: &str) -> String {
    gateway()
        .set("assigning_authority", "\"1.2.246.21\"")
        .community_with("pirkanmaa", "bundled:demo-community", |c| {
            c.home_community_id("urn:oid:2.999.1.10")
                .timeout("2s")
                .set("memory_limit", "\"32MiB\"")
                .setting_str("repository_unique_id", "2.999.1.10.3")
                .patient(aino("2.999.1.10.1", "PIR-1001").with_hetu("120390-904J"))
                .document(visit_summary("PIR-1001", "2.999.1.10.2.1"))
        })
        .toml(state)
        .text()
}

const CONNECTIONS: usize = 16;

fn query(gw: &xcgate_tests::TestGateway, action: &str, patient: &str) -> Target {
    Target {
        addr: gw.running.addr,
        path: "/initiating",
        content_type: SOAP.into(),
        body: Bytes::from(soap_client::envelope(
            action,
            "urn:uuid:00000000-0000-4000-8000-000000000018",
            &soap_client::find_documents(patient, ReturnType::LeafClass),
        )),
    }
}

/// Success with her one document.
fn one_document() -> Check {
    Check::Body(Arc::new(|body: &[u8]| {
        let text = String::from_utf8_lossy(body);
        if text.contains("ResponseStatusType:Success")
            && text.matches("ExtrinsicObject ").count() == 1
        {
            Ok(())
        } else {
            Err(text.chars().take(300).collect())
        }
    }))
}

impl Bench {
    pub async fn translation(&self) -> anyhow::Result<()> {
        let check = one_document();
        let gw = start_gateway(&one_community_with_a_document("")).await?;
        let plain = query(&gw, ITI38, "PIR-1001^^^&2.999.1.10.1&ISO");
        let r = client::run(&plain, &check, self.plan(CONNECTIONS)).await;
        let base = r.req_per_s();
        let mut row = Row::new("iti38-1-community", "xcgate", CONNECTIONS, &r);
        row.note = "the community's own id: no translation".into();
        self.printer.row(&row);
        self.translated(&gw, "iti18-hetu-sqlite", base).await;
        gw.running.stop().await;

        let Some(pg) = xcgate_testkit::postgres::Postgres::start("load-bench") else {
            self.printer
                .progress("iti18-hetu-postgres skipped: PostgreSQL is not installed");
            return Ok(());
        };
        let state = format!("[state]\nurl = \"{}\"\n", pg.url());
        let gw = start_gateway(&one_community_with_a_document(&state)).await?;
        self.translated(&gw, "iti18-hetu-postgres", base).await;
        gw.running.stop().await;
        Ok(())
    }

    async fn translated(&self, gw: &xcgate_tests::TestGateway, label: &'static str, base: f64) {
        let target = query(gw, ITI18, "120390-904J^^^&1.2.246.21&ISO");
        let r = client::run(&target, &one_document(), self.plan(CONNECTIONS)).await;
        let mut row = Row::new(label, "xcgate", CONNECTIONS, &r);
        row.note = format!(
            "hetu translated through the store: {:.0} % of plain ITI-38's req/s",
            100.0 * r.req_per_s() / base.max(f64::MIN_POSITIVE)
        );
        self.printer.row(&row);
    }
}
