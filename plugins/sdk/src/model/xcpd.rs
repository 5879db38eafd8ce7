//! XCPD records between the WIT types and the message model (`crate::ihe::xcpd`): the
//! guest-side mirror of the host's `plugin/convert.rs`, in the other direction.

use crate::ihe::xcpd as m;
use crate::xcpd::{Address, PatientMatch, PatientQuery, PersonName, Telecom};
use crate::{InstanceId, RequestedAttribute};

fn ii_out(i: &InstanceId) -> m::Ii {
    m::Ii {
        root: i.root.clone(),
        extension: i.extension.clone(),
    }
}

fn ii_in(i: m::Ii) -> InstanceId {
    InstanceId {
        root: i.root,
        extension: i.extension,
    }
}

fn name_out(n: &PersonName) -> m::PersonName {
    m::PersonName {
        family: n.family.clone(),
        given: n.given.clone(),
        prefix: n.prefix.clone(),
        suffix: n.suffix.clone(),
        name_use: n.name_use.clone(),
    }
}

fn name_in(n: m::PersonName) -> PersonName {
    PersonName {
        family: n.family,
        given: n.given,
        prefix: n.prefix,
        suffix: n.suffix,
        name_use: n.name_use,
    }
}

fn address_out(a: &Address) -> m::Address {
    m::Address {
        street_lines: a.street_lines.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        address_use: a.address_use.clone(),
    }
}

fn address_in(a: m::Address) -> Address {
    Address {
        street_lines: a.street_lines,
        city: a.city,
        state: a.state,
        postal_code: a.postal_code,
        country: a.country,
        address_use: a.address_use,
    }
}

fn telecom_out(t: &Telecom) -> m::Telecom {
    m::Telecom {
        value: t.value.clone(),
        telecom_use: t.telecom_use.clone(),
    }
}

fn telecom_in(t: m::Telecom) -> Telecom {
    Telecom {
        value: t.value,
        telecom_use: t.telecom_use,
    }
}

/// The query to forward: every parameter the initiator gave [ITI TF-2 3.55.4.1.2]. The
/// assigning authority for a reverse query is the initiator's when it named one, else
/// `fallback_authority` (our `assigning_authority` setting).
pub fn query_out(q: &PatientQuery, fallback_authority: Option<&str>) -> m::PatientQuery {
    m::PatientQuery {
        names: q.names.iter().map(name_out).collect(),
        birth_time: q.birth_time.as_ref().map(|b| m::TimeQuery {
            value: b.value.clone(),
            low: b.low.clone(),
            high: b.high.clone(),
        }),
        gender: q.gender.clone(),
        ids: q.ids.iter().map(ii_out).collect(),
        addresses: q.addresses.iter().map(address_out).collect(),
        telecoms: q.telecoms.iter().map(telecom_out).collect(),
        mothers_maiden_name: q.mothers_maiden_name.as_ref().map(name_out),
        birth_place_address: q.birth_place_address.as_ref().map(address_out),
        birth_place_name: q.birth_place_name.clone(),
        principal_care_provider_ids: q.principal_care_provider_ids.iter().map(ii_out).collect(),
        match_algorithm: q.match_algorithm.clone(),
        minimum_degree_match: q.minimum_degree_match,
        reverse_query_assigning_authority: q
            .reverse_query_assigning_authority
            .clone()
            .or_else(|| fallback_authority.map(str::to_string)),
    }
}

/// One registrationEvent as a match. `home_community_id` is the custodian's, as the
/// responder stated it [ITI TF-2 3.55.4.2.2.4]; `None` (custodian without id, a CONNECT
/// deviation [host/ihe/README.md, "What real peers send"]) lets the host use the community called.
pub fn match_in(p: m::PatientMatch) -> PatientMatch {
    PatientMatch {
        patient_id: ii_in(p.patient_id),
        other_ids: p.other_ids.into_iter().map(ii_in).collect(),
        names: p.names.into_iter().map(name_in).collect(),
        gender: p.gender,
        birth_time: p.birth_time,
        addresses: p.addresses.into_iter().map(address_in).collect(),
        telecoms: p.telecoms.into_iter().map(telecom_in).collect(),
        mothers_maiden_name: p.mothers_maiden_name.map(name_in),
        match_quality: p.match_quality.map(|q| q.min(100)),
        home_community_id: p.home_community_id,
        extensions: vec![],
    }
}

/// A Case 3 trigger [ITI TF-2 Table 3.55.4.2.2.6-1].
pub fn attribute_in(a: m::RequestedAttribute) -> RequestedAttribute {
    match a {
        m::RequestedAttribute::AdministrativeGender => RequestedAttribute::AdministrativeGender,
        m::RequestedAttribute::PatientAddress => RequestedAttribute::PatientAddress,
        m::RequestedAttribute::PatientTelecom => RequestedAttribute::PatientTelecom,
        m::RequestedAttribute::BirthPlaceName => RequestedAttribute::BirthPlaceName,
        m::RequestedAttribute::BirthPlaceAddress => RequestedAttribute::BirthPlaceAddress,
        m::RequestedAttribute::MothersMaidenName => RequestedAttribute::MothersMaidenName,
    }
}
