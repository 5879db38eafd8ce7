//! A test guest for a community whose MPI answers later (WIT `deferred-discovery`, since
//! 0.6.0), as a partner would write one with the SDK: its MPI takes a query as a job and
//! is asked for the job's result later. The tests run that MPI (a stand-in for another
//! system) and decide when each job is done.
//!
//! Its MPI, at the endpoint named `mpi`:
//! - `POST jobs` with the query `{"family": .., "given": .., "birth_time": ..}` answers
//!   `{"matches": [..]}` at once, or `{"job": "<id>"}` when a person must look;
//! - `GET jobs/<id>` answers 202 while the job runs, 200 `{"matches": [..]}` when it is
//!   done, 404 for a job it does not know;
//! - a match is `{"root": .., "extension": .., "family": .., "given": ..}`.
//!
//! A synchronous ITI-55 is refused as unavailable: matching here takes a person.

use serde::Deserialize;
use xcgate_sdk::deferred::{DeferredDiscovery, Discovery};
use xcgate_sdk::transport;
use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery, PersonName};
use xcgate_sdk::{AdapterError, CallContext, InstanceId};

struct DeferredMpi;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    #[serde(default)]
    job: Option<String>,
    #[serde(default)]
    matches: Option<Vec<Match>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Match {
    root: String,
    extension: String,
    family: String,
    given: String,
}

fn matches_of(matches: Vec<Match>) -> Vec<PatientMatch> {
    matches
        .into_iter()
        .map(|m| {
            PatientMatch::new(InstanceId::new(&m.root, &m.extension))
                .name(PersonName::new(&m.family, &m.given))
        })
        .collect()
}

fn unavailable(e: transport::TransportError) -> AdapterError {
    AdapterError::Unavailable(format!("the MPI did not answer: {e:?}"))
}

fn read(body: &[u8]) -> Result<Answer, AdapterError> {
    serde_json::from_slice(body)
        .map_err(|e| AdapterError::BadResponse(format!("the MPI's answer is not its JSON: {e}")))
}

impl PatientDiscovery for DeferredMpi {
    fn discover_patients(
        _ctx: CallContext,
        _query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        Err(AdapterError::Unavailable(
            "matching in this community takes a person: ask with the XCPD Deferred Response option"
                .into(),
        ))
    }
}

impl DeferredDiscovery for DeferredMpi {
    fn start_discovery(_ctx: CallContext, query: PatientQuery) -> Result<Discovery, AdapterError> {
        let name = query.names.first();
        let first = |parts: Option<&Vec<String>>| {
            parts.and_then(|p| p.first()).cloned().unwrap_or_default()
        };
        let job = serde_json::json!({
            "family": first(name.map(|n| &n.family)),
            "given": first(name.map(|n| &n.given)),
            "birth_time": query.birth_time.and_then(|b| b.value),
        });
        let response = transport::send(&transport::Request {
            endpoint: "mpi".into(),
            method: transport::Method::Post,
            path: "jobs".into(),
            content_type: Some("application/json".into()),
            headers: vec![],
            body: job.to_string().into_bytes(),
        })
        .map_err(unavailable)?;
        if response.status != 200 {
            return Err(AdapterError::Unavailable(format!(
                "the MPI answered HTTP {}",
                response.status
            )));
        }
        xcgate_sdk::info!("query handed to the MPI");
        match read(&response.body)? {
            Answer {
                matches: Some(m), ..
            } => Ok(Discovery::Matches(matches_of(m))),
            Answer { job: Some(job), .. } => Ok(Discovery::Deferred(job)),
            _ => Err(AdapterError::BadResponse(
                "the MPI answered neither matches nor a job".into(),
            )),
        }
    }

    fn poll_discovery(
        _ctx: CallContext,
        token: String,
    ) -> Result<Option<Vec<PatientMatch>>, AdapterError> {
        let path = format!("jobs/{}", transport::percent_encode(&token));
        let response = transport::get("mpi", &path, &[]).map_err(unavailable)?;
        match response.status {
            202 => Ok(None),
            200 => match read(&response.body)?.matches {
                Some(m) => Ok(Some(matches_of(m))),
                None => Err(AdapterError::BadResponse(
                    "a done job without matches".into(),
                )),
            },
            404 => Err(AdapterError::BadResponse(
                "the MPI does not know the job".into(),
            )),
            status => Err(AdapterError::Unavailable(format!(
                "the MPI answered HTTP {status}"
            ))),
        }
    }
}

xcgate_sdk::register_patient_discovery!(DeferredMpi);
xcgate_sdk::register_deferred_discovery!(DeferredMpi);
