//! Markdown output: a table to paste into notes, issues or articles, with the
//! details and sources below it.

use super::cells::current_text;
use crate::audit::{Run, Status};
use crate::output::escape_cell as cell;
use crate::output::untrusted::markdown_url;

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    out.push_str(&format!("# privaudit {}\n\n", run.command));
    out.push_str(&format!(
        "{} — rules {} — {} — profile: {}\n\n",
        crate::timestamp::format(run.started_at),
        run.rules_version,
        run.summary.sentence(),
        cell(&run.profile)
    ));
    out.push_str("| Platform | Setting | Category | Current | Wanted | Status |\n|---|---|---|---|---|---|\n");
    for f in &run.findings {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | **{}** |\n",
            cell(&f.platform_name),
            cell(&f.label),
            f.category,
            cell(current_text(&f.current)),
            cell(&f.wanted),
            f.status
        ));
    }
    let notes: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.status != Status::Ok && f.message.is_some())
        .collect();
    if !notes.is_empty() {
        out.push_str("\n## Details\n\n");
        for f in notes {
            out.push_str(&format!(
                "- **{} — {}** ({}): {}\n",
                cell(&f.platform_name),
                cell(&f.label),
                f.status,
                cell(f.message.as_deref().unwrap_or(""))
            ));
            for note in &f.notes {
                out.push_str(&format!("  - Note: {}\n", cell(note)));
            }
            if let Some(url) = &f.url {
                out.push_str(&format!("  - Page: <{}>\n", markdown_url(url)));
            }
            for (i, step) in f.steps.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, cell(step)));
            }
        }
    }
    out.push_str("\n## Sources\n\n");
    for f in &run.findings {
        out.push_str(&format!(
            "- {} — {}: <{}>\n",
            cell(&f.platform_name),
            cell(&f.label),
            markdown_url(&f.source)
        ));
    }
    out
}
