//! `privaudit check` and `privaudit apply`: one run at a time, recorded in
//! the history, reported, and alerted on when something changed.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use super::{deliver, emit, load_profile, load_rules, notify_targets, plan, ConsoleHooks};
use crate::audit::{self, Browsers, Mode, RunOptions, Sessions};
use crate::cli::{ApplyArgs, CheckArgs, Context, RevertArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::{Recorder, Store};
use crate::notify::Target;
use crate::plan::Plan;
use crate::profile::{Profile, Wanted};
use crate::rules::Catalogue;
use crate::transitions;

pub fn check(ctx: &Context, args: CheckArgs) -> anyhow::Result<Exit> {
    audit_and_report(ctx, &args, Mode::Check)
}

pub fn apply(ctx: &Context, args: ApplyArgs) -> anyhow::Result<Exit> {
    let mode = confirmable(args.dry_run, args.yes)?;
    audit_and_report(ctx, &args.check, mode)
}

/// apply and revert change settings: without a terminal to ask on, only
/// --yes or --dry-run may go on. Refused before a browser opens.
fn confirmable(dry_run: bool, yes: bool) -> anyhow::Result<Mode> {
    if !dry_run && !yes && !std::io::stdin().is_terminal() {
        return Err(
            Failure::usage("refusing to change settings without confirmation: there is no terminal to ask on")
                .hint("pass --yes to go ahead without asking (as cron must), or --dry-run to only see the changes")
                .into(),
        );
    }
    Ok(Mode::Apply { dry_run, yes })
}

/// `privaudit revert [RUN] [PLATFORM...]`: puts back the values an apply
/// changed, as an apply whose wanted values are the recorded previous ones,
/// so it goes through the same locate → act → re-read path and is recorded
/// as a run of its own.
pub fn revert(ctx: &Context, args: RevertArgs) -> anyhow::Result<Exit> {
    // The run as `history` shows it (`#12`) or bare (`12`).
    let (run_id, selection) = match args.targets.split_first() {
        Some((first, rest)) if first.trim_start_matches('#').chars().all(|c| c.is_ascii_digit()) => {
            if args.last {
                return Err(Failure::usage("give a run number or --last, not both").into());
            }
            let id = first.trim_start_matches('#').parse::<i64>();
            (
                Some(id.map_err(|_| Failure::usage(format!("`{first}` is not a run number")))?),
                rest,
            )
        }
        _ => (None, args.targets.as_slice()),
    };
    let catalogue = load_rules(ctx)?;
    for target in selection {
        // The same names check takes: a platform, or PLATFORM.SETTING.
        let (platform, setting) = match target.split_once('.') {
            Some((p, s)) => (p, Some(s)),
            None => (target.as_str(), None),
        };
        let known = catalogue
            .platform(platform)
            .is_some_and(|p| setting.is_none_or(|s| p.settings.iter().any(|x| x.id == s)));
        if !known {
            return Err(Failure::usage(format!(
                "`{target}` is neither a run number, a platform nor PLATFORM.SETTING"
            ))
            .hint("`privaudit history --changes` shows the runs and the settings they changed")
            .into());
        }
    }
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let path = ctx.history_path();
    if !path.exists() {
        return Err(Failure::usage("nothing to revert: no run is recorded yet")
            .hint("revert undoes a recorded `privaudit apply`")
            .into());
    }
    let store = Store::open(&path)?;
    let source = match run_id {
        Some(id) => store.run(id)?.ok_or_else(|| {
            Failure::usage(format!("there is no run #{id} in the history"))
                .hint("`privaudit history --changes` shows the runs that changed settings")
        })?,
        None => store.last_changing_apply()?.ok_or_else(|| {
            Failure::usage("nothing to revert: no recorded apply has changed a setting")
                .hint("`privaudit history --changes` shows what was changed")
        })?,
    };
    // What to revert is known and valid: only now is the lack of a terminal
    // to confirm on the problem worth reporting.
    let mode = confirmable(args.dry_run, args.yes)?;
    if source.command == "revert" {
        // Going forward again is what apply is for; reverting a revert
        // would only second-guess the profile.
        ctx.console.print(&format!(
            "Run #{} was itself a revert: nothing to do. `privaudit apply` moves the settings to your profile again.\n",
            source.id
        ));
        return Ok(Exit::Ok);
    }
    if source.command != "apply" {
        return Err(Failure::usage(format!(
            "run #{} was a `{}`: it changed nothing",
            source.id, source.command
        ))
        .hint("revert undoes an apply; `privaudit history --changes` shows which runs changed settings")
        .into());
    }
    let mut wanted = Vec::new();
    let mut profile = Profile::preset(crate::profile::Preset::Strict);
    for category in profile.categories.values_mut() {
        *category = Wanted::Ignore;
    }
    for change in store.changes(source.id)? {
        let key = format!("{}.{}", change.platform, change.setting);
        let selected = selection.is_empty() || selection.iter().any(|s| *s == change.platform || *s == key);
        if !selected {
            continue;
        }
        let known = catalogue
            .platform(&change.platform)
            .is_some_and(|p| p.settings.iter().any(|s| s.id == change.setting));
        if !known {
            ctx.console
                .warn(&format!("{key} is no longer in the rules: it cannot be put back"));
            continue;
        }
        profile.settings.insert(key.clone(), Wanted::Value(change.previous));
        wanted.push(key);
    }
    drop(store);
    if wanted.is_empty() {
        ctx.console.print(&format!(
            "Run #{} changed nothing{}: nothing to revert.\n",
            source.id,
            if selection.is_empty() {
                ""
            } else {
                " among the selected settings"
            }
        ));
        return Ok(Exit::Ok);
    }
    ctx.console.note(&format!(
        "reverting {} setting{} changed by apply #{} ({})",
        wanted.len(),
        if wanted.len() == 1 { "" } else { "s" },
        source.id,
        source.started_at
    ));
    let plan = plan(&catalogue, &profile, &wanted, &[], &args.base_urls)?;
    let check_args = CheckArgs {
        platforms: wanted,
        categories: Vec::new(),
        output: args.output,
        profile: None,
        browser_profile: args.browser_profile,
        evidence: None,
        redact: false,
        base_urls: args.base_urls,
        notify: Default::default(),
        no_history: false,
        with_policy: false,
        remind_after: crate::cli::Every(None),
        heartbeat: None,
    };
    let job = Job {
        command: if args.dry_run { "revert --dry-run" } else { "revert" },
        catalogue: &catalogue,
        plan: &plan,
        profile: format!("the values before apply #{} ({})", source.id, source.started_at),
    };
    run_and_report(ctx, &check_args, mode, &job, &[])
}

fn audit_and_report(ctx: &Context, args: &CheckArgs, mode: Mode) -> anyhow::Result<Exit> {
    let notify = notify_targets(&args.notify.urls)?;
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let catalogue = load_rules(ctx)?;
    let profile = load_profile(ctx, args.profile.as_deref(), &catalogue)?;
    let plan = plan(&catalogue, &profile, &args.platforms, &args.categories, &args.base_urls)?;
    super::note_not_offered(ctx, &plan);
    let job = Job {
        command: mode.command(),
        catalogue: &catalogue,
        plan: &plan,
        profile: profile.source.to_string(),
    };
    run_and_report(ctx, args, mode, &job, &notify)
}

/// A run ready to go: what it is called in the history, and its plan.
struct Job<'a> {
    command: &'static str,
    catalogue: &'a Catalogue,
    plan: &'a Plan,
    /// Where the wanted values come from, as recorded.
    profile: String,
}

fn run_and_report(ctx: &Context, args: &CheckArgs, mode: Mode, job: &Job, notify: &[Target]) -> anyhow::Result<Exit> {
    let (catalogue, plan) = (job.catalogue, job.plan);
    let keep = super::history_keep()?;
    let options = run_options(ctx, args, mode, plan, &catalogue.version, &job.profile)?;

    let recording = !args.no_history && !matches!(mode, Mode::Apply { dry_run: true, .. });
    let recorder = if recording {
        match Recorder::start(&ctx.history_path(), job.command, &catalogue.version, &options.profile) {
            Ok(r) => Some(r),
            Err(e) => {
                let hint = match e.downcast_ref::<Failure>() {
                    Some(f) => f.hint.clone(),
                    None => Some("check that the data directory (--data-dir) is writable".into()),
                };
                ctx.console.error(
                    &format!("this run is not recorded in the history: {e:#}"),
                    hint.as_deref(),
                );
                None
            }
        }
    } else {
        None
    };
    let hooks = ConsoleHooks::new(ctx, plan.platforms.len());
    let run = audit::run(plan, &options, &hooks);
    drop(hooks);
    let mut run = match run {
        Ok(run) => run,
        Err(e) => {
            if let Some(recorder) = recorder {
                if let Err(why) = recorder.abandon() {
                    tracing::warn!("{why:#}");
                }
            }
            return Err(e);
        }
    };
    run.command = job.command;

    let mut first_run = false;
    if let Some(recorder) = recorder {
        let recorded = recorder.before(&run).and_then(|before| {
            first_run = before.first_run;
            transitions::annotate(&mut run, &before, mode == Mode::Check, args.remind_after.0);
            let exit = exit_of(&run);
            recorder.finish(&run, exit.code(), keep)
        });
        if let Err(e) = recorded {
            ctx.console
                .error(&format!("this run could not be recorded in the history: {e:#}"), None);
        }
    }
    let mut exit = exit_of(&run);
    let mut notices = Vec::new();
    let news = transitions::news(&run, first_run);
    // A heartbeat: when nothing was sent for a while, a summary says the
    // nightly run is alive (and what it saw).
    let heartbeat_due = args
        .heartbeat
        .and_then(|h| h.0)
        .is_some_and(|every| crate::notify::last_sent(&ctx.data_dir).is_none_or(|at| chrono::Utc::now() - at >= every));
    let alerting = !notify.is_empty() || args.notify.notify_cmd.is_some();
    if !news.is_empty() || args.notify.notify_always || (heartbeat_due && alerting) {
        notices.push(crate::notify::run_notice(&run, &news));
    }
    if args.with_policy {
        let store = crate::history::Store::open(&ctx.history_path())?;
        let selected: Vec<String> = plan.platforms.iter().map(|p| p.platform.id.clone()).collect();
        let outcome = crate::policy::check(&store, catalogue, &selected, &[])?;
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
    deliver(ctx, notify, args.notify.notify_cmd.as_deref(), &notices);
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
    // A directory another Chromium runs on makes every setting fail alike:
    // one line, before anything starts, and exit 2.
    let in_use = |e: crate::browser::profile_lock::ProfileInUse, hint: &str| Failure::usage(e.to_string()).hint(hint);
    if let Some(dir) = &args.browser_profile {
        crate::browser::profile_lock::ensure_free(dir).map_err(|e| {
            in_use(e, "quit that browser first (a profile can be open in one Chromium at a time), or sign in with `privaudit login PLATFORM` so privaudit keeps sessions of its own")
        })?;
    }
    // Sessions go to a pool too, as portable state (`sessions::state`).
    let use_sessions = args.browser_profile.is_none();
    if use_sessions && ctx.browser_ws.is_none() {
        for pp in &plan.platforms {
            let dir = crate::sessions::dir(&ctx.sessions_dir(), &pp.platform.id);
            crate::browser::profile_lock::ensure_free(&dir).map_err(|e| {
                in_use(e, "a `privaudit login` window, or a Chromium left running, still has this session open: close it and run again")
            })?;
        }
    }
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
        browser_wait: ctx.browser_wait,
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
        let id = &pp.platform.id;
        let in_keyring = crate::secrets::keyring_index::contains(&ctx.data_dir, id);
        if !pp.platform.can_sign_in() || !(in_keyring || crate::secrets::configured(&accounts, id)) {
            continue;
        }
        match crate::secrets::lookup(&accounts, id) {
            Ok(Some((credentials, _))) => {
                out.insert(id.clone(), credentials);
            }
            Ok(None) => {}
            // Shown even under -q: a nightly run that cannot sign in by
            // itself must say why, or it fails quietly for months.
            Err(e) => ctx.console.error(
                &format!("{id}: stored credentials not available, so no unattended sign-in in this run: {e}"),
                Some(if in_keyring {
                    "the credentials are in the OS keyring, which needs your desktop session's D-Bus: cron and systemd timers without one cannot reach it. Put a password_command in <config>/accounts.toml instead (see README, \"Nightly with your own accounts\")"
                } else {
                    e.hint()
                }),
            ),
        }
    }
    out
}
