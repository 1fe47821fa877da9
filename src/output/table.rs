//! The one table builder: every table privaudit prints has the same frame,
//! wraps long labels instead of running off the screen, and carries colour
//! only as `anstyle` codes that `comfy-table` measures correctly.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

/// Off a terminal, the width of a wrapped table: `COLUMNS` when the caller
/// sets it (the shell convention), else one a mail client shows whole.
const WIDTH_OFF_A_TERMINAL: u16 = 120;
/// A word longer than this may still be broken (a URL, a long option name).
const LONGEST_WHOLE_WORD: u16 = 32;

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
            let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok());
            table.set_width(columns.unwrap_or(WIDTH_OFF_A_TERMINAL));
        }
    }
    table.set_header(header);
    table
}

/// Wraps only between words: every column is at least as wide as its
/// longest word (up to [`LONGEST_WHOLE_WORD`]), so a table at 80 columns
/// shows `third-party-sharing`, never `third-party-shar|ing`. When the words
/// cannot all fit, the columns in `droppable` are hidden, in that order,
/// until they do (a narrow terminal loses the least useful column, not
/// legibility); when they still cannot, only the header's words are kept
/// whole, and when not even those fit, the table wraps as it can rather than
/// run past the terminal's edge. Call it once the rows are in.
pub fn keep_words_whole(table: &mut Table, droppable: &[usize]) {
    keep_words_up_to(table, droppable, &[]);
}

/// [`keep_words_whole`] with a longest whole word per column (`caps[i]`;
/// [`LONGEST_WHOLE_WORD`] past the end): identifiers a person copies stay
/// whole however long, and prose may give way to them.
pub fn keep_words_up_to(table: &mut Table, droppable: &[usize], caps: &[u16]) {
    let Some(width) = table.width() else { return };
    let header_words = longest_words(table.header().into_iter(), caps);
    let all_words = longest_words(table.header().into_iter().chain(table.row_iter()), caps);
    let fits = |words: &[u16], shown: &[bool]| -> bool {
        // Each column adds a border and a space either side.
        let needed: u32 = 1 + words
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(w, _)| u32::from(*w) + 3)
            .sum::<u32>();
        needed <= u32::from(width)
    };
    let mut shown = vec![true; all_words.len()];
    for &column in droppable {
        if fits(&all_words, &shown) {
            break;
        }
        if let Some(s) = shown.get_mut(column) {
            *s = false;
        }
    }
    let words = if fits(&all_words, &shown) {
        all_words
    } else if fits(&header_words, &shown) {
        header_words
    } else {
        vec![0; shown.len()]
    };
    for (i, column) in table.column_iter_mut().enumerate() {
        let word = words.get(i).copied().unwrap_or(0);
        // comfy-table counts a column's padding (a space either side) in its width.
        column.set_constraint(if shown.get(i).copied().unwrap_or(true) {
            ColumnConstraint::LowerBoundary(Width::Fixed(word + 2))
        } else {
            ColumnConstraint::Hidden
        });
    }
}

/// Per column, the length of the longest word in `rows` (colour codes not
/// counted), at most the column's cap.
fn longest_words<'a>(rows: impl Iterator<Item = &'a comfy_table::Row>, caps: &[u16]) -> Vec<u16> {
    let mut longest: Vec<u16> = Vec::new();
    for row in rows {
        for (i, cell) in row.cell_iter().enumerate() {
            let text = anstream::adapter::strip_str(&cell.content()).to_string();
            let word = text
                .split_whitespace()
                .map(|w| u16::try_from(w.chars().count()).unwrap_or(u16::MAX))
                .max()
                .unwrap_or(0)
                .min(caps.get(i).copied().unwrap_or(LONGEST_WHOLE_WORD));
            if longest.len() <= i {
                longest.resize(i + 1, 0);
            }
            longest[i] = longest[i].max(word);
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest_line(table: &Table) -> usize {
        table.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn words_stay_whole_at_80_columns() {
        let mut t = table(["Platform", "Setting", "Category", "Status"], TableStyle::Wrapped);
        t.set_width(80);
        t.add_row(vec![
            "LinkedIn",
            "Use my data for training content creation AI models",
            "third-party-sharing",
            "login-required",
        ]);
        keep_words_whole(&mut t, &[]);
        let text = t.to_string();
        assert!(text.contains("third-party-sharing"), "{text}");
        assert!(text.contains("login-required"), "{text}");
        assert!(longest_line(&t) <= 80, "{text}");
    }

    #[test]
    fn the_header_stays_whole_when_every_word_cannot() {
        let mut t = table(
            ["third-party-sharing", "ad-personalisation", "ai-training"],
            TableStyle::Wrapped,
        );
        t.set_width(62);
        t.add_row(vec![
            "abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyz",
        ]);
        keep_words_whole(&mut t, &[]);
        let text = t.to_string();
        assert!(
            text.contains("third-party-sharing") && text.contains("ad-personalisation"),
            "{text}"
        );
        assert!(longest_line(&t) <= 62, "{text}");
    }

    #[test]
    fn a_column_is_dropped_rather_than_words_broken() {
        let mut t = table(["A", "B", "C"], TableStyle::Wrapped);
        t.set_width(40);
        t.add_row(vec!["abcdefghijklmnop", "third-party-sharing", "qrstuvwxyzabcdef"]);
        keep_words_whole(&mut t, &[1]);
        let text = t.to_string();
        assert!(!text.contains("third-party"), "{text}");
        assert!(
            text.contains("abcdefghijklmnop") && text.contains("qrstuvwxyzabcdef"),
            "{text}"
        );
    }
}
