//! `privaudit history`: the recorded runs as a timeline per setting.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::cli::HistoryArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::{self, store::Entry, Store};
use crate::output;
use crate::report::Format;

pub fn run(ctx: &Context, args: HistoryArgs) -> anyhow::Result<Exit> {
    let path = history::path(ctx);
    if !path.exists() {
        return Err(Failure::usage(format!("no history yet at {}", path.display()))
            .hint("`privaudit check` records every run; run it first")
            .into());
    }
    let store = Store::open(&path)?;
    let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
    let entries = store.timeline(args.platform.as_deref(), since.as_deref())?;
    let unfinished: Vec<_> = store.runs()?.into_iter().filter(|r| r.finished_at.is_none()).collect();
    let text = match args.output.format {
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "history": path,
                "entries": entries,
                "unfinished_runs": unfinished,
            }))? + "\n"
        }
        Format::Csv => csv(&entries)?,
        Format::Markdown => markdown(&entries),
        Format::Table => {
            let mut text = table(&entries, ctx.stdout_color);
            for r in &unfinished {
                text.push_str(&format!(
                    "run {} ({}, started {}) did not finish: it was stopped or killed, and recorded nothing\n",
                    r.id, r.command, r.started_at
                ));
            }
            text
        }
    };
    output::print(&text);
    Ok(Exit::Ok)
}

fn day_and_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn table(entries: &[Entry], color: bool) -> String {
    if entries.is_empty() {
        return "No recorded findings match.\n".to_string();
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Setting", "When", "Run", "Status", "Value", "Wanted", "Change"]);
    if !color {
        table.force_no_tty();
    }
    let mut last = None;
    for e in entries {
        let key = (e.platform.as_str(), e.setting.as_str());
        let name = if last == Some(key) {
            String::new()
        } else {
            format!("{}.{}", e.platform, e.setting)
        };
        last = Some(key);
        table.add_row(vec![
            name,
            day_and_time(&e.at),
            format!("#{} {}", e.run_id, e.command),
            e.status.clone(),
            e.current.clone().unwrap_or_else(|| "—".into()),
            e.wanted.clone(),
            e.transition.clone().unwrap_or_default(),
        ]);
    }
    format!("{table}\n")
}

fn markdown(entries: &[Entry]) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out =
        String::from("| Setting | When | Run | Status | Value | Wanted | Change |\n|---|---|---|---|---|---|---|\n");
    for e in entries {
        out.push_str(&format!(
            "| {}.{} | {} | #{} {} | {} | {} | {} | {} |\n",
            cell(&e.platform),
            cell(&e.setting),
            day_and_time(&e.at),
            e.run_id,
            e.command,
            e.status,
            cell(e.current.as_deref().unwrap_or("—")),
            cell(&e.wanted),
            e.transition.as_deref().unwrap_or("")
        ));
    }
    out
}

fn csv(entries: &[Entry]) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "at",
        "run",
        "command",
        "platform",
        "setting",
        "label",
        "status",
        "current",
        "wanted",
        "transition",
    ])?;
    for e in entries {
        w.write_record([
            e.at.as_str(),
            &e.run_id.to_string(),
            &e.command,
            &e.platform,
            &e.setting,
            &e.label,
            &e.status,
            e.current.as_deref().unwrap_or(""),
            &e.wanted,
            e.transition.as_deref().unwrap_or(""),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
