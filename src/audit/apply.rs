//! Changing settings: for each drifted setting, load its page afresh, run the
//! rule's apply steps, wait for the page to finish saving, then load the page
//! again and read the value back. Only that fresh read can say `fixed`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;

use super::finding::{Finding, Status};
use super::platform::{
    allowed, browser_gone, control, failed, find_node, open_steps, record_evidence, same_path, signed_out_message,
    wait_for, Shot,
};
use super::{finding, AuditOptions};
use crate::browser::{ax, AxItem, Browser, NavError, Tab};
use crate::plan::{Plan, PlanItem, PlatformPlan};
use crate::rules::lint::CHOICE_ROLES;
use crate::rules::{same_value, Action, Aim, Matcher, SettingKind};

/// Applies the plan's changes for the settings in `drifted` (keys
/// `platform.setting`). `cancel` is checked between settings, so Ctrl-C stops
/// cleanly and the report says what was done.
pub async fn apply(
    browser: &Browser,
    plan: &Plan,
    drifted: &[String],
    options: &AuditOptions,
    cancel: &AtomicBool,
    on_platform_done: &(dyn Fn(&str) + Sync),
) -> Vec<Finding> {
    let work: Vec<(&PlatformPlan, Vec<&PlanItem>)> = plan
        .platforms
        .iter()
        .map(|pp| {
            let items = pp
                .items
                .iter()
                .filter(|i| drifted.contains(&i.setting.key(&pp.platform.id)))
                .collect();
            (pp, items)
        })
        .filter(|(_, items): &(_, Vec<_>)| !items.is_empty())
        .collect();
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
    let tab = match browser.open_tab(allowed(pp)).await {
        Ok(tab) => tab,
        Err(e) => {
            return items
                .iter()
                .map(|i| failed(pp, i, Status::Error, &format!("{e:#}")))
                .collect()
        }
    };
    let mut out = Vec::new();
    let mut stop: Option<(Status, String)> = None;
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
        if let Some((status, message)) = &stop {
            out.push(failed(pp, item, *status, message));
            continue;
        }
        let f = apply_item(&tab, pp, item, options, cancel).await;
        // A sign-in page or a blocked redirect will not get better for the
        // next setting of the same platform.
        if matches!(f.status, Status::LoginRequired)
            || f.message.as_deref().is_some_and(|m| m.contains("declared domains"))
        {
            stop = Some((f.status, f.message.clone().unwrap_or_default()));
        }
        out.push(f);
    }
    tab.close().await;
    out
}

async fn apply_item(
    tab: &Tab,
    pp: &PlatformPlan,
    item: &PlanItem,
    options: &AuditOptions,
    cancel: &AtomicBool,
) -> Finding {
    let Some(page) = item.setting.page() else {
        return failed(pp, item, Status::Manual, "only a form or an email can change this");
    };
    let url = pp.url(page);
    let deadline = Instant::now() + options.timeout;
    // Until the first action, nothing has changed: an interrupt may stop
    // here at once. Once acting, the setting is finished and verified.
    let located = tokio::select! {
        located = locate(tab, pp, item, &url, deadline) => located,
        _ = cancelled(cancel) => return failed(pp, item, Status::Drift, "not changed: interrupted before this setting"),
    };
    let (snapshot, node) = match located {
        Ok(found) => found,
        Err(f) => return f,
    };
    let Some(before) = ax::read_value(&snapshot, &node) else {
        return failed(
            pp,
            item,
            Status::Unreadable,
            &format!("{} has no state to read on {url}", node.role),
        );
    };
    let shot = Shot {
        url: &url,
        phase: "before",
        value: Some(&before),
        node: node.backend_id,
    };
    record_evidence(tab, options, pp, item, shot).await;
    if same_value(&before, &item.wanted) {
        let mut f = finding(pp, item, Status::Ok);
        f.current = Some(before);
        return f;
    }

    for (n, action) in actions(item).iter().enumerate() {
        if let Err(e) = run(tab, item, action, &node, deadline).await {
            let mut f = failed(
                pp,
                item,
                Status::Failed,
                &format!("step {} ({action}) failed: {e:#}", n + 1),
            );
            f.previous = Some(before);
            return f;
        }
    }
    tab.settle(deadline).await;

    // Verify with a fresh load: the page may show the new value while the
    // server silently dropped it.
    let verify_deadline = Instant::now() + options.timeout;
    let mut f = match locate(tab, pp, item, &url, verify_deadline).await {
        Err(mut f) => {
            f.status = Status::Failed;
            f.message = Some(format!(
                "could not confirm the change: {}",
                f.message.unwrap_or_default()
            ));
            f
        }
        Ok((snapshot, node)) => {
            let read = ax::read_value(&snapshot, &node);
            let shot = Shot {
                url: &url,
                phase: "after",
                value: read.as_deref(),
                node: node.backend_id,
            };
            record_evidence(tab, options, pp, item, shot).await;
            verdict(pp, item, &before, read)
        }
    };
    f.previous = Some(before);
    f
}

/// What the fresh read after applying says.
fn verdict(pp: &PlatformPlan, item: &PlanItem, before: &str, read: Option<String>) -> Finding {
    match read {
        Some(after) if same_value(&after, &item.wanted) => {
            let mut f = finding(pp, item, Status::Fixed);
            f.message = Some(format!("changed from {before} to {after}; a fresh load confirms it"));
            f.current = Some(after);
            f
        }
        Some(after) => {
            let mut f = failed(
                pp,
                item,
                Status::Failed,
                &format!(
                    "after applying, a fresh load still shows {after}: {} did not keep the change",
                    pp.platform.name
                ),
            );
            f.current = Some(after);
            f
        }
        None => failed(
            pp,
            item,
            Status::Failed,
            "could not confirm the change: the control has no state to read",
        ),
    }
}

/// Resolves once `cancel` is set.
async fn cancelled(cancel: &AtomicBool) {
    while !cancel.load(Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The rule's steps, or the obvious one for the control's kind.
fn actions(item: &PlanItem) -> Vec<Action> {
    match &item.setting.kind {
        SettingKind::Control { apply, .. } if !apply.is_empty() => apply.clone(),
        SettingKind::Control { control, .. } => {
            let choice = control.role.as_deref().is_some_and(|r| CHOICE_ROLES.contains(&r));
            if choice {
                vec![Action::Select(item.wanted.clone())]
            } else {
                vec![Action::Click(Aim::Control)]
            }
        }
        SettingKind::Manual { .. } => Vec::new(),
    }
}

/// Loads the page, checks the session, opens what hides the control and
/// returns the control's node. Failures come back as the finding to report.
async fn locate(
    tab: &Tab,
    pp: &PlatformPlan,
    item: &PlanItem,
    url: &str,
    deadline: Instant,
) -> Result<(Vec<AxItem>, AxItem), Finding> {
    let landed = match tab.goto(url).await {
        Ok(landed) => landed,
        Err(e @ NavError::OutsideDomains(_)) => return Err(failed(pp, item, Status::Error, &e.to_string())),
        Err(e) => return Err(failed(pp, item, Status::Error, &e.to_string())),
    };
    if let Some(login) = &pp.platform.login {
        if same_path(&landed, &pp.url(&login.url)) {
            return Err(failed(
                pp,
                item,
                Status::LoginRequired,
                &signed_out_message(pp, "the page sent the browser to the sign-in page"),
            ));
        }
    }
    for step in open_steps(&[item]) {
        match find_node(tab, step, deadline, |_| true)
            .await
            .map(|n| n.and_then(|n| n.backend_id))
        {
            Ok(Some(node)) => {
                if let Err(e) = tab.click(node).await {
                    return Err(failed(
                        pp,
                        item,
                        Status::Unreadable,
                        &format!("could not open {step}: {e:#}"),
                    ));
                }
            }
            Ok(None) => {
                return Err(failed(
                    pp,
                    item,
                    Status::Unreadable,
                    &format!("{step} was not found on {url}"),
                ))
            }
            Err(e) => return Err(failed(pp, item, Status::Error, &browser_gone(&e))),
        }
    }
    let Some(matcher) = control(item) else {
        return Err(failed(pp, item, Status::Error, "not a browser setting"));
    };
    let css = match &matcher.css {
        Some(css) => tab.css_node(css).await,
        None => None,
    };
    let found = wait_for(tab, deadline, |s| {
        let nodes: Vec<&AxItem> = match (&matcher.css, css) {
            (Some(_), Some(id)) => s.iter().filter(|i| i.backend_id == Some(id)).collect(),
            (Some(_), None) => Vec::new(),
            (None, _) => ax::find(s, matcher),
        };
        match nodes.as_slice() {
            [one] => Some((s.to_vec(), (*one).clone())),
            _ => None,
        }
    })
    .await;
    match found {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(failed(
            pp,
            item,
            Status::Unreadable,
            &format!(
                "no single {matcher} on {url}: the rule in {} needs an update",
                pp.platform.file
            ),
        )),
        Err(e) => Err(failed(pp, item, Status::Error, &browser_gone(&e))),
    }
}

async fn run(tab: &Tab, item: &PlanItem, action: &Action, control: &AxItem, deadline: Instant) -> anyhow::Result<()> {
    match action {
        Action::Click(aim) => click(tab, &target(tab, aim, control, deadline).await?).await,
        Action::Check(aim) | Action::Uncheck(aim) => {
            let want_on = matches!(action, Action::Check(_));
            let node = target(tab, aim, control, deadline).await?;
            let snapshot = tab.snapshot().await?;
            let current = snapshot
                .iter()
                .find(|i| i.backend_id == node.backend_id)
                .and_then(|n| ax::read_value(&snapshot, n));
            if current.as_deref() != Some(if want_on { "on" } else { "off" }) {
                click(tab, &node).await?;
            }
            Ok(())
        }
        Action::Select(option) => {
            let snapshot = tab.snapshot().await?;
            let node = snapshot
                .iter()
                .find(|i| i.backend_id == control.backend_id)
                .ok_or_else(|| anyhow::anyhow!("the control disappeared"))?;
            if node.role == "radiogroup" {
                let radio = ax::option_in(&snapshot, node, option)
                    .ok_or_else(|| anyhow::anyhow!("no option named \"{option}\""))?;
                click(tab, radio).await
            } else {
                let id = node
                    .backend_id
                    .ok_or_else(|| anyhow::anyhow!("the control has no DOM node"))?;
                tab.select_option(id, option).await
            }
        }
        Action::Fill(m, value) => {
            let node = appear(tab, m, deadline).await?;
            let id = node.backend_id.ok_or_else(|| anyhow::anyhow!("{m} has no DOM node"))?;
            tab.fill(id, value).await
        }
        Action::WaitFor(m) | Action::Expect(m) => appear(tab, m, deadline).await.map(|_| ()),
        Action::Confirm(m) => click(tab, &appear(tab, m, deadline).await?).await,
        Action::Save(m) => {
            let button = wait_for(tab, deadline, |s| {
                ax::find(s, m).into_iter().find(|n| !n.disabled).cloned()
            })
            .await?
            .ok_or_else(|| anyhow::anyhow!("{m} never became enabled"))?;
            click(tab, &button).await
        }
    }
    .map_err(|e| e.context(format!("while changing {}", item.setting.id)))
}

async fn target(tab: &Tab, aim: &Aim, control: &AxItem, deadline: Instant) -> anyhow::Result<AxItem> {
    match aim {
        Aim::Control => Ok(control.clone()),
        Aim::Element(m) => appear(tab, m, deadline).await,
    }
}

async fn appear(tab: &Tab, m: &Matcher, deadline: Instant) -> anyhow::Result<AxItem> {
    find_node(tab, m, deadline, |_| true)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{m} did not appear"))
}

async fn click(tab: &Tab, node: &AxItem) -> anyhow::Result<()> {
    let id = node
        .backend_id
        .ok_or_else(|| anyhow::anyhow!("{} \"{}\" has no DOM node to click", node.role, node.name))?;
    tab.click(id).await
}
