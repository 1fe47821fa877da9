//! `privaudit check`: read every planned setting and report the differences.

use std::collections::BTreeMap;
use std::time::Instant;

use super::load_rules;
use crate::audit::{self, AuditOptions, Finding, Run, Status, Summary};
use crate::browser::{self, Browser, LaunchOptions};
use crate::cli::CheckArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::failure::Failure;
use crate::plan::{self, Plan};
use crate::profile::{self, Loaded, Profile};
use crate::{output, report};

pub fn run(ctx: &Context, args: CheckArgs) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    let profile = load_profile(ctx, args.profile.as_deref())?;
    let base_urls: BTreeMap<String, String> = args.base_urls.iter().cloned().collect();
    let plan = plan::build(&catalogue, &profile, &args.platforms, &base_urls).map_err(|e| {
        Failure::usage(e.to_string()).hint("`privaudit rules list` shows the platforms privaudit knows")
    })?;
    for key in &plan.unknown_overrides {
        output::warn(
            ctx,
            &format!("the profile overrides `{key}`, which no rule defines (see `privaudit rules list`)"),
        );
    }
    let run = execute(
        ctx,
        &plan,
        &catalogue.version,
        &profile.source.to_string(),
        args.browser_profile.clone(),
        "check",
    )?;
    emit(ctx, &run, args.output.format)?;
    Ok(Exit::for_findings(&run.findings))
}

/// Loads the profile; a missing default profile falls back to `strict`, a
/// missing explicit one is an error.
pub fn load_profile(ctx: &Context, explicit: Option<&std::path::Path>) -> anyhow::Result<Profile> {
    let path = explicit.map(|p| p.to_path_buf()).unwrap_or_else(|| ctx.profile_path());
    match profile::load(&path)? {
        Ok(Loaded::Found(p)) => Ok(p),
        Ok(Loaded::Missing(p)) => {
            if explicit.is_some() {
                return Err(Failure::usage(format!("profile {} does not exist", path.display()))
                    .hint("create it with `privaudit profile init`, or fix the --profile path")
                    .into());
            }
            output::note(
                ctx,
                &format!("no profile at {}; using the strict preset (every setting private). Create one with `privaudit profile init`.", path.display()),
            );
            Ok(p)
        }
        Err(e) => {
            super::show_diagnostics(ctx, &e.files, std::slice::from_ref(&e.diagnostic));
            Err(Failure::usage(format!("the profile {} is not valid", path.display()))
                .hint("fix it, or start again with `privaudit profile init --force`")
                .into())
        }
    }
}

/// Runs the plan: manual settings need no browser; the rest are read in one
/// Chromium. Ctrl-C or SIGTERM closes the browser before returning.
pub fn execute(
    ctx: &Context,
    plan: &Plan,
    rules_version: &str,
    profile: &str,
    browser_profile: Option<std::path::PathBuf>,
    command: &'static str,
) -> anyhow::Result<Run> {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    let mut findings = audit::manual_findings(plan);
    if audit::needs_browser(plan) {
        let executable = browser::find::find_browser(ctx.browser.as_deref())
            .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
        let launch = LaunchOptions {
            executable,
            headed: ctx.headed,
            user_data_dir: browser_profile,
            timeout: ctx.timeout,
        };
        let options = AuditOptions {
            jobs: ctx.jobs,
            timeout: ctx.timeout,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Failure::incomplete(format!("cannot start the async runtime: {e}")))?;
        let read = runtime.block_on(read_in_browser(ctx, plan, &launch, &options))?;
        findings.extend(read);
    }
    let findings: Vec<Finding> = audit::in_plan_order(plan, findings);
    Ok(Run {
        schema_version: audit::finding::SCHEMA_VERSION,
        privaudit_version: env!("CARGO_PKG_VERSION"),
        rules_version: rules_version.to_string(),
        command,
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        profile: profile.to_string(),
        summary: Summary::of(&findings),
        findings,
    })
}

async fn read_in_browser(
    ctx: &Context,
    plan: &Plan,
    launch: &LaunchOptions,
    options: &AuditOptions,
) -> anyhow::Result<Vec<Finding>> {
    // Signal handlers go in before Chromium starts: a Ctrl-C that killed us
    // between launch and audit would leave the browser running.
    let mut interrupts = Interrupts::install();
    let browser = tokio::select! {
        launched = Browser::launch(launch) => match launched {
            Ok(b) => b,
            // Still a report: every setting says why it could not be read.
            Err(e) => return Ok(audit::all_browser_items(plan, Status::Error, &format!("the browser did not start: {e:#}"))),
        },
        _ = interrupts.recv() => return Err(interrupted_failure()),
    };
    let progress = progress_bar(ctx, plan.platforms.len() as u64);
    let done = |name: &str| {
        progress.inc(1);
        progress.set_message(format!("{name} done"));
    };
    let outcome = tokio::select! {
        findings = audit::check(&browser, plan, options, &done) => Some(findings),
        _ = interrupts.recv() => None,
    };
    progress.finish_and_clear();
    browser.shutdown().await;
    outcome.ok_or_else(interrupted_failure)
}

fn interrupted_failure() -> anyhow::Error {
    Failure {
        exit: Exit::Interrupted,
        message: "interrupted; the browser was closed and nothing was changed".into(),
        hint: None,
    }
    .into()
}

/// Ctrl-C (SIGINT) and SIGTERM (cron, systemd), registered up front.
struct Interrupts {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Interrupts {
    fn install() -> Interrupts {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let signals = [SignalKind::interrupt(), SignalKind::terminate()]
                .into_iter()
                .filter_map(|kind| signal(kind).ok())
                .collect();
            Interrupts { signals }
        }
        #[cfg(not(unix))]
        {
            Interrupts {}
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.signals.is_empty() {
                return futures::future::pending().await;
            }
            let waits = self.signals.iter_mut().map(|s| Box::pin(s.recv()));
            futures::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn progress_bar(ctx: &Context, platforms: u64) -> indicatif::ProgressBar {
    if ctx.quiet || !ctx.stderr_is_terminal {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(platforms);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} auditing {pos}/{len} platforms {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub fn emit(ctx: &Context, run: &Run, format: report::Format) -> anyhow::Result<()> {
    let text = report::render(run, format, ctx.stdout_color)?;
    output::print(&text);
    Ok(())
}
