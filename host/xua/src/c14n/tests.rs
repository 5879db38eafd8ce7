//! Canonical forms written out by hand from the worked examples of [Exc-C14N §2.2] and
//! [C14N §3.3, §3.4], adapted where exclusive and inclusive canonicalization differ.

use super::{Options, canonicalize};
use crate::dom::{Doc, Id, parse};

type R = Result<(), Box<dyn std::error::Error>>;

fn find(doc: &Doc, local: &str) -> Result<Id, Box<dyn std::error::Error>> {
    doc.elems
        .iter()
        .position(|e| e.local == local)
        .ok_or_else(|| format!("no element {local}").into())
}

fn c14n_of(xml: &str, local: &str, opts: &Options) -> Result<String, Box<dyn std::error::Error>> {
    let doc = parse(xml)?;
    let id = find(&doc, local)?;
    Ok(canonicalize(&doc, id, opts))
}

const EXC_EXPECTED: &str = "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n     <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>\n  </n1:elem2>";

#[test]
fn exc_c14n_spec_example_first_document() -> R {
    let xml = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\">\n  <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n     <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n  </n1:elem2>\n</n0:local>";
    assert_eq!(c14n_of(xml, "elem2", &Options::default())?, EXC_EXPECTED);
    Ok(())
}

#[test]
fn exc_c14n_spec_example_second_document_gives_the_same_bytes() -> R {
    let xml = "<n2:pdu xmlns:n1=\"http://example.com\" xmlns:n2=\"http://foo.example\" xml:lang=\"fr\" xml:space=\"retain\">\n  <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">\n     <n3:stuff xmlns:n3=\"ftp://example.org\"/>\n  </n1:elem2>\n</n2:pdu>";
    assert_eq!(c14n_of(xml, "elem2", &Options::default())?, EXC_EXPECTED);
    Ok(())
}

#[test]
fn inclusive_prefix_list_renders_listed_ancestor_namespaces() -> R {
    let xml = "<r xmlns:ds=\"urn:ds\" xmlns:saml=\"urn:saml\" xmlns:x=\"urn:x\"><a><b/></a></r>";
    let opts = Options {
        inclusive: vec!["ds".into(), "saml".into(), "nope".into()],
        ..Options::default()
    };
    assert_eq!(
        c14n_of(xml, "a", &opts)?,
        "<a xmlns:ds=\"urn:ds\" xmlns:saml=\"urn:saml\"><b></b></a>"
    );
    assert_eq!(c14n_of(xml, "a", &Options::default())?, "<a><b></b></a>");
    Ok(())
}

#[test]
fn start_end_tags_and_namespace_rules() -> R {
    let xml = r#"<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>"#;
    let expected = r#"<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6>
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9></e9>
         </e8>
      </e7>
   </e6>
</doc>"#;
    assert_eq!(c14n_of(xml, "doc", &Options::default())?, expected);
    Ok(())
}

#[test]
fn character_modifications_and_references() -> R {
    let xml = "<doc>\r\n   <text>First line&#x0d;&#10;Second line</text>\r\n   <value>&#x32;</value>\n   <compute><![CDATA[value>\"0\" && value<\"10\" ?\"valid\":\"error\"]]></compute>\n   <compute expr='value>\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"'>valid</compute>\n   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>\n   <normNames attr='   A   &#x20;&#13;&#xa;&#9;   B   '/>\n   <lit a='x\r\ny\tz'/>\n</doc>";
    let expected = "<doc>\n   <text>First line&#xD;\nSecond line</text>\n   <value>2</value>\n   <compute>value&gt;\"0\" &amp;&amp; value&lt;\"10\" ?\"valid\":\"error\"</compute>\n   <compute expr=\"value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;\">valid</compute>\n   <norm attr=\" '    &#xD;&#xA;&#x9;   ' \"></norm>\n   <normNames attr=\"   A    &#xD;&#xA;&#x9;   B   \"></normNames>\n   <lit a=\"x y z\"></lit>\n</doc>";
    assert_eq!(c14n_of(xml, "doc", &Options::default())?, expected);
    Ok(())
}

#[test]
fn comments_only_with_comments() -> R {
    let xml = "<doc><!-- one --><a>t<!--two-->u</a><?pi  data?></doc>";
    assert_eq!(
        c14n_of(xml, "doc", &Options::default())?,
        "<doc><a>tu</a><?pi data?></doc>"
    );
    let with = Options {
        with_comments: true,
        ..Options::default()
    };
    assert_eq!(
        c14n_of(xml, "doc", &with)?,
        "<doc><!-- one --><a>t<!--two-->u</a><?pi data?></doc>"
    );
    Ok(())
}

#[test]
fn default_namespace_from_ancestor_and_excluded_subtree() -> R {
    let xml = "<Envelope xmlns=\"urn:env\" xmlns:u=\"urn:unused\"><Body><x:A xmlns:x=\"urn:x\" ID=\"1\"> <Sig><In/></Sig> <B/></x:A></Body></Envelope>";
    let doc = parse(xml)?;
    let a = find(&doc, "A")?;
    let sig = find(&doc, "Sig")?;
    let opts = Options {
        exclude: Some(sig),
        ..Options::default()
    };
    assert_eq!(
        canonicalize(&doc, a, &opts),
        "<x:A xmlns:x=\"urn:x\" ID=\"1\">  <B xmlns=\"urn:env\"></B></x:A>"
    );
    Ok(())
}

#[test]
fn attribute_prefix_is_visibly_utilized_but_xml_prefix_is_never_declared() -> R {
    let xml =
        "<r xmlns:xsi=\"urn:xsi\" xmlns:p=\"urn:p\"><v xsi:type=\"p:T\" xml:lang=\"no\"/></r>";
    assert_eq!(
        c14n_of(xml, "v", &Options::default())?,
        "<v xmlns:xsi=\"urn:xsi\" xml:lang=\"no\" xsi:type=\"p:T\"></v>"
    );
    Ok(())
}
