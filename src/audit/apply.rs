//! Changing settings: for each drifted setting, load its page afresh, read
//! it, run the rule's apply steps on freshly located elements, wait for the
//! requests those steps started, check on the live page that the value moved
//! the way it should (and that nothing else on the page moved), then load
//! the page again and read the value back. Only that fresh read says `fixed`.
//!
//! What apply never does: act on a control it could not read, act on a
//! `mixed` control without a rule step saying how, click anything covered
//! by something else, or leave a setting less private than it found it
//! (a control that moved the wrong way is put back, and the run says so).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;

use super::evidence::{record, Shot};
use super::finding::{finding, FailureClass, Finding, Status};
use super::options::AuditOptions;
use super::page::{self, Look};
use super::platform::{disabled_message, failed, stopped};
use super::steps::{act, actions, choose, set_toggle};
use super::stop::Stop;
use crate::browser::act::ActError;
use crate::browser::locate::Found;
use crate::browser::read::Reading;
use crate::browser::{Browser, Tab};
use crate::plan::{PlanItem, PlatformPlan};
use crate::rules::{roles, SettingKind};

/// The drifted items of one platform.
pub type Work<'a> = (&'a PlatformPlan, Vec<&'a PlanItem>);

/// Applies the changes for `work`. `cancel` is checked between settings, so
/// Ctrl-C stops cleanly and the report says what was done.
pub async fn apply(
    browser: &Browser,
    work: Vec<Work<'_>>,
    options: &AuditOptions,
    cancel: &AtomicBool,
    on_platform_done: &(dyn Fn(&str) + Sync),
) -> Vec<Finding> {
    futures::stream::iter(work)
        .map(|(pp, items)| async move {
            let findings = apply_platform(browser, pp, &items, options, cancel).await;
            on_platform_done(&pp.platform.name);
            findings
        })
        .buffer_unordered(options.jobs.max(1))
        .flat_map(futures::stream::iter)
        .collect()
        .await
}

async fn apply_platform(
    browser: &Browser,
    pp: &PlatformPlan,
    items: &[&PlanItem],
    options: &AuditOptions,
    cancel: &AtomicBool,
) -> Vec<Finding> {
    let tab = match super::session::open_tab(browser, pp, options).await {
        Ok(tab) => tab,
        Err(e) => {
            let stop = Stop::driver(format!("{e:#}"));
            return items.iter().map(|i| stopped(pp, i, &stop)).collect();
        }
    };
    let mut out = Vec::new();
    let mut stop: Option<Stop> = None;
    for item in items {
        if cancel.load(Ordering::SeqCst) {
            out.push(failed(
                pp,
                item,
                Status::Drift,
                "not changed: interrupted before this setting",
            ));
            continue;
        }
        if let Some(s) = &stop {
            out.push(stopped(pp, item, s));
            continue;
        }
        let outcome = apply_item(&tab, pp, item, options, cancel).await;
        let f = match outcome {
            Ok(f) => {
                if matches!(f.status, Status::Fixed | Status::Ok | Status::Drift) {
                    super::session::read_signed_in(pp, options);
                }
                f
            }
            Err(s) => {
                let f = stopped(pp, item, &s);
                // A sign-in page, a blocked redirect or a lost browser will
                // not get better for the next setting of the platform.
                if s.whole_platform {
                    stop = Some(s);
                }
                f
            }
        };
        out.push(f);
    }
    if !out.iter().any(|f| f.status == Status::LoginRequired) {
        super::session::keep(browser, &tab, pp, options).await;
    }
    tab.close().await;
    out
}

/// Resolves once `cancel` is set.
async fn cancelled(cancel: &AtomicBool) {
    while !cancel.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Loads the item's page and reads it settled.
async fn visit(
    tab: &Tab,
    pp: &PlatformPlan,
    item: &PlanItem,
    deadline: Instant,
) -> Result<(String, Found, Reading), Stop> {
    let page = item.setting.page().unwrap_or("/");
    let opened = page::open(tab, pp, page, &[item], deadline).await?;
    let looks = page::read_settled(tab, &[item], deadline).await.map_err(Stop::cdp)?;
    match looks.into_iter().next() {
        Some(Look::Read {
            found,
            reading,
            settled: true,
            ..
        }) => match super::obstacles::marker_missing(tab, pp).await {
            Some(stop) => Err(stop),
            None => Ok((opened.url, found, reading)),
        },
        other => {
            if let Some(stop) = super::obstacles::why_missing(tab, pp).await {
                return Err(stop);
            }
            let matcher = page::control(item).map(|m| m.to_string()).unwrap_or_default();
            let (why, class) = match other {
                Some(Look::Ambiguous(n)) => (
                    format!("{n} elements match {matcher}, expected one"),
                    FailureClass::RuleStale,
                ),
                Some(Look::Read { reading, changed, .. }) => {
                    let (why, class) = page::unsettled(&reading, changed);
                    (format!("{matcher}: {why}"), class)
                }
                _ => (format!("no {matcher}"), FailureClass::RuleStale),
            };
            let mut why = format!("{why} on {}", opened.url);
            if !opened.open_failures.is_empty() {
                why = format!("{why} ({})", opened.open_failures.join("; "));
            }
            let hint = match class {
                FailureClass::RuleStale => format!("the rule in {} needs an update", pp.platform.file),
                other => other.retry_hint().to_string(),
            };
            Err(Stop::new(Status::Unreadable, class, format!("{why}: {hint}"), false))
        }
    }
}

async fn apply_item(
    tab: &Tab,
    pp: &PlatformPlan,
    item: &PlanItem,
    options: &AuditOptions,
    cancel: &AtomicBool,
) -> Result<Finding, Stop> {
    if item.setting.page().is_none() {
        return Ok(failed(
            pp,
            item,
            Status::Manual,
            "only a form or an email can change this",
        ));
    }
    let deadline = Instant::now() + options.timeout;
    // Until the first action nothing has changed: an interrupt may stop here
    // at once. Once acting, the setting is finished and verified.
    let visited = tokio::select! {
        v = visit(tab, pp, item, deadline) => v,
        _ = cancelled(cancel) => {
            return Ok(failed(pp, item, Status::Drift, "not changed: interrupted before this setting"));
        }
    };
    let (url, found, reading) = visited?;
    let before = match &reading.value {
        Ok(v) => v.clone(),
        Err(why) => {
            let mut f = failed(pp, item, Status::Unreadable, &format!("not changed: {why}"));
            f.class = Some(FailureClass::RuleStale);
            return Ok(f);
        }
    };
    record(
        tab,
        options,
        pp,
        item,
        Shot {
            url: &url,
            phase: "before",
            value: Some(&before),
            node: Some(found.backend_id),
        },
    )
    .await;
    if item.is_wanted(&before, reading.option_value.as_deref()) {
        let mut f = finding(pp, item, Status::Ok);
        f.current = Some(before);
        return Ok(f);
    }
    let not_changed = |status: Status, class: FailureClass, message: String| {
        let mut f = failed(pp, item, status, &message);
        f.class = Some(class);
        f.current = Some(before.clone());
        f
    };
    if reading.disabled {
        return Ok(not_changed(
            Status::Drift,
            FailureClass::Disabled,
            disabled_message(pp, item),
        ));
    }
    let rule_steps = matches!(&item.setting.kind, SettingKind::Control { apply, .. } if !apply.is_empty());
    if before == "mixed" && !rule_steps {
        return Ok(not_changed(
            Status::Drift,
            FailureClass::RuleStale,
            format!(
                "not changed: \"{}\" is mixed (some of what it covers is on): one click would turn all of it on or off, so privaudit leaves it; change the options under it, or give the rule steps for it",
                item.setting.label
            ),
        ));
    }
    // The other settings of this page, as they are before acting: an action
    // must not move them.
    let siblings = siblings_on_page(pp, item);
    let siblings_before = page::values_now(tab, &siblings).await;

    let planned = match actions(item) {
        Ok(planned) => planned,
        Err(why) => return Ok(not_changed(Status::Drift, FailureClass::RuleStale, why)),
    };
    let mark = tab.network_mark();
    for (n, action) in planned.iter().enumerate() {
        if let Err(e) = act(tab, item, action, deadline).await {
            let class = match &e {
                ActError::Covered { .. } | ActError::Unstable(_) => FailureClass::Blocked,
                ActError::Disabled(_) => FailureClass::Disabled,
                ActError::Hidden(_) | ActError::Other(_) => FailureClass::RuleStale,
                ActError::Detached | ActError::Cdp(_) => FailureClass::Driver,
            };
            let mut f = failed(
                pp,
                item,
                Status::Failed,
                &format!("step {} ({action}) failed: {e}", n + 1),
            );
            f.class = Some(class);
            f.previous = Some(before);
            f.notes.extend(tab.take_dialogs().iter().map(|d| d.to_string()));
            return Ok(f);
        }
    }
    tab.settle_since(mark, deadline).await;
    let mut notes: Vec<String> = Vec::new();

    // On the live page: did the control move to the wanted value, and
    // nothing else move?
    let mut watched = vec![item];
    watched.extend(siblings.iter().copied());
    let mut now_values = page::values_now(tab, &watched).await.into_iter();
    let live = now_values.next().flatten();
    tracing::debug!(setting = %item.setting.id, ?live, before = %before, "value after acting");
    let mut moved_wrong = None;
    if let Some(now) = &live {
        if *now != before && !item.is_wanted(now, None) {
            let restored = restore(tab, item, &before, deadline).await;
            moved_wrong = Some(format!(
                "the page moved \"{}\" to {now}, not {}; {}",
                item.setting.label,
                item.wanted,
                if restored {
                    format!("privaudit put it back to {before}")
                } else {
                    format!("privaudit could not put it back to {before}: check it by hand")
                }
            ));
        }
    }
    for ((sibling, was), now) in siblings.iter().zip(&siblings_before).zip(now_values) {
        let (Some(was), Some(now)) = (was, now) else { continue };
        if !sibling.is_wanted(was, None) || now == *was {
            continue;
        }
        let restored = restore(tab, sibling, was, deadline).await;
        notes.push(format!(
            "changing this also moved \"{}\" from {was} to {now}; {}",
            sibling.setting.label,
            if restored {
                "privaudit put it back"
            } else {
                "privaudit could not put it back: check it by hand"
            }
        ));
    }
    notes.extend(tab.take_dialogs().iter().map(|d| d.to_string()));
    if let Some(why) = moved_wrong {
        let mut f = failed(pp, item, Status::Failed, &why);
        f.previous = Some(before);
        f.current = live;
        f.notes = notes;
        return Ok(f);
    }

    // Verify with a fresh load: the page may show the new value while the
    // server silently dropped it.
    let verify_deadline = Instant::now() + options.timeout;
    let mut f = match visit(tab, pp, item, verify_deadline).await {
        Err(stop) => {
            let mut f = stopped(pp, item, &stop);
            f.status = Status::Failed;
            f.message = Some(format!("could not confirm the change: {}", stop.message));
            f
        }
        Ok((url, found, reading)) => {
            let after = reading.value.as_ref().ok().cloned();
            record(
                tab,
                options,
                pp,
                item,
                Shot {
                    url: &url,
                    phase: "after",
                    value: after.as_deref(),
                    node: Some(found.backend_id),
                },
            )
            .await;
            verdict(pp, item, &before, &reading)
        }
    };
    f.previous = Some(before);
    notes.extend(tab.take_dialogs().iter().map(|d| d.to_string()));
    f.notes = notes;
    Ok(f)
}

/// What the fresh read after applying says.
fn verdict(pp: &PlatformPlan, item: &PlanItem, before: &str, reading: &Reading) -> Finding {
    match &reading.value {
        Ok(after) if item.is_wanted(after, reading.option_value.as_deref()) => {
            let mut f = finding(pp, item, Status::Fixed);
            f.message = Some(format!("changed from {before} to {after}; a fresh load confirms it"));
            f.current = Some(after.clone());
            f
        }
        Ok(after) => {
            let mut f = failed(
                pp,
                item,
                Status::Failed,
                &format!(
                    "after applying, a fresh load still shows {after}: {} did not keep the change",
                    pp.platform.name
                ),
            );
            f.current = Some(after.clone());
            f
        }
        Err(why) => failed(
            pp,
            item,
            Status::Failed,
            &format!("could not confirm the change: {why}"),
        ),
    }
}

/// The planned settings on the same page, other than `item`.
fn siblings_on_page<'a>(pp: &'a PlatformPlan, item: &PlanItem) -> Vec<&'a PlanItem> {
    pp.items
        .iter()
        .filter(|i| {
            i.setting.id != item.setting.id && i.setting.page().is_some() && i.setting.page() == item.setting.page()
        })
        .collect()
}

/// Puts a control back to `value` after it moved the wrong way.
async fn restore(tab: &Tab, item: &PlanItem, value: &str, deadline: Instant) -> bool {
    let Some(control) = page::control(item) else {
        return false;
    };
    let role = control.role.as_deref().unwrap_or("");
    let acted = if roles::is_choice(role) {
        choose(tab, control, value, None, deadline).await
    } else if value == "on" || value == "off" {
        set_toggle(tab, control, page::state_spec(item), value == "on", deadline).await
    } else {
        return false;
    };
    if acted.is_err() {
        return false;
    }
    page::value_now(tab, item).await.as_deref() == Some(value)
}
