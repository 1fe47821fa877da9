//! What an audit produces: one finding per planned setting, and the run that
//! holds them. This is the stable JSON schema (see README, "JSON output").
//! Long because the schema's types and their documentation (which the
//! published JSON Schemas are generated from) belong in one place.

use schemars::JsonSchema;
use serde::Serialize;

use crate::plan::{Plan, PlanItem, PlatformPlan};
use crate::rules::{Category, SettingKind};

/// Bumped on any incompatible change to the JSON output.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
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

/// Why a setting could not be read or changed: who is to blame, and so
/// what to do (`class` in JSON; see README, "Failure classes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FailureClass {
    /// Signed in, page loaded, the control is not there: the platform
    /// changed the page and the rule needs an update.
    RuleStale,
    /// The session is signed out.
    SignedOut,
    /// Something is in the way: an overlay covers the control, a captcha or
    /// a bot wall, a redirect outside the platform's domains.
    Blocked,
    /// The site did not answer, or answered with an HTTP error.
    Unreachable,
    /// Another setting disables this control.
    Disabled,
    /// privaudit itself failed (the browser crashed, an unexpected answer):
    /// a bug to report.
    Driver,
}

impl FailureClass {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::RuleStale => "rule-stale",
            FailureClass::SignedOut => "signed-out",
            FailureClass::Blocked => "blocked",
            FailureClass::Unreachable => "unreachable",
            FailureClass::Disabled => "disabled",
            FailureClass::Driver => "driver",
        }
    }

    pub const ALL: [FailureClass; 6] = [
        FailureClass::RuleStale,
        FailureClass::SignedOut,
        FailureClass::Blocked,
        FailureClass::Unreachable,
        FailureClass::Disabled,
        FailureClass::Driver,
    ];

    /// What to do about a failure of this class that trying again may cure.
    pub fn retry_hint(self) -> &'static str {
        match self {
            FailureClass::Unreachable => "try again with a longer --timeout",
            _ => "try again",
        }
    }

    /// What the class means and what to do, for the README and `--help`.
    pub fn meaning(self) -> &'static str {
        match self {
            FailureClass::RuleStale => "signed in and the page loaded, but the control is not there: the platform changed the page; the rule needs an update",
            FailureClass::SignedOut => "the session is signed out: run `privaudit login PLATFORM`",
            FailureClass::Blocked => "something is in the way: an overlay over the control, a captcha or bot wall, a redirect outside the platform's domains; open the page yourself once",
            FailureClass::Unreachable => "the site did not answer, answered with an HTTP error, or was still loading when --timeout ran out: try again later, or with a longer --timeout",
            FailureClass::Disabled => "another setting disables this control: change that one first (the message names it when the rule knows it)",
            FailureClass::Driver => "privaudit itself failed (the browser crashed, an unexpected answer): a bug to report",
        }
    }
}

impl std::fmt::Display for FailureClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

#[derive(Debug, Clone, Serialize, JsonSchema)]
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
    /// The platform's documented default for this account's plan and
    /// region (see the profile's `region` and `[accounts]`), if documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The page the setting was read on, or the form for manual settings.
    pub url: Option<String>,
    /// Why the status is what it is, and what to do about it.
    pub message: Option<String>,
    /// Why a setting could not be read or changed (absent when it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<FailureClass>,
    /// What else happened on the page: native dialogs answered, changes
    /// privaudit undid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// For manual settings: the steps to follow at `url`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    pub source: String,
    /// What changed since the previous recorded run (see `transitions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
    /// For a setting not read in this run: since when no run has read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable_since: Option<String>,
}

/// What changed in a setting since the previous recorded run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    /// Was private last time, is not now: a platform switched it back on.
    ReEnabled,
    /// Not in any earlier run of an audited platform: new in the rules.
    New,
    /// Still not read after days of trying: a reminder, every
    /// `--remind-after` days, so a broken setting is never silent for good.
    StillUnreadable,
    /// Was read last time, cannot be read now: the page or the session changed.
    BecameUnreadable,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::ReEnabled => "re-enabled",
            Transition::New => "new",
            Transition::StillUnreadable => "still-unreadable",
            Transition::BecameUnreadable => "became-unreadable",
        }
    }

    /// A sentence for reports and alerts.
    pub fn describe(self, finding: &Finding) -> String {
        match self {
            Transition::ReEnabled => format!(
                "{} › {}: was {}, is now {} again",
                finding.platform_name,
                finding.label,
                finding.wanted,
                finding.current.as_deref().unwrap_or("?")
            ),
            Transition::New => format!(
                "{} › {}: new setting in the rules",
                finding.platform_name, finding.label
            ),
            Transition::StillUnreadable => format!(
                "{} › {}: not read since {} ({}): {}",
                finding.platform_name,
                finding.label,
                finding.unreadable_since.as_deref().unwrap_or("?"),
                finding.status,
                finding.message.as_deref().unwrap_or("")
            ),
            Transition::BecameUnreadable => format!(
                "{} › {}: could be read last time, now {}",
                finding.platform_name, finding.label, finding.status
            ),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, JsonSchema)]
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

/// One check or apply: what `--format json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Run {
    pub schema_version: u32,
    pub privaudit_version: &'static str,
    pub rules_version: String,
    pub command: &'static str,
    /// True when Ctrl-C or SIGTERM stopped the run part-way.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    #[serde(serialize_with = "crate::timestamp::serialize")]
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: u64,
    pub profile: String,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Settings left out (or read anyway, when named) because the rules say
    /// the account's region or plan does not have them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_offered: Vec<crate::plan::NotOffered>,
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
        default: item.default.as_ref().map(|d| d.value.clone()),
        url: item.setting.page().map(|p| pp.url(p)),
        message: None,
        class: None,
        notes: Vec::new(),
        steps: Vec::new(),
        source: item.setting.source.clone(),
        transition: None,
        unreadable_since: None,
    }
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

/// The message of a setting an interrupt kept from being read.
pub const NOT_READ_INTERRUPTED: &str = "not read: interrupted";

impl Finding {
    /// Was this setting left unread because the run was interrupted? It says
    /// nothing about the platform: no transition, no history record.
    pub fn not_read_interrupted(&self) -> bool {
        self.status == Status::Unreadable
            && self.class.is_none()
            && self.message.as_deref() == Some(NOT_READ_INTERRUPTED)
    }
}

/// Every browser setting of the plan marked `status` with `message`: when the
/// browser itself could not start.
pub fn all_browser_items(plan: &Plan, status: Status, message: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for pp in &plan.platforms {
        for item in pp.items.iter().filter(|i| i.setting.page().is_some()) {
            let mut f = finding(pp, item, status);
            f.message = Some(message.to_string());
            f.class = Some(FailureClass::Driver);
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
