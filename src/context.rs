//! What every command needs to know about this invocation, resolved once from
//! the global flags and the environment.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::GlobalArgs;

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
    pub timeout: Duration,
    pub verbose: u8,
    pub quiet: bool,
    pub stdout_color: bool,
    pub stderr_color: bool,
    /// Progress bars and prompts only make sense for a person at a terminal.
    pub stderr_is_terminal: bool,
}

impl Context {
    pub fn from_args(args: &GlobalArgs) -> Context {
        let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stderr_is_terminal = std::io::stderr().is_terminal();
        Context {
            config_dir: args.config.clone().unwrap_or_else(default_config_dir),
            data_dir: args.data_dir.clone().unwrap_or_else(default_data_dir),
            lock_wait: Duration::from_secs(args.lock_wait),
            extra_rules: args.rules.clone(),
            browser: args.browser.clone(),
            browser_ws: args.browser_ws.clone(),
            headed: args.headed,
            jobs: args.jobs.unwrap_or_else(default_jobs).max(1),
            timeout: Duration::from_secs(args.timeout.max(1)),
            verbose: args.verbose,
            quiet: args.quiet,
            stdout_color: !no_color && std::io::stdout().is_terminal(),
            stderr_color: !no_color && stderr_is_terminal,
            stderr_is_terminal,
        }
    }

    pub fn profile_path(&self) -> PathBuf {
        self.config_dir.join("profile.toml")
    }

    pub fn rules_dir(&self) -> PathBuf {
        self.config_dir.join("rules")
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
