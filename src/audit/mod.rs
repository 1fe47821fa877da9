//! Runs a plan against the browser and turns what it reads into findings.
//! One tab per platform, `jobs` platforms at a time; a platform that fails
//! never stops the others.

pub mod apply;
pub mod finding;
mod platform;
pub mod signin;

/// Same page, ignoring query and fragment.
pub fn same_page(a: &str, b: &str) -> bool {
    platform::same_path(a, b)
}

/// The navigation guard for a platform as planned (its domains, or the
/// overridden base URL's origin).
pub fn guard_for(pp: &PlatformPlan) -> crate::browser::guard::Allowed {
    platform::allowed(pp)
}

use std::time::Duration;

use futures::StreamExt;

use crate::browser::Browser;
use crate::plan::{Plan, PlanItem, PlatformPlan};
use crate::rules::SettingKind;
pub use finding::{Finding, Run, Status, Summary};

#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub jobs: usize,
    pub timeout: Duration,
    /// Where to save screenshots and records of what was read, if anywhere.
    pub evidence: Option<std::sync::Arc<crate::evidence::Evidence>>,
    /// Blur what shows the account's identity before evidence screenshots,
    /// and keep query strings out of evidence records.
    pub redact: bool,
    /// Stored credentials by platform, for signing in when a session expired.
    pub credentials: std::sync::Arc<std::collections::BTreeMap<String, crate::secrets::Credentials>>,
}

/// Findings for settings that need no browser (manual ones).
pub fn manual_findings(plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    for pp in &plan.platforms {
        for item in &pp.items {
            if let SettingKind::Manual { url, steps } = &item.setting.kind {
                let mut f = finding(pp, item, Status::Manual);
                f.url = Some(url.clone());
                f.steps = steps.clone();
                f.message = Some("only a form or an email can change this; follow the steps".into());
                out.push(f);
            }
        }
    }
    out
}

/// Does any planned setting need the browser?
pub fn needs_browser(plan: &Plan) -> bool {
    plan.platforms
        .iter()
        .any(|pp| pp.items.iter().any(|i| i.setting.page().is_some()))
}

/// Reads every browser setting of the plan. `on_platform_done` is called as
/// each platform finishes (progress display).
pub async fn check(
    browser: &Browser,
    plan: &Plan,
    options: &AuditOptions,
    on_platform_done: &(dyn Fn(&str) + Sync),
) -> Vec<Finding> {
    let jobs = options.jobs.max(1);
    let mut results: Vec<(usize, Vec<Finding>)> = futures::stream::iter(plan.platforms.iter().enumerate())
        .filter(|(_, pp)| futures::future::ready(pp.items.iter().any(|i| i.setting.page().is_some())))
        .map(|(index, pp)| async move {
            let findings = platform::check_platform(browser, pp, options).await;
            on_platform_done(&pp.platform.name);
            (index, findings)
        })
        .buffer_unordered(jobs)
        .collect()
        .await;
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().flat_map(|(_, f)| f).collect()
}

/// Every browser setting of the plan marked `status` with `message`: when the
/// browser itself could not start.
pub fn all_browser_items(plan: &Plan, status: Status, message: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for pp in &plan.platforms {
        for item in pp.items.iter().filter(|i| i.setting.page().is_some()) {
            let mut f = finding(pp, item, status);
            f.message = Some(message.to_string());
            out.push(f);
        }
    }
    out
}

/// Puts findings in plan order: platform by platform, settings as the rules list them.
pub fn in_plan_order(plan: &Plan, mut findings: Vec<Finding>) -> Vec<Finding> {
    let position = |f: &Finding| {
        plan.platforms
            .iter()
            .enumerate()
            .find(|(_, pp)| pp.platform.id == f.platform)
            .map(|(pi, pp)| {
                (
                    pi,
                    pp.items
                        .iter()
                        .position(|i| i.setting.id == f.setting)
                        .unwrap_or(usize::MAX),
                )
            })
            .unwrap_or((usize::MAX, usize::MAX))
    };
    findings.sort_by_key(position);
    findings
}

pub(crate) fn finding(pp: &PlatformPlan, item: &PlanItem, status: Status) -> Finding {
    Finding {
        platform: pp.platform.id.clone(),
        platform_name: pp.platform.name.clone(),
        setting: item.setting.id.clone(),
        label: item.setting.label.clone(),
        category: item.setting.category,
        status,
        current: None,
        previous: None,
        wanted: item.wanted.clone(),
        url: item.setting.page().map(|p| pp.url(p)),
        message: None,
        steps: Vec::new(),
        source: item.setting.source.clone(),
        transition: None,
    }
}
