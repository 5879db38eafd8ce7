//! A test guest that misbehaves on purpose, chosen by its `behaviour` setting:
//! `trap` (panics → wasm trap), `spin` (loops forever), `sleep` (blocks in the host via WASI
//! clocks for `sleep_ms`), `allocate` (grows memory without end, or by `allocate_mib`
//! MiB and then answers), `recurse` (unbounded recursion, or `recurse_depth` frames and
//! then answers), `error` (returns `internal`), `unavailable` (returns `unavailable`),
//! `busy` (returns `busy`), `echo` (answers: one match built from the query; one
//! DocumentEntry per query; documents of `document_size` bytes, in a fixed pattern or, with
//! `document_fill = "<byte>"`, all that byte; `match_count` matches for ITI-55).
//! For XCA, `omit_home = "true"` leaves `home` off the returned objects,
//! `unknown_patient = "true"` answers XDSUnknownPatientId, `missing` names a document
//! uniqueId to report as unknown, and `extra_attribute = "name"` adds an attribute ebRIM
//! does not define to each object.
//! ITI-55 answers can be made wrong on purpose: `invalid_utf8 = "true"` returns a patient
//! id whose bytes are not UTF-8 (which the component model forbids), `id_length = N` an id
//! extension of N bytes, `birth_time = "..."` that birth time verbatim; `echo_user = "true"`
//! puts the XUA attributes the adapter was handed into the id extension; `vary_ids = "true"`
//! gives the first match a new id on every call (an answer that depends on the call).
//! Used only by the tests to prove that one community cannot hurt the others.

mod xca;

use xcgate_sdk::xcpd::{PatientDiscovery, PatientMatch, PatientQuery};
use xcgate_sdk::{AdapterError, CallContext, InstanceId};

pub(crate) struct Misbehaving;

#[allow(unconditional_recursion)]
fn recurse(depth: u64, acc: &mut Vec<u64>) -> u64 {
    acc.push(depth);
    let next = recurse(depth + 1, acc);
    std::hint::black_box(next) + depth
}

/// Recursion `depth` frames deep, each frame holding a little stack.
fn recurse_to(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 8]);
    if depth == 0 {
        return frame[0];
    }
    recurse_to(depth - 1) + std::hint::black_box(frame[7])
}

fn setting<T: std::str::FromStr>(name: &str) -> Option<T> {
    xcgate_sdk::config::get(name).and_then(|v| v.parse().ok())
}

/// Misbehave as configured; `Ok(())` means "answer normally".
pub(crate) fn misbehave() -> Result<(), AdapterError> {
    let behaviour = xcgate_sdk::config::get("behaviour").unwrap_or_else(|| "echo".into());
    match behaviour.as_str() {
        "trap" => panic!("misbehaving guest: deliberate trap"),
        "spin" => {
            let mut x: u64 = 0;
            loop {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        "sleep" => {
            let ms = xcgate_sdk::config::get("sleep_ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60_000);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            Ok(())
        }
        "allocate" => {
            let limit: Option<usize> = setting("allocate_mib");
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            while limit.is_none_or(|mib| hoard.len() < mib) {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
            Ok(())
        }
        "recurse" => {
            match setting::<u64>("recurse_depth") {
                Some(depth) => {
                    std::hint::black_box(recurse_to(depth));
                }
                None => {
                    let mut acc = Vec::new();
                    std::hint::black_box(recurse(0, &mut acc));
                }
            }
            Ok(())
        }
        "error" => Err(AdapterError::Internal(
            "misbehaving guest: deliberate error".into(),
        )),
        "unavailable" => Err(AdapterError::Unavailable(
            "misbehaving guest: remote down".into(),
        )),
        "busy" => Err(AdapterError::Busy("misbehaving guest: overloaded".into())),
        _ => Ok(()),
    }
}

impl PatientDiscovery for Misbehaving {
    fn discover_patients(
        ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError> {
        misbehave()?;
        if xcgate_sdk::config::get("behaviour").as_deref() == Some("relay") {
            return relay(&query);
        }
        let count: u64 = setting("match_count").unwrap_or(1);
        let mut matches: Vec<PatientMatch> = (0..count).map(|n| echo(&query, n)).collect();
        if let Some(first) = matches.first_mut() {
            if let Some(n) = setting::<usize>("id_length") {
                first.patient_id.extension = Some("7".repeat(n));
            }
            if let Some(t) = xcgate_sdk::config::get("birth_time") {
                first.birth_time = Some(t);
            }
            if setting::<bool>("invalid_utf8") == Some(true) {
                first.patient_id.extension = Some(not_utf8());
            }
            if setting::<bool>("vary_ids") == Some(true) {
                first.patient_id.extension = Some(xcgate_sdk::ids::uuid_v4());
            }
            if setting::<bool>("echo_user") == Some(true) {
                first.patient_id.extension = Some(user_line(&ctx));
            }
        }
        Ok(matches)
    }
}

/// `echo_user`: the XUA attributes the adapter was handed, as one line
/// (`subject|organization|organization-id|home|role codes|purpose codes`), or `no-user`.
fn user_line(ctx: &CallContext) -> String {
    let Some(u) = &ctx.user else {
        return "no-user".into();
    };
    let codes = |c: &[xcgate_sdk::Coded]| {
        c.iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    [
        u.subject_id.clone(),
        u.organization.clone().unwrap_or_default(),
        u.organization_id.clone().unwrap_or_default(),
        u.home_community_id.clone().unwrap_or_default(),
        codes(&u.roles),
        codes(&u.purpose_of_use),
    ]
    .join("|")
}

/// `relay`: POST the query's family names to the endpoint named by the `endpoint` setting
/// (default `remote`) and answer one match whose id extension is the response body. With
/// `path` set, GET that path (relative to the endpoint) instead.
fn relay(query: &PatientQuery) -> Result<Vec<PatientMatch>, AdapterError> {
    let endpoint = xcgate_sdk::config::get("endpoint").unwrap_or_else(|| "remote".into());
    let body: String = query
        .names
        .iter()
        .flat_map(|n| n.family.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    let response = match xcgate_sdk::config::get("path") {
        Some(path) => xcgate_sdk::transport::get(&endpoint, &path, &[("x-test", "relay")]),
        None => xcgate_sdk::transport::post(
            &endpoint,
            "text/plain",
            &[("x-test", "relay")],
            body.into_bytes(),
        ),
    }
    .map_err(|e| AdapterError::Unavailable(e.to_string()))?;
    let text = String::from_utf8(response.body)
        .map_err(|_| AdapterError::BadResponse("not UTF-8".into()))?;
    let mut m = echo(query, 0);
    m.patient_id = InstanceId::new("2.999.99", text);
    Ok(vec![m])
}

/// A `String` whose bytes are not UTF-8: what a buggy adapter in another language (or one
/// that misuses `unsafe`) can hand to the canonical ABI. The host must refuse the answer,
/// not crash and not pass the bytes on.
#[allow(unsafe_code)]
fn not_utf8() -> String {
    // SAFETY: deliberately violated; the string is only lowered into the component ABI,
    // never inspected as text inside this guest.
    unsafe { String::from_utf8_unchecked(vec![b'I', b'D', 0xff, 0xfe, 0x80]) }
}

fn echo(query: &PatientQuery, n: u64) -> PatientMatch {
    PatientMatch {
        patient_id: InstanceId::new("2.999.99", format!("ECHO-{n}")),
        other_ids: vec![],
        names: query.names.clone(),
        gender: query.gender.clone(),
        birth_time: query.birth_time.as_ref().and_then(|b| b.value.clone()),
        addresses: vec![],
        telecoms: vec![],
        mothers_maiden_name: None,
        match_quality: Some(50),
        home_community_id: None,
        extensions: vec![],
    }
}

xcgate_sdk::register_patient_discovery!(Misbehaving);
xcgate_sdk::register_document_query!(Misbehaving);
xcgate_sdk::register_document_retrieve!(Misbehaving);
