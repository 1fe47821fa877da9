//! The validated rules the rest of privaudit uses: a catalogue of platforms,
//! each with its settings, locators compiled and apply steps resolved.

use std::sync::Arc;

use super::facts::{Account, Grade, Source};
use super::locator::Matcher;
use super::model::{Category, Default as DocumentedDefault, DialogAnswer, StateSpec};
use crate::diag::{Diagnostic, SourceFiles};

/// Where a rule file came from. Later layers replace earlier ones, a whole
/// platform at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleOrigin {
    Builtin,
    ConfigDir,
    RulesFlag,
}

impl std::fmt::Display for RuleOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleOrigin::Builtin => "built-in",
            RuleOrigin::ConfigDir => "config dir",
            RuleOrigin::RulesFlag => "--rules",
        })
    }
}

#[derive(Debug)]
pub struct Catalogue {
    pub platforms: Vec<Arc<PlatformRules>>,
    /// Identifies the effective rule set: newest `verified` date plus a hash
    /// of every rule file's text, so reports say exactly which rules produced them.
    pub version: String,
    pub warnings: Vec<Diagnostic>,
    pub files: SourceFiles,
}

impl Catalogue {
    pub fn platform(&self, id: &str) -> Option<&Arc<PlatformRules>> {
        self.platforms.iter().find(|p| p.id == id)
    }

    pub fn setting_count(&self) -> usize {
        self.platforms.iter().map(|p| p.settings.len()).sum()
    }
}

/// A validated platform with its settings.
#[derive(Debug, Clone)]
pub struct PlatformRules {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    pub base_url: String,
    pub policy_urls: Vec<String>,
    pub verified: String,
    /// CSS selectors of what shows the account's identity (see `--redact`).
    pub redact: Vec<String>,
    /// Resource kinds this platform needs loaded (image, media, font).
    pub allow_resources: Vec<String>,
    /// Account tiers the rule's defaults distinguish.
    pub plans: Vec<String>,
    pub login: Option<LoginProbe>,
    /// Overlays to close when they are shown (cookie banners and the like).
    pub dismiss: Vec<Matcher>,
    pub settings: Vec<Arc<SettingRule>>,
    /// Where the rule came from, for `rules list` and error messages.
    pub origin: RuleOrigin,
    pub file: String,
}

impl PlatformRules {
    /// Whether the rule describes a sign-in form, so stored credentials can
    /// renew a session unattended.
    pub fn can_sign_in(&self) -> bool {
        self.login.as_ref().is_some_and(|l| l.form.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct LoginProbe {
    pub url: String,
    pub signed_in: Option<Matcher>,
    /// How to fill the sign-in form; None: never sign in unattended.
    pub form: Option<LoginForm>,
    /// Why the rule says sign-in cannot be automated, if it does.
    pub cannot_automate: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LoginForm {
    /// None: the page asks for a password (or token) only.
    pub username: Option<Matcher>,
    pub password: Matcher,
    pub submit: Matcher,
    pub next: Option<Matcher>,
    pub totp: Option<Matcher>,
}

#[derive(Debug, Clone)]
pub struct SettingRule {
    pub id: String,
    pub label: String,
    pub category: Category,
    pub kind: SettingKind,
    /// The documented defaults, by plan and region (first match wins; see
    /// [`SettingRule::default_for`]).
    pub defaults: Vec<DocumentedDefault>,
    pub since: Option<String>,
    /// Where the setting exists (empty: everywhere) and where it does not.
    pub regions: Vec<String>,
    pub regions_except: Vec<String>,
    /// The plans that have the setting (empty: every plan).
    pub plans: Vec<String>,
    /// Every source, with the facts it shows.
    pub sources: Vec<Source>,
    /// The main source (the first one): what reports cite.
    pub source: String,
    pub see_also: Vec<String>,
    pub unverified: Vec<String>,
    /// How strongly the sources verify the setting.
    pub grade: Grade,
}

// A handful of settings per platform: boxing the larger variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SettingKind {
    /// A control privaudit can read in the browser.
    Control {
        page: String,
        open: Vec<Matcher>,
        control: Matcher,
        /// The private value as the UI shows it (`on`/`off`, an option's name).
        private_value: String,
        /// Every name of the private option (one per language the rule knows).
        private_names: Vec<String>,
        /// The private option's `value` attribute, when the rule gives it.
        private_option_value: Option<String>,
        /// Where the state lives when the control does not expose it.
        state: Option<StateSpec>,
        /// The setting that disables this one, when the rule knows it.
        controlled_by: Option<String>,
        /// Empty: the default for the control's role (see `audit::apply`).
        apply: Vec<Action>,
    },
    /// A form or an email: privaudit prints the steps.
    Manual { url: String, steps: Vec<String> },
}

/// A compiled apply step.
#[derive(Debug, Clone)]
pub enum Action {
    Click(Aim),
    Check(Aim),
    Uncheck(Aim),
    Select(String),
    Fill(Matcher, String),
    WaitFor(Matcher),
    Confirm(Matcher),
    Expect(Matcher),
    Save(Matcher),
    /// Answer the next native dialog.
    Dialog(DialogAnswer),
}

/// What a click, check or uncheck acts on.
// A few per setting: boxing the larger variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Aim {
    Control,
    Element(Matcher),
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let aim = |a: &Aim| match a {
            Aim::Control => "the control".to_string(),
            Aim::Element(m) => m.to_string(),
        };
        match self {
            Action::Click(a) => write!(f, "click {}", aim(a)),
            Action::Check(a) => write!(f, "check {}", aim(a)),
            Action::Uncheck(a) => write!(f, "uncheck {}", aim(a)),
            Action::Select(o) => write!(f, "select \"{o}\""),
            Action::Fill(m, _) => write!(f, "fill {m}"),
            Action::WaitFor(m) => write!(f, "wait for {m}"),
            Action::Confirm(m) => write!(f, "confirm with {m}"),
            Action::Expect(m) => write!(f, "expect {m}"),
            Action::Save(m) => write!(f, "save with {m}"),
            Action::Dialog(DialogAnswer::Accept) => write!(f, "accept the page's next dialog"),
            Action::Dialog(DialogAnswer::Dismiss) => write!(f, "dismiss the page's next dialog"),
        }
    }
}

impl SettingRule {
    /// The key a profile uses to override this setting: `platform.setting`.
    pub fn key(&self, platform: &str) -> String {
        format!("{platform}.{}", self.id)
    }

    /// The documented default for an account of this plan and region.
    pub fn default_for(&self, account: Account<'_>) -> Option<&DocumentedDefault> {
        super::facts::default_for(&self.defaults, account)
    }

    /// The default for an account nobody described: the general entry.
    pub fn general_default(&self) -> Option<&DocumentedDefault> {
        self.default_for(Account::default())
    }

    /// Whether the setting exists for an account in `region` (None: it
    /// depends on a region the user has not given).
    pub fn available_in(&self, region: Option<&str>) -> Option<bool> {
        super::facts::available(&self.regions, &self.regions_except, region)
    }

    /// Whether an account with this plan has the setting (None: the plan
    /// matters and is not known).
    pub fn offered_on(&self, plan: Option<&str>) -> Option<bool> {
        if self.plans.is_empty() {
            return Some(true);
        }
        plan.map(|p| self.plans.iter().any(|x| x.eq_ignore_ascii_case(p)))
    }

    pub fn page(&self) -> Option<&str> {
        match &self.kind {
            SettingKind::Control { page, .. } => Some(page),
            SettingKind::Manual { .. } => None,
        }
    }
}

/// Values are compared as the UI shows them, ignoring case and surrounding space.
pub fn same_value(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_without_case_or_padding() {
        assert!(same_value(" Off", "off"));
        assert!(!same_value("on", "off"));
    }
}
