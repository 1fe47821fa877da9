//! A whole run: manual settings need no browser; the rest are read in
//! Chromium (one browser per saved session, one for the others), and for
//! apply, changed after the person agreed. Ctrl-C or SIGTERM closes the
//! browser before returning.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::apply;
use super::check::{check_into, needs_browser};
use super::finding::{
    all_browser_items, in_plan_order, manual_findings, Finding, Run, Status, Summary, SCHEMA_VERSION,
};
use super::options::{AuditOptions, Hooks, Mode, RunOptions};
use crate::browser::{Browser, Source};
use crate::evidence::Evidence;
use crate::plan::{Plan, PlanItem};

/// Runs the plan. Errors are configuration problems found before any
/// browser work (an evidence directory that cannot be created).
pub fn run(plan: &Plan, options: &RunOptions, hooks: &dyn Hooks) -> anyhow::Result<Run> {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    let mut findings = manual_findings(plan);
    let mut interrupted = false;
    if needs_browser(plan) {
        let evidence = match &options.evidence {
            Some((dir, _)) => {
                let e = Evidence::create(dir, &options.rules_version)?;
                hooks.note(&format!("saving evidence in {}", e.dir().display()));
                Some(Arc::new(e))
            }
            None => None,
        };
        let audit = AuditOptions {
            jobs: options.jobs,
            timeout: options.timeout,
            evidence,
            redact: options.evidence.as_ref().is_some_and(|(_, r)| *r),
            credentials: Arc::new(
                options
                    .sessions
                    .as_ref()
                    .map(|s| s.credentials.clone())
                    .unwrap_or_default(),
            ),
            sessions: Arc::new(super::groups::saved_sessions(plan, options, hooks)),
            opened: Default::default(),
        };
        let runtime = crate::runtime::new()?;
        let groups = super::groups::browser_groups(plan, options)?;
        let mut started = false;
        for (n, (group, source)) in groups.iter().enumerate() {
            let (read, stopped) = match runtime.block_on(in_browser(group, source, &audit, options.mode, hooks)) {
                Group::Done { findings, interrupted } => (findings, interrupted),
                // No browser at all: one cause, said once, before anything
                // was read (a browser that did start keeps its findings).
                Group::NoBrowser(e) if !started => return Err(no_browser(source, e).into()),
                Group::NoBrowser(e) => {
                    let message = format!("the browser for these platforms did not start: {e:#}");
                    (all_browser_items(group, Status::Error, &message), false)
                }
            };
            started = true;
            findings.extend(read);
            if stopped {
                interrupted = true;
                // The groups not reached say so, rather than vanish.
                for (rest, _) in &groups[n + 1..] {
                    findings.extend(not_read_interrupted(rest));
                }
                break;
            }
        }
    }
    let findings: Vec<Finding> = in_plan_order(plan, findings);
    Ok(Run {
        schema_version: SCHEMA_VERSION,
        privaudit_version: env!("CARGO_PKG_VERSION"),
        rules_version: options.rules_version.clone(),
        command: options.mode.command(),
        interrupted,
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        profile: options.profile.clone(),
        summary: Summary::of(&findings),
        findings,
        not_offered: plan.not_offered.clone(),
    })
}

/// How one browser's share of a run ended.
enum Group {
    /// The findings, and whether an interrupt stopped the run (reading or
    /// changing) part way.
    Done { findings: Vec<Finding>, interrupted: bool },
    /// The browser did not start (or the pool gave none).
    NoBrowser(anyhow::Error),
}

/// The error for a run that got no browser at all: a local Chromium that
/// cannot start is the machine's configuration (exit 2); a pool that gives
/// none may be full, which a later run may not find (exit 3).
pub fn no_browser(source: &Source, e: anyhow::Error) -> crate::failure::Failure {
    match source {
        Source::Launch(options) => crate::failure::Failure::usage(format!("Chromium could not start: {e:#}"))
            .hint(format!(
                "`privaudit doctor` checks the browser; --browser names another Chromium (this one: {})",
                options.executable.display()
            )),
        Source::Remote { .. } if e.downcast_ref::<crate::browser::endpoint::NotABrowser>().is_some() => {
            crate::failure::Failure::usage(format!("--browser-ws is not a browser: {e:#}"))
                .hint("give ws://HOST:PORT/devtools/browser/ID, or the http://HOST:PORT of a browser or pool (README: Remote browsers and scaling out)")
        }
        Source::Remote { .. } if e.downcast_ref::<crate::browser::endpoint::PoolFull>().is_some() => {
            crate::failure::Failure {
                exit: crate::exit::Exit::Incomplete,
                message: format!("no browser from --browser-ws: {e:#}"),
                hint: Some("try again later, or let the pool queue more connections (browserless: QUEUED)".into()),
            }
        }
        Source::Remote { .. } => crate::failure::Failure {
            exit: crate::exit::Exit::Incomplete,
            message: format!("no browser from --browser-ws: {e:#}"),
            hint: Some("try again later, or wait longer with --browser-wait".into()),
        },
    }
}

/// Findings for settings an interrupt kept from being read.
fn not_read_interrupted(plan: &Plan) -> Vec<Finding> {
    let mut out = all_browser_items(plan, Status::Unreadable, super::finding::NOT_READ_INTERRUPTED);
    for f in &mut out {
        f.class = None;
    }
    out
}

/// Reads (and for apply, changes) one group's platforms in one browser.
async fn in_browser(plan: &Plan, source: &Source, options: &AuditOptions, mode: Mode, hooks: &dyn Hooks) -> Group {
    // Signal handlers go in before Chromium starts: a Ctrl-C that killed us
    // between launch and audit would leave the browser running.
    let mut interrupts = Interrupts::install();
    // A launch is not raced against an interrupt: dropping it half way
    // would leave Chromium's helpers running. A Ctrl-C meanwhile is kept by
    // the handler and acted on right after, with a proper shutdown. Waiting
    // for a pool is: nothing of ours runs yet, and the wait can be long.
    let opened = match source {
        Source::Remote { .. } => tokio::select! {
            opened = Browser::open(source) => opened,
            _ = interrupts.recv() => {
                hooks.warn("interrupted while waiting for a browser: nothing was read");
                return Group::Done { findings: not_read_interrupted(plan), interrupted: true };
            }
        },
        Source::Launch(_) => Browser::open(source).await,
    };
    let browser = match opened {
        Ok(b) => b,
        Err(e) => return Group::NoBrowser(e),
    };
    let done = |name: &str| hooks.platform_done(name, "read");
    let read = std::sync::Mutex::new(Vec::new());
    let completed = tokio::select! {
        _ = check_into(&browser, plan, options, &done, &read) => true,
        _ = interrupts.recv() => false,
    };
    let mut findings = read.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !completed {
        // What was read stays in the report and the history; the rest says
        // it was not read. Nothing was changed.
        hooks.warn("interrupted: nothing was changed; the report lists what was read");
        // What the platforms renewed before the interrupt is kept: on a
        // pool the contexts go with the shutdown.
        super::session::rescue(&browser, plan, options).await;
        browser.shutdown().await;
        let unread: Vec<Finding> = not_read_interrupted(plan)
            .into_iter()
            .filter(|u| {
                !findings
                    .iter()
                    .any(|f| f.platform == u.platform && f.setting == u.setting)
            })
            .collect();
        findings.extend(unread);
        return Group::Done {
            findings,
            interrupted: true,
        };
    }
    let mut interrupted = false;
    if let Mode::Apply { dry_run, yes } = mode {
        let drifted: Vec<&Finding> = findings.iter().filter(|f| f.status == Status::Drift).collect();
        hooks.show_plan(&drifted, dry_run);
        let go =
            !drifted.is_empty() && !dry_run && (yes || tokio::task::block_in_place(|| hooks.approve(drifted.len())));
        if go {
            let work = drifted_work(plan, &findings);
            let cancel = AtomicBool::new(false);
            let done = |name: &str| hooks.platform_done(name, "changed");
            let applying = apply::apply(&browser, work, options, &cancel, &done);
            tokio::pin!(applying);
            let changed = loop {
                tokio::select! {
                    changed = &mut applying => break changed,
                    _ = interrupts.recv() => {
                        if interrupted {
                            // A second interrupt: stop now, whatever is in hand.
                            hooks.warn("interrupted again: stopping now");
                            break Vec::new();
                        }
                        // Finish the setting in hand, start no other.
                        interrupted = true;
                        cancel.store(true, Ordering::SeqCst);
                        hooks.warn("interrupted: stopping after the setting being changed");
                    }
                }
            };
            for c in changed {
                if let Some(slot) = findings
                    .iter_mut()
                    .find(|f| f.platform == c.platform && f.setting == c.setting)
                {
                    *slot = c;
                }
            }
        } else if !drifted.is_empty() && !dry_run {
            hooks.note("nothing was changed");
        }
    }
    if interrupted {
        // A second interrupt dropped the apply in hand with its tab.
        super::session::rescue(&browser, plan, options).await;
    }
    browser.shutdown().await;
    Group::Done { findings, interrupted }
}

/// The plan items whose findings drifted, grouped by platform.
fn drifted_work<'a>(plan: &'a Plan, findings: &[Finding]) -> Vec<apply::Work<'a>> {
    plan.platforms
        .iter()
        .map(|pp| {
            let items: Vec<&PlanItem> = pp
                .items
                .iter()
                .filter(|i| {
                    findings
                        .iter()
                        .any(|f| f.status == Status::Drift && f.platform == pp.platform.id && f.setting == i.setting.id)
                })
                .collect();
            (pp, items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
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
