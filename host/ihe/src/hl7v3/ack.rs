//! MCCI_IN000002UV01, the accept acknowledgement of the XCPD Deferred Response Option
//! [ITI TF-2 3.55.6.2, 3.55.4.1.3]: written by the responder that accepts (AA) or refuses
//! (AE) a deferred request, and by the initiator that receives the deferred answer; read
//! back by whoever sent the message it acknowledges.

use super::Hl7Error;
use super::datatypes::{read_ii, write_ii};
use super::response::{Party, write_wrapper_start};
use crate::xcpd::Ii;
use crate::xml::{Element, XmlWriter, ns::HL7};

/// Why a message is refused: `acknowledgementDetail` of an AE acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckDetail {
    pub code: String,
    pub display_name: String,
    pub text: String,
}

/// NS250 "Unsupported processing mode" [ITI TF-2 3.55.4.1.3].
pub fn unsupported_processing_mode(text: &str) -> AckDetail {
    AckDetail {
        code: "NS250".to_string(),
        display_name: "Unsupported processing mode".to_string(),
        text: text.to_string(),
    }
}

/// An accept acknowledgement of the message `target`: AA without `detail`, AE with it.
pub fn accept_ack(
    message_id: &Ii,
    creation_time: &str,
    target: &Ii,
    receiver: &Party,
    sender: &Party,
    detail: Option<&AckDetail>,
) -> String {
    let mut w = XmlWriter::with_capacity(1024);
    write_wrapper_start(
        &mut w,
        "MCCI_IN000002UV01",
        message_id,
        creation_time,
        "P",
        receiver,
        sender,
    );
    let code = if detail.is_some() { "AE" } else { "AA" };
    w.open("acknowledgement", &[])
        .empty("typeCode", &[("code", Some(code))])
        .open("targetMessage", &[]);
    write_ii(&mut w, "id", target);
    w.close("targetMessage");
    if let Some(d) = detail {
        w.open("acknowledgementDetail", &[("typeCode", Some("E"))])
            .empty(
                "code",
                &[
                    ("code", Some(d.code.as_str())),
                    ("displayName", Some(d.display_name.as_str())),
                ],
            )
            .leaf("text", &d.text)
            .close("acknowledgementDetail");
    }
    w.close("acknowledgement").close("MCCI_IN000002UV01");
    w.finish()
}

/// The accept acknowledgement that refuses a deferred request: `AE` with
/// `NS250` "Unsupported processing mode" [ITI TF-2 3.55.4.1.3].
pub fn accept_ack_not_supported(
    message_id: &Ii,
    creation_time: &str,
    target: &Ii,
    receiver: &Party,
    sender: &Party,
) -> String {
    let detail = unsupported_processing_mode(
        "this gateway answers ITI-55 synchronously; the Deferred Response Option is not supported",
    );
    accept_ack(
        message_id,
        creation_time,
        target,
        receiver,
        sender,
        Some(&detail),
    )
}

/// A received MCCI_IN000002UV01, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAck {
    /// `acknowledgement/typeCode/@code` (AA, AE, AR, CA, CE, CR).
    pub code: String,
    /// `acknowledgement/targetMessage/id`.
    pub target: Option<Ii>,
    /// The first `acknowledgementDetail/text`, when refused.
    pub text: Option<String>,
}

impl ParsedAck {
    /// True for an accept (`AA`, or `CA` the commit accept).
    pub fn accepted(&self) -> bool {
        matches!(self.code.as_str(), "AA" | "CA")
    }
}

/// Read an MCCI_IN000002UV01 Body element.
pub fn parse_ack(msg: &Element) -> Result<ParsedAck, Hl7Error> {
    if msg.ns != HL7 || msg.local != "MCCI_IN000002UV01" {
        return Err(Hl7Error::WrongMessage {
            expected: "MCCI_IN000002UV01",
            ns: msg.ns.clone(),
            local: msg.local.clone(),
        });
    }
    let ack = msg
        .child(HL7, "acknowledgement")
        .ok_or(Hl7Error::Missing("acknowledgement"))?;
    let code = ack
        .child(HL7, "typeCode")
        .and_then(|t| t.attr("code"))
        .ok_or(Hl7Error::Missing("acknowledgement/typeCode/@code"))?
        .to_string();
    Ok(ParsedAck {
        code,
        target: ack.path(HL7, &["targetMessage", "id"]).and_then(read_ii),
        text: ack
            .path(HL7, &["acknowledgementDetail", "text"])
            .and_then(Element::text_trimmed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party() -> Party {
        Party {
            device: Some(Ii::new("2.999.1", None)),
            home_community: Some("2.999".to_string()),
        }
    }

    #[test]
    fn an_accept_and_a_refusal_read_back_as_written() {
        let target = Ii::new("2.999.7", Some("m-1"));
        let aa = accept_ack(
            &Ii::new("2.999.2", None),
            "20261206120000+0000",
            &target,
            &party(),
            &party(),
            None,
        );
        let parsed = parse_ack(&crate::xml::parse(aa.as_bytes()).unwrap()).unwrap();
        assert!(parsed.accepted());
        assert_eq!(parsed.target, Some(target.clone()));
        let ae = accept_ack_not_supported(
            &Ii::new("2.999.2", None),
            "20261206120000+0000",
            &target,
            &party(),
            &party(),
        );
        let parsed = parse_ack(&crate::xml::parse(ae.as_bytes()).unwrap()).unwrap();
        assert!(!parsed.accepted());
        assert_eq!(parsed.code, "AE");
        assert!(parsed.text.unwrap().contains("synchronously"));
    }
}
