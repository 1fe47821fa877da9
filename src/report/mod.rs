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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Finding, Status, Summary};
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
            url: Some("https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement".into()),
            message: message.map(Into::into),
            steps: vec![],
            source: "https://www.linkedin.com/help/linkedin/answer/a5538339".into(),
            transition: None,
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
