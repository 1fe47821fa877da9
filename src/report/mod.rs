//! Renders a run. Each format is a pure function from a [`Run`] to text, so
//! every format can be tested without a browser.

mod csv;
mod json;
mod markdown;
mod table;

use crate::audit::Run;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Csv,
}

pub fn render(run: &Run, format: Format, color: bool) -> anyhow::Result<String> {
    match format {
        Format::Table => Ok(table::render(run, color)),
        Format::Json => json::render(run),
        Format::Markdown => Ok(markdown::render(run)),
        Format::Csv => csv::render(run),
    }
}

/// The current value as shown in reports: `—` when nothing was read.
pub(crate) fn current_text(current: &Option<String>) -> &str {
    current.as_deref().unwrap_or("—")
}
