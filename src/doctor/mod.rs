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

mod health;
pub mod sessions;

use self::health::check;
pub use self::health::{Check, Health};
use self::sessions::SessionRow;

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
    pub browser_wait: Duration,
    pub catalogue: &'a Catalogue,
    /// Profile problems found by `profile::check` (errors, warnings).
    pub profile_problems: Option<(usize, usize)>,
    /// Settings from the environment a run reads, and what is wrong with
    /// each (`PRIVAUDIT_HISTORY_KEEP`, …).
    pub environment: Vec<(&'static str, Result<String, String>)>,
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

impl Report {
    pub fn worst(&self) -> Health {
        self.checks.iter().map(|c| c.health).max().unwrap_or(Health::Ok)
    }
}

pub fn run(inputs: &Inputs) -> Report {
    // Before the browser check starts one: what a killed run left is ended
    // and said here, not folded into the launch.
    let leftovers = crate::browser::orphans::end_orphans();
    let mut checks = browser_checks(inputs);
    if leftovers != crate::browser::orphans::Cleaned::default() {
        checks.push(check(
            "leftovers",
            Health::Warn,
            format!(
                "ended {} browser(s) and removed {} scratch profile(s) left by a privaudit run that was killed",
                leftovers.browsers, leftovers.profiles
            ),
            None,
        ));
    }
    checks.push(keyring());
    checks.push(private_dir("config-dir", inputs.config_dir, false));
    checks.push(profile(inputs));
    checks.push(private_dir("data-dir", inputs.data_dir, true));
    checks.push(history(inputs.history));
    for (name, value) in &inputs.environment {
        checks.push(match value {
            Ok(v) => check("environment", Health::Ok, format!("{name}: {v}"), None),
            Err(e) => check(
                "environment",
                Health::Fail,
                format!("{name}: {e}"),
                Some("fix or unset it: every run stops on it"),
            ),
        });
    }
    let sessions = sessions::list(inputs.sessions, inputs.history);
    checks.push(sessions::check(&sessions));
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
            let shown = crate::browser::redact_endpoint(url);
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
                    wait: inputs.browser_wait,
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
                    start_wait: inputs.browser_wait,
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
        // privaudit makes its data directory 0700 whenever it writes there:
        // worth knowing, not a run that would fail.
        Some(m) if m & 0o077 != 0 && must_be_private => check(
            name,
            Health::Warn,
            format!(
                "{} is readable by others (mode {m:o}); the next run makes it 0700",
                dir.display()
            ),
            Some("chmod 700 it now: it holds your sessions and history"),
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
                    "{}: {} run{}, the last finished one #{} ({}) at {}",
                    path.display(),
                    runs.len(),
                    if runs.len() == 1 { "" } else { "s" },
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
