//! One module per subcommand. Each takes the resolved [`Context`] and its own
//! arguments and returns the exit code; errors carry their own. Commands are
//! thin: lock → prepare → run → record → notify → emit, with the work done
//! by the modules below them. No command imports another; what several
//! share is here.

pub mod audit;
pub mod auth;
pub mod dataset;
pub mod defaults;
pub mod demo;
pub mod docs;
pub mod doctor;
pub mod history;
pub mod login;
pub mod logout;
pub mod policy;
pub mod profile;
pub mod report;
pub mod rules;
pub mod sessions;
pub mod survey;

use std::collections::BTreeMap;
use std::path::Path;

use crate::cli::Context;
use crate::diag::{Diagnostic, SourceFiles};
use crate::failure::Failure;
use crate::notify::{Notice, Target};
use crate::output::{Format, Progress, Render};
use crate::plan::Plan;
use crate::profile::{Loaded, Profile};
use crate::rules::{load, Catalogue, Category};

/// How long recorded runs are kept: `PRIVAUDIT_HISTORY_KEEP` (a duration,
/// or `forever`), else a little over a year.
pub fn history_keep() -> anyhow::Result<Option<chrono::Duration>> {
    match std::env::var("PRIVAUDIT_HISTORY_KEEP") {
        Err(_) => Ok(Some(chrono::Duration::days(crate::history::DEFAULT_KEEP_DAYS))),
        Ok(v) if v.trim() == "forever" => Ok(None),
        Ok(v) => crate::timestamp::parse_duration(&v).map(Some).map_err(|e| {
            Failure::usage(format!("PRIVAUDIT_HISTORY_KEEP: {e}"))
                .hint("set it to a duration such as 90d or 1year, or to `forever`")
                .into()
        }),
    }
}

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Loads the rules in use (built-in, config dir, `--rules`). Broken rules stop
/// the command with every diagnostic shown: auditing with half a rule set
/// would silently skip settings.
pub fn load_rules(ctx: &Context) -> anyhow::Result<Catalogue> {
    let texts = load::collect_sources(Some(&ctx.rules_dir()), &ctx.extra_rules)
        .map_err(|e| Failure::usage(format!("{e:#}")).hint("check the --rules path and the files' permissions"))?;
    load::load_catalogue(&texts, today()).map_err(|e| {
        show_diagnostics(ctx, &e.files, &e.diagnostics);
        let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
        Failure::usage(format!(
            "{errors} error{} in the rule files",
            if errors == 1 { "" } else { "s" }
        ))
        .hint("fix the rules above (`privaudit rules lint` checks them), or remove the overriding file")
        .into()
    })
}

/// Loads the profile and checks it against the rules; a missing default
/// profile falls back to `strict`, a missing explicit one is an error, and a
/// value or override the rules cannot use stops with its line and column.
pub fn load_profile(ctx: &Context, explicit: Option<&Path>, catalogue: &Catalogue) -> anyhow::Result<Profile> {
    let path = explicit.map(|p| p.to_path_buf()).unwrap_or_else(|| ctx.profile_path());
    match crate::profile::load(&path)? {
        Ok(Loaded::Found(p)) => {
            let problems = crate::profile::check::against(&p, catalogue);
            show_diagnostics(ctx, &problems.files, &problems.diagnostics);
            if problems.has_errors() {
                return Err(Failure::usage(format!("the profile {} is not valid", path.display()))
                    .hint("fix the values above (`privaudit rules show PLATFORM` lists a platform's settings)")
                    .into());
            }
            Ok(p)
        }
        Ok(Loaded::Missing(p)) => {
            if explicit.is_some() {
                return Err(Failure::usage(format!("profile {} does not exist", path.display()))
                    .hint("create it with `privaudit profile init`, or fix the --profile path")
                    .into());
            }
            ctx.console.note(&format!(
                "no profile at {}; using the strict preset (every setting private). Create one with `privaudit profile init`.",
                path.display()
            ));
            Ok(p)
        }
        Err(e) => {
            show_diagnostics(ctx, &e.files, std::slice::from_ref(&e.diagnostic));
            Err(Failure::usage(format!("the profile {} is not valid", path.display()))
                .hint("fix it, or start again with `privaudit profile init --force`")
                .into())
        }
    }
}

/// Builds the plan for `platforms` (all when empty; `PLATFORM.SETTING` for
/// one setting), only `categories` when any, with `--base-url` overrides.
pub fn plan(
    catalogue: &Catalogue,
    profile: &Profile,
    platforms: &[String],
    categories: &[Category],
    base_urls: &[(String, String)],
) -> anyhow::Result<Plan> {
    // Checked here, not by the argument parser, whose error would repeat it.
    for (platform, url) in base_urls {
        if url::Url::parse(url).is_ok_and(|u| !u.username().is_empty() || u.password().is_some()) {
            return Err(
                Failure::usage(format!("--base-url for {platform} carries a user name or password"))
                    .hint("give the URL without them: reports and history would repeat it")
                    .into(),
            );
        }
    }
    let base_urls: BTreeMap<String, String> = base_urls.iter().cloned().collect();
    let mut plan = crate::plan::build(catalogue, profile, platforms, &base_urls).map_err(|e| {
        let hint = match &e {
            crate::plan::PlanError::UnknownSetting { platform, .. } => {
                format!("`privaudit rules show {platform}` lists its settings")
            }
            _ => "`privaudit rules list` shows the platforms privaudit knows".to_string(),
        };
        Failure::usage(e.to_string()).hint(hint)
    })?;
    if !categories.is_empty() {
        for pp in &mut plan.platforms {
            pp.items.retain(|item| categories.contains(&item.setting.category));
        }
        plan.platforms.retain(|pp| !pp.items.is_empty());
        if plan.platforms.is_empty() {
            let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
            return Err(Failure::usage(format!(
                "no setting to audit: none of the selected settings is in {}",
                names.join(", ")
            ))
            .hint("`privaudit rules list` shows each platform's categories")
            .into());
        }
    }
    // Overrides no rule defines were reported when the profile was loaded.
    Ok(plan)
}

/// Says which settings the profile's region or plan left out, so a setting
/// that is missing from the report is never a silent surprise (the JSON
/// report lists them too, as `not_offered`).
pub fn note_not_offered(ctx: &Context, plan: &crate::plan::Plan) {
    for n in plan.not_offered.iter().filter(|n| n.read_anyway) {
        ctx.console.note(&format!(
            "{} is read as asked, though the rules say it is {} (profile `region`, `[accounts]`)",
            n.setting, n.why
        ));
    }
    let left_out: Vec<String> = plan
        .not_offered
        .iter()
        .filter(|n| !n.read_anyway)
        .map(|n| format!("{} ({})", n.setting, n.why))
        .collect();
    if !left_out.is_empty() {
        ctx.console.note(&format!(
            "{} setting{} left out for your account's region or plan (profile `region`, `[accounts]`): {}",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" },
            left_out.join(", ")
        ));
    }
}

pub fn show_diagnostics(ctx: &Context, files: &SourceFiles, diagnostics: &[Diagnostic]) {
    ctx.console
        .diagnostics(&files.render(diagnostics, ctx.console.stderr_color));
}

/// Prints `item` on stdout in `format`.
pub fn emit(ctx: &Context, item: &impl Render, format: Format) -> anyhow::Result<()> {
    let text = crate::output::render(item, format, ctx.console.stdout_color)?;
    ctx.console.print(&text);
    Ok(())
}

/// The `--notify` targets, or a usage error naming the bad one.
pub fn notify_targets(urls: &[String]) -> anyhow::Result<Vec<Target>> {
    crate::notify::targets(urls).map_err(|why| {
        Failure::usage(format!("--notify: {why}"))
            .hint("give an http(s) webhook URL, optionally prefixed with slack:, discord:, ntfy: or json:")
            .into()
    })
}

/// Sends every notice to every target. A failed delivery is reported on
/// stderr (which cron mails) and never loses the run's record.
pub fn deliver(ctx: &Context, targets: &[Target], command: Option<&str>, notices: &[Notice]) {
    let mut delivered = false;
    for notice in notices {
        for target in targets {
            match crate::notify::send(target, notice) {
                Ok(()) => {
                    delivered = true;
                    ctx.console.note(&format!("alert sent to the {}", target.display()));
                }
                Err(e) => ctx.console.error(&format!("the alert was not delivered: {e:#}"), None),
            }
        }
        if let Some(cmd) = command {
            match crate::notify::run_command(cmd, notice) {
                Ok(()) => delivered = true,
                Err(e) => ctx.console.error(&format!("the alert was not delivered: {e:#}"), None),
            }
        }
    }
    // For --heartbeat: when something last reached the person.
    if delivered {
        if let Err(e) = crate::notify::mark_sent(&ctx.data_dir) {
            tracing::warn!("cannot record when the last alert went out: {e:#}");
        }
    }
}

/// How a run talks to the person at the console: notes, a progress bar
/// (on a terminal), and apply's question.
pub struct ConsoleHooks<'a> {
    ctx: &'a Context,
    progress: Progress,
}

impl<'a> ConsoleHooks<'a> {
    pub fn new(ctx: &'a Context, platforms: usize) -> ConsoleHooks<'a> {
        let shown = !ctx.quiet && ctx.console.stderr_is_terminal;
        ConsoleHooks {
            ctx,
            progress: Progress::new("auditing platforms", platforms as u64, shown),
        }
    }
}

impl crate::audit::Hooks for ConsoleHooks<'_> {
    fn note(&self, message: &str) {
        self.ctx.console.note(message);
    }

    fn warn(&self, message: &str) {
        self.ctx.console.warn(message);
    }

    fn platform_done(&self, platform: &str, phase: &str) {
        self.progress.step(&format!("{platform} {phase}"));
    }

    fn show_plan(&self, drifted: &[&crate::audit::Finding], dry_run: bool) {
        let console = &self.ctx.console;
        if console.quiet {
            return;
        }
        if drifted.is_empty() {
            console.diagnostics("Nothing to change: every readable setting already has the wanted value.\n");
            return;
        }
        let mut text = format!(
            "{} {} change{}:\n",
            if dry_run { "Would make" } else { "Plan:" },
            drifted.len(),
            if drifted.len() == 1 { "" } else { "s" }
        );
        for f in drifted {
            text.push_str(&format!(
                "  {} · {}: {} → {}\n",
                f.platform_name,
                f.label,
                f.current.as_deref().unwrap_or("?"),
                f.wanted
            ));
        }
        console.diagnostics(&text);
    }

    fn approve(&self, changes: usize) -> bool {
        self.ctx.console.ask(&format!(
            "Apply {changes} change{}? [y/N] ",
            if changes == 1 { "" } else { "s" }
        ));
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).is_ok()
            && matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}
