//! Every diagnostic code privaudit can report on a rule or profile file: a
//! stable kebab-case name, what it means, and where the README explains it.
//! Codes are part of the interface (editors and scripts match on them), so
//! they are never renamed, only added.

use serde::Serialize;

macro_rules! lint_codes {
    ($( $variant:ident = $name:literal : $summary:literal, )*) => {
        /// A diagnostic code (`rules lint`, profile errors).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LintCode { $( $variant, )* }

        impl LintCode {
            /// Every code, in the order the README lists them.
            pub const ALL: &'static [LintCode] = &[ $( LintCode::$variant, )* ];

            /// The stable name shown as `error[name]` and in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $( LintCode::$variant => $name, )* }
            }

            /// What the code means, whatever file it is reported on.
            pub fn summary(self) -> &'static str {
                match self { $( LintCode::$variant => $summary, )* }
            }
        }
    };
}

lint_codes! {
    Syntax = "syntax": "the file is not valid TOML",
    UnknownField = "unknown-field": "a key the format does not have (usually a typo)",
    InvalidValue = "invalid-value": "a value outside the allowed set",
    InvalidType = "invalid-type": "a value of the wrong type (a string where a table is expected, …)",
    MissingField = "missing-field": "a required key is missing",
    InvalidRule = "invalid-rule": "a rule that passed lint but cannot be compiled: a bug to report",
    MissingSource = "missing-source": "a setting cites no source for its facts",
    DuplicateSettingId = "duplicate-setting-id": "two settings of one platform share an id",
    DuplicatePlatform = "duplicate-platform": "two files of one rules directory define the same platform",
    EmptyLocator = "empty-locator": "a locator that names nothing in particular",
    AmbiguousLocator = "ambiguous-locator": "a locator mixes name and name_regex, or css and role",
    UnnamedControl = "unnamed-control": "a control locator without a name matches every control of its role",
    UnreadableRole = "unreadable-role": "a control whose role has no on/off state or value",
    BadRegex = "bad-regex": "name_regex is not a valid regular expression",
    UnknownRole = "unknown-role": "a role privaudit does not know (warning)",
    BaseUrlOutsideDomains = "base-url-outside-domains": "base_url's host is not a declared domain",
    BadDomain = "bad-domain": "a declared domain is not one site's host name (a public suffix, a wildcard over one, an IP address)",
    CredentialsInUrl = "credentials-in-url": "a URL with a user name or password in it",
    ControlCharacter = "control-character": "a control or bidirectional-override character, raw or escaped, that a terminal would act on",
    NoDomains = "no-domains": "the platform declares no domains",
    BadUrl = "bad-url": "a URL that is not https://",
    PageNotRelative = "page-not-relative": "a page that is neither a path nor an https URL",
    PageOutsideDomains = "page-outside-domains": "a page on a host the platform does not declare",
    IncompleteSetting = "incomplete-setting": "a setting without page, control or private_value",
    ManualWithControl = "manual-with-control": "a manual setting that also names a control",
    ManualWithoutSteps = "manual-without-steps": "a manual setting without steps",
    InvalidPrivateValue = "invalid-private-value": "a private value the control cannot take",
    UnknownFact = "unknown-fact": "`unverified` names something that is not a fact of a setting",
    BadId = "bad-id": "an id that is not kebab-case",
    BadDate = "bad-date": "a date that is not YYYY-MM-DD, or in the future",
    BadStep = "bad-step": "an apply step that names no action, or several",
    SecretFill = "secret-fill": "a fill step aimed at what looks like a password or code field",
    SelectOnToggle = "select-on-toggle": "a select step on a checkbox or switch",
    ManualWithApply = "manual-with-apply": "apply steps on a manual setting",
    IncompleteLoginForm = "incomplete-login-form": "a sign-in form without both a password field and a submit button",
    StaleVerified = "stale-verified": "the rule was last verified more than 180 days ago (warning)",
    FileNameMismatch = "file-name-mismatch": "the platform id differs from the file name (warning)",
    NoSettings = "no-settings": "a platform without settings (warning)",
    LegacySource = "legacy-source": "a setting cites `source` without saying which facts it shows (warning), or both `source` and `sources`",
    UnsourcedFact = "unsourced-fact": "a fact of a setting that no source shows and `unverified` does not list",
    ContradictoryFact = "contradictory-fact": "a fact a first-party source shows that `unverified` also lists (warning)",
    NotFirstParty = "not-first-party": "a `first-party` source on a host the platform does not run, or all of a shared host (github.com) declared first-party",
    ContentFarm = "content-farm": "a source on a site that publishes copied or machine-written how-tos",
    UnknownPlan = "unknown-plan": "a default for a plan `[platform] plans` does not list",
    BadRegion = "bad-region": "a region that is neither an ISO 3166-1 alpha-2 code nor EU/EEA",
    UnreachableDefault = "unreachable-default": "a default that never applies: an earlier entry already holds for its accounts, or it names plans or regions without the setting (warning)",
    CannotAutomateWithForm = "cannot-automate-with-form": "a sign-in form and `cannot_automate` in one rule",
    UnknownSetting = "unknown-setting": "a profile override names a setting no rule defines (a warning when the whole platform is unknown)",
}

impl LintCode {
    /// The README anchor that explains this code.
    pub fn docs(self) -> String {
        format!("README.md#lint-{}", self.as_str())
    }
}

impl std::fmt::Display for LintCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LintCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl schemars::JsonSchema for LintCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LintCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = LintCode::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({ "type": "string", "enum": names })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::BTreeSet::new();
        for code in LintCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "`{name}` is used twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !name.starts_with('-'),
                "`{name}` is not kebab-case"
            );
            assert!(!code.summary().is_empty());
            assert!(code.docs().ends_with(name));
        }
    }
}
