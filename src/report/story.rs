//! The demo's story for a person: per phase a table of counts per platform
//! (the full findings are one `--format json` away), and the manual steps
//! once at the end.

use std::collections::BTreeMap;

use crate::audit::{Run, Status};
use crate::output::{table, TableStyle};

/// The statuses a phase table may show, in reading order.
const COLUMNS: [Status; 8] = [
    Status::Ok,
    Status::Drift,
    Status::Fixed,
    Status::Failed,
    Status::Manual,
    Status::Unreadable,
    Status::LoginRequired,
    Status::Error,
];

/// Counts per platform, one column per status that occurs, and a total row.
pub fn phase_table(run: &Run) -> String {
    let shown: Vec<Status> = COLUMNS
        .iter()
        .copied()
        .filter(|s| run.findings.iter().any(|f| f.status == *s))
        .collect();
    let mut counts: BTreeMap<&str, BTreeMap<Status, usize>> = BTreeMap::new();
    for f in &run.findings {
        *counts
            .entry(f.platform_name.as_str())
            .or_default()
            .entry(f.status)
            .or_default() += 1;
    }
    let mut header = vec!["Platform".to_string(), "Settings".to_string()];
    header.extend(shown.iter().map(|s| s.as_str().to_string()));
    let mut t = table(header, TableStyle::Natural);
    let mut total: BTreeMap<Status, usize> = BTreeMap::new();
    for (platform, by_status) in &counts {
        let mut row = vec![platform.to_string(), by_status.values().sum::<usize>().to_string()];
        for s in &shown {
            let n = by_status.get(s).copied().unwrap_or(0);
            *total.entry(*s).or_default() += n;
            row.push(if n == 0 { "·".into() } else { n.to_string() });
        }
        t.add_row(row);
    }
    let mut row = vec!["All".to_string(), run.findings.len().to_string()];
    row.extend(shown.iter().map(|s| total.get(s).copied().unwrap_or(0).to_string()));
    t.add_row(row);
    format!("{t}\n")
}

/// Every failure, one line per setting: the story must not hide one.
pub fn problems(run: &Run) -> String {
    run.findings
        .iter()
        .filter(|f| f.status.is_incomplete() || f.status == Status::Failed)
        .map(|f| {
            format!(
                "{} {}.{}: {}\n",
                f.status,
                f.platform,
                f.setting,
                f.message.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The settings only a person can change, with where and how: once.
pub fn manual_steps(run: &Run) -> String {
    manual(run, true)
}

/// The manual settings one line each, for the demo: with dozens of
/// platforms their steps would bury the story (`rules show` prints them).
pub fn manual_list(run: &Run) -> String {
    manual(run, false)
}

fn manual(run: &Run, with_steps: bool) -> String {
    let manual: Vec<_> = run.findings.iter().filter(|f| f.status == Status::Manual).collect();
    if manual.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Only a form or an email changes these {} settings; {}:\n",
        manual.len(),
        if with_steps {
            "privaudit prints the steps"
        } else {
            "`privaudit rules show PLATFORM` prints the steps"
        }
    );
    for f in manual {
        let gap = if with_steps { "\n" } else { "" };
        out.push_str(&format!(
            "{gap}  {} › {} ({}.{})\n",
            f.platform_name, f.label, f.platform, f.setting
        ));
        if !with_steps {
            continue;
        }
        if let Some(url) = &f.url {
            out.push_str(&format!("    open {url}\n"));
        }
        for (i, step) in f.steps.iter().enumerate() {
            out.push_str(&format!("    {}. {step}\n", i + 1));
        }
    }
    out
}
