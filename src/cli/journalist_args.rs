//! Arguments of the commands for journalists: `survey`, `dataset` and
//! `report`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::values::{parse_base_url, ListFormat};

#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// The survey file: one [[account]] per test account (label, data_dir,
    /// region, plan, created, note; README "For journalists")
    #[arg(value_name = "FILE")]
    pub accounts: PathBuf,
    /// The dataset folder to write (new or empty)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,
    /// Only these platforms (default: each account's saved sessions)
    #[arg(long = "platform", value_name = "PLATFORM", value_delimiter = ',')]
    pub platforms: Vec<String>,
    /// Reach PLATFORM at URL instead of its real site, for every account
    /// (a survey file's base_url does it per account)
    #[arg(long = "base-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
    pub base_urls: Vec<(String, String)>,
    /// Keep what shows the accounts' identity in the evidence (blurred, and
    /// query strings dropped, by default)
    #[arg(long)]
    pub no_redact: bool,
}

#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Check a dataset: every file against MANIFEST.sha256, the format, and
    /// with --public-key the minisign signature
    Verify {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The publisher's minisign public key: a .pub file or its `RW…` line
        #[arg(long, short = 'P', value_name = "KEY")]
        public_key: Option<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Sign a dataset's manifest with a minisign secret key
    /// (MANIFEST.sha256.minisig, which `minisign -Vm` also checks)
    Sign {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The minisign secret key file (`minisign -G` makes one)
        #[arg(long, value_name = "FILE")]
        secret_key: PathBuf,
        /// A command that prints the key's password (when there is no
        /// terminal to ask on)
        #[arg(long, value_name = "CMD")]
        password_command: Option<String>,
    },
    /// Turn a recorded check run into a dataset (no evidence: a run's
    /// evidence, if any, stays where --evidence put it)
    Export {
        /// The run (as `history` shows it: 12 or #12); default: the last check
        #[arg(value_name = "RUN")]
        run: Option<String>,
        #[arg(long, short = 'o', value_name = "DIR")]
        output: PathBuf,
        /// The account's label in the dataset
        #[arg(long, default_value = "me")]
        label: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        plan: Option<String>,
        /// When the account was created (YYYY-MM-DD)
        #[arg(long)]
        created: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A recorded run (12 or #12; default: the last one), or a dataset folder
    #[arg(value_name = "RUN|DIR")]
    pub source: Option<String>,
    /// One self-contained HTML page (no external loads; images embedded)
    #[arg(long, conflicts_with = "pdf")]
    pub html: bool,
    /// The same page printed to PDF by Chromium
    #[arg(long)]
    pub pdf: bool,
    /// The file to write
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}
