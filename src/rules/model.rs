//! The rule-file model: what `rules/<platform>.toml` may contain.
//!
//! Parsing is strict (`deny_unknown_fields` everywhere) so that a typo in a rule
//! is an error with a position, never a silently ignored key. Values that the
//! linter checks after parsing are `Spanned`, so every diagnostic can point at
//! the exact line and column. No `#[serde(flatten)]`: it breaks spans.

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use super::documented::{Default, Defaults, SourceKind, SourceRef};

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
    /// CSS selectors of elements that show the account's name or picture;
    /// `--redact` blurs them before any evidence screenshot.
    #[serde(default)]
    pub redact: Vec<Spanned<String>>,
    /// Resource kinds privaudit normally refuses (image, media, font) that
    /// this platform's pages need to show their controls.
    #[serde(default)]
    pub allow_resources: Vec<Spanned<String>>,
    /// Overlays to close whenever they are shown (a cookie banner's "Reject
    /// all", a "What's new" tour's "Close"): clicked if present, ignored if
    /// not. privaudit never clicks through anything else in the way.
    #[serde(default)]
    pub dismiss: Vec<Spanned<Locator>>,
    /// Hosts (and their sub-domains), besides `domains`, whose pages are the
    /// platform's own words: its help centre, policy site, blog, docs. A
    /// source of kind `first-party` must be on one of them.
    #[serde(default)]
    pub first_party: Vec<Spanned<String>>,
    /// The account tiers (lower-case ids) that some default differs by,
    /// e.g. `["free", "plus", "business"]`.
    #[serde(default)]
    pub plans: Vec<Spanned<String>>,
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
    /// The sign-in form, for unattended re-login with stored credentials
    /// (`privaudit auth set`). Without it, privaudit never types credentials.
    pub username: Option<Spanned<Locator>>,
    pub password: Option<Spanned<Locator>>,
    /// The button that sends the form.
    pub submit: Option<Spanned<Locator>>,
    /// For two-step forms: the button between username and password ("Next").
    pub next: Option<Spanned<Locator>>,
    /// The one-time-code field of the two-step verification page.
    pub totp: Option<Spanned<Locator>>,
    /// Why signing in cannot be automated honestly (passkeys only, an
    /// emailed link, a captcha on every sign-in): `auth set` refuses with it.
    pub cannot_automate: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema)]
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
    /// Where the control keeps its on/off state when it does not tell
    /// assistive technology (no `aria-checked`/`aria-pressed`, not a native
    /// checkbox): an attribute and its values, or a class present when on.
    pub state: Option<Spanned<StateSpec>>,
    /// The setting (id, same platform) that disables or hides this one, when
    /// the platform makes it depend on another.
    pub controlled_by: Option<Spanned<String>>,
    /// The value, as the UI shows it, that protects the user: `on`/`off` for
    /// switches and checkboxes, the option's name for radio groups and selects
    /// (or a table naming the option by its `value` attribute and its name in
    /// each language the rule knows).
    pub private_value: Option<Spanned<PrivateValue>>,
    /// The documented default: one table, or a list by plan and region
    /// (the first entry that matches the account wins).
    pub default: Option<Spanned<Defaults>>,
    /// When the setting appeared or last changed (free text date, e.g. 2024-09-18).
    pub since: Option<String>,
    /// Where the setting exists at all (ISO 3166-1 alpha-2 codes, `EU`,
    /// `EEA`); empty: everywhere.
    #[serde(default)]
    pub regions: Vec<Spanned<String>>,
    /// Where the setting does not exist (the rest of the world has it).
    #[serde(default)]
    pub regions_except: Vec<Spanned<String>>,
    /// The plans that have the setting at all (ids from `[platform]
    /// plans`); empty: every plan.
    #[serde(default)]
    pub plans: Vec<Spanned<String>>,
    /// The sources of the setting's facts, each with what it shows.
    #[serde(default)]
    pub sources: Vec<Spanned<SourceRef>>,
    /// Legacy single source (before `sources`): shows no fact in particular.
    pub source: Option<Spanned<String>>,
    #[serde(default)]
    pub see_also: Vec<Spanned<String>>,
    /// Facts in this rule that could not be confirmed from a source.
    #[serde(default)]
    pub unverified: Vec<Spanned<String>>,
    /// Settings that only a form or an email can change.
    pub manual: Option<Manual>,
    /// How to change the setting, step by step. Empty: click the control
    /// (toggles) or select the wanted option (radio groups, selects).
    #[serde(default)]
    pub apply: Vec<Spanned<Step>>,
}

/// One apply step: exactly one action per table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Click an element (or `"control"`).
    pub click: Option<Target>,
    /// Make a toggle `on`, clicking only if it is not.
    pub check: Option<Target>,
    /// Make a toggle `off`, clicking only if it is not.
    pub uncheck: Option<Target>,
    /// Choose the option with this name in the control (radio group, select).
    pub select: Option<String>,
    /// Type a non-secret value into a text field.
    pub fill: Option<Fill>,
    /// Wait until an element is present (a late "saved" notice, a panel).
    pub wait_for: Option<Locator>,
    /// Click a confirmation dialog's button, waiting for it to appear.
    pub confirm: Option<Locator>,
    /// Stop with `failed` unless this element is present.
    pub expect: Option<Locator>,
    /// Click a page-level save button once it is enabled.
    pub save: Option<Locator>,
    /// Answer the native `confirm()` dialog the next step opens: `accept`
    /// (the site asks "Turn off?" about the change the user wants) or
    /// `dismiss`. Without it, an unexpected dialog is declined.
    pub dialog: Option<DialogAnswer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DialogAnswer {
    Accept,
    Dismiss,
}

impl Step {
    /// How many actions the table names (exactly one is valid).
    pub fn action_count(&self) -> usize {
        [
            self.click.is_some(),
            self.check.is_some(),
            self.uncheck.is_some(),
            self.select.is_some(),
            self.fill.is_some(),
            self.wait_for.is_some(),
            self.confirm.is_some(),
            self.expect.is_some(),
            self.save.is_some(),
            self.dialog.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }

    /// The locators the step names, for linting.
    pub fn locators(&self) -> Vec<&Locator> {
        let mut out: Vec<&Locator> = [&self.wait_for, &self.confirm, &self.expect, &self.save]
            .into_iter()
            .flatten()
            .collect();
        for t in [&self.click, &self.check, &self.uncheck].into_iter().flatten() {
            if let Target::Element(l) = t {
                out.push(l);
            }
        }
        if let Some(f) = &self.fill {
            out.push(&f.target);
        }
        out
    }
}

/// What a step acts on: the setting's own control, or another element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Target {
    Control,
    Element(Locator),
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Target;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"control\" or a locator table such as { role = \"button\", name = \"Save\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Target, E> {
                if v == "control" {
                    Ok(Target::Control)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Target, A::Error> {
                Locator::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Target::Element)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fill {
    pub target: Locator,
    pub value: String,
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
    /// Exact accessible name, or a list of names (one per language the
    /// account may be in); compared after normalisation (see README).
    pub name: Option<Names>,
    /// Regular expression on the normalised accessible name, for labels that
    /// carry help text or change slightly.
    pub name_regex: Option<String>,
    /// CSS selector: the fallback when a control has no usable role or name.
    pub css: Option<String>,
    /// The title of the same-origin iframe the element is in (otherwise
    /// every same-origin frame is searched).
    pub frame: Option<String>,
}

/// One name, or several (the same label in each language the rule knows).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn all(&self) -> Vec<&str> {
        match self {
            Names::One(n) => vec![n.as_str()],
            Names::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// The first name: how reports show it.
    pub fn first(&self) -> &str {
        match self {
            Names::One(n) => n,
            Names::Many(v) => v.first().map(String::as_str).unwrap_or(""),
        }
    }
}

/// Where a control keeps its state when it does not expose it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpec {
    /// An attribute of the control, e.g. `data-state`.
    pub attribute: Option<String>,
    /// The attribute's values meaning on and off, e.g. `["checked"]`.
    #[serde(default)]
    pub on: Vec<String>,
    #[serde(default)]
    pub off: Vec<String>,
    /// A class the control has when it is on (and lacks when off).
    pub class: Option<String>,
}

/// A private value: `"off"`, an option's name, or a table naming the option.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PrivateValue {
    Text(String),
    Option {
        /// The option's visible name, or its names in several languages.
        name: Names,
        /// The option's `value` attribute (native radios and selects): the
        /// same whatever the account's language.
        value: Option<String>,
    },
}

impl PrivateValue {
    /// The value as reports show it.
    pub fn display(&self) -> &str {
        match self {
            PrivateValue::Text(t) => t,
            PrivateValue::Option { name, .. } => name.first(),
        }
    }
}

impl Locator {
    pub fn is_empty(&self) -> bool {
        self.role.is_none() && self.name.is_none() && self.name_regex.is_none() && self.css.is_none()
    }

    /// The exact names given, if any.
    pub fn names(&self) -> Vec<&str> {
        self.name.as_ref().map(Names::all).unwrap_or_default()
    }
}

impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(css) = &self.css {
            return write!(f, "css `{css}`");
        }
        let role = self.role.as_deref().unwrap_or("element");
        match (&self.name, &self.name_regex) {
            (Some(name), _) => write!(f, "{role} \"{}\"", name.first()),
            (None, Some(re)) => write!(f, "{role} matching /{re}/"),
            (None, None) => write!(f, "{role}"),
        }
    }
}
