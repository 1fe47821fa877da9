//! The arguments of the commands that set up accounts: setup, login and
//! auth.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::values::{parse_base_url, ListFormat};
use crate::profile::Preset;

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub platform: Option<String>,
    /// Every platform of the profile that has a sign-in page, in turn; one
    /// that fails does not stop the others
    #[arg(long)]
    pub all: bool,
    /// Import a cookies.txt (Netscape) or JSON cookie export instead of
    /// opening a window (for servers without a display)
    #[arg(long, value_name = "FILE", conflicts_with = "cookies_from_browser")]
    pub cookies: Option<PathBuf>,
    /// Take the session from your own browser's cookies (for the platform's
    /// domains only): chromium, chrome, brave, edge or firefox, optionally
    /// :DIR (a Chromium user-data or profile directory, a Firefox profile)
    #[arg(long, value_name = "BROWSER[:DIR]")]
    pub cookies_from_browser: Option<crate::sessions::from_browser::BrowserStore>,
    /// Sign in with the stored credentials, without a window
    #[arg(long)]
    pub headless: bool,
    /// Seconds to wait for you to finish signing in
    #[arg(long, value_name = "S", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub wait: u64,
    /// Reach PLATFORM at URL instead of its real site (a replica or a mirror)
    #[arg(long = "base-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
    pub base_urls: Vec<(String, String)>,
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Platforms to set up (default: every platform)
    #[arg(value_name = "PLATFORM")]
    pub platforms: Vec<String>,
    /// The profile to start from, when there is none yet
    #[arg(long, value_enum, default_value_t = Preset::Strict)]
    pub preset: Preset,
    /// Take the sessions your own browser already has instead of a window
    /// per platform: chromium, chrome, brave, edge or firefox[:DIR]
    #[arg(long, value_name = "BROWSER[:DIR]")]
    pub cookies_from_browser: Option<crate::sessions::from_browser::BrowserStore>,
    /// Seconds to wait for you to finish signing in, per platform
    #[arg(long, value_name = "S", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub wait: u64,
    /// Reach PLATFORM at URL instead of its real site (a replica or a mirror)
    #[arg(long = "base-url", value_name = "PLATFORM=URL", value_parser = parse_base_url)]
    pub base_urls: Vec<(String, String)>,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store the username, password and (optionally) TOTP secret for PLATFORM;
    /// asks on the terminal, or reads them from stdin with --stdin
    Set {
        platform: String,
        #[arg(long)]
        username: String,
        /// Read the password (first line) and the TOTP secret (optional second
        /// line) from stdin instead of asking
        #[arg(long)]
        stdin: bool,
        /// Also ask for the base32 TOTP secret of the account's authenticator
        #[arg(long)]
        totp: bool,
    },
    /// What is stored for PLATFORM (never the secrets themselves)
    Show {
        platform: String,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Remove PLATFORM's stored credentials
    Rm { platform: String },
}
