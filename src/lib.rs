//! privaudit: audits and fixes a person's privacy settings across online
//! platforms by driving a real Chromium over CDP. `run` is the whole program;
//! `main.rs` only calls it, so tests can too.

pub mod audit;
pub mod browser;
pub mod cli;
pub mod commands;
pub mod context;
pub mod cookies;
pub mod defaults;
pub mod diag;
pub mod evidence;
pub mod exit;
pub mod failure;
pub mod fsutil;
pub mod history;
pub mod lock;
pub mod notify;
pub mod output;
pub mod plan;
pub mod policy;
pub mod profile;
pub mod replica;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod sessions;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, mistakes to
            // stderr with exit 2: our usage code too.
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let ctx = context::Context::from_args(&cli.global);
    output::init_logging(&ctx);
    let result = match cli.command {
        Command::Check(args) => commands::check::run(&ctx, args),
        Command::Apply(args) => commands::apply::run(&ctx, args),
        Command::Demo(args) => commands::demo::run(&ctx, args),
        Command::Rules(cmd) => commands::rules::run(&ctx, cmd),
        Command::Profile(cmd) => commands::profile::run(&ctx, cmd),
        Command::Auth(cmd) => commands::auth::run(&ctx, cmd),
        Command::Login(args) => commands::login::run(&ctx, args),
        Command::Defaults(args) => commands::defaults::run(&ctx, args),
        Command::History(args) => commands::history::run(&ctx, args),
        Command::Policy(cmd) => commands::policy::run(&ctx, cmd),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => failure::report(&ctx, &e).into(),
    }
}

/// Exit code for a finished command, for callers embedding privaudit.
pub fn exit_code(exit: Exit) -> u8 {
    exit.code()
}
