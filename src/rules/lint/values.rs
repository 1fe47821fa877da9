//! Checks on single values: ids, URLs, pages and dates.

use chrono::NaiveDate;
use toml::Spanned;

use crate::diag::{Diagnostic, LintCode};

/// After this many days a rule's `verified` date earns a warning: platforms
/// move their switches often enough that a half-year-old rule is suspect.
pub const STALE_AFTER_DAYS: i64 = 180;

pub(super) fn check_id(file: usize, id: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    let value = id.get_ref();
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-');
    if !ok {
        out.push(
            Diagnostic::error(
                LintCode::BadId,
                file,
                id.span(),
                format!("{what} id `{value}` is not kebab-case"),
            )
            .help("use lowercase letters, digits and dashes: profiles refer to settings as `platform.setting-id`"),
        );
    }
}

pub(super) fn check_https_url(file: usize, url: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    match url::Url::parse(url.get_ref()) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
        Ok(_) => out.push(
            Diagnostic::error(
                LintCode::BadUrl,
                file,
                url.span(),
                format!("{what} must be an https:// URL"),
            )
            .help("privaudit only cites and visits platforms over https"),
        ),
        Err(e) => out.push(Diagnostic::error(
            LintCode::BadUrl,
            file,
            url.span(),
            format!("{what} is not a URL: {e}"),
        )),
    }
}

/// A setting's page: a path on `base_url`, or an `https://` URL on another
/// of the platform's declared hosts (settings spread over several hosts).
pub(super) fn check_page(file: usize, page: &Spanned<String>, domains: &[String], out: &mut Vec<Diagnostic>) {
    if !page.get_ref().starts_with("https://") {
        return check_relative_path(file, page, "page", out);
    }
    let host = url::Url::parse(page.get_ref())
        .ok()
        .and_then(|u| u.host_str().map(String::from));
    if !host.is_some_and(|h| crate::rules::host_allowed(domains, &h)) {
        out.push(
            Diagnostic::error(
                LintCode::PageOutsideDomains,
                file,
                page.span(),
                "this page is not on one of the platform's declared domains",
            )
            .help("add its host to `domains`, or use a path relative to base_url"),
        );
    }
}

pub(super) fn check_relative_path(file: usize, path: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    if !path.get_ref().starts_with('/') || path.get_ref().starts_with("//") {
        out.push(
            Diagnostic::error(
                LintCode::PageNotRelative,
                file,
                path.span(),
                format!(
                    "{what} must be a path starting with `/` (or, for a page, an https:// URL on a declared domain)"
                ),
            )
            .help("pages are relative to base_url, so tests can point the rule at a replica"),
        );
    }
}

pub(super) fn check_verified(file: usize, verified: &Spanned<String>, today: NaiveDate, out: &mut Vec<Diagnostic>) {
    match NaiveDate::parse_from_str(verified.get_ref(), "%Y-%m-%d") {
        Err(_) => out.push(
            Diagnostic::error(
                LintCode::BadDate,
                file,
                verified.span(),
                format!("`{}` is not a YYYY-MM-DD date", verified.get_ref()),
            )
            .help("write the day someone last checked the rule against the live site, e.g. \"2026-11-20\""),
        ),
        Ok(date) if (today - date).num_days() > STALE_AFTER_DAYS => out.push(
            Diagnostic::warning(
                LintCode::StaleVerified,
                file,
                verified.span(),
                format!("last verified {} days ago", (today - date).num_days()),
            )
            .help("check every setting against the live site and its sources, then update `verified`"),
        ),
        Ok(date) if date > today => out.push(
            Diagnostic::error(LintCode::BadDate, file, verified.span(), "`verified` is in the future")
                .help("use the day the rule was checked"),
        ),
        Ok(_) => {}
    }
}

pub(super) fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(str::to_string)
}

/// URLs with a user name or password (`https://user:pw@host`) anywhere in a
/// rule file, comments included: they would reach `rules show`, reports and
/// history, and send a secret to whichever host the URL names.
pub fn check_credentials_in_urls(file: usize, text: &str) -> Vec<Diagnostic> {
    static USERINFO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        // `https:u:p@host` and `https:\\u:p@host` are read as credentials
        // too (WHATWG URL parsing of special schemes), so the slashes are
        // optional.
        regex::Regex::new(r"(?i)\b(?:https?|wss?|ftp):[/\\]*([^/?#\s@\x22'<>\\]*@)").expect("a valid regex")
    });
    USERINFO
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|userinfo| {
            Diagnostic::error(
                LintCode::CredentialsInUrl,
                file,
                userinfo.range(),
                "a URL carries a user name or password",
            )
            .help(
                "remove the part before `@`: credentials belong in the keyring (`privaudit auth set`), never in a rule",
            )
        })
        .collect()
}

/// Control characters (raw, or written as TOML escapes, line breaks
/// included) and bidirectional overrides anywhere in a rule: labels and
/// names are shown in terminals, reports and evidence, where such a
/// character retitles a window, moves the cursor, reorders what is read, or
/// starts a line that looks like privaudit's own. (Raw line breaks end a
/// TOML line, and multi-line strings are refused by `"""` below.)
pub fn check_control_characters(file: usize, text: &str) -> Vec<Diagnostic> {
    static ESCAPED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"\\(u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|u202[a-eA-E]|u206[6-9]|U000000[01][0-9a-fA-F]|U0000007[fF]|U000000[89][0-9a-fA-F]|U0000202[a-eA-E]|U0000206[6-9]|x[01][0-9a-fA-F]|x7[fF]|x[89][0-9a-fA-F]|e|n|r)",
        )
        .expect("a valid regex")
    });
    let raw = text.char_indices().filter(|&(_, c)| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    let multi_line = text
        .match_indices("\"\"\"")
        .chain(text.match_indices("\'\'\'"))
        .map(|(at, quotes)| {
            Diagnostic::error(
                LintCode::ControlCharacter,
                file,
                at..at + quotes.len(),
                "a multi-line string: labels, names and steps are one line each",
            )
            .help("write it on one line")
        });
    let mut out: Vec<Diagnostic> = raw
        .map(|(at, c)| {
            Diagnostic::error(
                LintCode::ControlCharacter,
                file,
                at..at + c.len_utf8(),
                format!(
                    "character U+{:04X} would act on a terminal instead of showing",
                    u32::from(c)
                ),
            )
            .help("delete it: labels, names and steps are plain text")
        })
        .collect();
    out.extend(multi_line);
    out.extend(ESCAPED.find_iter(text).map(|m| {
        Diagnostic::error(
            LintCode::ControlCharacter,
            file,
            m.range(),
            format!("`{}` writes a control character", m.as_str()),
        )
        .help("delete it: labels, names and steps are plain text")
    }));
    out
}
