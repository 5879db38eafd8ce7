//! The journal's records, parsed, and the values the tests read from them.

use super::*;

/// The journal's records in order: one line of DICOM audit XML each.
pub(super) fn journal_lines(journal: &Path) -> Vec<String> {
    xcgate_tests::journal_text(journal)
        .lines()
        .map(str::to_string)
        .collect()
}

/// One parsed record.
#[derive(Debug)]
pub(super) struct Record {
    pub(super) line: String,
    pub(super) root: Element,
}

impl Record {
    pub(super) fn parse(line: &str) -> Record {
        let root = xml::parse(line.as_bytes())
            .unwrap_or_else(|e| panic!("a journal record is not well-formed XML ({e}): {line}"));
        check_dicom_structure(&root, line);
        Record {
            line: line.to_string(),
            root,
        }
    }

    pub(super) fn event(&self) -> &Element {
        self.root.child("", "EventIdentification").unwrap()
    }

    /// (EventID code, EventActionCode, EventTypeCode code, EventOutcomeIndicator).
    pub(super) fn codes(&self) -> (String, String, String, String) {
        let e = self.event();
        (
            code(e.child("", "EventID").unwrap()),
            e.attr("EventActionCode").unwrap().to_string(),
            code(e.child("", "EventTypeCode").unwrap()),
            e.attr("EventOutcomeIndicator").unwrap().to_string(),
        )
    }

    pub(super) fn transaction(&self) -> String {
        self.codes().2
    }

    pub(super) fn outcome(&self) -> String {
        self.codes().3
    }

    /// The ActiveParticipant with RoleIDCode `role` (110153 source, 110152 destination).
    pub(super) fn participant(&self, role: &str) -> &Element {
        let mut found = self
            .root
            .children_named("", "ActiveParticipant")
            .filter(|p| {
                p.children_named("", "RoleIDCode")
                    .any(|r| r.attr("csd-code") == Some(role))
            });
        let p = found
            .next()
            .unwrap_or_else(|| panic!("no ActiveParticipant with role {role}: {}", self.line));
        assert!(
            found.next().is_none(),
            "two with role {role}: {}",
            self.line
        );
        p
    }

    pub(super) fn source(&self) -> &Element {
        self.participant("110153")
    }

    pub(super) fn destination(&self) -> &Element {
        self.participant("110152")
    }

    /// ParticipantObjectIdentification with (TypeCode, TypeCodeRole).
    pub(super) fn objects(&self, type_code: &str, role: &str) -> Vec<&Element> {
        self.root
            .children_named("", "ParticipantObjectIdentification")
            .filter(|o| {
                o.attr("ParticipantObjectTypeCode") == Some(type_code)
                    && o.attr("ParticipantObjectTypeCodeRole") == Some(role)
            })
            .collect()
    }

    /// Patient objects (1/1): their CX ids.
    pub(super) fn patients(&self) -> Vec<String> {
        self.objects("1", "1")
            .iter()
            .map(|o| {
                assert_eq!(
                    code(o.child("", "ParticipantObjectIDTypeCode").unwrap()),
                    "2"
                );
                o.attr("ParticipantObjectID").unwrap().to_string()
            })
            .collect()
    }

    /// The one Query Parameters object (2/24).
    pub(super) fn query(&self) -> &Element {
        let q = self.objects("2", "24");
        assert_eq!(q.len(), 1, "one query object: {}", self.line);
        q[0]
    }

    /// Document objects (2/3): (DocumentUniqueId, details).
    pub(super) fn documents(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.objects("2", "3")
            .iter()
            .map(|o| {
                assert_eq!(
                    code(o.child("", "ParticipantObjectIDTypeCode").unwrap()),
                    "9"
                );
                (
                    o.attr("ParticipantObjectID").unwrap().to_string(),
                    details(o),
                )
            })
            .collect()
    }

    pub(super) fn audit_source_id(&self) -> (Option<String>, String) {
        let s = self.root.child("", "AuditSourceIdentification").unwrap();
        (
            s.attr("AuditEnterpriseSiteID").map(str::to_string),
            s.attr("AuditSourceID").unwrap().to_string(),
        )
    }
}

pub(super) fn code(coded: &Element) -> String {
    coded.attr("csd-code").unwrap().to_string()
}

/// (type, decoded value) of each ParticipantObjectDetail.
pub(super) fn details(object: &Element) -> Vec<(String, String)> {
    object
        .children_named("", "ParticipantObjectDetail")
        .map(|d| {
            let value = base64::decode(d.attr("value").unwrap()).unwrap();
            (
                d.attr("type").unwrap().to_string(),
                String::from_utf8(value).unwrap(),
            )
        })
        .collect()
}

/// The decoded ParticipantObjectQuery of a query object.
pub(super) fn query_bytes(query: &Element) -> Vec<u8> {
    let text = query.child("", "ParticipantObjectQuery").unwrap().text();
    base64::decode(text.trim()).expect("ParticipantObjectQuery is base64")
}

/// The single record a request wrote, with its EventID, EventActionCode, EventTypeCode
/// and EventOutcomeIndicator checked.
pub(super) fn the_one(
    records: Vec<Record>,
    [event, action, transaction, outcome]: [&str; 4],
) -> Record {
    assert_eq!(records.len(), 1, "{records:#?}");
    let r = records.into_iter().next().expect("one record");
    assert_eq!(
        r.codes(),
        (
            event.into(),
            action.into(),
            transaction.into(),
            outcome.into()
        ),
        "{}",
        r.line
    );
    r
}
