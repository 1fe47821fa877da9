//! What every command needs to know about this invocation, resolved once from
//! the global flags and the environment.

use std::path::PathBuf;
use std::time::Duration;

use super::args::GlobalArgs;
use crate::output::{ColorWhen, Console};

#[derive(Debug, Clone)]
pub struct Context {
    pub config_dir: PathBuf,
    /// History, sessions and the run lock (private: 0700).
    pub data_dir: PathBuf,
    pub lock_wait: Duration,
    pub extra_rules: Vec<PathBuf>,
    pub browser: Option<PathBuf>,
    pub browser_ws: Option<String>,
    pub headed: bool,
    pub jobs: usize,
    /// Whether --jobs (or PRIVAUDIT_JOBS) was given, not defaulted.
    pub jobs_given: bool,
    pub timeout: Duration,
    /// How long a browser may take to start, or a pool to give one.
    pub browser_wait: Duration,
    pub verbose: u8,
    pub quiet: bool,
    /// Where messages and results go, and whether they carry colour.
    pub console: Console,
}

impl Context {
    pub fn from_args(args: &GlobalArgs) -> Context {
        let color = if args.no_color { ColorWhen::Never } else { args.color };
        Context {
            config_dir: args.config.clone().unwrap_or_else(default_config_dir),
            data_dir: args.data_dir.clone().unwrap_or_else(default_data_dir),
            lock_wait: Duration::from_secs(args.lock_wait),
            extra_rules: args.rules.clone(),
            browser: args.browser.clone(),
            // An empty PRIVAUDIT_BROWSER_WS= is no pool, as an unset one.
            browser_ws: args.browser_ws.clone().filter(|u| !u.trim().is_empty()),
            headed: args.headed,
            jobs: args.jobs.unwrap_or_else(default_jobs).max(1),
            jobs_given: args.jobs.is_some(),
            timeout: Duration::from_secs(args.timeout),
            browser_wait: Duration::from_secs(args.browser_wait),
            verbose: args.verbose,
            quiet: args.quiet,
            console: Console::new(color, args.quiet),
        }
    }

    pub fn profile_path(&self) -> PathBuf {
        self.config_dir.join("profile.toml")
    }

    pub fn rules_dir(&self) -> PathBuf {
        self.config_dir.join("rules")
    }

    /// `<config>/accounts.toml`: credentials from commands.
    pub fn accounts_path(&self) -> PathBuf {
        self.config_dir.join("accounts.toml")
    }

    /// The SQLite history of runs and policy versions.
    pub fn history_path(&self) -> PathBuf {
        self.data_dir.join("history.sqlite")
    }

    /// Where saved sign-in sessions live, one directory per platform.
    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }
}

/// One tab per core, at most 4: Chromium's renderers, not privaudit, are the
/// cost of each tab.
fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4)
}

fn default_config_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "privaudit")
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".privaudit"))
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "privaudit")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".privaudit/data"))
}
