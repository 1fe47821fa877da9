//! `privaudit history`: the recorded runs as a timeline per setting.

use super::emit;
use crate::cli::{Context, HistoryArgs};
use crate::exit::Exit;
use crate::history::Timeline;

pub fn run(ctx: &Context, args: HistoryArgs) -> anyhow::Result<Exit> {
    let path = ctx.history_path();
    // No run recorded yet is an empty history, not a mistake: a script gets
    // an empty timeline in its format, a person a note on what fills it.
    let timeline = if path.exists() {
        let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
        Timeline::read(&path, args.platform.as_deref(), since.as_deref())?
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
