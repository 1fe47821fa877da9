//! Reports: every run, timeline and conformance result as text, one pure
//! function per format, so every format is tested without a browser. The
//! [`Render`](crate::output::Render) impls live here.

mod cells;
mod conformance;
mod csv;
mod markdown;
pub mod page;
mod run;
pub mod story;
mod table;
mod timeline;

#[cfg(test)]
mod tests {
    use crate::audit::{Finding, Run, Status, Summary};
    use crate::output::{render, Format};
    use crate::rules::Category;

    fn finding(setting: &str, label: &str, status: Status, current: Option<&str>, message: Option<&str>) -> Finding {
        Finding {
            platform: "linkedin".into(),
            platform_name: "LinkedIn".into(),
            setting: setting.into(),
            label: label.into(),
            category: Category::AiTraining,
            status,
            current: current.map(Into::into),
            previous: None,
            wanted: "off".into(),
            default: None,
            url: Some("https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement".into()),
            message: message.map(Into::into),
            class: None,
            notes: vec![],
            steps: vec![],
            source: "https://www.linkedin.com/help/linkedin/answer/a5538339".into(),
            transition: None,
            unreadable_since: None,
        }
    }

    fn sample() -> Run {
        let mut manual = finding(
            "gai-objection",
            "Data processing objection request",
            Status::Manual,
            None,
            Some("only a form can change this"),
        );
        manual.url = Some("https://www.linkedin.com/help/linkedin/ask/TS-DPRO".into());
        manual.steps = vec!["Open the form".into(), "Submit it".into()];
        let findings = vec![
            finding(
                "generative-ai-data",
                "Data for Generative AI Improvement",
                Status::Drift,
                Some("on"),
                Some("set it to off"),
            ),
            finding("ads, \"quoted\"", "Label | with pipe", Status::Ok, Some("off"), None),
            finding("gone", "Gone", Status::Unreadable, None, Some("no switch \"Gone\"")),
            manual,
        ];
        Run {
            schema_version: 1,
            privaudit_version: "0.0.0-test",
            rules_version: "2026-11-24.abcdef12".into(),
            command: "check",
            interrupted: false,
            started_at: chrono::DateTime::parse_from_rfc3339("2026-11-24T08:00:00Z")
                .unwrap()
                .to_utc(),
            duration_ms: 1234,
            profile: "built-in strict preset".into(),
            summary: Summary::of(&findings),
            findings,
            not_offered: Vec::new(),
        }
    }

    #[test]
    fn table() {
        insta::assert_snapshot!(render(&sample(), Format::Table, false).unwrap());
    }

    #[test]
    fn table_in_colour_marks_statuses() {
        let text = render(&sample(), Format::Table, true).unwrap();
        assert!(text.contains("\u{1b}["), "no ANSI colour in {text}");
    }

    #[test]
    fn json() {
        insta::assert_snapshot!(render(&sample(), Format::Json, false).unwrap());
    }

    #[test]
    fn markdown() {
        insta::assert_snapshot!(render(&sample(), Format::Markdown, false).unwrap());
    }

    #[test]
    fn csv() {
        insta::assert_snapshot!(render(&sample(), Format::Csv, false).unwrap());
    }
}
