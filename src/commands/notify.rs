//! Turning a run (or a policy change) into an alert, and delivering it to
//! every target the user named. A failed delivery is reported on stderr
//! (which cron mails) and never loses the run's record.

use crate::audit::finding::{Finding, Run};
use crate::cli::NotifyArgs;
use crate::context::Context;
use crate::failure::Failure;
use crate::notify::{self, Notice, Target};
use crate::output;

pub fn targets(args: &NotifyArgs) -> anyhow::Result<Vec<Target>> {
    args.urls
        .iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| {
            Target::parse(u).map_err(|why| {
                Failure::usage(format!("--notify: {why}"))
                    .hint("give an http(s) webhook URL, optionally prefixed with slack:, discord:, ntfy: or json:")
                    .into()
            })
        })
        .collect()
}

/// The alert for a run: what changed, or (with --notify-always) the summary.
pub fn run_notice(run: &Run, news: &[&Finding]) -> Notice {
    let re_enabled = news
        .iter()
        .filter(|f| f.transition == Some(crate::history::Transition::ReEnabled))
        .count();
    let title = if re_enabled > 0 {
        format!(
            "privaudit: {re_enabled} setting{} switched back on since the last run",
            if re_enabled == 1 { "" } else { "s" }
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
            "started_at": run.started_at,
            "rules_version": run.rules_version,
            "summary": run.summary,
            "changes": changes,
        }),
    }
}

pub fn deliver(ctx: &Context, targets: &[Target], command: Option<&str>, notices: &[Notice]) {
    for notice in notices {
        for target in targets {
            match notify::send(target, notice) {
                Ok(()) => output::note(ctx, &format!("alert sent to the {}", target.display())),
                Err(e) => output::error(ctx, &format!("the alert was not delivered: {e:#}"), None),
            }
        }
        if let Some(cmd) = command {
            if let Err(e) = notify::run_command(cmd, notice) {
                output::error(ctx, &format!("the alert was not delivered: {e:#}"), None);
            }
        }
    }
}
