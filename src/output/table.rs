//! The one table builder: every table privaudit prints has the same frame,
//! wraps long labels instead of running off the screen, and carries colour
//! only as `anstyle` codes that `comfy-table` measures correctly.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

/// How a table is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    /// Wrap to the terminal's width (or 120 columns off a terminal): for
    /// reports with long labels.
    Wrapped,
    /// Every cell on one line: for short, scannable lists.
    Natural,
}

/// A table with `header`, ready for rows.
pub fn table<I, S>(header: I, style: TableStyle) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if style == TableStyle::Wrapped {
        table.set_content_arrangement(ContentArrangement::Dynamic);
        // Labels are long sentences; a terminal's own width wins when there
        // is one, else a width a mail client shows whole.
        if table.width().is_none() {
            table.set_width(120);
        }
    }
    table.set_header(header);
    table
}
