//! The arguments of the commands that audit and change settings: check,
//! apply and revert, and where their alerts go.

use std::path::PathBuf;

use clap::Args;

use super::values::{parse_base_url, parse_category, OutputArgs};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Platforms to audit, or single settings as PLATFORM.SETTING (default:
    /// the profile's list, else every platform)
    #[arg(value_name = "PLATFORM[.SETTING]")]
    pub platforms: Vec<String>,
    /// Only settings of these categories (repeatable, or comma-separated):
    /// ai-training, ad-personalisation, third-party-sharing, other
    #[arg(long = "category", value_name = "CATEGORY", value_delimiter = ',', value_parser = parse_category)]
    pub categories: Vec<crate::rules::Category>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Use this profile file instead of <config>/profile.toml
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// A Chromium user-data directory that is signed in to your platforms
    #[arg(long, env = "PRIVAUDIT_BROWSER_PROFILE", value_name = "DIR")]
    pub browser_profile: Option<PathBuf>,
    /// Save a screenshot and a JSON record of each setting read (apply: before
    /// and after) in a new private subdirectory of DIR
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// With --evidence: blur what shows your account's name in screenshots
    /// (as each rule declares it) and drop query strings from records
    #[arg(long, requires = "evidence")]
    pub redact: bool,
    /// Reach PLATFORM at URL instead of its real site (a replica or a mirror);
    /// navigation is then allowed to exactly that origin (repeatable)
    #[arg(long = "base-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
    pub base_urls: Vec<(String, String)>,
    #[command(flatten)]
    pub notify: NotifyArgs,
    /// Do not record this run in the history
    #[arg(long)]
    pub no_history: bool,
    /// Also fetch the platforms' policy pages and report what changed
    #[arg(long)]
    pub with_policy: bool,
    /// Remind (alert again) about a setting still not read after this long,
    /// once per period: 7d, 3d; `never` to stay quiet after the first alert
    #[arg(long, value_name = "DURATION", env = "PRIVAUDIT_REMIND_AFTER", default_value = "7d", value_parser = parse_every)]
    pub remind_after: Every,
    /// Also alert, with a summary, when no alert went out for this long (e.g.
    /// 7d): a weekly sign that the nightly run is alive
    #[arg(long, value_name = "DURATION", env = "PRIVAUDIT_HEARTBEAT", value_parser = parse_every)]
    pub heartbeat: Option<Every>,
}

/// A period, or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Every(pub Option<chrono::Duration>);

fn parse_every(s: &str) -> Result<Every, String> {
    if s.trim() == "never" {
        return Ok(Every(None));
    }
    super::values::parse_keep(s).map(|d| Every(Some(d)))
}

/// Where to send an alert when something changed since the last run.
#[derive(Debug, Clone, Default, Args)]
pub struct NotifyArgs {
    /// Send an alert to this webhook (repeatable): generic JSON, or Slack,
    /// Discord and ntfy recognised by host; prefix `slack:`, `discord:`,
    /// `ntfy:` or `json:` to choose
    // A webhook's URL is its secret: --help shows the variable, never the value.
    #[arg(
        long = "notify",
        value_name = "URL",
        env = "PRIVAUDIT_NOTIFY",
        hide_env_values = true,
        value_delimiter = ' '
    )]
    pub urls: Vec<String>,
    /// Run this shell command with the alert on stdin (e.g. "mail -s privaudit me")
    #[arg(long, value_name = "CMD", env = "PRIVAUDIT_NOTIFY_CMD", hide_env_values = true)]
    pub notify_cmd: Option<String>,
    /// Alert after every run, not only when something changed
    #[arg(long)]
    pub notify_always: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print the changes that would be made, and make none
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (needed when there is no terminal, e.g. cron)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `revert [RUN] [PLATFORM...]`: the leading number, if any, is the run.
#[derive(Debug, Args)]
pub struct RevertArgs {
    /// The apply run to undo (its number in `privaudit history`), then the
    /// platforms or PLATFORM.SETTING to limit it to [default run: --last]
    #[arg(value_name = "RUN] [PLATFORM[.SETTING]")]
    pub targets: Vec<String>,
    /// Undo the newest apply that changed something
    #[arg(long)]
    pub last: bool,
    /// Print what would be put back, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Revert without asking (needed when there is no terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// A Chromium user-data directory that is signed in to your platforms
    #[arg(long, env = "PRIVAUDIT_BROWSER_PROFILE", value_name = "DIR")]
    pub browser_profile: Option<PathBuf>,
    /// Reach PLATFORM at URL instead of its real site (a replica or a mirror)
    #[arg(long = "base-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
    pub base_urls: Vec<(String, String)>,
}
