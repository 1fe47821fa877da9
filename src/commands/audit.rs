//! `privaudit check` and `privaudit apply`: one run at a time, recorded in
//! the history, reported, and alerted on when something changed.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use super::{deliver, emit, load_profile, load_rules, notify_targets, plan, ConsoleHooks};
use crate::audit::{self, Browsers, Mode, RunOptions, Sessions};
use crate::cli::{ApplyArgs, CheckArgs, Context};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::Recorder;
use crate::plan::Plan;
use crate::transitions;

pub fn check(ctx: &Context, args: CheckArgs) -> anyhow::Result<Exit> {
    audit_and_report(ctx, &args, Mode::Check)
}

pub fn apply(ctx: &Context, args: ApplyArgs) -> anyhow::Result<Exit> {
    // Refuse before opening a browser: nobody can answer the question.
    if !args.dry_run && !args.yes && !std::io::stdin().is_terminal() {
        return Err(
            Failure::usage("refusing to change settings without confirmation: there is no terminal to ask on")
                .hint("pass --yes to apply without asking (as cron must), or --dry-run to only see the changes")
                .into(),
        );
    }
    let mode = Mode::Apply {
        dry_run: args.dry_run,
        yes: args.yes,
    };
    audit_and_report(ctx, &args.check, mode)
}

fn audit_and_report(ctx: &Context, args: &CheckArgs, mode: Mode) -> anyhow::Result<Exit> {
    let notify = notify_targets(&args.notify.urls)?;
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let catalogue = load_rules(ctx)?;
    let profile = load_profile(ctx, args.profile.as_deref(), &catalogue)?;
    let plan = plan(&catalogue, &profile, &args.platforms, &args.categories, &args.base_urls)?;
    let options = run_options(ctx, args, mode, &plan, &catalogue.version, &profile.source.to_string())?;

    let recording = !args.no_history && !matches!(mode, Mode::Apply { dry_run: true, .. });
    let recorder = if recording {
        match Recorder::start(
            &ctx.history_path(),
            mode.command(),
            &catalogue.version,
            &options.profile,
        ) {
            Ok(r) => Some(r),
            Err(e) => {
                ctx.console.error(
                    &format!("this run is not recorded in the history: {e:#}"),
                    Some("check that the data directory (--data-dir) is writable"),
                );
                None
            }
        }
    } else {
        None
    };
    let hooks = ConsoleHooks::new(ctx, plan.platforms.len());
    let mut run = audit::run(&plan, &options, &hooks)?;
    drop(hooks);

    let mut first_run = false;
    if let Some(recorder) = recorder {
        let recorded = recorder.before(&run).and_then(|before| {
            first_run = before.first_run;
            transitions::annotate(&mut run, &before, mode == Mode::Check);
            let exit = exit_of(&run);
            recorder.finish(&run, exit.code())
        });
        if let Err(e) = recorded {
            ctx.console
                .error(&format!("this run could not be recorded in the history: {e:#}"), None);
        }
    }
    let mut exit = exit_of(&run);
    let mut notices = Vec::new();
    let news = transitions::news(&run, first_run);
    if !news.is_empty() || args.notify.notify_always {
        notices.push(crate::notify::run_notice(&run, &news));
    }
    if args.with_policy {
        let store = crate::history::Store::open(&ctx.history_path())?;
        let selected: Vec<String> = plan.platforms.iter().map(|p| p.platform.id.clone()).collect();
        let outcome = crate::policy::check(&store, &catalogue, &selected, &[])?;
        if let Some(notice) = outcome.notice() {
            notices.push(notice);
        }
        if !ctx.quiet || !outcome.changes.is_empty() {
            ctx.console.print(&outcome.report());
        }
        exit = exit.max_with(outcome.exit());
    }
    // Under -q a run with nothing new prints nothing, so cron mails only news.
    if !ctx.quiet || !news.is_empty() || args.notify.notify_always {
        emit(ctx, &run, args.output.format)?;
    }
    deliver(ctx, &notify, args.notify.notify_cmd.as_deref(), &notices);
    Ok(exit)
}

fn exit_of(run: &audit::Run) -> Exit {
    if run.interrupted {
        Exit::Interrupted
    } else {
        Exit::for_findings(&run.findings)
    }
}

/// What the run needs, from the arguments and what is stored.
fn run_options(
    ctx: &Context,
    args: &CheckArgs,
    mode: Mode,
    plan: &Plan,
    rules_version: &str,
    profile: &str,
) -> anyhow::Result<RunOptions> {
    let browsers = match &ctx.browser_ws {
        Some(url) => {
            if args.browser_profile.is_some() {
                return Err(
                    Failure::usage("--browser-profile and --browser-ws cannot be used together")
                        .hint("a remote browser keeps its own profile: sign in there")
                        .into(),
                );
            }
            Browsers::Remote { url: url.clone() }
        }
        None if audit::needs_browser(plan) => Browsers::Local {
            executable: crate::browser::find::find_browser(ctx.browser.as_deref())
                .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?,
            headed: ctx.headed,
        },
        // Only manual settings: no browser, none needed.
        None => Browsers::Local {
            executable: Default::default(),
            headed: false,
        },
    };
    let use_sessions = args.browser_profile.is_none() && ctx.browser_ws.is_none();
    let sessions = use_sessions.then(|| Sessions {
        root: ctx.sessions_dir(),
        credentials: stored_credentials(ctx, plan),
    });
    if let Some(dir) = &args.evidence {
        crate::fsutil::create_private_dir(dir)
            .map_err(|e| Failure::usage(format!("{e:#}")).hint("pass an --evidence directory you can write to"))?;
    }
    Ok(RunOptions {
        mode,
        jobs: ctx.jobs,
        timeout: ctx.timeout,
        browsers,
        browser_profile: args.browser_profile.clone(),
        sessions,
        evidence: args.evidence.clone().map(|dir| (dir, args.redact)),
        rules_version: rules_version.to_string(),
        profile: profile.to_string(),
    })
}

/// The credentials stored for the planned platforms whose rules describe a
/// sign-in form. A keyring that cannot be reached is a warning: the run
/// goes on with the sessions it has.
fn stored_credentials(ctx: &Context, plan: &Plan) -> BTreeMap<String, crate::secrets::Credentials> {
    let accounts = ctx.accounts_path();
    let mut out = BTreeMap::new();
    for pp in &plan.platforms {
        let has_form = pp.platform.login.as_ref().is_some_and(|l| l.form.is_some());
        if !has_form || !crate::secrets::configured(&accounts, &pp.platform.id) {
            continue;
        }
        match crate::secrets::lookup(&accounts, &pp.platform.id) {
            Ok(Some((credentials, _))) => {
                out.insert(pp.platform.id.clone(), credentials);
            }
            Ok(None) => {}
            Err(e) => ctx.console.warn(&format!(
                "{}: stored credentials not available, so no unattended sign-in: {e}",
                pp.platform.id
            )),
        }
    }
    out
}
