use super::*;
use crate::xml::parse;

#[test]
fn a_subtree_is_rewritten_self_contained_whatever_its_prefixes() {
    let doc = parse(
        br#"<h:a xmlns:h="urn:hl7-org:v3" xmlns:x="http://www.w3.org/2001/XMLSchema-instance"><h:value x:type="h:PN" x:nil="false">A &amp; B</h:value><o:other xmlns:o="urn:other"/></h:a>"#,
    )
    .unwrap();
    let mut w = XmlWriter::default();
    w.element(&doc, "urn:hl7-org:v3");
    let out = w.finish();
    assert_eq!(
        out,
        r#"<a><value xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="PN" xsi:nil="false">A &amp; B</value><other xmlns="urn:other"/></a>"#
    );
    let back = parse(format!(r#"<r xmlns="urn:hl7-org:v3">{out}</r>"#).as_bytes()).unwrap();
    assert_eq!(back.elements().next().unwrap(), &doc);
}

#[test]
fn attribute_values_and_text_are_escaped() {
    let mut w = XmlWriter::default();
    w.open("a", &[("v", Some("\"<&>\n"))])
        .text("<&>")
        .close("a");
    let out = w.finish();
    let el = parse(out.as_bytes()).unwrap();
    assert_eq!(el.attr("v"), Some("\"<&>\n"));
    assert_eq!(el.text(), "<&>");
}

#[test]
fn characters_xml_cannot_carry_become_replacement_characters_and_the_output_parses() {
    let mut text = String::new();
    escape_text("a\u{0}b\u{1b}c\u{ffff}\td", &mut text);
    assert_eq!(text, "a\u{fffd}b\u{fffd}c\u{fffd}\td");
    let mut attr = String::new();
    escape_attr("x\u{8}y", &mut attr);
    assert_eq!(attr, "x\u{fffd}y");
    let doc = format!(r#"<r a="{attr}">{text}</r>"#);
    assert!(parse(doc.as_bytes()).is_ok());
}
