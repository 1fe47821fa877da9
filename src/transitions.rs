//! What changed since the previous run, per setting. Pure logic: the
//! history store supplies each setting's last record, this decides what it
//! means and marks the findings; the store only reads and writes.

use crate::audit::finding::{Finding, Run, Status, Summary, Transition};
use crate::history::{Before, Previous};

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

/// Whether a setting that still cannot be read is due a reminder: it has
/// gone unread for at least `every`, and another whole `every` has passed
/// since the previous run, so a nightly run reminds once per period.
pub fn reminder_due(
    finding: &Finding,
    previous: Option<&Previous>,
    now: chrono::DateTime<chrono::Utc>,
    every: chrono::Duration,
) -> bool {
    let parse = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let Some(prev) = previous else { return false };
    let (Some(since), Some(prev_at)) = (prev.unreadable_since.as_deref().and_then(parse), parse(&prev.at)) else {
        return false;
    };
    let periods = |at: chrono::DateTime<chrono::Utc>| (at - since).num_seconds() / every.num_seconds().max(1);
    finding.status.is_incomplete() && now - since >= every && periods(now) > periods(prev_at)
}

/// Marks each finding with its transition since the last run; in a check,
/// a drift that was private last time becomes `re-enabled`. A setting still
/// unread after `remind_every` is reminded (None: never).
pub fn annotate(run: &mut Run, before: &Before, is_check: bool, remind_every: Option<chrono::Duration>) {
    let now = chrono::Utc::now();
    for f in run.findings.iter_mut().filter(|f| !f.not_read_interrupted()) {
        let key = (f.platform.clone(), f.setting.clone());
        let previous = before.records.get(&key);
        f.transition = classify(f, previous, before.platforms.contains(&f.platform));
        if f.status.is_incomplete() {
            f.unreadable_since = previous.and_then(|p| p.unreadable_since.clone());
        }
        if f.transition.is_none() && remind_every.is_some_and(|every| reminder_due(f, previous, now, every)) {
            f.transition = Some(Transition::StillUnreadable);
        }
        if is_check && f.transition == Some(Transition::ReEnabled) && f.status == Status::Drift {
            f.status = Status::ReEnabled;
            f.message = Some(format!(
                "{} switched this back since the last run (it was {}): run `privaudit apply {}`",
                f.platform_name, f.wanted, f.platform
            ));
        }
    }
    run.summary = Summary::of(&run.findings);
}

/// The findings worth telling someone about: every transition, and on the
/// very first recorded run, every drift (there is nothing to compare yet).
pub fn news(run: &Run, first_run: bool) -> Vec<&Finding> {
    run.findings
        .iter()
        .filter(|f| {
            f.transition.is_some()
                || (first_run && matches!(f.status, Status::Drift | Status::ReEnabled | Status::Failed))
        })
        .collect()
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
            default: None,
            url: None,
            message: None,
            class: None,
            notes: vec![],
            steps: vec![],
            source: String::new(),
            transition: None,
            unreadable_since: None,
        }
    }

    fn prev(status: &str, current: Option<&str>, wanted: &str) -> Previous {
        Previous {
            status: status.into(),
            current: current.map(String::from),
            wanted: wanted.into(),
            at: "2026-11-01T03:00:00Z".into(),
            unreadable_since: None,
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

    fn day(n: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-01T03:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc)
            + chrono::Duration::days(n)
    }

    /// Nightly runs of a setting unread since day 0: reminded on day 7 and
    /// day 14, not on the nights between, never once it reads again.
    #[test]
    fn a_setting_unread_for_a_week_is_reminded_once_a_week() {
        let week = chrono::Duration::days(7);
        let unread = finding(Status::LoginRequired, None);
        let previous_night = |night: i64| Previous {
            unreadable_since: Some(crate::timestamp::format(day(0))),
            at: crate::timestamp::format(day(night - 1)),
            ..prev("login-required", None, "off")
        };
        let due: Vec<i64> = (1..=15)
            .filter(|n| reminder_due(&unread, Some(&previous_night(*n)), day(*n), week))
            .collect();
        assert_eq!(due, vec![7, 14]);
        let read_again = finding(Status::Drift, Some("on"));
        assert!(!reminder_due(&read_again, Some(&previous_night(7)), day(7), week));
        // Read last time: its first failure is `became-unreadable`, not a reminder.
        assert!(!reminder_due(
            &unread,
            Some(&prev("ok", Some("off"), "off")),
            day(7),
            week
        ));
    }
}
