//! `xcgate correlations list|revoke`: the operator's command. With `[admin]` in the
//! config and a gateway answering there, the command goes through that gateway (which
//! audits the revocation in its own journal); otherwise it opens the state store and the
//! audit journal itself, which only works while no gateway runs on that journal.

use super::operator;
use crate::config::Config;
use crate::process::{Process, runtime_options};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// What to do.
#[derive(Debug, Clone)]
pub enum Action {
    List {
        patient: String,
    },
    Revoke {
        patient: String,
        community: Option<String>,
    },
}

/// Who runs the command, for the audit record.
fn operator_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "operator".into())
}

/// Run `action` on the gateway of `config`; what to print.
pub fn run(config: Config, action: Action) -> anyhow::Result<String> {
    let patient = match &action {
        Action::List { patient } | Action::Revoke { patient, .. } => {
            operator::parse_patient(patient).map_err(anyhow::Error::msg)?
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        if let Some(admin) = &config.admin
            && let Some(answer) = through_admin(&admin.listen, &action).await?
        {
            return Ok(answer);
        }
        direct(&config, &patient, &action).await
    })
}

/// Ask the running gateway's admin listener; `None` when nothing listens there.
async fn through_admin(listen: &str, action: &Action) -> anyhow::Result<Option<String>> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let (method, path) = match action {
        Action::List { patient } => {
            query.append_pair("patient", patient);
            (http::Method::GET, "/admin/correlations")
        }
        Action::Revoke { patient, community } => {
            query.append_pair("patient", patient);
            if let Some(c) = community {
                query.append_pair("community", c);
            }
            query.append_pair("operator", &operator_name());
            (http::Method::POST, "/admin/correlations/revoke")
        }
    };
    let uri = format!("http://{listen}{path}?{}", query.finish());
    let request = http::Request::builder()
        .method(method)
        .uri(&uri)
        .body(Full::new(bytes::Bytes::new()))?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    let response = match client.request(request).await {
        Ok(r) => r,
        // Nobody there: no gateway is running on this config.
        Err(e) if e.is_connect() => return Ok(None),
        Err(e) => anyhow::bail!("the admin listener at {listen} did not answer: {e}"),
    };
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let text = String::from_utf8_lossy(&body).into_owned();
    if !status.is_success() {
        anyhow::bail!("the gateway at {listen} refused: {}", text.trim());
    }
    Ok(Some(text))
}

/// Open the store (and, to revoke, the audit journal) of `config` in this process.
async fn direct(
    config: &Config,
    patient: &xcgate_state::PatientId,
    action: &Action,
) -> anyhow::Result<String> {
    let runtime = crate::plugin::PluginRuntime::new(runtime_options(config))?;
    let process = Process::start(config, runtime).await.map_err(|e| {
        if format!("{e:#}").contains("in use by another") {
            anyhow::anyhow!(
                "{e:#}\na gateway is running on this config's audit journal: add `[admin] listen = \"127.0.0.1:<port>\"` to the config so that this command works through it"
            )
        } else {
            e
        }
    })?;
    let out = match action {
        Action::List { .. } => operator::list(&process, patient).await,
        Action::Revoke { community, .. } => {
            let operator = xcgate_audit::Peer::new(&operator_name(), &crate::config::hostname());
            operator::revoke(
                &process,
                patient,
                community.as_deref(),
                operator,
                "xcgate correlations revoke",
            )
            .await
            .map(|rows| format!("{{\"revoked\": {rows}}}\n"))
        }
    };
    process.audit.shutdown().await;
    out
}
