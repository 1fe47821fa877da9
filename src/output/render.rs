//! One trait for everything privaudit reports: a run, the defaults matrix,
//! the history timeline, the conformance results. Each renders to the same
//! formats, as pure functions of its data (snapshot-tested, no browser).

use serde::Serialize;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (colour on a terminal)
    Table,
    /// The documented JSON schema (`privaudit schema`)
    Json,
    /// A Markdown table to paste into notes, issues or articles
    Markdown,
    /// One row per item, for spreadsheets
    Csv,
}

/// Something privaudit can show in every format.
pub trait Render: Serialize {
    /// The human table; `color` says whether styled text will be shown.
    fn table(&self, color: bool) -> String;

    fn markdown(&self) -> String;

    fn csv(&self) -> anyhow::Result<String>;

    fn json(&self) -> anyhow::Result<String> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }
}

pub fn render(item: &impl Render, format: Format, color: bool) -> anyhow::Result<String> {
    match format {
        Format::Table => Ok(item.table(color)),
        Format::Json => item.json(),
        Format::Markdown => Ok(item.markdown()),
        Format::Csv => item.csv(),
    }
}
