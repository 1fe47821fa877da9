//! `rules test` results in every format.

use crate::conformance::{Conformance, Results};
use crate::output::{escape_cell, table, Render, TableStyle};

/// What one phase showed, for a cell: `status (value)`.
fn cell(r: &Conformance, name: &str) -> String {
    r.phases
        .iter()
        .find(|p| p.name == name)
        .map(|p| match &p.value {
            Some(v) => format!("{} ({v})", p.status),
            None => p.status.to_string(),
        })
        .unwrap_or_else(|| "—".into())
}

fn read_cell(r: &Conformance) -> String {
    if r.phases.first().is_some_and(|p| p.name == "manual") {
        "manual".to_string()
    } else {
        cell(r, "read")
    }
}

fn result_cell(r: &Conformance) -> String {
    match &r.problem {
        None => "pass".to_string(),
        Some(p) => format!("FAIL: {p}"),
    }
}

impl Render for Results {
    fn table(&self, _color: bool) -> String {
        let mut t = table(
            [
                "Platform",
                "Setting",
                "Read",
                "Apply",
                "Re-read",
                "Signed out",
                "Result",
            ],
            TableStyle::Natural,
        );
        for r in &self.results {
            t.add_row(vec![
                r.platform.clone(),
                r.setting.clone(),
                read_cell(r),
                cell(r, "apply"),
                cell(r, "re-read"),
                cell(r, "signed-out"),
                result_cell(r),
            ]);
        }
        format!(
            "{t}\n{} of {} settings pass{}\n",
            self.passed,
            self.results.len(),
            if self.all_passed() {
                ""
            } else {
                "; see the failures above"
            }
        )
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "| Platform | Setting | Read | Apply | Re-read | Signed out | Result |\n|---|---|---|---|---|---|---|\n",
        );
        for r in &self.results {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                escape_cell(&r.platform),
                escape_cell(&r.setting),
                escape_cell(&read_cell(r)),
                escape_cell(&cell(r, "apply")),
                escape_cell(&cell(r, "re-read")),
                escape_cell(&cell(r, "signed-out")),
                escape_cell(&result_cell(r)),
            ));
        }
        out
    }

    fn csv(&self) -> anyhow::Result<String> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record([
            "platform",
            "setting",
            "read",
            "apply",
            "re-read",
            "signed-out",
            "passed",
            "problem",
        ])?;
        for r in &self.results {
            crate::output::untrusted::csv_row(
                &mut w,
                [
                    r.platform.as_str(),
                    r.setting.as_str(),
                    &read_cell(r),
                    &cell(r, "apply"),
                    &cell(r, "re-read"),
                    &cell(r, "signed-out"),
                    if r.passed { "true" } else { "false" },
                    r.problem.as_deref().unwrap_or(""),
                ],
            )?;
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }
}
