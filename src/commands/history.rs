//! `privaudit history`: the recorded runs as a timeline per setting, and
//! `history prune` to keep the store to a chosen age.

use super::emit;
use crate::cli::{Context, HistoryArgs, HistoryCommand};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::{Filter, Store, Timeline};

pub fn run(ctx: &Context, args: HistoryArgs) -> anyhow::Result<Exit> {
    if let Some(HistoryCommand::Prune { keep }) = args.command {
        return prune(ctx, keep);
    }
    let path = ctx.history_path();
    // No run recorded yet is an empty history, not a mistake: a script gets
    // an empty timeline in its format, a person a note on what fills it.
    if let Some(dir) = path.parent().filter(|d| d.exists() && !d.is_dir()) {
        return Err(Failure::usage(format!(
            "the data directory {} is a file, not a directory: no history can be kept there",
            dir.display()
        ))
        .hint("move the file away, or choose another data directory with --data-dir")
        .into());
    }
    let timeline = if path.exists() {
        let filter = Filter {
            platform: args.platform.as_deref(),
            since: args.since.map(crate::timestamp::format),
            run: args.run,
            changes_only: args.changes,
            last_runs: args.limit,
        };
        let timeline = Timeline::read(&path, &filter)?;
        if let Some(id) = args.run {
            if Store::open(&path)?.run(id)?.is_none() {
                return Err(Failure::usage(format!("there is no run #{id} in the history"))
                    .hint("`privaudit history --limit 5` shows the newest runs")
                    .into());
            }
        }
        if let Some(platform) = &args.platform {
            // A platform no longer in the rules may still have old records.
            let catalogue = super::load_rules(ctx)?;
            if timeline.entries.is_empty() && catalogue.platform(platform).is_none() {
                let known: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
                return Err(Failure::usage(format!(
                    "unknown platform `{platform}`; known platforms: {}",
                    known.join(", ")
                ))
                .into());
            }
        }
        timeline
    } else if let Some(id) = args.run {
        return Err(Failure::usage(format!("there is no run #{id}: no run is recorded yet")).into());
    } else if let Some(platform) = args
        .platform
        .as_deref()
        .filter(|p| super::load_rules(ctx).is_ok_and(|c| c.platform(p).is_none()))
    {
        return Err(Failure::usage(format!("unknown platform `{platform}`"))
            .hint("`privaudit rules list` shows the platforms")
            .into());
    } else {
        ctx.console.note(&format!(
            "no run is recorded yet at {}; `privaudit check` records every run",
            path.display()
        ));
        Timeline::empty(&path)
    };
    emit(ctx, &timeline, args.output.format)?;
    Ok(Exit::Ok)
}

fn prune(ctx: &Context, keep: chrono::Duration) -> anyhow::Result<Exit> {
    let path = ctx.history_path();
    if !path.exists() {
        ctx.console
            .note(&format!("no history at {}: nothing to prune", path.display()));
        return Ok(Exit::Ok);
    }
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let cutoff = crate::timestamp::format(chrono::Utc::now() - keep);
    let pruned = Store::open(&path)?.prune(&cutoff)?;
    ctx.console.print(&format!(
        "Removed {} run{} and {} policy version{} from before {cutoff} (each setting's newest record stays).\n",
        pruned.runs,
        if pruned.runs == 1 { "" } else { "s" },
        pruned.policy_versions,
        if pruned.policy_versions == 1 { "" } else { "s" },
    ));
    Ok(Exit::Ok)
}
