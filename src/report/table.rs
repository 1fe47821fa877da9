//! The terminal table: the findings at a glance, then what to do about each
//! one that is not `ok`.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};

use crate::audit::{Run, Status};

fn status_color(status: Status) -> Color {
    match status {
        Status::Ok | Status::Fixed => Color::Green,
        Status::Failed => Color::Red,
        Status::Drift | Status::ReEnabled => Color::Red,
        Status::Manual => Color::Cyan,
        Status::Unreadable | Status::LoginRequired => Color::Yellow,
        Status::Error => Color::Magenta,
    }
}

pub fn render(run: &Run, color: bool) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !color {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    // Labels are long sentences; wrap them instead of running off a terminal
    // or a mail client. A terminal's own width wins when there is one.
    if table.width().is_none() {
        table.set_width(120);
    }
    table.set_header(["Platform", "Setting", "Category", "Current", "Wanted", "Status"]);
    for f in &run.findings {
        let mut status = Cell::new(f.status.as_str());
        if color {
            status = status.fg(status_color(f.status)).add_attribute(Attribute::Bold);
        }
        table.add_row(vec![
            Cell::new(&f.platform_name),
            Cell::new(&f.label),
            Cell::new(f.category.as_str()),
            Cell::new(super::current_text(&f.current)),
            Cell::new(&f.wanted),
            status,
        ]);
    }
    let mut out = table.to_string();
    out.push('\n');

    let notes: Vec<_> = run.findings.iter().filter(|f| f.status != Status::Ok).collect();
    if !notes.is_empty() {
        out.push('\n');
        for f in notes {
            out.push_str(&format!(
                "{} {}.{}: {}\n",
                f.status,
                f.platform,
                f.setting,
                f.message.as_deref().unwrap_or("")
            ));
            if f.status == Status::Manual {
                if let Some(url) = &f.url {
                    out.push_str(&format!("    open {url}\n"));
                }
                for (i, step) in f.steps.iter().enumerate() {
                    out.push_str(&format!("    {}. {}\n", i + 1, step));
                }
            }
        }
    }
    out.push_str(&format!("\n{} (rules {})\n", run.summary.sentence(), run.rules_version));
    out
}
