//! privaudit: audits and fixes a person's privacy settings across online
//! platforms by driving a real Chromium over CDP. `run` is the whole program;
//! `main.rs` only calls it, so tests can too.
//!
//! Layers, top down (each uses only those below it): `cli` and `commands`
//! (the user's surface) → `audit` (runs a plan in the browser), `conformance`,
//! `transitions`, `history`, `doctor`, `policy`, `notify`, `report`, `defaults` →
//! `browser` (the CDP driver), `plan`, `profile`, `sessions`, `secrets`,
//! `evidence`, `replica` → `rules`, `diag`, `output`, `exit`, `failure`,
//! `fsutil`, `lock`, `runtime`, `timestamp`.

pub mod audit;
pub mod browser;
pub mod cli;
pub mod commands;
pub mod conformance;
pub mod dataset;
pub mod defaults;
pub mod diag;
pub mod doctor;
pub mod evidence;
pub mod exit;
pub mod external;
pub mod failure;
pub mod fsutil;
pub mod history;
pub mod lock;
pub mod notify;
pub mod output;
pub mod plan;
pub mod policy;
pub mod procfs;
pub mod profile;
pub mod replica;
pub mod report;
pub mod rules;
pub mod runtime;
pub mod secrets;
pub mod sessions;
pub mod survey;
pub mod textfile;
pub mod timestamp;
pub mod transitions;

use std::ffi::OsString;
use std::process::ExitCode;

use crate::cli::{Cli, Command, Context};
use crate::exit::Exit;
use crate::failure::Failure;

/// The first argument or `PRIVAUDIT_*` variable holding a character a
/// terminal would act on, said with that character escaped.
fn control_characters_in(args: &[OsString]) -> Option<String> {
    for (n, arg) in args.iter().enumerate().skip(1) {
        let text = arg.to_string_lossy();
        if output::untrusted::has_hazard(&text) {
            return Some(format!(
                "argument {n} holds a control character: {}",
                output::untrusted::for_terminal(&text, false)
            ));
        }
    }
    std::env::vars_os()
        .filter(|(k, _)| k.to_string_lossy().starts_with("PRIVAUDIT_"))
        .find(|(_, v)| output::untrusted::has_hazard(&v.to_string_lossy()))
        .map(|(k, _)| format!("{} holds a control character", k.to_string_lossy()))
}

pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // The argument parser repeats a bad value in its error as is: a value
    // holding a terminal control sequence is refused before it gets there.
    if let Some(said) = control_characters_in(&args) {
        output::Console::plain().error(
            &said,
            Some("arguments and PRIVAUDIT_* settings are plain text; remove the control character"),
        );
        return ExitCode::from(Exit::Usage.code());
    }
    let mut command = Cli::command();
    // Loading the rules for it costs a few ms: only when asked.
    if args.iter().any(|a| a == "--version") {
        command = command.long_version(cli::long_version());
    }
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, mistakes to
            // stderr with exit 2: our usage code too.
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let ctx = Context::from_args(&cli.global);
    // Browsers this run starts are recorded there, so a run killed with
    // SIGKILL leaves nothing the next one does not end.
    browser::orphans::set_registry(ctx.data_dir.join("browsers"));
    external::set_timeout(std::time::Duration::from_secs(cli.global.command_timeout));
    output::init_logging(
        ctx.verbose,
        ctx.quiet,
        ctx.console.stderr_color,
        ctx.console.stderr_is_terminal,
    );
    let result = match cli.command {
        Command::Check(args) => commands::audit::check(&ctx, args),
        Command::Apply(args) => commands::audit::apply(&ctx, args),
        Command::Revert(args) => commands::audit::revert(&ctx, args),
        Command::Demo(args) => commands::demo::run(&ctx, args),
        Command::Rules(cmd) => commands::rules::run(&ctx, cmd),
        Command::Profile(cmd) => commands::profile::run(&ctx, cmd),
        Command::Auth(cmd) => commands::auth::run(&ctx, cmd),
        Command::Login(args) => commands::login::run(&ctx, args),
        Command::Defaults(args) => commands::defaults::run(&ctx, args),
        Command::Survey(args) => commands::survey::run(&ctx, args),
        Command::Dataset(command) => commands::dataset::run(&ctx, command),
        Command::Report(args) => commands::report::run(&ctx, args),
        Command::History(args) => commands::history::run(&ctx, args),
        Command::Policy(cmd) => commands::policy::run(&ctx, cmd),
        Command::Setup(args) => commands::login::setup::run(&ctx, args),
        Command::Logout { platform } => commands::logout::run(&ctx, &platform),
        Command::Sessions { format } => commands::sessions::run(&ctx, format),
        Command::Doctor { format } => commands::doctor::run(&ctx, format),
        Command::Completions { shell } => commands::docs::completions(&ctx, shell),
        Command::Man => commands::docs::man(&ctx),
        Command::Schema { output } => commands::docs::schema(&ctx, output),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => report(&ctx, &e).into(),
    }
}

/// Prints an error that ended a command and returns its exit code. Errors
/// that are not a [`Failure`] are configuration or I/O problems: exit 2.
fn report(ctx: &Context, error: &anyhow::Error) -> Exit {
    match error.downcast_ref::<Failure>() {
        Some(f) => {
            ctx.console.error(&f.message, f.hint.as_deref());
            f.exit
        }
        None => {
            ctx.console.error(&format!("{error:#}"), None);
            Exit::Usage
        }
    }
}

/// Exit code for a finished command, for callers embedding privaudit.
pub fn exit_code(exit: Exit) -> u8 {
    exit.code()
}
