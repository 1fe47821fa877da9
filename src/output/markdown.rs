//! Markdown helpers shared by every report.

/// Text made safe for one cell of a Markdown table: pipes escaped, line
/// breaks folded into spaces, no HTML tag or Markdown markup left active.
pub fn escape_cell(text: &str) -> String {
    super::untrusted::markdown(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_newlines_cannot_break_a_row() {
        assert_eq!(escape_cell("a | b\nc"), "a \\| b c");
    }
}
