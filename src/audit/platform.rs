//! Auditing one platform in its own tab: load each settings page once, check
//! the session is signed in, open what hides the controls, wait for them, and
//! read them all from one accessibility snapshot.

use std::time::{Duration, Instant};

use super::finding::{Finding, Status};
use super::{finding, AuditOptions};
use crate::browser::{ax, Allowed, AxItem, Browser, NavError, Tab};
use crate::evidence::Subject;
use crate::plan::{PlanItem, PlatformPlan};
use crate::rules::{same_value, Matcher, SettingKind};

/// How often a page is re-read while waiting for lazily loaded controls.
/// This is the polling interval of a condition wait, not a fixed delay.
const POLL: Duration = Duration::from_millis(100);

pub async fn check_platform(browser: &Browser, pp: &PlatformPlan, options: &AuditOptions) -> Vec<Finding> {
    let pages = pp.pages();
    let mut out = Vec::new();
    let tab = match browser.open_tab(allowed(pp)).await {
        Ok(tab) => tab,
        Err(e) => {
            let message = format!("{e:#}");
            return pages
                .iter()
                .flat_map(|(_, items)| items.iter().map(|i| failed(pp, i, Status::Error, &message)))
                .collect();
        }
    };

    let mut stop: Option<(Status, String)> = None;
    let mut signed_in_once = false;
    for (page, items) in &pages {
        if let Some((status, message)) = &stop {
            out.extend(items.iter().map(|i| failed(pp, i, *status, message)));
            continue;
        }
        let mut outcome = check_page(&tab, pp, page, items, options).await;
        // A signed-out session with stored credentials: sign in once, then
        // read the page again. A second signed-out page is not retried.
        if matches!(outcome, PageOutcome::StopPlatform(Status::LoginRequired, _)) && !signed_in_once {
            if let Some(attempt) = unattended_sign_in(&tab, pp, options).await {
                signed_in_once = true;
                outcome = match attempt {
                    Ok(()) => check_page(&tab, pp, page, items, options).await,
                    Err(e) => PageOutcome::StopPlatform(
                        Status::LoginRequired,
                        format!(
                            "not signed in to {}, and signing in with the stored credentials stopped: {}; run `privaudit login {}`",
                            pp.platform.name, e.0, pp.platform.id
                        ),
                    ),
                };
            }
        }
        match outcome {
            PageOutcome::Read(findings) => out.extend(findings),
            PageOutcome::StopPlatform(status, message) => {
                out.extend(items.iter().map(|i| failed(pp, i, status, &message)));
                stop = Some((status, message));
            }
            PageOutcome::PageFailed(message) => {
                out.extend(items.iter().map(|i| failed(pp, i, Status::Error, &message)))
            }
        }
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
) -> Option<Result<(), super::signin::SignInFailed>> {
    let credentials = options.credentials.get(&pp.platform.id)?;
    let login = pp.platform.login.as_ref()?;
    let form = login.form.as_ref()?;
    tracing::info!(
        "{}: session signed out; signing in with the stored credentials",
        pp.platform.id
    );
    Some(super::signin::sign_in(tab, pp, form, &pp.url(&login.url), credentials, options.timeout).await)
}

enum PageOutcome {
    Read(Vec<Finding>),
    /// Nothing more can be read on this platform (signed out, left its domains).
    StopPlatform(Status, String),
    /// This page failed; others may still load.
    PageFailed(String),
}

async fn check_page(
    tab: &Tab,
    pp: &PlatformPlan,
    page: &str,
    items: &[&PlanItem],
    options: &AuditOptions,
) -> PageOutcome {
    let url = pp.url(page);
    let landed = match tab.goto(&url).await {
        Ok(landed) => landed,
        Err(e @ NavError::OutsideDomains(_)) => return PageOutcome::StopPlatform(Status::Error, e.to_string()),
        Err(e) => {
            return PageOutcome::PageFailed(format!(
                "{e}; check that {} is reachable and try again",
                pp.platform.name
            ))
        }
    };
    if let Some(login) = &pp.platform.login {
        if same_path(&landed, &pp.url(&login.url)) {
            return PageOutcome::StopPlatform(
                Status::LoginRequired,
                signed_out_message(pp, "the page sent the browser to the sign-in page"),
            );
        }
    }

    let deadline = Instant::now() + options.timeout;
    let mut open_failures: Vec<String> = Vec::new();
    for step in open_steps(items) {
        let found = find_node(tab, step, deadline, |_| true)
            .await
            .map(|n| n.and_then(|n| n.backend_id));
        match found {
            Err(e) => return PageOutcome::StopPlatform(Status::Error, browser_gone(&e)),
            Ok(Some(node)) => {
                if let Err(e) = tab.click(node).await {
                    open_failures.push(format!("could not open {step}: {e:#}"));
                }
            }
            Ok(None) => open_failures.push(format!("{step} (which reveals the control) was not found")),
        }
    }

    let probe = pp.platform.login.as_ref().and_then(|l| l.signed_in.as_ref());
    let mut css_nodes: Vec<Option<i64>> = vec![None; items.len()];
    let snapshot = wait_for(tab, deadline, |snapshot| {
        let probe_ok = probe.is_none_or(|m| !ax::find(snapshot, m).is_empty());
        let all_found = items
            .iter()
            .all(|i| control(i).is_some_and(|m| m.css.is_some() || !ax::find(snapshot, m).is_empty()));
        (probe_ok && all_found).then(|| snapshot.to_vec())
    })
    .await;
    let snapshot = match snapshot {
        Ok(Some(s)) => s,
        // Timed out: read what there is, to tell which controls are missing.
        Ok(None) => match tab.snapshot().await {
            Ok(s) => s,
            Err(e) => return PageOutcome::StopPlatform(Status::Error, browser_gone(&e)),
        },
        Err(e) => return PageOutcome::StopPlatform(Status::Error, browser_gone(&e)),
    };
    if let Some(m) = probe {
        if ax::find(&snapshot, m).is_empty() {
            return PageOutcome::StopPlatform(
                Status::LoginRequired,
                signed_out_message(pp, &format!("the signed-in marker ({m}) is not on the page")),
            );
        }
    }
    for (i, item) in items.iter().enumerate() {
        if let Some(css) = control(item).and_then(|m| m.css.as_deref()) {
            css_nodes[i] = tab.css_node(css).await;
        }
    }

    let findings: Vec<Finding> = items
        .iter()
        .zip(&css_nodes)
        .map(|(item, css_node)| read_item(pp, item, &url, &snapshot, *css_node, &open_failures))
        .collect();
    if options.evidence.is_some() {
        for ((item, css_node), f) in items.iter().zip(&css_nodes).zip(&findings) {
            let node = control(item)
                .and_then(|m| locate_in(&snapshot, m, *css_node).ok())
                .and_then(|n| n.backend_id);
            let shot = Shot {
                url: &url,
                phase: "read",
                value: f.current.as_deref(),
                node,
            };
            record_evidence(tab, options, pp, item, shot).await;
        }
    }
    PageOutcome::Read(findings)
}

fn read_item(
    pp: &PlatformPlan,
    item: &PlanItem,
    url: &str,
    snapshot: &[AxItem],
    css_node: Option<i64>,
    open_failures: &[String],
) -> Finding {
    let Some(matcher) = control(item) else {
        return failed(pp, item, Status::Error, "not a browser setting");
    };
    let stale = |what: String| {
        let mut why = what;
        if !open_failures.is_empty() {
            why = format!("{why} ({})", open_failures.join("; "));
        }
        failed(
            pp,
            item,
            Status::Unreadable,
            &format!(
                "{why} on {url}: {} may have changed this page, so the rule in {} needs an update",
                pp.platform.name, pp.platform.file
            ),
        )
    };
    let node = match locate_in(snapshot, matcher, css_node) {
        Ok(node) => node,
        Err(why) => return stale(why),
    };
    let Some(value) = ax::read_value(snapshot, node) else {
        return stale(format!("{matcher} has no state to read"));
    };
    let mut f = finding(
        pp,
        item,
        if same_value(&value, &item.wanted) {
            Status::Ok
        } else {
            Status::Drift
        },
    );
    if f.status == Status::Drift {
        f.message = Some(format!("set \"{}\" to {} at {url}", item.setting.label, item.wanted));
    }
    if node.disabled {
        f.message = Some(
            format!(
                "{} (the control is disabled on the page)",
                f.message.unwrap_or_default()
            )
            .trim()
            .to_string(),
        );
    }
    f.current = Some(value);
    f
}

/// Polls the accessibility tree until `ready` returns something or the
/// deadline passes. Lazily loaded sections make any fixed delay wrong. An
/// error means the tab or the browser is gone: no point waiting on.
pub(super) async fn wait_for<T>(
    tab: &Tab,
    deadline: Instant,
    mut ready: impl FnMut(&[AxItem]) -> Option<T>,
) -> anyhow::Result<Option<T>> {
    loop {
        let snapshot = tab.snapshot().await?;
        if let Some(found) = ready(&snapshot) {
            return Ok(Some(found));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits for the first node a locator names (role + name, or CSS) that
/// `accept` takes; `None` when the deadline passes first.
pub(super) async fn find_node(
    tab: &Tab,
    m: &Matcher,
    deadline: Instant,
    accept: impl Fn(&AxItem) -> bool,
) -> anyhow::Result<Option<AxItem>> {
    loop {
        let snapshot = tab.snapshot().await?;
        let found = match &m.css {
            Some(css) => match tab.css_node(css).await {
                Some(id) => snapshot.iter().find(|i| i.backend_id == Some(id)).cloned(),
                None => None,
            },
            None => ax::find(&snapshot, m).into_iter().find(|n| accept(n)).cloned(),
        };
        if let Some(node) = found.filter(|n| accept(n)) {
            return Ok(Some(node));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The one node a locator names in a snapshot, or why there is not exactly one.
pub(super) fn locate_in<'a>(
    snapshot: &'a [AxItem],
    matcher: &Matcher,
    css_node: Option<i64>,
) -> Result<&'a AxItem, String> {
    let found: Vec<&AxItem> = match (&matcher.css, css_node) {
        (Some(_), Some(node)) => snapshot.iter().filter(|i| i.backend_id == Some(node)).collect(),
        (Some(_), None) => Vec::new(),
        (None, _) => ax::find(snapshot, matcher),
    };
    match found.as_slice() {
        [] => Err(format!("no {matcher}")),
        [one] => Ok(one),
        many => Err(format!("{} elements match {matcher}, expected one", many.len())),
    }
}

pub(super) fn control(item: &PlanItem) -> Option<&Matcher> {
    match &item.setting.kind {
        SettingKind::Control { control, .. } => Some(control),
        SettingKind::Manual { .. } => None,
    }
}

/// The distinct "open first" steps of a page's settings, in rule order.
pub(super) fn open_steps<'a>(items: &[&'a PlanItem]) -> Vec<&'a Matcher> {
    let mut steps: Vec<&Matcher> = Vec::new();
    for item in items {
        if let SettingKind::Control { open, .. } = &item.setting.kind {
            for step in open {
                if !steps.iter().any(|s| s.source == step.source) {
                    steps.push(step);
                }
            }
        }
    }
    steps
}

pub(super) fn failed(pp: &PlatformPlan, item: &PlanItem, status: Status, message: &str) -> Finding {
    let mut f = finding(pp, item, status);
    f.message = Some(message.to_string());
    f
}

/// What a platform's tab may load: its declared domains, plus exactly the
/// origin of an overridden base URL (a replica, a mirror).
pub(super) fn allowed(pp: &PlatformPlan) -> Allowed {
    Allowed {
        domains: pp.platform.domains.clone(),
        extra_origin: (pp.base_url != pp.platform.base_url)
            .then(|| url::Url::parse(&pp.base_url).ok().map(|u| u.origin()))
            .flatten(),
        blocked_types: ["image", "media", "font"]
            .into_iter()
            .filter(|kind| !pp.platform.allow_resources.iter().any(|a| a == kind))
            .filter_map(crate::browser::guard::resource_type)
            .collect(),
    }
}

/// One piece of evidence about to be saved.
pub(super) struct Shot<'a> {
    pub url: &'a str,
    /// `read` (check), `before` or `after` (apply).
    pub phase: &'a str,
    pub value: Option<&'a str>,
    /// The control to photograph, if it was found.
    pub node: Option<i64>,
}

/// Saves a screenshot and a record for one setting when `--evidence` is on.
/// Evidence is a by-product: a failure to save it is logged, and the audit
/// goes on.
pub(super) async fn record_evidence(
    tab: &Tab,
    options: &AuditOptions,
    pp: &PlatformPlan,
    item: &PlanItem,
    shot: Shot<'_>,
) {
    let Some(evidence) = &options.evidence else {
        return;
    };
    // Without the blur a screenshot could show the account: take none then.
    let mut node = shot.node;
    if options.redact && !pp.platform.redact.is_empty() {
        if let Err(e) = tab.blur(&pp.platform.redact).await {
            tracing::warn!("could not redact {}: {e:#}; no screenshot taken", pp.platform.id);
            node = None;
        }
    }
    let png = match node {
        Some(id) => tab
            .screenshot_band(id)
            .await
            .map_err(|e| tracing::warn!("no screenshot for {}.{}: {e:#}", pp.platform.id, item.setting.id))
            .ok(),
        None => None,
    };
    let locator = control(item).map(|m| m.to_string()).unwrap_or_default();
    let url = if options.redact {
        shot.url.split(['?', '#']).next().unwrap_or(shot.url)
    } else {
        shot.url
    };
    let subject = Subject {
        platform: &pp.platform.id,
        setting: &item.setting.id,
        label: &item.setting.label,
        url,
        locator: &locator,
    };
    if let Err(e) = evidence.record(&subject, shot.phase, shot.value, png.as_deref()) {
        tracing::warn!(
            "could not save evidence for {}.{}: {e:#}",
            pp.platform.id,
            item.setting.id
        );
    }
}

pub(super) fn browser_gone(e: &anyhow::Error) -> String {
    format!("the browser stopped answering ({e:#}); run the check again")
}

pub(super) fn signed_out_message(pp: &PlatformPlan, why: &str) -> String {
    format!(
        "not signed in to {} ({why}); run `privaudit login {}` (and `privaudit auth set {}` to let scheduled runs sign in by themselves)",
        pp.platform.name, pp.platform.id, pp.platform.id
    )
}

/// Same page, ignoring query and fragment: a sign-in redirect usually adds
/// a `?next=` parameter.
pub(super) fn same_path(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin() && a.path().trim_end_matches('/') == b.path().trim_end_matches('/'),
        _ => false,
    }
}
