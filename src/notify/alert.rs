//! Turning a run into an alert: what changed since the last run, in words
//! for people and in JSON for receivers.

use super::send::{Notice, Target};
use crate::audit::finding::{Finding, Run, Transition};

/// The alert targets the user named (`--notify`), or why one is not valid.
pub fn targets(urls: &[String]) -> Result<Vec<Target>, String> {
    urls.iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| Target::parse(u))
        .collect()
}

/// The alert for a run: what changed, or (with --notify-always) the summary.
pub fn run_notice(run: &Run, news: &[&Finding]) -> Notice {
    let re_enabled = news
        .iter()
        .filter(|f| f.transition == Some(Transition::ReEnabled))
        .count();
    let title = if re_enabled > 0 {
        format!(
            "privaudit: {re_enabled} setting{} switched back on since the last run",
            if re_enabled == 1 { "" } else { "s" }
        )
    } else if !news.is_empty() && news.iter().all(|f| f.transition == Some(Transition::StillUnreadable)) {
        format!(
            "privaudit: {} setting{} still not read",
            news.len(),
            if news.len() == 1 { "" } else { "s" }
        )
    } else if !news.is_empty() {
        format!(
            "privaudit: {} change{} since the last run",
            news.len(),
            if news.len() == 1 { "" } else { "s" }
        )
    } else {
        "privaudit: nothing changed since the last run".to_string()
    };
    let mut lines: Vec<String> = news
        .iter()
        .map(|f| match f.transition {
            Some(t) => t.describe(f),
            None => format!(
                "{} › {}: {} (wanted {})",
                f.platform_name,
                f.label,
                f.current.as_deref().unwrap_or("?"),
                f.wanted
            ),
        })
        .collect();
    lines.push(format!("{} ({})", run.summary.sentence(), run.command));
    let changes: Vec<serde_json::Value> = news
        .iter()
        .map(|f| {
            serde_json::json!({
                "platform": f.platform,
                "platform_name": f.platform_name,
                "setting": f.setting,
                "label": f.label,
                "category": f.category,
                "transition": f.transition,
                "status": f.status,
                "current": f.current,
                "wanted": f.wanted,
                "url": f.url,
            })
        })
        .collect();
    Notice {
        source: "privaudit",
        event: "run",
        title,
        lines,
        details: serde_json::json!({
            "command": run.command,
            "started_at": crate::timestamp::format(run.started_at),
            "rules_version": run.rules_version,
            "summary": run.summary,
            "changes": changes,
        }),
    }
}
