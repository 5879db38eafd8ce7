//! The field-by-field check of a DICOM audit message (there is no schema to run).

use super::*;

/// DICOM PS3.15 A.5.1 `AuditMessage`, checked field by field (there is no schema to run):
/// element order EventIdentification, ActiveParticipant+, AuditSourceIdentification,
/// ParticipantObjectIdentification*; required attributes; enumerated values; every coded
/// value has csd-code, codeSystemName and originalText; Query and Detail values are base64.
pub(super) fn check_dicom_structure(root: &Element, line: &str) {
    let fail = |what: &str| -> ! { panic!("not a DICOM audit message: {what}\n{line}") };
    if root.local != "AuditMessage" || !root.ns.is_empty() {
        fail("root is not AuditMessage (no namespace)");
    }
    let names: Vec<&str> = root.elements().map(|e| e.local.as_str()).collect();
    let participants = names
        .iter()
        .skip(1)
        .take_while(|n| **n == "ActiveParticipant")
        .count();
    let objects = names
        .iter()
        .skip(2 + participants)
        .take_while(|n| **n == "ParticipantObjectIdentification")
        .count();
    if names.first() != Some(&"EventIdentification")
        || participants == 0
        || names.get(1 + participants) != Some(&"AuditSourceIdentification")
        || names.len() != 2 + participants + objects
    {
        fail(&format!("element order {names:?}"));
    }
    let coded_ok = |e: &Element| {
        ["csd-code", "codeSystemName", "originalText"]
            .iter()
            .all(|a| e.attr(a).is_some_and(|v| !v.is_empty()))
    };

    let event = root.child("", "EventIdentification").unwrap();
    if !matches!(
        event.attr("EventActionCode"),
        Some("C" | "R" | "U" | "D" | "E")
    ) {
        fail("EventActionCode");
    }
    if !matches!(
        event.attr("EventOutcomeIndicator"),
        Some("0" | "4" | "8" | "12")
    ) {
        fail("EventOutcomeIndicator");
    }
    // xs:dateTime, UTC with milliseconds as written: 2026-12-04T13:48:48.123Z.
    let t = event
        .attr("EventDateTime")
        .unwrap_or_else(|| fail("EventDateTime"));
    let shape_ok = t.len() == 24
        && t.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == '.',
            23 => c == 'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        fail("EventDateTime is not xs:dateTime (UTC)");
    }
    let event_children: Vec<&str> = event.elements().map(|e| e.local.as_str()).collect();
    if event_children.first() != Some(&"EventID")
        || !event_children
            .iter()
            .skip(1)
            .all(|n| matches!(*n, "EventTypeCode" | "EventOutcomeDescription"))
        || !event
            .elements()
            .filter(|e| e.local != "EventOutcomeDescription")
            .all(coded_ok)
    {
        fail("EventIdentification children");
    }

    let mut requestors = 0;
    for p in root.children_named("", "ActiveParticipant") {
        if p.attr("UserID").is_none_or(str::is_empty) {
            fail("ActiveParticipant without UserID");
        }
        match p.attr("UserIsRequestor") {
            Some("true") => requestors += 1,
            Some("false") => {}
            _ => fail("UserIsRequestor is not a boolean"),
        }
        if p.attr("NetworkAccessPointID").is_some()
            != p.attr("NetworkAccessPointTypeCode").is_some()
            || !matches!(
                p.attr("NetworkAccessPointTypeCode"),
                None | Some("1" | "2" | "3" | "4" | "5")
            )
        {
            fail("NetworkAccessPointID / TypeCode");
        }
        if !p.elements().all(|e| e.local == "RoleIDCode" && coded_ok(e)) {
            fail("ActiveParticipant children");
        }
    }
    if requestors == 0 {
        fail("no ActiveParticipant is the requestor");
    }

    let source = root.child("", "AuditSourceIdentification").unwrap();
    if source.attr("AuditSourceID").is_none_or(str::is_empty)
        || !source
            .elements()
            .all(|e| e.local == "AuditSourceTypeCode" && coded_ok(e))
    {
        fail("AuditSourceIdentification");
    }

    for o in root.children_named("", "ParticipantObjectIdentification") {
        let type_ok = matches!(
            o.attr("ParticipantObjectTypeCode"),
            Some("1" | "2" | "3" | "4")
        );
        let role_ok = o
            .attr("ParticipantObjectTypeCodeRole")
            .and_then(|r| r.parse::<u8>().ok())
            .is_some_and(|r| (1..=24).contains(&r));
        if o.attr("ParticipantObjectID").is_none_or(str::is_empty) || !type_ok || !role_ok {
            fail("ParticipantObjectIdentification attributes");
        }
        let children: Vec<&Element> = o.elements().collect();
        if children.first().map(|e| e.local.as_str()) != Some("ParticipantObjectIDTypeCode")
            || !coded_ok(children[0])
        {
            fail("ParticipantObjectIDTypeCode first");
        }
        for c in &children[1..] {
            match c.local.as_str() {
                "ParticipantObjectQuery" => {
                    if base64::decode(c.text().trim()).is_err() {
                        fail("ParticipantObjectQuery is not base64");
                    }
                }
                "ParticipantObjectName" => {}
                "ParticipantObjectDetail" => {
                    if c.attr("type").is_none_or(str::is_empty)
                        || c.attr("value").is_none_or(|v| base64::decode(v).is_err())
                    {
                        fail("ParticipantObjectDetail type / base64 value");
                    }
                }
                other => fail(&format!("unexpected {other} in a participant object")),
            }
        }
        if o.children_named("", "ParticipantObjectQuery").count()
            + o.children_named("", "ParticipantObjectName").count()
            > 1
        {
            fail("ParticipantObjectName and ParticipantObjectQuery are a choice");
        }
    }
}
