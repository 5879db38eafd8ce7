//! A gateway for a test, built in words instead of an inline TOML preamble:
//!
//! ```ignore
//! let gw = gateway()
//!     .deadline("3s")
//!     .community("north", guests::DEMO_COMMUNITY)
//!     .community_with("late", guests::MISBEHAVING, |c| {
//!         c.timeout("300ms").setting("behaviour", "\"sleep\"")
//!     })
//!     .start()
//!     .await?;
//! ```
//!
//! Values are TOML (`"\"3s\""` for a string is spelled by the helpers that take one);
//! anything the builder has no word for goes in [`GatewayBuilder::toml`] (patients,
//! endpoints, `[gateway.xua]`).

use crate::TestGateway;

/// The `[gateway]` table and the communities of a test gateway. Listens on 127.0.0.1:0;
/// homeCommunityId `urn:oid:2.999.1` unless set; each community's is the gateway's plus
/// `.10`, `.20`, ... in the order added, unless set.
#[derive(Debug, Clone)]
pub struct GatewayBuilder {
    home: String,
    keys: Vec<(String, String)>,
    communities: Vec<Community>,
    extra: String,
}

/// One `[communities.<name>]` table.
#[derive(Debug, Clone)]
pub struct Community {
    name: String,
    plugin: String,
    home: Option<String>,
    keys: Vec<(String, String)>,
    patients: Vec<String>,
    documents: Vec<String>,
}

/// A patient a demo community holds (`settings.patients`).
#[derive(Debug, Clone, Copy)]
pub struct Patient<'a> {
    pub root: &'a str,
    pub extension: &'a str,
    pub family: &'a str,
    pub given: &'a str,
    pub gender: &'a str,
    pub birth_time: &'a str,
    /// Another id of hers (`other_ids`: root, extension), e.g. her hetu.
    pub other_id: Option<(&'a str, &'a str)>,
}

impl<'a> Patient<'a> {
    /// The patient with her Finnish hetu (OID 1.2.246.21) as another id.
    pub fn with_hetu(self, hetu: &'a str) -> Patient<'a> {
        Patient {
            other_id: Some(("1.2.246.21", hetu)),
            ..self
        }
    }
}

/// Aino Virtanen, born 1990-03-12, whom the tests' demographic queries look for; `root`
/// and `extension` are her id in the community.
pub fn aino<'a>(root: &'a str, extension: &'a str) -> Patient<'a> {
    Patient {
        root,
        extension,
        family: "Virtanen",
        given: "Aino",
        gender: "F",
        birth_time: "19900312",
        other_id: None,
    }
}

/// A test gateway to build.
pub fn gateway() -> GatewayBuilder {
    GatewayBuilder {
        home: "urn:oid:2.999.1".into(),
        keys: Vec::new(),
        communities: Vec::new(),
        extra: String::new(),
    }
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

impl GatewayBuilder {
    /// `gateway.home_community_id` (`urn:oid:` form).
    pub fn home_community_id(mut self, hcid: &str) -> Self {
        self.home = hcid.to_string();
        self
    }

    /// `gateway.deadline`, e.g. `"3s"`.
    pub fn deadline(self, deadline: &str) -> Self {
        self.set("deadline", &quoted(deadline))
    }

    /// `gateway.responding`: the communities fronted on `/responding`.
    pub fn responding(self, names: &[&str]) -> Self {
        let list: Vec<String> = names.iter().map(|n| quoted(n)).collect();
        self.set("responding", &format!("[{}]", list.join(", ")))
    }

    /// Any key of `[gateway]`, its value as TOML.
    pub fn set(mut self, key: &str, toml_value: &str) -> Self {
        self.keys.push((key.to_string(), toml_value.to_string()));
        self
    }

    /// A community served by `plugin` (a path; see [`crate::guests`]).
    pub fn community(self, name: &str, plugin: &str) -> Self {
        self.community_with(name, plugin, |c| c)
    }

    /// A community, shaped by `with`.
    pub fn community_with(
        mut self,
        name: &str,
        plugin: &str,
        with: impl FnOnce(Community) -> Community,
    ) -> Self {
        self.communities.push(with(Community {
            name: name.to_string(),
            plugin: plugin.to_string(),
            home: None,
            keys: Vec::new(),
            patients: Vec::new(),
            documents: Vec::new(),
        }));
        self
    }

    /// TOML appended after the communities (more tables).
    pub fn toml(mut self, text: &str) -> Self {
        self.extra.push('\n');
        self.extra.push_str(text);
        self
    }

    /// The config text.
    pub fn text(&self) -> String {
        let mut out = format!(
            "[gateway]\nlisten = \"127.0.0.1:0\"\nhome_community_id = {}\n",
            quoted(&self.home)
        );
        for (k, v) in &self.keys {
            out.push_str(&format!("{k} = {v}\n"));
        }
        for (i, c) in self.communities.iter().enumerate() {
            let home = c
                .home
                .clone()
                .unwrap_or_else(|| format!("{}.{}", self.home, (i + 1) * 10));
            out.push_str(&format!(
                "\n[communities.{}]\nhome_community_id = {}\nplugin = {}\n",
                c.name,
                quoted(&home),
                quoted(&c.plugin)
            ));
            for (k, v) in &c.keys {
                out.push_str(&format!("{k} = {v}\n"));
            }
            if !c.patients.is_empty() {
                out.push_str(&format!(
                    "settings.patients = [{}]\n",
                    c.patients.join(", ")
                ));
            }
            if !c.documents.is_empty() {
                out.push_str(&format!(
                    "settings.documents = [{}]\n",
                    c.documents.join(", ")
                ));
            }
        }
        out.push_str(&self.extra);
        out
    }

    /// Start it in this process, on a free port, with an audit journal of its own.
    pub async fn start(self) -> anyhow::Result<TestGateway> {
        TestGateway::start(&self.text()).await
    }
}

impl Community {
    /// Its homeCommunityId (`urn:oid:` form).
    pub fn home_community_id(mut self, hcid: &str) -> Self {
        self.home = Some(hcid.to_string());
        self
    }

    /// `timeout`, e.g. `"2s"`.
    pub fn timeout(self, timeout: &str) -> Self {
        self.set("timeout", &quoted(timeout))
    }

    /// Any key of the community's table, its value as TOML.
    pub fn set(mut self, key: &str, toml_value: &str) -> Self {
        self.keys.push((key.to_string(), toml_value.to_string()));
        self
    }

    /// A plugin setting (`settings.<key>`), its value as TOML.
    pub fn setting(self, key: &str, toml_value: &str) -> Self {
        self.set(&format!("settings.{key}"), toml_value)
    }

    /// A plugin setting whose value is a string.
    pub fn setting_str(self, key: &str, value: &str) -> Self {
        self.setting(key, &quoted(value))
    }

    /// A document of a demo community (`settings.documents`), e.g. [`visit_summary`].
    pub fn document(mut self, inline_table: String) -> Self {
        self.documents.push(inline_table);
        self
    }

    /// A patient of a demo community (`settings.patients`).
    pub fn patient(mut self, p: Patient<'_>) -> Self {
        let other_ids = p.other_id.map_or(String::new(), |(root, extension)| {
            format!(
                ", other_ids = [{{ root = {}, extension = {} }}]",
                quoted(root),
                quoted(extension)
            )
        });
        self.patients.push(format!(
            "{{ id = {{ root = {}, extension = {} }}, family = [{}], given = [{}], gender = {}, birth_time = {}{other_ids} }}",
            quoted(p.root),
            quoted(p.extension),
            quoted(p.family),
            quoted(p.given),
            quoted(p.gender),
            quoted(p.birth_time)
        ));
        self
    }
}

/// A plain-text visit summary of a demo community's patient (`settings.documents`), with
/// the metadata a DocumentEntry needs [ITI TF-3 4.2.3.2] as an inline TOML table.
pub fn visit_summary(patient: &str, unique_id: &str) -> String {
    format!(
        concat!(
            "{{ patient = {:?}, unique_id = {:?}, title = \"Käyntiyhteenveto\", ",
            "class_code = {{ code = \"34133-9\", scheme = \"2.16.840.1.113883.6.1\", display = \"Summary of episode note\" }}, ",
            "type_code = {{ code = \"34133-9\", scheme = \"2.16.840.1.113883.6.1\", display = \"Summary of episode note\" }}, ",
            "format_code = {{ code = \"urn:ihe:iti:xds:2017:mimeTypeSufficient\", scheme = \"1.3.6.1.4.1.19376.1.2.3\", display = \"mimeType Sufficient\" }}, ",
            "practice_setting = {{ code = \"394814009\", scheme = \"2.16.840.1.113883.6.96\", display = \"General practice\" }}, ",
            "healthcare_facility_type = {{ code = \"35971002\", scheme = \"2.16.840.1.113883.6.96\", display = \"Ambulatory care site\" }}, ",
            "confidentiality = \"N\", creation_time = \"20250114141500+0200\", language = \"fi-FI\", ",
            "mime_type = \"text/plain\", text = \"A visit.\" }}"
        ),
        patient, unique_id
    )
}
