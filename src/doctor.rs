//! `privaudit doctor`: everything a run depends on, checked in one go, each
//! with what is wrong and the fix — the browser (found, its version, does it
//! start headless), the keyring, the config and data directories and their
//! permissions, the profile, the saved sessions and their age, and how
//! fresh the rules are. Also the session table `privaudit sessions` prints.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::browser::{self, Browser, LaunchOptions, Source};
use crate::history::Store;
use crate::rules::Catalogue;

/// A session not read signed in for this long gets a warning: a nightly
/// run that has been failing quietly, or an account given up.
pub const SESSION_UNREAD_WARN_DAYS: i64 = 14;

/// What to check: the resolved paths and options of this invocation.
pub struct Inputs<'a> {
    pub config_dir: &'a Path,
    pub data_dir: &'a Path,
    pub profile: &'a Path,
    pub history: &'a Path,
    pub sessions: &'a Path,
    pub browser: Option<&'a Path>,
    pub browser_ws: Option<&'a str>,
    pub timeout: Duration,
    pub catalogue: &'a Catalogue,
    /// Profile problems found by `profile::check` (errors, warnings).
    pub profile_problems: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    Ok,
    /// Works, but something deserves attention.
    Warn,
    /// A run would fail: a configuration problem (exit 2).
    Fail,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warn => "warn",
            Health::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Check {
    /// A stable name: browser, browser-start, keyring, config-dir, profile,
    /// data-dir, history, sessions, rules.
    pub name: &'static str,
    pub health: Health,
    pub detail: String,
    /// What to do, when something is wrong.
    pub fix: Option<String>,
}

/// One saved session.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SessionRow {
    pub platform: String,
    /// When the session was saved (RFC 3339, UTC).
    pub since: Option<String>,
    /// Days since then.
    pub age_days: Option<i64>,
    /// The newest recorded run that read one of its settings signed in.
    pub last_verified_read: Option<String>,
}

/// `doctor --format json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub privaudit_version: &'static str,
    pub commit: &'static str,
    pub rules_version: String,
    pub checks: Vec<Check>,
    pub sessions: Vec<SessionRow>,
}

/// `sessions --format json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sessions {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub sessions: Vec<SessionRow>,
}

impl Report {
    pub fn worst(&self) -> Health {
        self.checks.iter().map(|c| c.health).max().unwrap_or(Health::Ok)
    }
}

fn check(name: &'static str, health: Health, detail: impl Into<String>, fix: Option<&str>) -> Check {
    Check {
        name,
        health,
        detail: detail.into(),
        fix: fix.map(String::from),
    }
}

pub fn run(inputs: &Inputs) -> Report {
    let mut checks = browser_checks(inputs);
    checks.push(keyring());
    checks.push(private_dir("config-dir", inputs.config_dir, false));
    checks.push(profile(inputs));
    checks.push(private_dir("data-dir", inputs.data_dir, true));
    checks.push(history(inputs.history));
    let sessions = sessions(inputs.sessions, inputs.history);
    checks.push(sessions_check(&sessions));
    checks.push(rules(inputs.catalogue));
    Report {
        schema_version: 1,
        privaudit_version: env!("CARGO_PKG_VERSION"),
        commit: env!("PRIVAUDIT_GIT_COMMIT"),
        rules_version: inputs.catalogue.version.clone(),
        checks,
        sessions,
    }
}

/// Found, and starts headless far enough to answer CDP with its version.
fn browser_checks(inputs: &Inputs) -> Vec<Check> {
    let source = match inputs.browser_ws {
        Some(url) => {
            let shown = url.split(['?', '#']).next().unwrap_or_default().to_string();
            let found = check(
                "browser",
                Health::Ok,
                format!("remote browser at {shown} (--browser-ws)"),
                None,
            );
            (
                found,
                Source::Remote {
                    url: url.to_string(),
                    timeout: inputs.timeout,
                },
            )
        }
        None => match browser::find::find_browser(inputs.browser) {
            Ok(path) => (
                check("browser", Health::Ok, path.display().to_string(), None),
                Source::Launch(LaunchOptions {
                    executable: path,
                    headed: false,
                    user_data_dir: None,
                    timeout: inputs.timeout,
                    os_keyring: false,
                }),
            ),
            Err(e) => {
                return vec![
                    check("browser", Health::Fail, e.to_string(), Some(e.hint())),
                    check(
                        "browser-start",
                        Health::Fail,
                        "not tried: no browser",
                        Some("install Chromium first"),
                    ),
                ]
            }
        },
    };
    let (found, source) = source;
    let started = Instant::now();
    let outcome = crate::runtime::new().and_then(|rt| {
        rt.block_on(async {
            let browser = Browser::open(&source).await?;
            let product = browser.product().await;
            browser.shutdown().await;
            product
        })
    });
    let start = match outcome {
        Ok(product) => check(
            "browser-start",
            Health::Ok,
            format!("{product}, answered CDP in {} ms", started.elapsed().as_millis()),
            None,
        ),
        Err(e) => check(
            "browser-start",
            Health::Fail,
            format!("{e:#}"),
            Some("run the browser by hand with --headless=new to see why; pass another with --browser PATH"),
        ),
    };
    vec![found, start]
}

fn keyring() -> Check {
    match crate::secrets::probe() {
        Ok(()) => check("keyring", Health::Ok, "the OS keyring answers", None),
        // Not a failure: sessions and password_command work without it.
        Err(e) => check(
            "keyring",
            Health::Warn,
            format!("{e} (needed only by `auth set` credentials)"),
            Some(e.hint()),
        ),
    }
}

fn mode(path: &Path) -> Option<u32> {
    std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
}

/// A directory privaudit keeps private (0700): absent is fine (created on
/// first use), readable by others is not.
fn private_dir(name: &'static str, dir: &Path, must_be_private: bool) -> Check {
    match mode(dir) {
        None => check(name, Health::Ok, format!("{} (not created yet)", dir.display()), None),
        Some(m) if m & 0o077 != 0 && must_be_private => check(
            name,
            Health::Fail,
            format!("{} is readable by others (mode {m:o})", dir.display()),
            Some("chmod 700 it: it holds your sessions and history"),
        ),
        Some(m) if m & 0o077 != 0 => check(
            name,
            Health::Warn,
            format!("{} is readable by others (mode {m:o})", dir.display()),
            Some("chmod 700 it: accounts.toml there names your accounts"),
        ),
        Some(m) => check(name, Health::Ok, format!("{} (mode {m:o})", dir.display()), None),
    }
}

fn profile(inputs: &Inputs) -> Check {
    if !inputs.profile.exists() {
        return check(
            "profile",
            Health::Warn,
            format!("no profile at {}: the strict preset is used", inputs.profile.display()),
            Some("`privaudit profile init` writes one to edit"),
        );
    }
    match inputs.profile_problems {
        Some((errors, _)) if errors > 0 => check(
            "profile",
            Health::Fail,
            format!("{}: {errors} error(s)", inputs.profile.display()),
            Some("`privaudit profile show` points at each with line and column"),
        ),
        Some((_, warnings)) if warnings > 0 => check(
            "profile",
            Health::Warn,
            format!("{}: {warnings} warning(s)", inputs.profile.display()),
            Some("`privaudit profile show` points at each with line and column"),
        ),
        _ => check("profile", Health::Ok, inputs.profile.display().to_string(), None),
    }
}

fn history(path: &Path) -> Check {
    if !path.exists() {
        return check(
            "history",
            Health::Ok,
            format!("{} (no run recorded yet)", path.display()),
            None,
        );
    }
    if mode(path).is_some_and(|m| m & 0o077 != 0) {
        return check(
            "history",
            Health::Fail,
            format!("{} is readable by others", path.display()),
            Some("chmod 600 it"),
        );
    }
    match Store::open(path).and_then(|s| s.runs()) {
        Ok(runs) => {
            let last = runs.iter().rev().find(|r| r.finished_at.is_some());
            let detail = match last {
                Some(r) => format!(
                    "{}: {} runs, the last finished one #{} ({}) at {}",
                    path.display(),
                    runs.len(),
                    r.id,
                    r.command,
                    r.started_at
                ),
                None => format!("{}: no finished run", path.display()),
            };
            check("history", Health::Ok, detail, None)
        }
        Err(e) => check(
            "history",
            Health::Fail,
            format!("{}: {e:#}", path.display()),
            Some("move the file aside; a new one is made on the next run"),
        ),
    }
}

/// Every saved session with its age and its last signed-in read.
pub fn sessions(root: &Path, history: &Path) -> Vec<SessionRow> {
    let saved = crate::sessions::list(root).unwrap_or_default();
    let store = history.exists().then(|| Store::open(history).ok()).flatten();
    let now = chrono::Utc::now();
    saved
        .into_iter()
        .map(|s| {
            let since = s.since.map(chrono::DateTime::<chrono::Utc>::from);
            SessionRow {
                last_verified_read: store.as_ref().and_then(|st| st.last_read(&s.platform).ok().flatten()),
                age_days: since.map(|t| (now - t).num_days()),
                since: since.map(crate::timestamp::format),
                platform: s.platform,
            }
        })
        .collect()
}

fn sessions_check(rows: &[SessionRow]) -> Check {
    if rows.is_empty() {
        return check(
            "sessions",
            Health::Warn,
            "no saved session: every platform reads as signed out",
            Some("`privaudit login PLATFORM` once per platform"),
        );
    }
    let now = chrono::Utc::now();
    let stale: Vec<String> = rows
        .iter()
        .filter(|r| {
            let last = r
                .last_verified_read
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            last.is_none_or(|t| (now - t.with_timezone(&chrono::Utc)).num_days() > SESSION_UNREAD_WARN_DAYS)
        })
        .map(|r| r.platform.clone())
        .collect();
    if stale.is_empty() {
        check(
            "sessions",
            Health::Ok,
            format!(
                "{} saved, each read signed in within {SESSION_UNREAD_WARN_DAYS} days",
                rows.len()
            ),
            None,
        )
    } else {
        check(
            "sessions",
            Health::Warn,
            format!(
                "not read signed in for over {SESSION_UNREAD_WARN_DAYS} days (or never): {}",
                stale.join(", ")
            ),
            Some("`privaudit check PLATFORM` tells why; `privaudit login PLATFORM` renews a session"),
        )
    }
}

fn rules(catalogue: &Catalogue) -> Check {
    let today = chrono::Utc::now().date_naive();
    let old: Vec<String> = catalogue
        .platforms
        .iter()
        .filter(|p| {
            chrono::NaiveDate::parse_from_str(&p.verified, "%Y-%m-%d")
                .is_ok_and(|d| (today - d).num_days() > crate::rules::lint::STALE_AFTER_DAYS)
        })
        .map(|p| format!("{} ({})", p.id, p.verified))
        .collect();
    let settings: usize = catalogue.platforms.iter().map(|p| p.settings.len()).sum();
    let detail = format!(
        "{}: {} platforms, {settings} settings",
        catalogue.version,
        catalogue.platforms.len()
    );
    if old.is_empty() {
        check("rules", Health::Ok, detail, None)
    } else {
        check(
            "rules",
            Health::Warn,
            format!(
                "{detail}; verified over {} days ago: {}",
                crate::rules::lint::STALE_AFTER_DAYS,
                old.join(", ")
            ),
            Some("a newer privaudit may have fresher rules; `privaudit rules lint` lists them"),
        )
    }
}
