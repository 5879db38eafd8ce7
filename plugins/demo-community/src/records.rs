//! The demo patient index, read from the community's `settings`.

use serde::Deserialize;
use xcgate_sdk::InstanceId;
use xcgate_sdk::xcpd::{Address, PersonName, Telecom};

/// An identifier as written in config: `{ root = "1.2.246.21", extension = "020516C903K" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdConfig {
    pub root: String,
    pub extension: Option<String>,
}

/// An address as written in config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressConfig {
    #[serde(default)]
    pub street_lines: Vec<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// One patient of the demo community.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientConfig {
    /// The id this community wants used in XCA queries (its own MRN).
    pub id: IdConfig,
    #[serde(default)]
    pub other_ids: Vec<IdConfig>,
    pub family: Vec<String>,
    pub given: Vec<String>,
    pub gender: Option<String>,
    pub birth_time: Option<String>,
    #[serde(default)]
    pub addresses: Vec<AddressConfig>,
    #[serde(default)]
    pub telecoms: Vec<String>,
    pub mothers_maiden_family: Option<String>,
}

/// A patient in the WIT types, ready to match and to return.
#[derive(Debug, Clone)]
pub struct Patient {
    pub id: InstanceId,
    pub other_ids: Vec<InstanceId>,
    pub name: PersonName,
    pub gender: Option<String>,
    pub birth_time: Option<String>,
    pub addresses: Vec<Address>,
    pub telecoms: Vec<Telecom>,
    pub mothers_maiden_name: Option<PersonName>,
}

/// The whole index plus the case-3 threshold.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub patients: Vec<Patient>,
    /// More candidates than this → ask the initiator for more attributes.
    pub max_matches: usize,
}

fn id(c: &IdConfig) -> InstanceId {
    InstanceId {
        root: c.root.clone(),
        extension: c.extension.clone(),
    }
}

fn person_name(family: &[String], given: &[String]) -> PersonName {
    PersonName {
        family: family.to_vec(),
        given: given.to_vec(),
        prefix: vec![],
        suffix: vec![],
        name_use: None,
    }
}

impl From<PatientConfig> for Patient {
    fn from(p: PatientConfig) -> Self {
        Patient {
            id: id(&p.id),
            other_ids: p.other_ids.iter().map(id).collect(),
            name: person_name(&p.family, &p.given),
            gender: p.gender,
            birth_time: p.birth_time,
            addresses: p
                .addresses
                .into_iter()
                .map(|a| Address {
                    street_lines: a.street_lines,
                    city: a.city,
                    state: a.state,
                    postal_code: a.postal_code,
                    country: a.country,
                    address_use: Some("H".into()),
                })
                .collect(),
            telecoms: p
                .telecoms
                .into_iter()
                .map(|value| Telecom {
                    value,
                    telecom_use: Some("HP".into()),
                })
                .collect(),
            mothers_maiden_name: p.mothers_maiden_family.map(|f| person_name(&[f], &[])),
        }
    }
}

/// Build the index from decoded settings.
pub fn index(patients: Vec<PatientConfig>, max_matches: Option<usize>) -> Index {
    Index {
        patients: patients.into_iter().map(Patient::from).collect(),
        max_matches: max_matches.unwrap_or(10),
    }
}

/// Read `settings.patients` (none: a community that holds no patient, and answers every
/// ITI-55 with no match) and `settings.max_matches` (default 10).
pub fn load() -> Result<Index, String> {
    let patients: Vec<PatientConfig> = xcgate_sdk::config::json("patients")?.unwrap_or_default();
    let max_matches = match xcgate_sdk::config::get("max_matches") {
        None => None,
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| format!("setting `max_matches` must be a whole number, got `{v}`"))?,
        ),
    };
    Ok(index(patients, max_matches))
}
