//! The history timeline (`privaudit history`) in every format.

use crate::history::{Entry, Timeline};
use crate::output::{escape_cell, keep_words_whole, table, Render, TableStyle};

/// Times are stored in UTC and shown in the local zone, which the column
/// header names (`When (UTC+01:00)`): a person reads their own clock.
fn day_and_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn when_header() -> String {
    format!("When (UTC{})", chrono::Local::now().format("%:z"))
}

impl Render for Timeline {
    fn table(&self, _color: bool) -> String {
        let mut text = if self.entries.is_empty() {
            "No recorded findings match.\n".to_string()
        } else {
            let when = when_header();
            let mut t = table(
                ["Setting", when.as_str(), "Run", "Status", "Value", "Wanted", "Change"],
                TableStyle::Wrapped,
            );
            let mut last = None;
            for e in &self.entries {
                let key = (e.platform.as_str(), e.setting.as_str());
                let name = if last == Some(key) {
                    String::new()
                } else {
                    format!("{}.{}", e.platform, e.setting)
                };
                last = Some(key);
                t.add_row(vec![
                    name,
                    day_and_time(&e.at),
                    format!("#{} {}", e.run_id, e.command),
                    e.status.clone(),
                    e.current.clone().unwrap_or_else(|| "—".into()),
                    e.wanted.clone(),
                    change(e),
                ]);
            }
            keep_words_whole(&mut t, &[6, 5]);
            format!("{t}\n")
        };
        for r in &self.unfinished_runs {
            text.push_str(&format!(
                "run {} ({}, started {}) did not finish: it was stopped or killed, and recorded nothing\n",
                r.id, r.command, r.started_at
            ));
        }
        text
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "| Setting | {} | Run | Status | Value | Wanted | Change |\n|---|---|---|---|---|---|---|\n",
            when_header()
        );
        for e in &self.entries {
            out.push_str(&format!(
                "| {}.{} | {} | #{} {} | {} | {} | {} | {} |\n",
                escape_cell(&e.platform),
                escape_cell(&e.setting),
                day_and_time(&e.at),
                e.run_id,
                e.command,
                e.status,
                escape_cell(e.current.as_deref().unwrap_or("—")),
                escape_cell(&e.wanted),
                escape_cell(&change(e))
            ));
        }
        out
    }

    fn csv(&self) -> anyhow::Result<String> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record([
            "at",
            "run",
            "command",
            "platform",
            "setting",
            "label",
            "status",
            "current",
            "wanted",
            "transition",
            "previous",
        ])?;
        for e in &self.entries {
            row(&mut w, e)?;
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }
}

/// The Change column: the transition, or what apply/revert changed.
fn change(e: &Entry) -> String {
    match (&e.transition, &e.previous) {
        (Some(t), _) => t.clone(),
        (None, Some(before)) if e.status == "fixed" => format!("was {before}"),
        _ => String::new(),
    }
}

fn row(w: &mut ::csv::Writer<Vec<u8>>, e: &Entry) -> anyhow::Result<()> {
    crate::output::untrusted::csv_row(
        w,
        [
            e.at.as_str(),
            &e.run_id.to_string(),
            &e.command,
            &e.platform,
            &e.setting,
            &e.label,
            &e.status,
            e.current.as_deref().unwrap_or(""),
            &e.wanted,
            e.transition.as_deref().unwrap_or(""),
            e.previous.as_deref().unwrap_or(""),
        ],
    )?;
    Ok(())
}
