//! Text privaudit did not write (a page's option names, dialog messages,
//! rule labels, URLs) made safe for where it is shown. A page that names an
//! option `\x1b]0;…\x07` must not retitle the user's terminal, move its
//! cursor or hide a line; in Markdown it must not become a `<script>`; in a
//! spreadsheet it must not become a formula.

use std::borrow::Cow;

/// Replaces what a terminal would act on rather than show: C0 controls
/// (except newline and tab), DEL, C1 controls, and the bidirectional
/// overrides that reorder what is shown (Trojan Source, CVE-2021-42574).
/// Each is shown as its JSON escape (`\u001b`): a person sees that
/// something was there, and inside JSON output it is the same character.
/// `keep_sgr` keeps `ESC [ … m` colour sequences, which privaudit writes
/// itself when colour is on; every other escape sequence loses its ESC and
/// shows as text.
pub fn for_terminal(text: &str, keep_sgr: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hazard(c) || c == '\x1b') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' && keep_sgr {
            if let Some(len) = sgr_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if c == '\x1b' || is_hazard(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Untrusted text escaped once, where it enters privaudit (page names and
/// values, dialog messages, file names, stored rows): whatever a terminal
/// would act on becomes its `\u001b`-style escape. Idempotent.
pub fn escape(text: &str) -> String {
    for_terminal(text, false).into_owned()
}

/// Text that will be shown on one line of a table or a list: hazards
/// replaced, line breaks folded into spaces.
pub fn one_line(text: &str) -> String {
    for_terminal(text, false).replace(['\r', '\n', '\t'], " ")
}

/// Text for Markdown (a table cell or a list item): one line, HTML's
/// special characters as entities so no tag survives, and Markdown's own
/// punctuation escaped so no link, image, emphasis or cell break appears.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL for a Markdown autolink (`<…>`): nothing that ends the link or
/// starts a tag survives.
pub fn markdown_url(url: &str) -> String {
    one_line(url)
        .replace('<', "%3C")
        .replace('>', "%3E")
        .replace(' ', "%20")
}

/// A CSV cell a spreadsheet will show as text: hazards replaced, and a
/// leading `=`, `+`, `-`, `@`, tab or carriage return (which would start a
/// formula, CWE-1236) prefixed with `'`, as OWASP's advice on CSV injection
/// says.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let safe = for_terminal(text, false);
    if safe.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{safe}"))
    } else {
        safe
    }
}

/// Writes one CSV record, every cell through [`csv_cell`].
pub fn csv_row<'a>(w: &mut ::csv::Writer<Vec<u8>>, cells: impl IntoIterator<Item = &'a str>) -> ::csv::Result<()> {
    w.write_record(cells.into_iter().map(|c| csv_cell(c).into_owned()))
}

/// Does `text` hold anything [`for_terminal`] would escape (newlines and
/// tabs aside)?
pub fn has_hazard(text: &str) -> bool {
    text.chars().any(|c| c == '\x1b' || is_hazard(c))
}

fn is_hazard(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\x1b')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of an SGR sequence (`ESC [ digits/semicolons m`) at the start
/// of `text`, if there is one and it only sets what privaudit's own styles
/// set: reset, bold, dim, italic, underline and colours. Blink, reverse,
/// conceal, strike-through and 24-bit colour are never privaudit's, so such
/// a sequence is escaped, whoever wrote it.
fn sgr_len(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\x1b[")?;
    let end = params.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    if params.as_bytes()[end] != b'm' {
        return None;
    }
    let mut codes = params[..end].split(';').map(|p| p.parse::<u16>().unwrap_or(0));
    while let Some(code) = codes.next() {
        match code {
            0..=4 | 22..=24 | 30..=37 | 39..=47 | 49 | 90..=97 | 100..=107 => {}
            // 256-colour: `38;5;N` or `48;5;N`.
            38 | 48 if codes.next() == Some(5) && codes.next().is_some() => {}
            _ => return None,
        }
    }
    Some(2 + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "Off\x1b]0;pwned\x07\x1b[2J\x1b[1A\r\u{9b}31m\u{202e}txt.exe\x08";

    #[test]
    fn a_terminal_sees_no_control_sequence() {
        let shown = for_terminal(HOSTILE, false);
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        assert!(!shown.contains('\u{202e}'));
        assert!(shown.starts_with("Off\\u001b]0;pwned\\u0007"), "{shown:?}");
        // Inside JSON the escape is the same character again.
        let json = serde_json::to_string(&HOSTILE.to_string()).expect("json");
        let back: String = serde_json::from_str(&for_terminal(&json, false)).expect("still JSON");
        assert_eq!(back, HOSTILE);
        assert_eq!(for_terminal("plain\ttext\n", false), "plain\ttext\n");
    }

    #[test]
    fn colour_of_our_own_survives_only_when_colour_is_on() {
        let red = "\x1b[31mdrift\x1b[0m";
        assert_eq!(for_terminal(red, true), red);
        assert_eq!(for_terminal(red, false), "\\u001b[31mdrift\\u001b[0m");
        // An SGR prefix does not smuggle a title sequence through.
        assert!(!for_terminal("\x1b[31\x1b]0;x\x07", true).contains("\x1b]"));
        // Concealed, reversed or blinking text is never privaudit's style.
        for hidden in ["\x1b[8m", "\x1b[7m", "\x1b[5m", "\x1b[0;8m", "\x1b[38;2;0;0;0m"] {
            assert!(!for_terminal(hidden, true).contains('\x1b'), "{hidden:?}");
        }
        assert_eq!(for_terminal("\x1b[1;38;5;9m", true), "\x1b[1;38;5;9m");
    }

    #[test]
    fn markdown_keeps_no_tag_link_or_cell_break() {
        let md = markdown("<script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:x) | *b*\nnext");
        assert!(!md.contains('<') && !md.contains('>'), "{md}");
        assert!(md.contains("&lt;script&gt;"), "{md}");
        assert!(
            md.contains("\\[a\\]") && md.contains("\\|") && md.contains("\\*b\\*"),
            "{md}"
        );
        assert!(!md.contains('\n'));
        assert_eq!(markdown_url("https://x.com/a>b <c"), "https://x.com/a%3Eb%20%3Cc");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("Off"), "Off");
        assert!(!csv_cell("a\x1bb").contains('\x1b'));
    }
}
