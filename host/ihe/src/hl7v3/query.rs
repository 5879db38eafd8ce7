//! PRPA_IN201305UV02: the ITI-55 query [ITI TF-2 3.55.4.1.2].

use super::datatypes::{
    read_address, read_ii, read_name, read_telecom, write_address, write_ii, write_name,
    write_telecom,
};
use super::{Hl7Error, bare_oid, ids};
use crate::xcpd::{Ii, PatientQuery, TimeQuery};
use crate::xml::{Element, XmlWriter, ns::HL7};

/// responsePriorityCode [ITI TF-2 Table 3.55.4.1.2.2-1].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// `I`: answer now.
    Immediate,
    /// `D`: Deferred Response Option [ITI TF-2 3.55.6.2].
    Deferred,
}

/// A parsed PRPA_IN201305UV02.
#[derive(Debug, Clone)]
pub struct DiscoveryRequest {
    /// The message id (`PRPA_IN201305UV02/id`), echoed in `acknowledgement/targetMessage`.
    pub message_id: Ii,
    /// `sender/device/id`.
    pub sender_device: Option<Ii>,
    /// The sender's homeCommunityId, bare OID (`sender/device/asAgent/representedOrganization/id/@root`).
    pub sender_home_community: Option<String>,
    /// `receiver/device/id`.
    pub receiver_device: Option<Ii>,
    pub receiver_home_community: Option<String>,
    /// `processingCode` (P production, T training, D debugging), mirrored in the answer.
    pub processing_code: Option<String>,
    pub query_id: Ii,
    pub priority: Priority,
    /// `respondTo/telecom/@value`, the deferred-response endpoint.
    pub respond_to: Option<String>,
    pub query: PatientQuery,
    /// The request's `queryByParameter`, echoed in the answer [ITI TF-2 3.55.4.2.2].
    pub query_by_parameter: Element,
}

fn device_ids(msg: &Element, party: &str) -> (Option<Ii>, Option<String>) {
    let device = msg.path(HL7, &[party, "device"]);
    let id = device.and_then(|d| d.child(HL7, "id")).and_then(read_ii);
    let hcid = device
        .and_then(|d| d.path(HL7, &["asAgent", "representedOrganization", "id"]))
        .and_then(read_ii)
        .map(|ii| bare_oid(&ii.root).to_string());
    (id, hcid)
}

fn values<'a>(list: &'a Element, param: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
    list.children_named(HL7, param)
        .flat_map(|p| p.children_named(HL7, "value"))
}

fn time_query(v: &Element) -> TimeQuery {
    let attr = |el: Option<&Element>| {
        el.and_then(|e| e.attr("value"))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    // An IVL<TS> may also be written as its centre [HL7 V3 Data Types, IVL]: the point.
    TimeQuery {
        value: attr(Some(v)).or_else(|| attr(v.child(HL7, "center"))),
        low: attr(v.child(HL7, "low")),
        high: attr(v.child(HL7, "high")),
    }
}

/// Read the query parameters of a `queryByParameter`.
fn read_parameters(
    qbp: &Element,
    author_authority: Option<String>,
) -> Result<PatientQuery, Hl7Error> {
    let mut q = PatientQuery {
        reverse_query_assigning_authority: author_authority,
        ..PatientQuery::default()
    };
    if let Some(list) = qbp.child(HL7, "parameterList") {
        q.names = values(list, "livingSubjectName")
            .map(read_name)
            .filter(|n| !n.is_empty())
            .collect();
        q.birth_time = values(list, "livingSubjectBirthTime")
            .map(time_query)
            .next();
        q.gender = values(list, "livingSubjectAdministrativeGender")
            .filter_map(|v| v.attr("code"))
            .map(|c| c.trim().to_string())
            .find(|c| !c.is_empty());
        q.ids = values(list, "livingSubjectId")
            .filter_map(read_ii)
            .collect();
        q.addresses = values(list, "patientAddress").map(read_address).collect();
        q.telecoms = values(list, "patientTelecom")
            .filter_map(read_telecom)
            .collect();
        q.mothers_maiden_name = values(list, "mothersMaidenName")
            .map(read_name)
            .find(|n| !n.is_empty());
        q.birth_place_address = values(list, "livingSubjectBirthPlaceAddress")
            .map(read_address)
            .next();
        q.birth_place_name = values(list, "livingSubjectBirthPlaceName")
            .find_map(|v| read_name(v).family.into_iter().next());
        q.principal_care_provider_ids = values(list, "principalCareProviderId")
            .filter_map(read_ii)
            .collect();
    }
    if let Some(criteria) = qbp.child(HL7, "matchCriterionList") {
        q.match_algorithm = criteria
            .path(HL7, &["matchAlgorithm", "value"])
            .and_then(Element::text_trimmed);
        if let Some(v) = criteria
            .path(HL7, &["minimumDegreeMatch", "value"])
            .and_then(|v| v.attr("value"))
        {
            let n: u8 =
                v.trim()
                    .parse()
                    .ok()
                    .filter(|n| *n <= 100)
                    .ok_or_else(|| Hl7Error::Invalid {
                        path: "minimumDegreeMatch/value/@value",
                        reason: format!("`{}` is not an integer from 0 to 100", v.trim()),
                    })?;
            q.minimum_degree_match = Some(n);
        }
    }
    Ok(q)
}

/// Parse a PRPA_IN201305UV02 (the Body payload).
///
/// Lenient where real initiators deviate harmlessly (codeSystemName instead of codeSystem,
/// processingModeCode `I`), strict where the answer would be wrong without it: a message id
/// and a queryByParameter with a queryId are required, and a query needs either an
/// identifier or a name [ITI TF-2 3.55.4.1.2.1].
pub fn parse_query(msg: &Element) -> Result<DiscoveryRequest, Hl7Error> {
    if !msg.is(HL7, "PRPA_IN201305UV02") {
        return Err(Hl7Error::WrongMessage {
            expected: "PRPA_IN201305UV02",
            ns: msg.ns.clone(),
            local: msg.local.clone(),
        });
    }
    let message_id = msg
        .child(HL7, "id")
        .and_then(read_ii)
        .ok_or(Hl7Error::Missing("PRPA_IN201305UV02/id/@root"))?;
    let (sender_device, sender_home_community) = device_ids(msg, "sender");
    let (receiver_device, receiver_home_community) = device_ids(msg, "receiver");
    let cap = msg
        .child(HL7, "controlActProcess")
        .ok_or(Hl7Error::Missing("controlActProcess"))?;
    let author_authority = cap
        .path(HL7, &["authorOrPerformer", "assignedDevice", "id"])
        .and_then(read_ii)
        .map(|ii| ii.root);
    let qbp = cap
        .child(HL7, "queryByParameter")
        .ok_or(Hl7Error::Missing("controlActProcess/queryByParameter"))?;
    let query_id = qbp
        .child(HL7, "queryId")
        .and_then(read_ii)
        .ok_or(Hl7Error::Missing("queryByParameter/queryId/@root"))?;
    let priority = match qbp
        .child(HL7, "responsePriorityCode")
        .and_then(|c| c.attr("code"))
        .map(str::trim)
    {
        Some("D") => Priority::Deferred,
        Some("I") | None => Priority::Immediate,
        Some(other) => {
            return Err(Hl7Error::Invalid {
                path: "queryByParameter/responsePriorityCode/@code",
                reason: format!("`{other}` is neither I (immediate) nor D (deferred)"),
            });
        }
    };
    let respond_to = msg
        .path(HL7, &["respondTo", "telecom"])
        .and_then(|t| t.attr("value"))
        .map(|v| v.trim().to_string());
    let query = read_parameters(qbp, author_authority)?;
    if query.ids.is_empty() && query.names.is_empty() {
        return Err(Hl7Error::Invalid {
            path: "queryByParameter/parameterList",
            reason: "a query needs LivingSubjectId or LivingSubjectName (with LivingSubjectBirthTime) [ITI TF-2 3.55.4.1.2.1]".into(),
        });
    }
    Ok(DiscoveryRequest {
        message_id,
        sender_device,
        sender_home_community,
        receiver_device,
        receiver_home_community,
        processing_code: msg
            .child(HL7, "processingCode")
            .and_then(|c| c.attr("code"))
            .map(|c| c.trim().to_string()),
        query_id,
        priority,
        respond_to,
        query,
        query_by_parameter: qbp.clone(),
    })
}

/// Builds a PRPA_IN201305UV02 (for adapters that call a standard responding gateway, and
/// for tests) with the wrapper values of [ITI TF-2 Table 3.55.4.1.2.3-1].
#[derive(Debug, Clone)]
pub struct QueryBuilder<'a> {
    pub message_id: Ii,
    pub creation_time: &'a str,
    pub sender_device: Ii,
    /// Our homeCommunityId (any form; written as a bare OID).
    pub sender_home_community: &'a str,
    pub receiver_device: Ii,
    pub receiver_home_community: Option<&'a str>,
    pub query_id: Ii,
    pub query: &'a PatientQuery,
}

impl QueryBuilder<'_> {
    /// The PRPA_IN201305UV02 element, declaring the HL7 namespace.
    pub fn build(&self) -> String {
        let q = self.query;
        let mut w = XmlWriter::with_capacity(2048);
        w.open(
            "PRPA_IN201305UV02",
            &[
                ("xmlns", Some(crate::xml::ns::HL7)),
                ("xmlns:xsi", Some(crate::xml::ns::XSI)),
                ("ITSVersion", Some("XML_1.0")),
            ],
        );
        write_ii(&mut w, "id", &self.message_id);
        w.empty("creationTime", &[("value", Some(self.creation_time))]);
        w.empty(
            "interactionId",
            &[
                ("root", Some(ids::INTERACTION)),
                ("extension", Some("PRPA_IN201305UV02")),
            ],
        );
        w.empty("processingCode", &[("code", Some("P"))]);
        w.empty("processingModeCode", &[("code", Some("T"))]);
        w.empty("acceptAckCode", &[("code", Some("AL"))]);
        let receiver_hcid = self
            .receiver_home_community
            .map(|h| Ii::new(bare_oid(h), None));
        write_device(
            &mut w,
            "receiver",
            "RCV",
            Some(&self.receiver_device),
            receiver_hcid.as_ref(),
        );
        write_device(
            &mut w,
            "sender",
            "SND",
            Some(&self.sender_device),
            Some(&Ii::new(bare_oid(self.sender_home_community), None)),
        );
        w.open(
            "controlActProcess",
            &[("classCode", Some("CACT")), ("moodCode", Some("EVN"))],
        );
        w.empty(
            "code",
            &[
                ("code", Some("PRPA_TE201305UV02")),
                ("codeSystem", Some(ids::INTERACTION)),
            ],
        );
        if let Some(aa) = &q.reverse_query_assigning_authority {
            w.open("authorOrPerformer", &[("typeCode", Some("AUT"))])
                .open("assignedDevice", &[("classCode", Some("ASSIGNED"))])
                .empty("id", &[("root", Some(aa))])
                .close("assignedDevice")
                .close("authorOrPerformer");
        }
        w.open("queryByParameter", &[]);
        write_ii(&mut w, "queryId", &self.query_id);
        w.empty("statusCode", &[("code", Some("new"))]);
        w.empty("responseModalityCode", &[("code", Some("R"))]);
        w.empty("responsePriorityCode", &[("code", Some("I"))]);
        if q.match_algorithm.is_some() || q.minimum_degree_match.is_some() {
            w.open("matchCriterionList", &[]);
            if let Some(a) = &q.match_algorithm {
                w.open("matchAlgorithm", &[])
                    .open("value", &[("xsi:type", Some("ST"))])
                    .text(a)
                    .close("value");
                w.leaf("semanticsText", "LivingSubject.MatchAlgorithm")
                    .close("matchAlgorithm");
            }
            if let Some(m) = q.minimum_degree_match {
                w.open("minimumDegreeMatch", &[]).empty(
                    "value",
                    &[("xsi:type", Some("INT")), ("value", Some(&m.to_string()))],
                );
                w.leaf("semanticsText", "LivingSubject.minimumDegreeMatch")
                    .close("minimumDegreeMatch");
            }
            w.close("matchCriterionList");
        }
        w.open("parameterList", &[]);
        // Order of PRPA_MT201306UV02.ParameterList.
        if let Some(g) = &q.gender {
            param(
                &mut w,
                "livingSubjectAdministrativeGender",
                "LivingSubject.administrativeGender",
                |w| {
                    w.empty(
                        "value",
                        &[
                            ("code", Some(g)),
                            ("codeSystem", Some("2.16.840.1.113883.5.1")),
                        ],
                    );
                },
            );
        }
        if let Some(a) = &q.birth_place_address {
            param(
                &mut w,
                "livingSubjectBirthPlaceAddress",
                "LivingSubject.BirthPlace.Addr",
                |w| write_address(w, "value", a),
            );
        }
        if let Some(n) = &q.birth_place_name {
            param(
                &mut w,
                "livingSubjectBirthPlaceName",
                "LivingSubject.BirthPlace.Place.Name",
                |w| {
                    w.leaf("value", n);
                },
            );
        }
        if let Some(bt) = &q.birth_time {
            param(
                &mut w,
                "livingSubjectBirthTime",
                "LivingSubject.birthTime",
                |w| {
                    if bt.low.is_some() || bt.high.is_some() {
                        w.open("value", &[]);
                        if let Some(l) = &bt.low {
                            w.empty("low", &[("value", Some(l))]);
                        }
                        if let Some(h) = &bt.high {
                            w.empty("high", &[("value", Some(h))]);
                        }
                        w.close("value");
                    } else {
                        w.empty("value", &[("value", bt.value.as_deref())]);
                    }
                },
            );
        }
        for id in &q.ids {
            param(&mut w, "livingSubjectId", "LivingSubject.id", |w| {
                write_ii(w, "value", id)
            });
        }
        if !q.names.is_empty() {
            param(&mut w, "livingSubjectName", "LivingSubject.name", |w| {
                for n in &q.names {
                    write_name(w, "value", n);
                }
            });
        }
        if let Some(m) = &q.mothers_maiden_name {
            param(
                &mut w,
                "mothersMaidenName",
                "Person.MothersMaidenName",
                |w| write_name(w, "value", m),
            );
        }
        if !q.addresses.is_empty() {
            param(&mut w, "patientAddress", "Patient.addr", |w| {
                for a in &q.addresses {
                    write_address(w, "value", a);
                }
            });
        }
        if !q.telecoms.is_empty() {
            param(&mut w, "patientTelecom", "Patient.telecom", |w| {
                for t in &q.telecoms {
                    write_telecom(w, "value", t);
                }
            });
        }
        for id in &q.principal_care_provider_ids {
            param(
                &mut w,
                "principalCareProviderId",
                "AssignedProvider.id",
                |w| write_ii(w, "value", id),
            );
        }
        w.close("parameterList")
            .close("queryByParameter")
            .close("controlActProcess")
            .close("PRPA_IN201305UV02");
        w.finish()
    }
}

fn param(w: &mut XmlWriter, name: &str, semantics: &str, value: impl FnOnce(&mut XmlWriter)) {
    w.open(name, &[]);
    value(w);
    w.leaf("semanticsText", semantics);
    w.close(name);
}

pub(super) fn write_device(
    w: &mut XmlWriter,
    tag: &str,
    type_code: &str,
    id: Option<&Ii>,
    hcid: Option<&Ii>,
) {
    w.open(tag, &[("typeCode", Some(type_code))]);
    w.open(
        "device",
        &[
            ("classCode", Some("DEV")),
            ("determinerCode", Some("INSTANCE")),
        ],
    );
    match id {
        Some(id) if !id.root.is_empty() => write_ii(w, "id", id),
        // A device id is required [MCCI_MT000300UV01.Device]; say it is unknown.
        _ => {
            w.empty("id", &[("nullFlavor", Some("UNK"))]);
        }
    }
    if let Some(h) = hcid {
        w.open("asAgent", &[("classCode", Some("AGNT"))]).open(
            "representedOrganization",
            &[
                ("classCode", Some("ORG")),
                ("determinerCode", Some("INSTANCE")),
            ],
        );
        write_ii(w, "id", h);
        w.close("representedOrganization").close("asAgent");
    }
    w.close("device").close(tag);
}
