//! XCPD Cross Gateway Patient Discovery (ITI-55): the records and the trait an adapter
//! implements, with `Default` and builders for what it returns.
//!
//! ```
//! use xcgate_sdk::xcpd::{PatientMatch, PersonName};
//! use xcgate_sdk::InstanceId;
//! let m = PatientMatch::new(InstanceId::new("1.2.246.21", "010190-123A"))
//!     .name(PersonName::new("Virtanen", "Aino"))
//!     .gender("F")
//!     .birth_time("19900101");
//! assert_eq!(m.names[0].family, ["Virtanen"]);
//! ```

// The records are generated (wit-bindgen): `Default` is written out, not derived.
#![allow(clippy::derivable_impls)]

use crate::{AdapterError, CallContext, InstanceId, Slot};

pub use crate::__private::xcpd::xcgate::adapter::types::{
    Address, PatientMatch, PatientQuery, PersonName, Telecom, TimeQuery,
};

/// An adapter that answers ITI-55: register it with
/// [`register_patient_discovery!`](crate::register_patient_discovery).
pub trait PatientDiscovery {
    /// The patients of this community that match `query` [ITI TF-2 3.55.4.2.2]: an empty
    /// list for "no match", an [`AdapterError`] when the community cannot answer. Ask for
    /// more attributes with `AdapterError::MoreAttributesRequested` (XCPD Case 3).
    fn discover_patients(
        ctx: CallContext,
        query: PatientQuery,
    ) -> Result<Vec<PatientMatch>, AdapterError>;
}

/// An empty query: no demographics, no ids, no options. The gateway never sends one; it is
/// the start of a query built field by field (`PatientQuery { gender, ..Default::default() }`),
/// mostly in an adapter's unit tests.
impl Default for PatientQuery {
    fn default() -> Self {
        PatientQuery {
            names: vec![],
            birth_time: None,
            gender: None,
            ids: vec![],
            addresses: vec![],
            telecoms: vec![],
            mothers_maiden_name: None,
            birth_place_address: None,
            birth_place_name: None,
            principal_care_provider_ids: vec![],
            match_algorithm: None,
            minimum_degree_match: None,
            reverse_query_assigning_authority: None,
            extensions: vec![],
        }
    }
}

/// A match with an empty patient id: start from [`PatientMatch::new`] instead.
impl Default for PatientMatch {
    fn default() -> Self {
        PatientMatch {
            patient_id: InstanceId::default(),
            other_ids: vec![],
            names: vec![],
            gender: None,
            birth_time: None,
            addresses: vec![],
            telecoms: vec![],
            mothers_maiden_name: None,
            match_quality: None,
            home_community_id: None,
            extensions: vec![],
        }
    }
}

impl PatientMatch {
    /// A match for the patient this community knows as `patient_id`; the gateway fills the
    /// homeCommunityId from the community's config unless [`PatientMatch::home_community_id`]
    /// sets one.
    pub fn new(patient_id: InstanceId) -> PatientMatch {
        PatientMatch {
            patient_id,
            ..PatientMatch::default()
        }
    }

    /// Add a name (the first is the patient's legal name in the answer).
    pub fn name(mut self, name: PersonName) -> Self {
        self.names.push(name);
        self
    }

    /// Administrative gender, HL7 `AdministrativeGender` (`F`, `M`, `UN`).
    pub fn gender(mut self, code: impl Into<String>) -> Self {
        self.gender = Some(code.into());
        self
    }

    /// Birth time as an HL7 TS (`YYYYMMDD`).
    pub fn birth_time(mut self, ts: impl Into<String>) -> Self {
        self.birth_time = Some(ts.into());
        self
    }

    /// Another id of the same patient (e.g. the national id beside the local one).
    pub fn other_id(mut self, id: InstanceId) -> Self {
        self.other_ids.push(id);
        self
    }

    /// Add an address.
    pub fn address(mut self, address: Address) -> Self {
        self.addresses.push(address);
        self
    }

    /// Add a telecom (`tel:+358...`, `mailto:...`).
    pub fn telecom(mut self, telecom: Telecom) -> Self {
        self.telecoms.push(telecom);
        self
    }

    /// The mother's maiden name.
    pub fn mothers_maiden_name(mut self, name: PersonName) -> Self {
        self.mothers_maiden_name = Some(name);
        self
    }

    /// How sure the match is, 0–100 (the observation of [ITI TF-2 3.55.4.2.2.5]).
    pub fn match_quality(mut self, percent: u8) -> Self {
        self.match_quality = Some(percent.min(100));
        self
    }

    /// The homeCommunityId of the community that holds the patient, when it is not this
    /// community's own (an adapter fronting several).
    pub fn home_community_id(mut self, hcid: impl Into<String>) -> Self {
        self.home_community_id = Some(hcid.into());
        self
    }

    /// A named extension slot (see wit/README.md for the names the host reads).
    pub fn extension(mut self, name: impl Into<String>, values: Vec<String>) -> Self {
        self.extensions.push(Slot {
            name: name.into(),
            values,
        });
        self
    }
}

impl Default for PersonName {
    fn default() -> Self {
        PersonName {
            family: vec![],
            given: vec![],
            prefix: vec![],
            suffix: vec![],
            name_use: None,
        }
    }
}

impl PersonName {
    /// One family name and one given name.
    pub fn new(family: impl Into<String>, given: impl Into<String>) -> PersonName {
        PersonName {
            family: vec![family.into()],
            given: vec![given.into()],
            ..PersonName::default()
        }
    }

    /// Add a further given name.
    pub fn given(mut self, given: impl Into<String>) -> Self {
        self.given.push(given.into());
        self
    }
}

impl Default for Address {
    fn default() -> Self {
        Address {
            street_lines: vec![],
            city: None,
            state: None,
            postal_code: None,
            country: None,
            address_use: None,
        }
    }
}

impl Telecom {
    /// A telecom URL (`tel:`, `mailto:`) without a use code.
    pub fn new(value: impl Into<String>) -> Telecom {
        Telecom {
            value: value.into(),
            telecom_use: None,
        }
    }
}

impl Default for TimeQuery {
    fn default() -> Self {
        TimeQuery {
            value: None,
            low: None,
            high: None,
        }
    }
}
