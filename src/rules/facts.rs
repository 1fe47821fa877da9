//! What a setting's facts rest on: its sources, how strongly they verify it
//! (the grade `rules list` and `defaults` show), and which documented default
//! applies to an account of a given plan and region.

use serde::Serialize;

use super::model::{Default as DocumentedDefault, SourceKind};
use super::regions;

/// The facts of a setting that need a source.
pub const SOURCED_FACTS: &[&str] = &["label", "page", "control", "default", "since"];

/// One cited source and the facts it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Source {
    pub url: String,
    pub kind: SourceKind,
    pub shows: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How strongly a setting's facts are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    /// Label, page and default each shown by the platform's own words.
    FirstParty,
    /// Label, page and default each sourced, but not all by the platform
    /// itself (or no default is documented).
    Secondary,
    /// The label, the page or the default is unconfirmed.
    Unverified,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::FirstParty => "first-party",
            Grade::Secondary => "secondary",
            Grade::Unverified => "unverified",
        }
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The facts a journalist cites: what the setting is called, where it is,
/// and what a new account gets. The grade is about these; the control's
/// markup and the launch date are listed as unconfirmed on their own.
pub const CITED_FACTS: [&str; 3] = ["label", "page", "default"];

/// The grade of a setting with these facts (`present`: the facts it has),
/// sources and unconfirmed facts.
pub fn grade(present: &[&str], sources: &[Source], unverified: &[String]) -> Grade {
    let unconfirmed = |fact: &str| unverified.iter().any(|u| u == fact);
    let shown_by = |fact: &str, first_party_only: bool| {
        sources
            .iter()
            .any(|s| (!first_party_only || s.kind == SourceKind::FirstParty) && s.shows.iter().any(|f| f == fact))
    };
    let cited: Vec<&str> = CITED_FACTS.iter().copied().filter(|f| present.contains(f)).collect();
    if cited.iter().any(|f| unconfirmed(f) || !shown_by(f, false)) {
        return Grade::Unverified;
    }
    if cited.len() == CITED_FACTS.len() && cited.iter().all(|f| shown_by(f, true)) {
        Grade::FirstParty
    } else {
        Grade::Secondary
    }
}

/// The account a default is looked up for; None where the user has not said.
#[derive(Debug, Clone, Copy, Default)]
pub struct Account<'a> {
    pub plan: Option<&'a str>,
    pub region: Option<&'a str>,
}

/// The first documented default that holds for `account`. An entry naming
/// plans or regions holds only when the account's plan or region is known
/// and listed, so an account nobody described gets the general default.
pub fn default_for<'d>(defaults: &'d [DocumentedDefault], account: Account<'_>) -> Option<&'d DocumentedDefault> {
    defaults.iter().find(|d| {
        let plan_ok = d.plans.is_empty()
            || account
                .plan
                .is_some_and(|p| d.plans.iter().any(|x| x.eq_ignore_ascii_case(p)));
        let region_ok = d.regions.is_empty() || account.region.is_some_and(|r| regions::any_contains(&d.regions, r));
        plan_ok && region_ok
    })
}

/// Whether a setting limited to `only` (or absent from `except`) exists for
/// an account in `region`; None when the region is unknown and it matters.
pub fn available(only: &[String], except: &[String], region: Option<&str>) -> Option<bool> {
    if only.is_empty() && except.is_empty() {
        return Some(true);
    }
    let region = region?;
    Some((only.is_empty() || regions::any_contains(only, region)) && !regions::any_contains(except, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(kind: SourceKind, shows: &[&str]) -> Source {
        Source {
            url: "https://example.com".into(),
            kind,
            shows: shows.iter().map(|s| s.to_string()).collect(),
            note: None,
        }
    }

    fn dflt(value: &str, plans: &[&str], regions: &[&str]) -> DocumentedDefault {
        DocumentedDefault {
            value: value.into(),
            plans: plans.iter().map(|s| s.to_string()).collect(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            as_of: None,
            note: None,
        }
    }

    #[test]
    fn first_party_needs_label_page_and_default_from_the_platform() {
        let present = ["label", "page", "control", "default"];
        let all_first = [src(SourceKind::FirstParty, &["label", "page", "control", "default"])];
        assert_eq!(grade(&present, &all_first, &[]), Grade::FirstParty);
        let default_from_press = [
            src(SourceKind::FirstParty, &["label", "page", "control"]),
            src(SourceKind::Press, &["default"]),
        ];
        assert_eq!(grade(&present, &default_from_press, &[]), Grade::Secondary);
        assert_eq!(grade(&present, &all_first, &["default".into()]), Grade::Unverified);
        // The control's markup is not a cited fact: listed, not graded.
        assert_eq!(grade(&present, &all_first, &["control".into()]), Grade::FirstParty);
    }

    #[test]
    fn a_cited_fact_without_any_source_is_unverified() {
        let present = ["label", "page", "default"];
        let sources = [src(SourceKind::FirstParty, &["label", "page"])];
        assert_eq!(grade(&present, &sources, &[]), Grade::Unverified);
    }

    #[test]
    fn no_documented_default_is_never_first_party() {
        let present = ["label", "page"];
        let sources = [src(SourceKind::FirstParty, &["label", "page"])];
        assert_eq!(grade(&present, &sources, &[]), Grade::Secondary);
    }

    #[test]
    fn the_first_default_that_holds_for_the_account_wins() {
        let defaults = [
            dflt("off", &["business"], &[]),
            dflt("off", &[], &["EEA", "UK"]),
            dflt("on", &[], &[]),
        ];
        let get = |plan, region| default_for(&defaults, Account { plan, region }).map(|d| d.value.as_str());
        assert_eq!(get(Some("business"), Some("US")), Some("off"));
        assert_eq!(get(Some("free"), Some("DE")), Some("off"));
        assert_eq!(get(Some("free"), Some("GB")), Some("off"));
        assert_eq!(get(Some("free"), Some("US")), Some("on"));
        assert_eq!(get(None, None), Some("on"));
        let only_plans = [dflt("on", &["free"], &[])];
        assert_eq!(default_for(&only_plans, Account::default()), None);
    }

    #[test]
    fn availability_is_unknown_only_when_it_depends_on_an_unknown_region() {
        let eea = vec!["EEA".to_string(), "GB".to_string()];
        assert_eq!(available(&eea, &[], Some("FR")), Some(true));
        assert_eq!(available(&eea, &[], Some("US")), Some(false));
        assert_eq!(available(&eea, &[], None), None);
        assert_eq!(available(&[], &eea, Some("US")), Some(true));
        assert_eq!(available(&[], &[], None), Some(true));
    }
}
