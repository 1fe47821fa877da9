//! Reading every browser setting of a plan: one tab per platform, `jobs`
//! platforms at a time; a platform that fails never stops the others.

use futures::StreamExt;

use super::finding::Finding;
use super::options::AuditOptions;
use super::platform;
use crate::browser::Browser;
use crate::plan::Plan;

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
    let read = std::sync::Mutex::new(Vec::new());
    check_into(browser, plan, options, on_platform_done, &read).await;
    read.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Like [`check`], putting each platform's findings in `read` as soon as
/// that platform is done: a run interrupted half way still reports (and
/// records) what it read.
pub async fn check_into(
    browser: &Browser,
    plan: &Plan,
    options: &AuditOptions,
    on_platform_done: &(dyn Fn(&str) + Sync),
    read: &std::sync::Mutex<Vec<Finding>>,
) {
    let jobs = options.jobs.max(1);
    futures::stream::iter(plan.platforms.iter())
        .filter(|pp| futures::future::ready(pp.items.iter().any(|i| i.setting.page().is_some())))
        .map(|pp| async move {
            let findings = platform::check_platform(browser, pp, options).await;
            on_platform_done(&pp.platform.name);
            read.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(findings);
        })
        .buffer_unordered(jobs)
        .collect::<Vec<()>>()
        .await;
}
