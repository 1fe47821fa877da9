//! `privaudit policy check`: fetch each platform's policy pages, store new
//! versions in the history, and report what changed as a unified diff.

use super::{deliver, load_rules, notify_targets};
use crate::cli::{Context, ListFormat, PolicyCommand};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::Store;
use crate::notify::Notice;

pub fn run(ctx: &Context, command: PolicyCommand) -> anyhow::Result<Exit> {
    let PolicyCommand::Check {
        platforms,
        policy_urls,
        notify,
        format,
    } = command;
    let targets = notify_targets(&notify.urls)?;
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let catalogue = load_rules(ctx)?;
    let store = Store::open(&ctx.history_path())?;
    let outcome = crate::policy::check(&store, &catalogue, &platforms, &policy_urls).map_err(|e| {
        match e.downcast_ref::<crate::policy::UnknownPlatform>() {
            Some(unknown) => Failure::usage(unknown.to_string())
                .hint("`privaudit rules list` shows the platforms")
                .into(),
            None => e,
        }
    })?;
    if format == ListFormat::Json {
        ctx.console.print(&(serde_json::to_string_pretty(&outcome)? + "\n"));
    } else if !ctx.quiet || !outcome.changes.is_empty() {
        ctx.console.print(&outcome.report());
    }
    let notices: Vec<Notice> = outcome.notice().into_iter().collect();
    deliver(ctx, &targets, notify.notify_cmd.as_deref(), &notices);
    Ok(outcome.exit())
}
