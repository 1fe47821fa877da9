//! What an audit produces: one finding per planned setting, and the run that
//! holds them. This is the stable JSON schema (see README, "JSON output").

use serde::Serialize;

use crate::rules::Category;

/// Bumped on any incompatible change to the JSON output.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The setting has the wanted value.
    Ok,
    /// The setting differs from the profile.
    Drift,
    /// `apply` changed the setting and a fresh read confirmed it.
    Fixed,
    /// `apply` tried, but a fresh read does not show the wanted value.
    Failed,
    /// Only a form or an email can change it; steps are printed.
    Manual,
    /// The rule did not match the page: the platform changed, the rule is stale.
    Unreadable,
    /// Was private at the last run and is not now: a platform update (or
    /// someone) switched it back. Only `check` reports it; it counts as drift.
    ReEnabled,
    /// The browser session is not signed in to the platform.
    LoginRequired,
    /// The platform could not be audited (site down, HTTP error, navigation
    /// left the declared domains, browser failure).
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Drift => "drift",
            Status::Fixed => "fixed",
            Status::Failed => "failed",
            Status::Manual => "manual",
            Status::ReEnabled => "re-enabled",
            Status::Unreadable => "unreadable",
            Status::LoginRequired => "login-required",
            Status::Error => "error",
        }
    }

    /// Statuses that mean "we could not tell": they make a run incomplete.
    pub fn is_incomplete(self) -> bool {
        matches!(self, Status::Unreadable | Status::LoginRequired | Status::Error)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub platform: String,
    pub platform_name: String,
    pub setting: String,
    pub label: String,
    pub category: Category,
    pub status: Status,
    /// The value read from the page (`on`, `off`, an option's name), if any;
    /// after `apply`, the value read back from a fresh load.
    pub current: Option<String>,
    /// For `apply`: the value before the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    pub wanted: String,
    /// The page the setting was read on, or the form for manual settings.
    pub url: Option<String>,
    /// Why the status is what it is, and what to do about it.
    pub message: Option<String>,
    /// For manual settings: the steps to follow at `url`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    pub source: String,
    /// What changed since the previous recorded run (see `history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<crate::history::Transition>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub platforms: usize,
    pub settings: usize,
    pub ok: usize,
    pub drift: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub re_enabled: usize,
    pub fixed: usize,
    pub failed: usize,
    pub manual: usize,
    pub unreadable: usize,
    pub login_required: usize,
    pub error: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub schema_version: u32,
    pub privaudit_version: &'static str,
    pub rules_version: String,
    pub command: &'static str,
    /// True when Ctrl-C or SIGTERM stopped the run part-way.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: u64,
    pub profile: String,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary {
            settings: findings.len(),
            ..Summary::default()
        };
        let mut platforms: Vec<&str> = findings.iter().map(|f| f.platform.as_str()).collect();
        platforms.dedup();
        s.platforms = platforms.len();
        for f in findings {
            match f.status {
                Status::Ok => s.ok += 1,
                Status::Drift => s.drift += 1,
                Status::ReEnabled => s.re_enabled += 1,
                Status::Fixed => s.fixed += 1,
                Status::Failed => s.failed += 1,
                Status::Manual => s.manual += 1,
                Status::Unreadable => s.unreadable += 1,
                Status::LoginRequired => s.login_required += 1,
                Status::Error => s.error += 1,
            }
        }
        s
    }

    /// "3 platforms, 9 settings: 2 ok, 5 drift, 1 manual, 1 unreadable".
    pub fn sentence(&self) -> String {
        let parts: Vec<String> = [
            (self.ok, "ok"),
            (self.drift, "drift"),
            (self.re_enabled, "re-enabled"),
            (self.fixed, "fixed"),
            (self.failed, "failed"),
            (self.manual, "manual"),
            (self.unreadable, "unreadable"),
            (self.login_required, "login-required"),
            (self.error, "error"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
        format!(
            "{} platform{}, {} setting{}: {}",
            self.platforms,
            plural(self.platforms),
            self.settings,
            plural(self.settings),
            if parts.is_empty() {
                "nothing to audit".to_string()
            } else {
                parts.join(", ")
            }
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
