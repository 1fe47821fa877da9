//! The command line as clap types. Nothing here does work: commands
//! receive these values through `commands::*`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::account_args::{AuthCommand, LoginArgs, SetupArgs};
use super::audit_args::{ApplyArgs, CheckArgs, NotifyArgs, RevertArgs};
use super::journalist_args::{DatasetCommand, ReportArgs, SurveyArgs};
use super::values::{parse_base_url, parse_keep, parse_moment, ListFormat, OutputArgs};
use crate::exit::Exit;
use crate::output::{ColorWhen, Format};
use crate::profile::Preset;

/// Audit and fix your privacy settings (AI training, ad personalisation,
/// third-party sharing) across online platforms, in a real headless Chromium.
#[derive(Debug, Parser)]
#[command(name = "privaudit", version, after_help = Exit::help_text(), max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, shown under their own heading.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Configuration directory (profile.toml, rules/)
    #[arg(long, global = true, env = "PRIVAUDIT_CONFIG", value_name = "DIR")]
    pub config: Option<PathBuf>,
    /// Extra or overriding rule files: a directory of *.toml or one file (repeatable)
    #[arg(long = "rules", global = true, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Chromium or Chrome binary to drive
    #[arg(long, global = true, env = "PRIVAUDIT_BROWSER", value_name = "PATH")]
    pub browser: Option<PathBuf>,
    /// Use an existing browser over CDP instead of starting Chromium: a pool
    /// (browserless, Selenium Grid 4) or `chromium --remote-debugging-port`
    /// (ws://HOST:PORT/devtools/browser/ID, or http://HOST:PORT)
    // Its value can carry a pool's token: --help shows the variable, never the value.
    #[arg(
        long,
        global = true,
        env = "PRIVAUDIT_BROWSER_WS",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub browser_ws: Option<String>,
    /// Show the browser window instead of running headless
    #[arg(long, global = true, env = "PRIVAUDIT_HEADED")]
    pub headed: bool,
    /// Platforms audited at once, each in its own tab [default: cores, at most 4]
    #[arg(long, short = 'j', global = true, env = "PRIVAUDIT_JOBS", value_name = "N")]
    pub jobs: Option<usize>,
    /// Seconds to wait for a page or a control before giving up
    #[arg(
        long,
        global = true,
        env = "PRIVAUDIT_TIMEOUT",
        value_name = "S",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub timeout: u64,
    /// Seconds to wait for Chromium to start, or for a browser pool
    /// (--browser-ws) to hand out a browser
    #[arg(
        long,
        global = true,
        env = "PRIVAUDIT_BROWSER_WAIT",
        value_name = "S",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub browser_wait: u64,
    /// Seconds a password_command, totp_command or --notify-cmd may run
    /// before it is stopped
    #[arg(
        long,
        global = true,
        env = "PRIVAUDIT_COMMAND_TIMEOUT",
        value_name = "S",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub command_timeout: u64,
    /// More log output on stderr (-v, -vv)
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr; no progress
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// When to use colour (NO_COLOR, CLICOLOR_FORCE and TERM=dumb are honoured in `auto`)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Same as --color never
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Data directory (history, sessions) [default: the platform's data dir]
    #[arg(long, global = true, env = "PRIVAUDIT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Seconds to wait for another privaudit run to finish before giving up
    #[arg(
        long,
        global = true,
        env = "PRIVAUDIT_LOCK_WAIT",
        value_name = "S",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(0..=86_400)
    )]
    pub lock_wait: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read every setting and compare it with your profile
    Check(CheckArgs),
    /// Change drifted settings to the profile's values, then re-read each to prove it
    Apply(ApplyArgs),
    /// Put back the values an apply changed, through the same verified path
    Revert(RevertArgs),
    /// Check, apply and check again on built-in replica sites: no accounts needed
    Demo(DemoArgs),
    /// List, lint and show rule files
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Create or show your profile (the values you want)
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Sign in to a platform once; the session is kept for check and apply
    Login(LoginArgs),
    /// Credentials for unattended sign-in, in the OS keyring
    #[command(subcommand)]
    Auth(AuthCommand),
    /// The documented defaults of every platform, by category, with sources
    Defaults(DefaultsArgs),
    /// The recorded runs: a timeline per setting
    History(HistoryArgs),
    /// Read every setting of test accounts (never change one) into a
    /// dataset with evidence: for journalists
    Survey(SurveyArgs),
    /// Verify, sign or export datasets
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// One self-contained page (HTML, or PDF) of a run or a dataset
    Report(ReportArgs),
    /// Watch the platforms' privacy policies for changes
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// First run, guided: write a profile, list the platforms, sign in to
    /// each and verify it, say what to run next
    Setup(SetupArgs),
    /// Remove a platform's saved session (stored credentials stay)
    Logout { platform: String },
    /// The saved sessions: how old each is and when it last read signed in
    Sessions {
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Check the browser, keyring, directories, profile, sessions and rules
    ///
    /// Each check says what is wrong and the fix: the browser found, its
    /// version and whether it starts headless; the OS keyring; the config
    /// and data directories and their permissions; the profile; the saved
    /// sessions and their age; how fresh the rules are. Exit 2 when a run
    /// would fail.
    Doctor {
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout
    Man,
    /// Print the JSON Schema of a JSON output
    Schema {
        #[arg(value_enum)]
        output: SchemaName,
    },
}

/// The JSON outputs with a published schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    /// `check`/`apply --format json` (one run); `demo` prints an array of them
    Run,
    /// `defaults --format json`
    Defaults,
    /// `history --format json`
    History,
    /// `rules list --format json`
    RulesList,
    /// `rules test --format json`
    RulesTest,
    /// `rules lint --format json`
    Lint,
    /// `rules show PLATFORM --format json`
    RulesShow,
    /// `profile show --format json`
    Profile,
    /// `auth show PLATFORM --format json`
    Auth,
    /// `policy check --format json`
    Policy,
    /// `login PLATFORM --format json`
    Login,
    /// `login --all --format json`
    LoginAll,
    /// `doctor --format json`
    Doctor,
    /// `policy list --format json`
    PolicyList,
    /// `policy show PLATFORM --format json`
    PolicyShow,
    /// `sessions --format json`
    Sessions,
    /// A dataset's `data.json` (`survey`, `dataset export`)
    Dataset,
    /// A dataset's `accounts.json`
    DatasetAccounts,
    /// `dataset verify --format json`
    DatasetVerify,
    /// `defaults --observed DIR… --format json`
    DefaultsObserved,
}

impl SchemaName {
    /// The file name of the published schema (in `examples/schemas/`).
    pub fn file_name(self) -> String {
        let name = clap::ValueEnum::to_possible_value(&self)
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        format!("{name}.schema.json")
    }
}

#[derive(Debug, Args)]
pub struct DefaultsArgs {
    #[arg(long, short = 'f', value_enum, default_value_t = DefaultsFormat::Table)]
    pub format: DefaultsFormat,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compare the documented defaults with what datasets observed (one or
    /// more `survey` folders, merged; their dates show changes over time)
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub observed: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DefaultsFormat {
    Table,
    Markdown,
    Csv,
    Json,
    Html,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,
    /// Only this platform
    pub platform: Option<String>,
    /// Only runs since then: a duration back from now (7d, 12h, 2weeks), a
    /// day (2026-11-24, UTC) or an RFC 3339 time
    #[arg(long, value_name = "WHEN", value_parser = parse_moment)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only what changed: transitions (re-enabled, new, became-unreadable)
    /// and the settings apply or revert changed
    #[arg(long)]
    pub changes: bool,
    /// Only the newest N finished runs
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only run ID (the `#ID` in the Run column)
    #[arg(long = "run", value_name = "ID")]
    pub run: Option<i64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Remove runs older than --keep (each setting's newest record and each
    /// policy page's newest version always stay; an apply removed here can
    /// no longer be reverted)
    Prune {
        /// How long to keep runs: 90d, 26weeks, 1year
        #[arg(long, value_name = "DURATION", value_parser = parse_keep)]
        keep: chrono::Duration,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The watched policy pages: versions stored, first stored, last change
    List {
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// A stored version of PLATFORM's policy pages (default: the newest)
    Show {
        platform: String,
        /// Which version: 1 is the first stored
        #[arg(long, value_name = "N")]
        version: Option<usize>,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Fetch the policy pages, store new versions, print what changed as a diff
    Check {
        /// Platforms whose policies to fetch (default: all)
        #[arg(value_name = "PLATFORM")]
        platforms: Vec<String>,
        /// Fetch this URL instead of PLATFORM's policy pages (repeatable)
        #[arg(long = "policy-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
        policy_urls: Vec<(String, String)>,
        #[command(flatten)]
        notify: NotifyArgs,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Keep the replica server running and print its URLs instead of checking
    #[arg(long)]
    pub serve: bool,
    /// Port for the replica server (default: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Platforms, settings, categories, how well each is verified, and when
    ///
    /// Grades, from the label, page and default only: first-party (each shown
    /// by the platform's own help pages, policy or code), secondary (each
    /// sourced, not all by the platform, or no default documented), unverified
    /// (one of the three unconfirmed). Unconfirmed control markup or launch
    /// dates are listed but do not lower the grade.
    List {
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// One row per setting, with its grade and unconfirmed facts
        #[arg(long, short = 's')]
        settings: bool,
    },
    /// Check rule files for mistakes (default: every rule in use)
    Lint {
        /// Rule files or directories to lint
        files: Vec<PathBuf>,
        #[arg(long, short = 'f', value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Exit 2 on warnings too
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Every setting of one platform, with locations and sources
    Show {
        platform: String,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Run each rule against its replica in Chromium: signed-in probe,
    /// locate, read, apply, re-read, signed-out session
    Test {
        /// Platforms to test (default: every platform in use)
        #[arg(value_name = "PLATFORM")]
        platforms: Vec<String>,
        /// Serve replicas from this folder instead of the built-in ones
        /// (e.g. rules/replicas while writing a new one)
        #[arg(long, value_name = "DIR")]
        replicas: Option<PathBuf>,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Write a profile file to start from
    Init {
        #[arg(long, value_enum, default_value_t = Preset::Strict)]
        preset: Preset,
        /// Replace an existing profile
        #[arg(long)]
        force: bool,
    },
    /// Show the effective profile and where it comes from
    Show {
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn base_url_needs_platform_and_http_url() {
        assert!(parse_base_url("x=http://127.0.0.1:1/x").is_ok());
        assert!(parse_base_url("x").is_err());
        assert!(parse_base_url("x=file:///etc").is_err());
    }
}
