//! What a rule documents about a setting besides where it is: its default
//! by plan and region, and the sources of its facts with what each shows.
//! Parsed as strictly as the rest of the rule file (see `model`).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The platform's documented default for a setting, for the accounts it
/// names (every account when `plans` and `regions` are empty).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Default {
    pub value: String,
    /// Account tiers this default is for (ids from `[platform] plans`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<String>,
    /// Where this default holds: ISO 3166-1 alpha-2 codes, `EU`, `EEA`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// When a source documented it (YYYY-MM or YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `default = { … }` or `default = [{ … }, …]`; each entry of a list keeps
/// where it is written, so lint points at the entry, not the list.
#[derive(Debug, Clone)]
pub enum Defaults {
    One(Default),
    Many(Vec<Spanned<Default>>),
}

impl Defaults {
    pub fn entries(&self) -> Vec<Default> {
        match self {
            Defaults::One(d) => vec![d.clone()],
            Defaults::Many(v) => v.iter().map(|e| e.get_ref().clone()).collect(),
        }
    }

    /// Each entry with where it is written (`whole`: the whole value's span).
    pub fn spanned_entries(&self, whole: Range<usize>) -> Vec<(Default, Range<usize>)> {
        match self {
            Defaults::One(d) => vec![(d.clone(), whole)],
            Defaults::Many(v) => v.iter().map(|e| (e.get_ref().clone(), e.span())).collect(),
        }
    }
}

// By hand, not `untagged`: an untagged enum buffers its input and so loses
// the spans `Spanned` needs.
impl<'de> Deserialize<'de> for Defaults {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = Defaults;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a default `{ value = \"on\" }`, or a list of them by plan and region")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Defaults, A::Error> {
                Default::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Defaults::One)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Defaults, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<Spanned<Default>>()? {
                    entries.push(entry);
                }
                Ok(Defaults::Many(entries))
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// One source of a setting's facts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub url: Spanned<String>,
    pub kind: Spanned<SourceKind>,
    /// The facts this source shows: `label`, `page`, `control`, `default`, `since`.
    #[serde(default)]
    pub shows: Vec<Spanned<String>>,
    /// What the source says, briefly, where its URL does not make it plain.
    pub note: Option<String>,
}

/// How much a source can be trusted for a platform's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The platform's own help centre, policy, changelog, blog or code.
    FirstParty,
    /// A reputable outlet or a regulator.
    Press,
    /// Open-source code that automates or reproduces the setting.
    Code,
    /// Anything else: guides, forums, aggregators.
    Secondary,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::FirstParty => "first-party",
            SourceKind::Press => "press",
            SourceKind::Code => "code",
            SourceKind::Secondary => "secondary",
        }
    }
}
