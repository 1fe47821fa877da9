//! What every part of an audit run needs to know.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::finding::Finding;
use crate::secrets::Credentials;

/// How a run reads and changes platforms.
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
    /// Saved sessions by platform: seeded into each platform's tab and
    /// written back after it was read signed in.
    pub sessions: std::sync::Arc<std::collections::BTreeMap<String, crate::sessions::Session>>,
    /// The browser context each platform with a session was opened in, and
    /// whether a page of it was read signed in, so an interrupted run can
    /// still keep what was renewed.
    pub opened: std::sync::Arc<std::sync::Mutex<Opened>>,
}

type ContextId = chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;

/// Platform → the browser context its tab is in, and whether a page of it
/// was read signed in.
pub type Opened = BTreeMap<String, (Option<ContextId>, bool)>;

/// What a run does with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Apply { dry_run: bool, yes: bool },
}

impl Mode {
    pub fn command(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Apply { dry_run: true, .. } => "apply --dry-run",
            Mode::Apply { .. } => "apply",
        }
    }
}

/// Where browsers come from.
#[derive(Debug, Clone)]
pub enum Browsers {
    /// Start Chromium locally.
    Local { executable: PathBuf, headed: bool },
    /// An existing CDP endpoint (`--browser-ws`).
    Remote { url: String },
}

/// Saved sign-in sessions and credentials (check and apply on real
/// accounts; never demo or `rules test`).
#[derive(Debug, Clone)]
pub struct Sessions {
    /// `<data>/sessions`, one profile directory per platform.
    pub root: PathBuf,
    /// Stored credentials by platform, for unattended sign-in.
    pub credentials: BTreeMap<String, Credentials>,
}

/// Everything a run needs, resolved from the command line by the caller.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub mode: Mode,
    pub jobs: usize,
    /// Per page and per control.
    pub timeout: Duration,
    /// How long a browser may take to start, or a pool to give one.
    pub browser_wait: Duration,
    pub browsers: Browsers,
    /// A Chromium profile the user signed in with themselves
    /// (`--browser-profile`): every platform is read in it.
    pub browser_profile: Option<PathBuf>,
    pub sessions: Option<Sessions>,
    /// `--evidence DIR` and whether to `--redact`.
    pub evidence: Option<(PathBuf, bool)>,
    pub rules_version: String,
    /// Where the profile came from, for the report.
    pub profile: String,
}

/// What a run tells the person running it, and asks them.
pub trait Hooks: Sync {
    fn note(&self, message: &str);
    fn warn(&self, message: &str);
    /// A platform finished (`phase`: "read" or "changed").
    fn platform_done(&self, platform: &str, phase: &str);
    /// apply: what is about to change (or, `dry_run`, would).
    fn show_plan(&self, drifted: &[&Finding], dry_run: bool);
    /// apply: true to go on with `changes` changes. Called from a blocking
    /// context: it may read a terminal.
    fn approve(&self, changes: usize) -> bool;
}
