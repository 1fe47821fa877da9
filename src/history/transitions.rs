//! What changed since the previous run, per setting. Pure logic: the store
//! supplies the previous record, this decides what it means.

use serde::Serialize;

use super::store::Previous;
use crate::audit::finding::{Finding, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    /// Was private last time, is not now: a platform switched it back on.
    ReEnabled,
    /// Not in any earlier run of an audited platform: new in the rules.
    New,
    /// Was read last time, cannot be read now: the page or the session changed.
    BecameUnreadable,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::ReEnabled => "re-enabled",
            Transition::New => "new",
            Transition::BecameUnreadable => "became-unreadable",
        }
    }

    /// A sentence for reports and alerts.
    pub fn describe(self, finding: &Finding) -> String {
        match self {
            Transition::ReEnabled => format!(
                "{} › {}: was {}, is now {} again",
                finding.platform_name,
                finding.label,
                finding.wanted,
                finding.current.as_deref().unwrap_or("?")
            ),
            Transition::New => format!(
                "{} › {}: new setting in the rules",
                finding.platform_name, finding.label
            ),
            Transition::BecameUnreadable => format!(
                "{} › {}: could be read last time, now {}",
                finding.platform_name, finding.label, finding.status
            ),
        }
    }
}

/// A value read from the page: what a transition can be judged on.
fn was_read(status: &str) -> bool {
    matches!(status, "ok" | "drift" | "fixed" | "failed" | "re-enabled")
}

/// The transition of one setting, given its last record (None: never
/// recorded) and whether its platform was audited before at all.
pub fn classify(finding: &Finding, previous: Option<&Previous>, platform_seen: bool) -> Option<Transition> {
    let Some(prev) = previous else {
        // A platform audited for the first time has no news, only a baseline.
        return (platform_seen && finding.status != Status::Manual).then_some(Transition::New);
    };
    let was_private = matches!(prev.status.as_str(), "ok" | "fixed") && prev.current.as_deref() == Some(&prev.wanted);
    let now = finding.status;
    if was_private
        && prev.wanted == finding.wanted
        && matches!(now, Status::Drift | Status::ReEnabled)
        && finding.current.as_deref() != Some(finding.wanted.as_str())
    {
        return Some(Transition::ReEnabled);
    }
    if was_read(&prev.status) && matches!(now, Status::Unreadable | Status::Error | Status::LoginRequired) {
        return Some(Transition::BecameUnreadable);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Category;

    fn finding(status: Status, current: Option<&str>) -> Finding {
        Finding {
            platform: "x".into(),
            platform_name: "X".into(),
            setting: "s".into(),
            label: "Personalized ads".into(),
            category: Category::AdPersonalisation,
            status,
            current: current.map(String::from),
            previous: None,
            wanted: "off".into(),
            url: None,
            message: None,
            steps: vec![],
            source: String::new(),
            transition: None,
        }
    }

    fn prev(status: &str, current: Option<&str>, wanted: &str) -> Previous {
        Previous {
            status: status.into(),
            current: current.map(String::from),
            wanted: wanted.into(),
        }
    }

    #[test]
    fn private_then_drift_is_re_enabled() {
        let now = finding(Status::Drift, Some("on"));
        assert_eq!(
            classify(&now, Some(&prev("ok", Some("off"), "off")), true),
            Some(Transition::ReEnabled)
        );
        assert_eq!(
            classify(&now, Some(&prev("fixed", Some("off"), "off")), true),
            Some(Transition::ReEnabled)
        );
    }

    #[test]
    fn drift_that_persists_is_not_news_again() {
        let now = finding(Status::Drift, Some("on"));
        assert_eq!(classify(&now, Some(&prev("drift", Some("on"), "off")), true), None);
        assert_eq!(classify(&now, Some(&prev("re-enabled", Some("on"), "off")), true), None);
    }

    #[test]
    fn a_changed_profile_is_not_a_platform_re_enabling() {
        // Last time the user wanted "on" and had it; now they want "off".
        let now = finding(Status::Drift, Some("on"));
        assert_eq!(classify(&now, Some(&prev("ok", Some("on"), "on")), true), None);
    }

    #[test]
    fn new_settings_only_on_platforms_seen_before() {
        let now = finding(Status::Ok, Some("off"));
        assert_eq!(classify(&now, None, true), Some(Transition::New));
        assert_eq!(classify(&now, None, false), None);
    }

    #[test]
    fn read_then_unreadable() {
        let now = finding(Status::Unreadable, None);
        assert_eq!(
            classify(&now, Some(&prev("ok", Some("off"), "off")), true),
            Some(Transition::BecameUnreadable)
        );
        assert_eq!(classify(&now, Some(&prev("unreadable", None, "off")), true), None);
    }
}
