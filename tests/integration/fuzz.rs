//! Property tests over everything privaudit parses from a file a person or a
//! website wrote: rule files (arbitrary text, and real rules mutated), the
//! profile, cookie exports, domains, and the text filters for output. Each
//! property runs a bounded number of cases (`PROPTEST_CASES` raises it for
//! a longer local run); none may panic, and each checks what it promises.

use std::path::Path;

use chrono::NaiveDate;
use privaudit::output::untrusted;
use privaudit::rules::load::{load_catalogue, RuleText};
use privaudit::rules::RuleOrigin;
use proptest::prelude::*;

use crate::support::repo;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

fn rule_text(name: &str, text: String) -> Vec<RuleText> {
    vec![RuleText {
        name: name.to_string(),
        origin: RuleOrigin::RulesFlag,
        text,
    }]
}

/// Loads `text` as a rule file: either a catalogue, or diagnostics that
/// render (every span inside the text, on character boundaries).
fn load_or_render(text: String) {
    match load_catalogue(&rule_text("fuzz.toml", text), today()) {
        Ok(_) => {}
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error with no diagnostic");
            let _ = e.files.render(&e.diagnostics, false);
            for d in &e.diagnostics {
                let _ = e.files.locate(d);
            }
        }
    }
}

/// One edit of a real rule file: what a hurried contributor or a broken
/// editor does to it.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Insert(usize, String),
    Truncate(usize),
    ReplaceValue(usize, String),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let hostile = prop_oneof![
        Just("\"\"".to_string()),
        Just("\"*.com\"".to_string()),
        Just("\"https://u:p@x.com\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"\\u001b]0;x\\u0007\"".to_string()),
        Just("\"(?\"".to_string()),
        Just("9999999999999999999999".to_string()),
        "[ -~]{0,12}".prop_map(|s| format!("\"{s}\"")),
    ];
    let edit = prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), "\\PC{0,40}").prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), hostile).prop_map(|(a, s)| Edit::ReplaceValue(a, s)),
    ];
    proptest::collection::vec(edit, 1..6)
}

fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match edit {
            Edit::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Edit::DuplicateLine(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
            Edit::Insert(i, s) => lines.insert(i % n, s.clone()),
            Edit::Truncate(i) => {
                let line = &mut lines[i % n];
                let cut = line
                    .char_indices()
                    .nth(line.chars().count() / 2)
                    .map_or(0, |(at, _)| at);
                line.truncate(cut);
            }
            Edit::ReplaceValue(i, v) => {
                let line = &mut lines[i % n];
                if let Some((key, _)) = line.split_once(" = ") {
                    *line = format!("{key} = {v}");
                }
            }
        }
    }
    lines.join("\n")
}

fn real_rules() -> Vec<String> {
    let mut texts: Vec<String> = std::fs::read_dir(repo().join("rules"))
        .expect("rules/")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| std::fs::read_to_string(e.path()).expect("a rule file"))
        .collect();
    texts.sort();
    texts
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn any_text_as_a_rule_file_loads_or_is_diagnosed(text in "\\PC{0,400}") {
        load_or_render(text);
    }

    #[test]
    fn mutated_real_rules_load_or_are_diagnosed(which in any::<usize>(), edits in edits()) {
        let rules = real_rules();
        let text = apply_edits(&rules[which % rules.len()], &edits);
        load_or_render(text);
    }

    #[test]
    fn any_profile_parses_or_is_diagnosed(text in "\\PC{0,300}") {
        match privaudit::profile::Profile::parse(Path::new("profile.toml"), &text) {
            Ok(profile) => {
                let texts = privaudit::rules::load::collect_sources(None, &[]).expect("built-in rules");
                let catalogue = load_catalogue(&texts, today()).expect("built-in rules load");
                let problems = privaudit::profile::check::against(&profile, &catalogue);
                let _ = problems.files.render(&problems.diagnostics, false);
            }
            Err(e) => {
                let _ = e.files.render(std::slice::from_ref(&e.diagnostic), false);
            }
        }
    }

    #[test]
    fn cookie_exports_never_repeat_a_value(
        lines in proptest::collection::vec(("[.a-z]{0,12}", "[A-Za-z0-9 .:-]{0,12}", "[a-z]{0,6}"), 0..6),
        json in any::<bool>(),
    ) {
        const VALUE: &str = "S3CRETVALUE";
        let text = if json {
            let items: Vec<String> = lines
                .iter()
                .map(|(d, e, n)| format!("{{\"domain\": \"{d}\", \"expires\": \"{e}\", \"name\": \"{n}\", \"value\": \"{VALUE}\"}}"))
                .collect();
            format!("[{}]", items.join(","))
        } else {
            lines
                .iter()
                .map(|(d, e, n)| format!("{d}\tTRUE\t/\tTRUE\t{e}\t{n}\t{VALUE}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if let Err(e) = privaudit::sessions::cookie_file::parse(&text) {
            prop_assert!(!format!("{e:#}").contains(VALUE), "{e:#}");
        }
    }

    #[test]
    fn a_domain_is_judged_without_panicking(entry in "\\PC{0,30}") {
        let _ = privaudit::rules::domains::domain_problem(&entry);
    }

    #[test]
    fn no_text_reaches_a_terminal_as_a_control_sequence(text in "\\PC{0,80}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}a-z\\[\\]]{0,40}") {
        let shown = untrusted::for_terminal(&text, false);
        prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{shown:?}");
        let md = untrusted::markdown(&text);
        prop_assert!(!md.contains('<') && !md.contains('\n'), "{md:?}");
        let cell = untrusted::csv_cell(&text);
        prop_assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
    }
}
