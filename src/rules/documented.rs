//! What a rule documents about a setting besides where it is: its default
//! by plan and region, and the sources of its facts with what each shows.
//! Parsed as strictly as the rest of the rule file (see `model`).

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

/// `default = { … }` or `default = [{ … }, …]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Defaults {
    One(Default),
    Many(Vec<Default>),
}

impl Defaults {
    pub fn entries(&self) -> Vec<Default> {
        match self {
            Defaults::One(d) => vec![d.clone()],
            Defaults::Many(v) => v.clone(),
        }
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
