//! `policy check`: which pages to fetch, and what changed since the stored
//! versions.

use std::time::Duration;

use super::fetch::{self, Fetched};
use crate::exit::Exit;
use crate::history::Store;
use crate::notify::Notice;
use crate::rules::Catalogue;

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct PolicyChange {
    pub platform: String,
    pub url: String,
    /// A unified diff of the page's readable text, old → new.
    pub diff: String,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct PolicyPage {
    pub platform: String,
    pub url: String,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct PolicyFailure {
    pub platform: String,
    pub url: String,
    /// Why, with its cause (DNS, TLS, connection, HTTP status).
    pub error: String,
}

/// What `policy check --format json` prints.
#[derive(Debug, Default, serde::Serialize, schemars::JsonSchema)]
pub struct Outcome {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub changes: Vec<PolicyChange>,
    /// First versions stored: nothing to compare yet.
    pub baselines: Vec<PolicyPage>,
    pub unchanged: usize,
    pub failures: Vec<PolicyFailure>,
}

impl Outcome {
    pub fn report(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            out.push_str(&format!("Policy changed: {} — {}\n{}\n", c.platform, c.url, c.diff));
        }
        for PolicyPage { platform: p, url } in &self.baselines {
            out.push_str(&format!("Policy stored for the first time: {p} — {url}\n"));
        }
        for PolicyFailure {
            platform: p,
            url,
            error: why,
        } in &self.failures
        {
            out.push_str(&format!("Policy not checked: {p} — {url}: {why}\n"));
        }
        out.push_str(&format!(
            "{} changed, {} unchanged, {} new, {} failed\n",
            self.changes.len(),
            self.unchanged,
            self.baselines.len(),
            self.failures.len()
        ));
        out
    }

    pub fn exit(&self) -> Exit {
        if !self.changes.is_empty() {
            Exit::Drift
        } else if !self.failures.is_empty() {
            Exit::Incomplete
        } else {
            Exit::Ok
        }
    }

    pub fn notice(&self) -> Option<Notice> {
        if self.changes.is_empty() {
            return None;
        }
        let lines = self
            .changes
            .iter()
            .map(|c| format!("{}: {} changed", c.platform, c.url))
            .collect();
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| serde_json::json!({ "platform": c.platform, "url": c.url, "diff": c.diff }))
            .collect();
        Some(Notice {
            source: "privaudit",
            event: "policy",
            title: format!(
                "privaudit: {} privacy polic{} changed",
                self.changes.len(),
                if self.changes.len() == 1 { "y" } else { "ies" }
            ),
            lines,
            details: serde_json::json!({ "changes": changes }),
        })
    }
}

/// Fetches the policy pages of `platforms` (all when empty); `overrides`
/// replace a platform's URLs (a mirror, or a test server).
pub fn check(
    store: &Store,
    catalogue: &Catalogue,
    platforms: &[String],
    overrides: &[(String, String)],
) -> anyhow::Result<Outcome> {
    // With overrides and no platform named, only the overridden ones: a
    // mirror or test server must never lead to fetching the real sites too.
    let mut selected: Vec<String> = if platforms.is_empty() && overrides.is_empty() {
        catalogue.platforms.iter().map(|p| p.id.clone()).collect()
    } else {
        platforms.to_vec()
    };
    for (p, _) in overrides {
        if !selected.contains(p) {
            selected.push(p.clone());
        }
    }
    let mut pages = Vec::new();
    for id in &selected {
        let Some(rules) = catalogue.platform(id) else {
            return Err(UnknownPlatform(id.clone()).into());
        };
        let urls: Vec<String> = if overrides.iter().any(|(p, _)| p == id) {
            overrides
                .iter()
                .filter(|(p, _)| p == id)
                .map(|(_, u)| u.clone())
                .collect()
        } else {
            rules.policy_urls.clone()
        };
        pages.extend(urls.into_iter().map(|u| (id.clone(), u)));
    }
    let client = fetch::client()?;
    let mut outcome = Outcome {
        schema_version: 1,
        ..Outcome::default()
    };
    for (platform, url) in pages {
        let stored = store.latest_policy(&url)?;
        match fetch::fetch(&client, &url, stored.as_ref(), Duration::from_millis(500)) {
            Err(e) => outcome.failures.push(PolicyFailure {
                platform,
                url,
                error: format!("{e:#}"),
            }),
            Ok(Fetched::NotModified) => outcome.unchanged += 1,
            Ok(Fetched::Page(version)) => match stored {
                None => {
                    store.add_policy(&platform, &url, &version)?;
                    outcome.baselines.push(PolicyPage { platform, url });
                }
                Some(old) if old.sha256 == version.sha256 => outcome.unchanged += 1,
                Some(old) => {
                    let diff = fetch::diff(&old, &version, &url);
                    store.add_policy(&platform, &url, &version)?;
                    outcome.changes.push(PolicyChange { platform, url, diff });
                }
            },
        }
    }
    Ok(outcome)
}

/// A platform named on the command line has no rules.
#[derive(Debug, thiserror::Error)]
#[error("no rules for platform `{0}`")]
pub struct UnknownPlatform(pub String);

/// `policy list --format json`.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct PolicyList {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub pages: Vec<crate::history::PolicyPageRow>,
}

/// `policy show PLATFORM --format json`: one stored version of each page.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct PolicyShown {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub platform: String,
    pub pages: Vec<ShownVersion>,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ShownVersion {
    pub url: String,
    /// 1 is the first stored version.
    pub version: usize,
    pub versions: usize,
    pub fetched_at: String,
    pub sha256: String,
    /// The page's readable text as stored.
    pub text: String,
}
