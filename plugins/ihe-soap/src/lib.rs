//! Standard IHE SOAP adapter: the community runs a standard XCPD/XCA responding gateway,
//! and each call becomes one SOAP 1.2 request to it through the host's `transport`:
//!
//! - ITI-55 Cross Gateway Patient Discovery [ITI TF-2 3.55] ([`xcpd`]),
//! - ITI-38 Cross Gateway Query [ITI TF-2 3.38] ([`query`]),
//! - ITI-39 Cross Gateway Retrieve [ITI TF-2 3.39] ([`retrieve`]), MTOM in and out,
//! - ITI-56 Patient Location Query (XCPD Health Data Locator), its messages from
//!   `xcgate_sdk::ihe::plq`.
//!
//! The answer becomes the WIT records, or the `adapter-error` the host maps to the IHE
//! error of the transaction (wit/README.md). Settings: [`settings`] and README.md. Logs
//! carry counts and codes only, never patient data.

pub mod answer;
pub mod query;
pub mod retrieve;
pub mod settings;
pub mod soap;
pub mod xcpd;

use settings::Settings;
use xcgate_sdk::ihe::ebrs::actions as xca_actions;
use xcgate_sdk::ihe::hl7v3::actions as xcpd_actions;
use xcgate_sdk::plq::{PatientLocation, PatientLocator};
use xcgate_sdk::settings_check::{SettingProblem, SettingsCheck, unknown_keys};
use xcgate_sdk::xca_query::{DocumentQuery, QueryRequest, QueryResponse};
use xcgate_sdk::xca_retrieve::{DocumentRequest, DocumentRetrieve, RetrieveResponse};
use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext, InstanceId};

struct IheSoap;

fn settings(ctx: &CallContext) -> Result<Settings, AdapterError> {
    Settings::read(xcgate_sdk::config::get, ctx)
}

/// The variant name of an error, for a log line without its message.
fn kind(e: &AdapterError) -> &'static str {
    match e {
        AdapterError::Unavailable(_) => "unavailable",
        AdapterError::Busy(_) => "busy",
        AdapterError::MoreAttributesRequested(_) => "more-attributes-requested",
        AdapterError::Unauthorized(_) => "unauthorized",
        AdapterError::BadResponse(_) => "bad-response",
        AdapterError::Internal(_) => "internal",
    }
}

fn logged<T>(what: &str, result: Result<T, AdapterError>) -> Result<T, AdapterError> {
    if let Err(e) = &result {
        xcgate_sdk::warn!("{what} failed: {}", kind(e));
    }
    result
}

impl PatientDiscovery for IheSoap {
    fn discover_patients(
        ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        let result = (|| {
            let s = settings(&ctx)?;
            let wrapper = xcpd::Wrapper {
                message_id: xcgate_sdk::ids::uuid_v4().to_ascii_uppercase(),
                query_id: xcgate_sdk::ids::uuid_v4(),
                creation_time: xcgate_sdk::ids::hl7_now(),
            };
            let answer = soap::exchange(&soap::Request {
                endpoint: &s.iti55_endpoint,
                action: xcpd_actions::ITI55_REQUEST,
                to: s.to(&s.iti55_to),
                body: xcpd::request(&s, &query, &wrapper)?,
                mtom: false,
                what: "ITI-55 query",
            })?;
            let mut matches = xcpd::answer(&answer.payload)?;
            // The responder's recommended correlation lifetime goes with every match.
            if let Some(ttl) = &answer.correlation_ttl {
                for m in &mut matches {
                    m.extensions.push(xcgate_sdk::Slot {
                        name: xcgate_sdk::ihe::xcpd::CORRELATION_TTL_SLOT.into(),
                        values: vec![ttl.clone()],
                    });
                }
            }
            xcgate_sdk::info!("ITI-55: {} matches", matches.len());
            Ok(matches)
        })();
        logged("ITI-55", result)
    }
}

impl DocumentQuery for IheSoap {
    fn find(ctx: CallContext, request: QueryRequest) -> Result<QueryResponse, AdapterError> {
        let result = (|| {
            let s = settings(&ctx)?;
            let answer = soap::exchange(&soap::Request {
                endpoint: &s.iti38_endpoint,
                action: xca_actions::ITI38_REQUEST,
                to: s.to(&s.iti38_to),
                body: query::request(&s, &request),
                mtom: false,
                what: "ITI-38 query",
            })?;
            let outcome = query::answer(&answer.payload)?;
            let r = &outcome.response;
            xcgate_sdk::info!(
                "ITI-38: {} objects, {} errors {:?}, {} left out",
                r.objects.len(),
                r.errors.len(),
                r.errors
                    .iter()
                    .map(|e| e.error_code.as_str())
                    .collect::<Vec<_>>(),
                outcome.dropped
            );
            Ok(outcome.response)
        })();
        logged("ITI-38", result)
    }
}

impl PatientLocator for IheSoap {
    fn locate_patient(
        ctx: CallContext,
        requested: InstanceId,
    ) -> Result<Vec<PatientLocation>, AdapterError> {
        let result = (|| {
            let s = settings(&ctx)?;
            let id =
                xcgate_sdk::ihe::xcpd::Ii::new(&requested.root, requested.extension.as_deref());
            let answer = soap::exchange(&soap::Request {
                endpoint: &s.iti56_endpoint,
                action: xcpd_actions::ITI56_REQUEST,
                to: s.to(&s.iti56_to),
                body: xcgate_sdk::ihe::plq::build_request(&id),
                mtom: false,
                what: "ITI-56 patient location query",
            })?;
            let locations = xcgate_sdk::ihe::plq::parse_response(&answer.payload).map_err(|e| {
                AdapterError::BadResponse(format!(
                    "the ITI-56 answer is not a usable PatientLocationQueryResponse: {e}"
                ))
            })?;
            xcgate_sdk::info!("ITI-56: {} locations", locations.len());
            Ok(locations
                .into_iter()
                .map(|l| PatientLocation {
                    home_community_id: l.home_community_id,
                    patient_id: InstanceId {
                        root: l.patient_id.root,
                        extension: l.patient_id.extension,
                    },
                })
                .collect())
        })();
        logged("ITI-56", result)
    }
}

impl DocumentRetrieve for IheSoap {
    fn retrieve(
        ctx: CallContext,
        requests: Vec<DocumentRequest>,
    ) -> Result<RetrieveResponse, AdapterError> {
        let result = (|| {
            let s = settings(&ctx)?;
            let answer = soap::exchange(&soap::Request {
                endpoint: &s.iti39_endpoint,
                action: xca_actions::ITI39_REQUEST,
                to: s.to(&s.iti39_to),
                body: retrieve::request(&s, &requests),
                mtom: s.iti39_mtom,
                what: "ITI-39 retrieve",
            })?;
            let outcome = retrieve::answer(&answer)?;
            let r = &outcome.response;
            xcgate_sdk::info!(
                "ITI-39: {} of {} documents, {} bytes, {} errors {:?}, {} left out",
                r.documents.len(),
                requests.len(),
                r.documents.iter().map(|d| d.content.len()).sum::<usize>(),
                r.errors.len(),
                r.errors
                    .iter()
                    .map(|e| e.error_code.as_str())
                    .collect::<Vec<_>>(),
                outcome.dropped
            );
            Ok(outcome.response)
        })();
        logged("ITI-39", result)
    }
}

xcgate_sdk::register_patient_discovery!(IheSoap);
xcgate_sdk::register_document_query!(IheSoap);
xcgate_sdk::register_document_retrieve!(IheSoap);
xcgate_sdk::register_patient_location!(IheSoap);
xcgate_sdk::register_settings_check!(IheSoap);

impl SettingsCheck for IheSoap {
    /// Unknown keys, then what [`Settings::read`] refuses (read with an empty call
    /// context: the defaults taken from a call are not checked here).
    fn check_settings() -> Vec<SettingProblem> {
        let mut problems = unknown_keys(&settings::KEYS);
        let ctx = CallContext {
            request_id: String::new(),
            deadline_unix_ms: 0,
            target_home_community_id: String::new(),
            initiator_home_community_id: None,
            user: None,
            extensions: vec![],
        };
        if let Err(e) = Settings::read(xcgate_sdk::config::get, &ctx) {
            let message = match &e {
                AdapterError::Internal(m) => m.clone(),
                other => format!("{other:?}"),
            };
            problems.push(SettingProblem::from_message(&message, "settings"));
        }
        problems
    }
}
