//! The terminal table: the findings at a glance, then what to do about each
//! one that is not `ok`.

use comfy_table::Cell;

use super::cells::current_text;
use crate::audit::{Run, Status};
use crate::output::{keep_words_whole, table, TableStyle, Tone};

/// The colour a status is shown in.
pub fn status_tone(status: Status) -> Tone {
    match status {
        Status::Ok | Status::Fixed => Tone::Good,
        Status::Failed | Status::Drift | Status::ReEnabled => Tone::Bad,
        Status::Manual => Tone::Todo,
        Status::Unreadable | Status::LoginRequired => Tone::Unknown,
        Status::Error => Tone::Broken,
    }
}

pub fn render(run: &Run, color: bool) -> String {
    let mut table = table(
        ["Platform", "Setting", "Category", "Current", "Wanted", "Status"],
        TableStyle::Wrapped,
    );
    for f in &run.findings {
        let status = if color {
            status_tone(f.status).paint(f.status.as_str())
        } else {
            f.status.as_str().to_string()
        };
        // The id under the label: what a profile override is keyed by.
        let id = format!("{}.{}", f.platform, f.setting);
        let id = if color { Tone::Quiet.paint(&id) } else { id };
        table.add_row(vec![
            Cell::new(&f.platform_name),
            Cell::new(format!("{}\n{id}", f.label)),
            Cell::new(f.category.as_str()),
            Cell::new(current_text(&f.current)),
            Cell::new(&f.wanted),
            Cell::new(status),
        ]);
    }
    // On a narrow terminal the category goes first: the id says as much.
    keep_words_whole(&mut table, &[2]);
    let mut out = table.to_string();
    out.push('\n');

    let notes: Vec<_> = run.findings.iter().filter(|f| f.status != Status::Ok).collect();
    if !notes.is_empty() {
        out.push('\n');
        let mut i = 0;
        while i < notes.len() {
            let f = notes[i];
            let class = f.class.map(|c| format!(" [{c}]")).unwrap_or_default();
            // One cause, one line: a platform that is down or a browser
            // that did not start fails every setting the same way.
            let same = notes[i..]
                .iter()
                .take_while(|g| {
                    f.status.is_incomplete()
                        && g.notes.is_empty()
                        && (g.status, &g.platform, g.class, &g.message) == (f.status, &f.platform, f.class, &f.message)
                })
                .count()
                .max(1);
            let which = if same > 1 {
                format!("{} ({same} settings)", f.platform)
            } else {
                format!("{}.{}", f.platform, f.setting)
            };
            i += same;
            out.push_str(&format!(
                "{} {which}{class}: {}\n",
                f.status,
                f.message.as_deref().unwrap_or("")
            ));
            for note in &f.notes {
                out.push_str(&format!("    note: {note}\n"));
            }
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
