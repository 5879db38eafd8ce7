//! Conversions between the message model (`xcgate_ihe::xcpd`) and the generated WIT types.

use super::bindings::xcgate::adapter::types as witt;
use super::bindings::xcgate::adapter::types as wit;
use crate::call::AdapterError;
use xcgate_ihe::xcpd as m;

pub fn ii_in(i: &m::Ii) -> witt::InstanceId {
    witt::InstanceId {
        root: i.root.clone(),
        extension: i.extension.clone(),
    }
}

pub fn ii_out(i: witt::InstanceId) -> m::Ii {
    m::Ii {
        root: i.root,
        extension: i.extension,
    }
}

fn name_in(n: &m::PersonName) -> wit::PersonName {
    wit::PersonName {
        family: n.family.clone(),
        given: n.given.clone(),
        prefix: n.prefix.clone(),
        suffix: n.suffix.clone(),
        name_use: n.name_use.clone(),
    }
}

fn name_out(n: wit::PersonName) -> m::PersonName {
    m::PersonName {
        family: n.family,
        given: n.given,
        prefix: n.prefix,
        suffix: n.suffix,
        name_use: n.name_use,
    }
}

fn address_in(a: &m::Address) -> wit::Address {
    wit::Address {
        street_lines: a.street_lines.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        address_use: a.address_use.clone(),
    }
}

fn address_out(a: wit::Address) -> m::Address {
    m::Address {
        street_lines: a.street_lines,
        city: a.city,
        state: a.state,
        postal_code: a.postal_code,
        country: a.country,
        address_use: a.address_use,
    }
}

fn telecom_in(t: &m::Telecom) -> wit::Telecom {
    wit::Telecom {
        value: t.value.clone(),
        telecom_use: t.telecom_use.clone(),
    }
}

fn telecom_out(t: wit::Telecom) -> m::Telecom {
    m::Telecom {
        value: t.value,
        telecom_use: t.telecom_use,
    }
}

pub fn query_in(q: &m::PatientQuery) -> wit::PatientQuery {
    wit::PatientQuery {
        names: q.names.iter().map(name_in).collect(),
        birth_time: q.birth_time.as_ref().map(|b| wit::TimeQuery {
            value: b.value.clone(),
            low: b.low.clone(),
            high: b.high.clone(),
        }),
        gender: q.gender.clone(),
        ids: q.ids.iter().map(ii_in).collect(),
        addresses: q.addresses.iter().map(address_in).collect(),
        telecoms: q.telecoms.iter().map(telecom_in).collect(),
        mothers_maiden_name: q.mothers_maiden_name.as_ref().map(name_in),
        birth_place_address: q.birth_place_address.as_ref().map(address_in),
        birth_place_name: q.birth_place_name.clone(),
        principal_care_provider_ids: q.principal_care_provider_ids.iter().map(ii_in).collect(),
        match_algorithm: q.match_algorithm.clone(),
        minimum_degree_match: q.minimum_degree_match,
        reverse_query_assigning_authority: q.reverse_query_assigning_authority.clone(),
        extensions: vec![],
    }
}

pub fn match_out(p: wit::PatientMatch) -> m::PatientMatch {
    m::PatientMatch {
        patient_id: ii_out(p.patient_id),
        other_ids: p.other_ids.into_iter().map(ii_out).collect(),
        names: p.names.into_iter().map(name_out).collect(),
        gender: p.gender,
        birth_time: p.birth_time,
        addresses: p.addresses.into_iter().map(address_out).collect(),
        telecoms: p.telecoms.into_iter().map(telecom_out).collect(),
        mothers_maiden_name: p.mothers_maiden_name.map(name_out),
        match_quality: p.match_quality.map(|q| q.min(100)),
        home_community_id: p.home_community_id,
        correlation_ttl: p
            .extensions
            .iter()
            .find(|s| s.name == m::CORRELATION_TTL_SLOT)
            .and_then(|s| s.values.first())
            .and_then(|v| xcgate_ihe::calendar::xs_duration_secs(v)),
    }
}

fn attribute_out(a: witt::RequestedAttribute) -> m::RequestedAttribute {
    match a {
        witt::RequestedAttribute::AdministrativeGender => {
            m::RequestedAttribute::AdministrativeGender
        }
        witt::RequestedAttribute::PatientAddress => m::RequestedAttribute::PatientAddress,
        witt::RequestedAttribute::PatientTelecom => m::RequestedAttribute::PatientTelecom,
        witt::RequestedAttribute::BirthPlaceName => m::RequestedAttribute::BirthPlaceName,
        witt::RequestedAttribute::BirthPlaceAddress => m::RequestedAttribute::BirthPlaceAddress,
        witt::RequestedAttribute::MothersMaidenName => m::RequestedAttribute::MothersMaidenName,
    }
}

pub fn error_out(e: witt::AdapterError) -> AdapterError {
    match e {
        witt::AdapterError::Unavailable(s) => AdapterError::Unavailable(s),
        witt::AdapterError::Busy(s) => AdapterError::Busy(s),
        witt::AdapterError::MoreAttributesRequested(a) => {
            AdapterError::MoreAttributesRequested(a.into_iter().map(attribute_out).collect())
        }
        witt::AdapterError::Unauthorized(s) => AdapterError::Unauthorized(s),
        witt::AdapterError::BadResponse(s) => AdapterError::BadResponse(s),
        witt::AdapterError::Internal(s) => AdapterError::Internal(s),
    }
}
