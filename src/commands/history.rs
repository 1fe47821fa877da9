//! `privaudit history`: the recorded runs as a timeline per setting.

use super::emit;
use crate::cli::{Context, HistoryArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::Timeline;

pub fn run(ctx: &Context, args: HistoryArgs) -> anyhow::Result<Exit> {
    let path = ctx.history_path();
    if !path.exists() {
        return Err(Failure::usage(format!("no history yet at {}", path.display()))
            .hint("`privaudit check` records every run; run it first")
            .into());
    }
    let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
    let timeline = Timeline::read(&path, args.platform.as_deref(), since.as_deref())?;
    emit(ctx, &timeline, args.output.format)?;
    Ok(Exit::Ok)
}
