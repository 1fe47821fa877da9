//! Platform rules: where each privacy switch lives and which value protects the
//! user. Files are parsed strictly (`model`), checked (`lint`), then turned into
//! the validated types below, which the rest of privaudit uses.

pub mod catalogue;
pub mod lint;
pub mod load;
pub mod locator;
pub mod model;

use std::sync::Arc;

pub use load::{load_catalogue, Catalogue, LoadError, RuleOrigin};
pub use locator::Matcher;
pub use model::{Category, Default as DocumentedDefault, Locator};

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
    pub login: Option<LoginProbe>,
    pub settings: Vec<Arc<SettingRule>>,
    /// Where the rule came from, for `rules list` and error messages.
    pub origin: RuleOrigin,
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct LoginProbe {
    pub url: String,
    pub signed_in: Option<Matcher>,
    /// How to fill the sign-in form; None: never sign in unattended.
    pub form: Option<LoginForm>,
}

#[derive(Debug, Clone)]
pub struct LoginForm {
    pub username: Matcher,
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
    pub default: Option<DocumentedDefault>,
    pub since: Option<String>,
    pub source: String,
    pub see_also: Vec<String>,
    pub unverified: Vec<String>,
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
        private_value: String,
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
}

/// What a click, check or uncheck acts on.
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
        }
    }
}

impl SettingRule {
    /// The key a profile uses to override this setting: `platform.setting`.
    pub fn key(&self, platform: &str) -> String {
        format!("{platform}.{}", self.id)
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

/// Is `host` one of the declared domains? Entries are exact host names;
/// `*.example.com` allows sub-domains of example.com (not example.com itself).
pub fn host_allowed(domains: &[String], host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    domains.iter().any(|d| {
        let d = d.to_ascii_lowercase();
        match d.strip_prefix("*.") {
            Some(parent) => host.ends_with(&format!(".{parent}")),
            None => host == d,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly_unless_wildcarded() {
        let domains = vec!["x.com".to_string(), "*.linkedin.com".to_string()];
        assert!(host_allowed(&domains, "x.com"));
        assert!(host_allowed(&domains, "X.COM."));
        assert!(!host_allowed(&domains, "evil-x.com"));
        assert!(!host_allowed(&domains, "x.com.evil.net"));
        assert!(!host_allowed(&domains, "api.x.com"));
        assert!(host_allowed(&domains, "www.linkedin.com"));
        assert!(!host_allowed(&domains, "linkedin.com"));
        assert!(!host_allowed(&domains, "wwwlinkedin.com"));
    }

    #[test]
    fn values_compare_without_case_or_padding() {
        assert!(same_value(" Off", "off"));
        assert!(!same_value("on", "off"));
    }
}
