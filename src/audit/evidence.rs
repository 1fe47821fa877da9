//! Saving what a setting looked like (`--evidence`): a screenshot band
//! around the control (outlined), and a JSON record with its accessibility
//! node and a DOM excerpt, per reading.

use super::options::AuditOptions;
use super::page;
use crate::browser::Tab;
use crate::evidence::{Captured, Subject};
use crate::plan::{PlanItem, PlatformPlan};

/// One piece of evidence about to be saved.
pub struct Shot<'a> {
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
pub async fn record(tab: &Tab, options: &AuditOptions, pp: &PlatformPlan, item: &PlanItem, shot: Shot<'_>) {
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
    let locator = page::control(item).map(|m| m.to_string()).unwrap_or_default();
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
    let (accessibility, dom) = match shot.node {
        Some(id) => (tab.ax_node_json(id).await, tab.dom_excerpt(id).await),
        None => (None, None),
    };
    let captured = Captured {
        png: png.as_deref(),
        accessibility,
        dom,
    };
    if let Err(e) = evidence.record(&subject, shot.phase, shot.value, &captured) {
        tracing::warn!(
            "could not save evidence for {}.{}: {e:#}",
            pp.platform.id,
            item.setting.id
        );
    }
}
