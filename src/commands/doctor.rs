//! `privaudit doctor`: what runs depend on, checked, each problem with its
//! fix; exit 2 when a run would fail.

use crate::cli::{Context, ListFormat};
use crate::doctor::{self, Health, Inputs};
use crate::exit::Exit;
use crate::output::{table, TableStyle};

pub fn run(ctx: &Context, format: ListFormat) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    let profile_path = ctx.profile_path();
    // The profile's own diagnostics are `profile show`'s to print: here
    // only how many there are.
    let profile_problems = match crate::profile::load(&profile_path) {
        Ok(Ok(crate::profile::Loaded::Found(p))) => {
            let problems = crate::profile::check::against(&p, &catalogue);
            let errors = problems.diagnostics.iter().filter(|d| d.is_error()).count();
            Some((errors, problems.diagnostics.len() - errors))
        }
        Ok(Ok(crate::profile::Loaded::Missing(_))) => None,
        Ok(Err(_)) | Err(_) => Some((1, 0)),
    };
    let inputs = Inputs {
        config_dir: &ctx.config_dir,
        data_dir: &ctx.data_dir,
        profile: &profile_path,
        history: &ctx.history_path(),
        sessions: &ctx.sessions_dir(),
        browser: ctx.browser.as_deref(),
        browser_ws: ctx.browser_ws.as_deref(),
        timeout: ctx.timeout,
        browser_wait: ctx.browser_wait,
        catalogue: &catalogue,
        profile_problems,
        environment: vec![(
            "PRIVAUDIT_HISTORY_KEEP",
            super::history_keep()
                .map(|keep| match keep {
                    Some(d) => format!("runs kept {} days", d.num_days()),
                    None => "runs kept forever".to_string(),
                })
                .map_err(|e| format!("{e:#}")),
        )],
    };
    let report = doctor::run(&inputs);
    match format {
        ListFormat::Json => {
            ctx.console.print(&(serde_json::to_string_pretty(&report)? + "\n"));
        }
        ListFormat::Table => {
            let mut t = table(["Check", "Health", "Detail", "Fix"], TableStyle::Wrapped);
            for c in &report.checks {
                t.add_row(vec![
                    c.name.to_string(),
                    c.health.as_str().to_string(),
                    c.detail.clone(),
                    c.fix.clone().unwrap_or_default(),
                ]);
            }
            ctx.console.print(&format!(
                "privaudit {} (commit {})\n{t}\n",
                report.privaudit_version, report.commit
            ));
        }
    }
    Ok(match report.worst() {
        Health::Fail => Exit::Usage,
        Health::Ok | Health::Warn => Exit::Ok,
    })
}
