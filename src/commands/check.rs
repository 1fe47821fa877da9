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
use crate::history::{self, Recorder};
use crate::plan::{self, Plan};
use crate::profile::{self, Loaded, Profile};
use crate::{output, report};

pub fn run(ctx: &Context, args: CheckArgs) -> anyhow::Result<Exit> {
    audit_and_report(ctx, &args, Mode::Check)
}

/// A check or apply from start to end: one run at a time, recorded in the
/// history, reported, and alerted on when something changed.
pub fn audit_and_report(ctx: &Context, args: &CheckArgs, mode: Mode) -> anyhow::Result<Exit> {
    let notify_targets = super::notify::targets(&args.notify)?;
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let prepared = prepare(ctx, args)?;
    let recording = !args.no_history && !matches!(mode, Mode::Apply { dry_run: true, .. });
    let recorder = if recording {
        match Recorder::start(ctx, mode.command(), &prepared.rules_version, &prepared.profile) {
            Ok(r) => Some(r),
            Err(e) => {
                output::error(
                    ctx,
                    &format!("this run is not recorded in the history: {e:#}"),
                    Some("check that the data directory (--data-dir) is writable"),
                );
                None
            }
        }
    } else {
        None
    };
    let mut run = execute(
        ctx,
        &prepared.plan,
        &prepared.rules_version,
        &prepared.profile,
        args.browser_profile.clone(),
        args.evidence.as_deref().map(|dir| (dir, args.redact)),
        mode,
        Sessions::User,
    )?;
    let mut exit = if run.interrupted {
        Exit::Interrupted
    } else {
        Exit::for_findings(&run.findings)
    };
    let mut first_run = false;
    if let Some(recorder) = recorder {
        first_run = recorder.is_first();
        let recorded = recorder.annotate(&mut run, mode == Mode::Check).and_then(|()| {
            if !run.interrupted {
                exit = Exit::for_findings(&run.findings);
            }
            recorder.finish(&run, exit.code())
        });
        if let Err(e) = recorded {
            output::error(
                ctx,
                &format!("this run could not be recorded in the history: {e:#}"),
                None,
            );
        }
    }
    let mut notices = Vec::new();
    let news = history::news(&run, first_run);
    if !news.is_empty() || args.notify.notify_always {
        notices.push(super::notify::run_notice(&run, &news));
    }
    if args.with_policy {
        let outcome = super::policy::check(ctx, &prepared.policy_platforms, &[])?;
        let policy_changed = !outcome.changes.is_empty();
        if let Some(notice) = outcome.notice() {
            notices.push(notice);
        }
        if !ctx.quiet || policy_changed {
            output::print(&outcome.report());
        }
        exit = exit.max_with(outcome.exit());
    }
    // Under -q a run with nothing new prints nothing, so cron mails only news.
    if !ctx.quiet || !news.is_empty() || args.notify.notify_always {
        emit(ctx, &run, args.output.format)?;
    }
    super::notify::deliver(ctx, &notify_targets, args.notify.notify_cmd.as_deref(), &notices);
    Ok(exit)
}

struct Prepared {
    plan: Plan,
    rules_version: String,
    profile: String,
    policy_platforms: Vec<String>,
}

/// Loads rules and profile and plans the run.
fn prepare(ctx: &Context, args: &CheckArgs) -> anyhow::Result<Prepared> {
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
    let policy_platforms = plan.platforms.iter().map(|p| p.platform.id.clone()).collect();
    Ok(Prepared {
        plan,
        rules_version: catalogue.version.clone(),
        profile: profile.source.to_string(),
        policy_platforms,
    })
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

/// What a browser session does with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    /// Demo runs say so in their reports.
    Demo,
    Apply {
        dry_run: bool,
        yes: bool,
    },
}

impl Mode {
    pub fn command(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Demo => "demo",
            Mode::Apply { dry_run: true, .. } => "apply --dry-run",
            Mode::Apply { .. } => "apply",
        }
    }
}

/// Whether a run uses the user's saved sessions and stored credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sessions {
    /// check and apply: each platform signed in with `privaudit login` gets
    /// its own browser with its session, and may sign in again unattended.
    User,
    /// demo and rules test: replicas only, never the user's sessions.
    None,
}

/// Runs the plan: manual settings need no browser; the rest are read in
/// Chromium (one browser per saved session, one for the others). Ctrl-C or
/// SIGTERM closes the browser before returning.
#[allow(clippy::too_many_arguments)]
pub fn execute(
    ctx: &Context,
    plan: &Plan,
    rules_version: &str,
    profile: &str,
    browser_profile: Option<std::path::PathBuf>,
    evidence: Option<(&std::path::Path, bool)>,
    mode: Mode,
    sessions: Sessions,
) -> anyhow::Result<Run> {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    let mut findings = audit::manual_findings(plan);
    let mut interrupted = false;
    if audit::needs_browser(plan) {
        let redact = evidence.is_some_and(|(_, redact)| redact);
        let evidence = match evidence.map(|(dir, _)| dir) {
            Some(dir) => {
                let e = crate::evidence::Evidence::create(dir, rules_version).map_err(|e| {
                    Failure::usage(format!("{e:#}")).hint("pass an --evidence directory you can write to")
                })?;
                output::note(ctx, &format!("saving evidence in {}", e.dir().display()));
                Some(std::sync::Arc::new(e))
            }
            None => None,
        };
        let use_sessions = sessions == Sessions::User && browser_profile.is_none() && ctx.browser_ws.is_none();
        let options = AuditOptions {
            jobs: ctx.jobs,
            timeout: ctx.timeout,
            evidence,
            redact,
            credentials: std::sync::Arc::new(if use_sessions {
                stored_credentials(ctx, plan)
            } else {
                BTreeMap::new()
            }),
        };
        let groups = browser_groups(ctx, plan, browser_profile, use_sessions, &options)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Failure::incomplete(format!("cannot start the async runtime: {e}")))?;
        for (group, launch) in groups {
            let (read, stopped) = runtime.block_on(read_in_browser(ctx, &group, &launch, &options, mode))?;
            findings.extend(read);
            if stopped {
                interrupted = true;
                break;
            }
        }
    }
    let findings: Vec<Finding> = audit::in_plan_order(plan, findings);
    Ok(Run {
        schema_version: audit::finding::SCHEMA_VERSION,
        privaudit_version: env!("CARGO_PKG_VERSION"),
        rules_version: rules_version.to_string(),
        command: mode.command(),
        interrupted,
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        profile: profile.to_string(),
        summary: Summary::of(&findings),
        findings,
    })
}

/// The credentials stored for the planned platforms whose rules describe a
/// sign-in form. A keyring that cannot be reached is a warning: the run
/// goes on with the sessions it has.
fn stored_credentials(ctx: &Context, plan: &Plan) -> BTreeMap<String, crate::secrets::Credentials> {
    let mut out = BTreeMap::new();
    for pp in &plan.platforms {
        let has_form = pp.platform.login.as_ref().is_some_and(|l| l.form.is_some());
        if !has_form || !crate::secrets::configured(ctx, &pp.platform.id) {
            continue;
        }
        match crate::secrets::lookup(ctx, &pp.platform.id) {
            Ok(Some((credentials, _))) => {
                out.insert(pp.platform.id.clone(), credentials);
            }
            Ok(None) => {}
            Err(e) => output::warn(
                ctx,
                &format!(
                    "{}: stored credentials not available, so no unattended sign-in: {e}",
                    pp.platform.id
                ),
            ),
        }
    }
    out
}

/// Which browser reads which platforms: a remote browser or an explicit
/// profile reads all; otherwise each platform with a saved session (or
/// stored credentials) gets a browser on its own session directory, and
/// the rest share one with a fresh profile.
fn browser_groups(
    ctx: &Context,
    plan: &Plan,
    browser_profile: Option<std::path::PathBuf>,
    use_sessions: bool,
    options: &AuditOptions,
) -> anyhow::Result<Vec<(Plan, browser::Source)>> {
    if let Some(url) = &ctx.browser_ws {
        if browser_profile.is_some() {
            return Err(
                Failure::usage("--browser-profile and --browser-ws cannot be used together")
                    .hint("a remote browser keeps its own profile: sign in there")
                    .into(),
            );
        }
        let remote = browser::Source::Remote {
            url: url.clone(),
            timeout: ctx.timeout,
        };
        return Ok(vec![(plan.clone(), remote)]);
    }
    let executable = browser::find::find_browser(ctx.browser.as_deref())
        .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
    let launch = |dir: Option<std::path::PathBuf>| {
        browser::Source::Launch(LaunchOptions {
            executable: executable.clone(),
            headed: ctx.headed,
            user_data_dir: dir,
            timeout: ctx.timeout,
        })
    };
    let subplan = |platforms: Vec<crate::plan::PlatformPlan>| Plan {
        platforms,
        unknown_overrides: Vec::new(),
    };
    if !use_sessions {
        return Ok(vec![(plan.clone(), launch(browser_profile))]);
    }
    let mut groups = Vec::new();
    let mut shared = Vec::new();
    for pp in &plan.platforms {
        let id = &pp.platform.id;
        let dir = crate::sessions::dir(ctx, id);
        if dir.exists() || options.credentials.contains_key(id) {
            crate::sessions::ensure(&dir)?;
            groups.push((subplan(vec![pp.clone()]), launch(Some(dir))));
        } else {
            shared.push(pp.clone());
        }
    }
    if !shared.is_empty() {
        groups.insert(0, (subplan(shared), launch(None)));
    }
    Ok(groups)
}

async fn read_in_browser(
    ctx: &Context,
    plan: &Plan,
    launch: &browser::Source,
    options: &AuditOptions,
    mode: Mode,
) -> anyhow::Result<(Vec<Finding>, bool)> {
    // Signal handlers go in before Chromium starts: a Ctrl-C that killed us
    // between launch and audit would leave the browser running.
    let mut interrupts = Interrupts::install();
    // The launch itself is not raced against an interrupt: dropping it half
    // way would leave Chromium's helpers running. A Ctrl-C meanwhile is kept
    // by the handler and acted on right after, with a proper shutdown.
    let browser = match Browser::open(launch).await {
        Ok(b) => b,
        // Still a report: every setting says why it could not be read.
        Err(e) => {
            let message = format!("the browser is not available: {e:#}");
            return Ok((audit::all_browser_items(plan, Status::Error, &message), false));
        }
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
    let Some(mut findings) = outcome else {
        browser.shutdown().await;
        return Err(interrupted_failure());
    };
    let mut interrupted = false;
    if let Mode::Apply { dry_run, yes } = mode {
        let drifted: Vec<&Finding> = findings.iter().filter(|f| f.status == Status::Drift).collect();
        print_change_plan(ctx, &drifted, dry_run);
        let go = !drifted.is_empty() && !dry_run && (yes || confirm(drifted.len()).await);
        if go {
            let keys: Vec<String> = drifted
                .iter()
                .map(|f| format!("{}.{}", f.platform, f.setting))
                .collect();
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let progress = progress_bar(ctx, plan.platforms.len() as u64);
            let done = |name: &str| {
                progress.inc(1);
                progress.set_message(format!("{name} changed"));
            };
            let applying = audit::apply::apply(&browser, plan, &keys, options, &cancel, &done);
            tokio::pin!(applying);
            let changed = loop {
                tokio::select! {
                    changed = &mut applying => break changed,
                    _ = interrupts.recv(), if !interrupted => {
                        // Finish the setting in hand, start no other.
                        interrupted = true;
                        cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                        output::warn(ctx, "interrupted: stopping after the setting being changed");
                    }
                }
            };
            progress.finish_and_clear();
            for c in changed {
                if let Some(slot) = findings
                    .iter_mut()
                    .find(|f| f.platform == c.platform && f.setting == c.setting)
                {
                    *slot = c;
                }
            }
        } else if !drifted.is_empty() && !dry_run {
            output::note(ctx, "nothing was changed");
        }
    }
    browser.shutdown().await;
    Ok((findings, interrupted))
}

/// The changes `apply` is about to make, on stderr so stdout stays the report.
fn print_change_plan(ctx: &Context, drifted: &[&Finding], dry_run: bool) {
    if ctx.quiet {
        return;
    }
    if drifted.is_empty() {
        eprintln!("Nothing to change: every readable setting already matches the profile.");
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
    eprint!("{text}");
}

/// Asks on the terminal; anything but yes is no.
async fn confirm(changes: usize) -> bool {
    eprint!("Apply {changes} change{}? [y/N] ", if changes == 1 { "" } else { "s" });
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    matches!(answer, Ok(Ok(line)) if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
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
