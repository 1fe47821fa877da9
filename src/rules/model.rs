//! The rule-file model: what `rules/<platform>.toml` may contain.
//!
//! Parsing is strict (`deny_unknown_fields` everywhere) so that a typo in a rule
//! is an error with a position, never a silently ignored key. Values that the
//! linter checks after parsing are `Spanned`, so every diagnostic can point at
//! the exact line and column. No `#[serde(flatten)]`: it breaks spans.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// One parsed rule file: a platform and its settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub platform: Platform,
    pub login: Option<Login>,
    #[serde(default, rename = "setting")]
    pub settings: Vec<Spanned<Setting>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub id: Spanned<String>,
    pub name: String,
    /// Hosts navigation may reach. Exact host names; `*.example.com` allows
    /// sub-domains explicitly.
    pub domains: Spanned<Vec<Spanned<String>>>,
    pub base_url: Spanned<String>,
    #[serde(default)]
    pub policy_urls: Vec<Spanned<String>>,
    /// When someone last checked the rule against the live site (YYYY-MM-DD).
    pub verified: Spanned<String>,
    pub notes: Option<String>,
}

/// How to tell that the browser session is signed in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// The platform's sign-in page, relative to `base_url`. A settings page
    /// that lands here means the session is signed out.
    pub url: Spanned<String>,
    /// An element present only when signed in. Without one, only a
    /// redirect to `url` reveals a signed-out session.
    pub signed_in: Option<Spanned<Locator>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    AiTraining,
    AdPersonalisation,
    ThirdPartySharing,
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::AiTraining,
        Category::AdPersonalisation,
        Category::ThirdPartySharing,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::AiTraining => "ai-training",
            Category::AdPersonalisation => "ad-personalisation",
            Category::ThirdPartySharing => "third-party-sharing",
            Category::Other => "other",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub id: Spanned<String>,
    /// The setting's name as the platform shows it.
    pub label: String,
    pub category: Category,
    /// Page holding the control, relative to `base_url` (starts with `/`).
    pub page: Option<Spanned<String>>,
    /// Elements to click before the control exists (tabs, accordions,
    /// "show more" buttons), in order.
    #[serde(default)]
    pub open: Vec<Spanned<Locator>>,
    pub control: Option<Spanned<Locator>>,
    /// The value, as the UI shows it, that protects the user: `on`/`off` for
    /// switches and checkboxes, the option's name for radio groups and selects.
    pub private_value: Option<Spanned<String>>,
    pub default: Option<Default>,
    /// When the setting appeared or last changed (free text date, e.g. 2024-09-18).
    pub since: Option<String>,
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub see_also: Vec<Spanned<String>>,
    /// Facts in this rule that could not be confirmed from a source.
    #[serde(default)]
    pub unverified: Vec<Spanned<String>>,
    /// Settings that only a form or an email can change.
    pub manual: Option<Manual>,
}

/// The platform's documented default for a setting.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Default {
    pub value: String,
    #[serde(default)]
    pub regions: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manual {
    pub url: Spanned<String>,
    pub steps: Vec<String>,
}

/// Where a control is on the page: role + accessible name (preferred: platforms
/// obfuscate class names, not what a screen reader announces), or CSS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locator {
    pub role: Option<String>,
    /// Exact accessible name (whitespace is collapsed before comparing).
    pub name: Option<String>,
    /// Regular expression on the accessible name, for labels that carry help
    /// text or change slightly.
    pub name_regex: Option<String>,
    /// CSS selector: the fallback when a control has no usable role or name.
    pub css: Option<String>,
}

impl Locator {
    pub fn is_empty(&self) -> bool {
        self.role.is_none() && self.name.is_none() && self.name_regex.is_none() && self.css.is_none()
    }
}

impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(css) = &self.css {
            return write!(f, "css `{css}`");
        }
        let role = self.role.as_deref().unwrap_or("element");
        match (&self.name, &self.name_regex) {
            (Some(name), _) => write!(f, "{role} \"{name}\""),
            (None, Some(re)) => write!(f, "{role} matching /{re}/"),
            (None, None) => write!(f, "{role}"),
        }
    }
}
