//! `privaudit apply`: read afresh, show the changes, ask, change, and re-read
//! each changed setting from a fresh page load.

use std::io::IsTerminal;

use super::check::{audit_and_report, Mode};
use crate::cli::ApplyArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::failure::Failure;

pub fn run(ctx: &Context, args: ApplyArgs) -> anyhow::Result<Exit> {
    // Refuse before opening a browser: nobody can answer the question.
    if !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        return Err(
            Failure::usage("refusing to change settings without confirmation: there is no terminal to ask on")
                .hint("pass --yes to apply without asking (as cron must), or --dry-run to only see the changes")
                .into(),
        );
    }
    let mode = Mode::Apply {
        dry_run: args.dry_run,
        yes: args.yes,
    };
    audit_and_report(ctx, &args.check, mode)
}
