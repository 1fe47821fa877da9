//! Auditing one platform in its own tab: each settings page is loaded once,
//! its controls read once they have settled, and every reading turned into
//! a finding. A signed-out session with stored credentials is signed in once
//! and the page read again.

use std::time::Instant;

use super::evidence::{record, Shot};
use super::finding::{finding, FailureClass, Finding, Status};
use super::options::AuditOptions;
use super::page::{self, Look};
use super::signin;
use super::stop::Stop;
use crate::browser::{Browser, Tab};
use crate::plan::{PlanItem, PlatformPlan};
use crate::rules::SettingKind;

pub async fn check_platform(browser: &Browser, pp: &PlatformPlan, options: &AuditOptions) -> Vec<Finding> {
    let pages = pp.pages();
    let mut out = Vec::new();
    let tab = match super::session::open_tab(browser, pp, options).await {
        Ok(tab) => tab,
        Err(e) => {
            let stop = Stop::driver(format!("{e:#}"));
            return pages
                .iter()
                .flat_map(|(_, items)| items.iter().map(|i| stopped(pp, i, &stop)))
                .collect();
        }
    };

    let mut stop: Option<Stop> = None;
    let mut signed_in_once = false;
    for (page, items) in &pages {
        if let Some(stop) = &stop {
            out.extend(items.iter().map(|i| stopped(pp, i, stop)));
            continue;
        }
        let mut outcome = check_page(&tab, pp, page, items, options).await;
        // A signed-out session with stored credentials: sign in once, then
        // read the page again. A second signed-out page is not retried.
        if matches!(&outcome, Err(s) if s.status == Status::LoginRequired) && !signed_in_once {
            if let Some(attempt) = unattended_sign_in(&tab, pp, options).await {
                signed_in_once = true;
                outcome = match attempt {
                    Ok(()) => check_page(&tab, pp, page, items, options).await,
                    Err(e) => Err(Stop::new(
                        Status::LoginRequired,
                        FailureClass::SignedOut,
                        format!(
                            "not signed in to {}, and signing in with the stored credentials stopped: {}; run `privaudit login {}`",
                            pp.platform.name, e.0, pp.platform.id
                        ),
                        true,
                    )),
                };
            }
        }
        match outcome {
            Ok(findings) => {
                if findings
                    .iter()
                    .any(|f| matches!(f.status, Status::Ok | Status::Drift | Status::ReEnabled))
                {
                    super::session::read_signed_in(pp, options);
                }
                out.extend(findings)
            }
            Err(s) => {
                out.extend(items.iter().map(|i| stopped(pp, i, &s)));
                if s.whole_platform {
                    stop = Some(s);
                }
            }
        }
    }
    if !out.iter().any(|f| f.status == Status::LoginRequired) {
        super::session::keep(browser, &tab, pp, options).await;
    }
    tab.close().await;
    out
}

/// Signs in with the stored credentials, if there are any and the rule
/// describes the sign-in form; None when there is nothing to try.
async fn unattended_sign_in(
    tab: &Tab,
    pp: &PlatformPlan,
    options: &AuditOptions,
) -> Option<Result<(), signin::SignInFailed>> {
    let credentials = options.credentials.get(&pp.platform.id)?;
    let login = pp.platform.login.as_ref()?;
    let form = login.form.as_ref()?;
    tracing::info!(
        "{}: session signed out; signing in with the stored credentials",
        pp.platform.id
    );
    Some(signin::sign_in(tab, pp, form, &pp.url(&login.url), credentials, options.timeout).await)
}

async fn check_page(
    tab: &Tab,
    pp: &PlatformPlan,
    page: &str,
    items: &[&PlanItem],
    options: &AuditOptions,
) -> Result<Vec<Finding>, Stop> {
    let started = Instant::now();
    let deadline = started + options.timeout;
    let opened = page::open(tab, pp, page, items, deadline).await?;
    let opened_at = started.elapsed();
    let looks = page::read_settled(tab, items, deadline).await.map_err(Stop::cdp)?;
    let read_at = started.elapsed();
    // Before blaming the rule for a missing control, or the page for a
    // reading that never came: is this still a signed-in page?
    let incomplete = looks.iter().any(|l| !matches!(l, Look::Read { settled: true, .. }));
    let stop = if incomplete {
        super::obstacles::why_missing(tab, pp).await
    } else {
        super::obstacles::marker_missing(tab, pp).await
    };
    tracing::debug!(
        platform = %pp.platform.id,
        page,
        opened_ms = opened_at.as_millis() as u64,
        read_ms = (read_at - opened_at).as_millis() as u64,
        checked_ms = (started.elapsed() - read_at).as_millis() as u64,
        "page timings"
    );
    if let Some(stop) = stop {
        return Err(stop);
    }
    let notes: Vec<String> = tab.take_dialogs().iter().map(|d| d.to_string()).collect();
    let mut findings = Vec::new();
    for (item, look) in items.iter().zip(&looks) {
        let mut f = judge(pp, item, look, &opened);
        f.notes.extend(notes.iter().cloned());
        findings.push(f);
    }
    if options.evidence.is_some() {
        for ((item, look), f) in items.iter().zip(&looks).zip(&findings) {
            let node = match look {
                Look::Read { found, .. } => Some(found.backend_id),
                _ => None,
            };
            let shot = Shot {
                url: &opened.url,
                phase: "read",
                value: f.current.as_deref(),
                node,
            };
            record(tab, options, pp, item, shot).await;
        }
    }
    Ok(findings)
}

/// The finding for one item from what the page showed.
fn judge(pp: &PlatformPlan, item: &PlanItem, look: &Look, opened: &page::Opened) -> Finding {
    let url = &opened.url;
    let stale = |what: String| {
        let mut why = what;
        if !opened.open_failures.is_empty() {
            why = format!("{why} ({})", opened.open_failures.join("; "));
        }
        let mut f = failed(
            pp,
            item,
            Status::Unreadable,
            &format!(
                "{why} on {url}: {} may have changed this page, so the rule in {} needs an update",
                pp.platform.name, pp.platform.file
            ),
        );
        f.class = Some(FailureClass::RuleStale);
        f
    };
    let Some(matcher) = page::control(item) else {
        return failed(pp, item, Status::Error, "not a browser setting");
    };
    let (reading, settled, changed) = match look {
        Look::Missing => return stale(format!("no {matcher}")),
        Look::Ambiguous(n) => return stale(format!("{n} elements match {matcher}, expected one")),
        Look::Read {
            reading,
            settled,
            changed,
            ..
        } => (reading, *settled, *changed),
    };
    let value = match &reading.value {
        Err(why) => {
            let mut f = failed(pp, item, Status::Unreadable, &format!("{matcher}: {why}"));
            f.class = Some(FailureClass::RuleStale);
            return f;
        }
        Ok(v) => v.clone(),
    };
    if !settled {
        let (why, class) = page::unsettled(reading, changed);
        let hint = class.retry_hint();
        let mut f = failed(pp, item, Status::Unreadable, &format!("{matcher}: {why}; {hint}"));
        f.class = Some(class);
        return f;
    }
    if is_choice(item) && !item.is_wanted(&value, reading.option_value.as_deref()) {
        // Drift only when the wanted option is on the page and not chosen:
        // an option privaudit cannot recognise (another language, a renamed
        // option) is not proof that the setting is shared.
        let offered = reading
            .options
            .iter()
            .any(|(name, v)| item.is_wanted(name, v.as_deref()));
        if !reading.options.is_empty() && !offered {
            let names: Vec<&str> = reading.options.iter().map(|(n, _)| n.as_str()).collect();
            let mut f = failed(
                pp,
                item,
                Status::Unreadable,
                &format!(
                    "the options on the page ({}) do not include \"{}\": the account may use another language, or the options changed; give the option's `value` or its name in that language in {}",
                    names.join(", "),
                    item.wanted,
                    pp.platform.file
                ),
            );
            f.current = Some(value);
            f.class = Some(FailureClass::RuleStale);
            return f;
        }
    }
    let ok = item.is_wanted(&value, reading.option_value.as_deref());
    let mut f = finding(pp, item, if ok { Status::Ok } else { Status::Drift });
    if !ok {
        f.message = Some(format!("set \"{}\" to {} at {url}", item.setting.label, item.wanted));
        if reading.disabled {
            f.class = Some(FailureClass::Disabled);
            f.message = Some(disabled_message(pp, item));
        }
    }
    f.current = Some(value);
    f
}

fn is_choice(item: &PlanItem) -> bool {
    page::control(item)
        .and_then(|m| m.role.as_deref())
        .is_some_and(crate::rules::roles::is_choice)
}

/// Why a disabled control cannot be changed, naming the setting that
/// controls it when the rule knows it.
pub fn disabled_message(pp: &PlatformPlan, item: &PlanItem) -> String {
    let controller = match &item.setting.kind {
        SettingKind::Control { controlled_by, .. } => controlled_by.as_ref(),
        SettingKind::Manual { .. } => None,
    };
    match controller.and_then(|id| pp.platform.settings.iter().find(|s| &s.id == id)) {
        Some(other) => format!(
            "\"{}\" is {} but disabled on the page: it follows \"{}\" ({}.{}); change that one first",
            item.setting.label, "not as wanted", other.label, pp.platform.id, other.id
        ),
        None => format!(
            "\"{}\" is not as wanted, but the page shows it disabled: another setting controls it",
            item.setting.label
        ),
    }
}

pub(super) fn failed(pp: &PlatformPlan, item: &PlanItem, status: Status, message: &str) -> Finding {
    let mut f = finding(pp, item, status);
    f.message = Some(message.to_string());
    f
}

/// The finding for an item a stop left unread.
pub(super) fn stopped(pp: &PlatformPlan, item: &PlanItem, stop: &Stop) -> Finding {
    let mut f = failed(pp, item, stop.status, &stop.message);
    f.class = Some(stop.class);
    f
}
