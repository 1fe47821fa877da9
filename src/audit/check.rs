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
