//! `privaudit demo`: the whole check against the built-in replicas of real
//! settings pages, served on loopback. No accounts, no network.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};

use super::emit;
use crate::audit::{self, Browsers, Finding, Hooks, Mode, RunOptions};
use crate::cli::{Context, DemoArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::output::{Format, Progress};
use crate::plan;
use crate::profile::{Preset, Profile};
use crate::replica::{ReplicaServer, Source};
use crate::report::story;
use crate::rules::{load, Catalogue};

/// Tabs at once in the demo unless --jobs says otherwise.
const DEMO_JOBS: usize = 12;

/// Settings read and changed per platform: enough to show each platform's
/// pages working, few enough that 33 platforms take no longer than the
/// first 15 did with every setting (`rules test` exercises all of them).
const DEMO_SETTINGS_PER_PLATFORM: usize = 2;

/// Keeps, per platform, its manual settings (no browser needed) and its first
/// `DEMO_SETTINGS_PER_PLATFORM` browser settings, AI training first; returns
/// how many browser settings were left out.
fn demo_selection(plan: &mut plan::Plan) -> usize {
    use crate::rules::Category;
    let rank = |c: Category| match c {
        Category::AiTraining => 0,
        Category::ThirdPartySharing => 1,
        Category::AdPersonalisation => 2,
        Category::Other => 3,
    };
    let mut left_out = 0;
    for pp in &mut plan.platforms {
        let mut browser: Vec<usize> = (0..pp.items.len())
            .filter(|i| pp.items[*i].setting.page().is_some())
            .collect();
        browser.sort_by_key(|i| (rank(pp.items[*i].setting.category), *i));
        let keep: Vec<usize> = browser.iter().copied().take(DEMO_SETTINGS_PER_PLATFORM).collect();
        left_out += browser.len() - keep.len();
        let mut i = 0;
        pp.items.retain(|item| {
            let kept = item.setting.page().is_none() || keep.contains(&i);
            i += 1;
            kept
        });
    }
    left_out
}

/// The demo tells its story on stdout; stderr only gets a progress bar on
/// a terminal (and errors).
struct DemoHooks {
    progress: Progress,
}

impl Hooks for DemoHooks {
    fn note(&self, _message: &str) {}
    fn warn(&self, _message: &str) {}
    fn platform_done(&self, platform: &str, phase: &str) {
        self.progress.step(&format!("{platform} {phase}"));
    }
    fn show_plan(&self, _drifted: &[&Finding], _dry_run: bool) {}
    fn approve(&self, _changes: usize) -> bool {
        true
    }
}

pub fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<Exit> {
    // Built-in rules only: the demo shows what ships, whatever the user's
    // own rule files say.
    let texts = load::collect_sources(None, &[])?;
    let catalogue = load::load_catalogue(&texts, super::today()).map_err(|e| {
        super::show_diagnostics(ctx, &e.files, &e.diagnostics);
        Failure::usage("the built-in rules do not load; this is a bug in privaudit")
    })?;
    let runtime = crate::runtime::new()?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = runtime.block_on(ReplicaServer::start(Source::Embedded, addr))?;
    let platforms: Vec<String> = server
        .platforms()
        .into_iter()
        .filter(|p| catalogue.platform(p).is_some())
        .collect();

    if args.serve {
        return serve(ctx, &runtime, &server, &catalogue, &platforms);
    }

    let base_urls: BTreeMap<String, String> = platforms.iter().map(|p| (p.clone(), server.base_url(p))).collect();
    let profile = Profile::preset(Preset::Strict);
    let mut plan = plan::build(&catalogue, &profile, &platforms, &base_urls)?;
    let shown = demo_selection(&mut plan);
    // The server runs on the runtime's worker threads while each browser
    // session uses its own runtime. One phase tells the whole story: apply
    // reads every setting (the platforms' defaults), changes each drifted
    // one, and proves it by reading it back from a fresh load of the page,
    // which the replica serves from its server-side state. (A second full
    // check only repeated that proof, at the cost of a third of the time.)
    let phases = [(
        Mode::Apply {
            dry_run: false,
            yes: true,
        },
        "apply: read each setting, change the drifted ones, read them back from a fresh load",
    )];
    let format = args.output.format;
    let executable = crate::browser::find::find_browser(ctx.browser.as_deref())
        .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
    // The replicas are small pages on loopback: a tab spends its time
    // waiting (for quiet, for a second agreeing reading), not computing, so
    // more tabs than cores pay. Measured on 2 cores (debug build, 15
    // platforms, three phases): 84 s with 2 tabs, 61 s with 4, 56 s with 6;
    // with 33 platforms, 194 s with 6 and 147 s with 12.
    let jobs = if ctx.jobs_given { ctx.jobs } else { DEMO_JOBS };
    let mut runs = Vec::new();
    let story = format == Format::Table;
    if story {
        // The platforms whose settings only a form changes have no page to
        // reproduce: say so, so 12 of 15 is not a mystery.
        let by_hand: Vec<&str> = catalogue
            .platforms
            .iter()
            .filter(|p| !platforms.contains(&p.id))
            .map(|p| p.name.as_str())
            .collect();
        ctx.console.print(&format!(
            "privaudit demo: the settings pages of {} platforms, reproduced on http://{} (loopback: no account, no network){}\n",
            plan.platforms.len(),
            server.addr,
            if by_hand.is_empty() {
                String::new()
            } else {
                format!("; {} have only settings changed by hand (`privaudit rules show PLATFORM` lists the steps)", by_hand.join(", "))
            }
        ));
        if shown > 0 {
            ctx.console.print(&format!(
                "Up to {DEMO_SETTINGS_PER_PLATFORM} settings of each platform, AI training first; {shown} more are left out here (`privaudit rules test` reads and changes every one).\n"
            ));
        }
    }
    for (mode, title) in phases {
        let started = std::time::Instant::now();
        let options = RunOptions {
            mode,
            jobs,
            timeout: ctx.timeout,
            browser_wait: ctx.browser_wait,
            browsers: Browsers::Local {
                executable: executable.clone(),
                headed: ctx.headed,
            },
            browser_profile: None,
            sessions: None,
            evidence: None,
            rules_version: catalogue.version.clone(),
            profile: "built-in strict preset (demo)".into(),
        };
        let hooks = DemoHooks {
            progress: Progress::new(
                title,
                plan.platforms.len() as u64,
                !ctx.quiet && ctx.console.stderr_is_terminal,
            ),
        };
        let run = audit::run(&plan, &options, &hooks)?;
        drop(hooks);
        match format {
            Format::Json => {}
            // A person gets the story: counts per platform per phase; the
            // findings themselves are one --format away.
            Format::Table => {
                ctx.console.print(&format!(
                    "\n── {title} ({:.1} s) ──\n{}{}{}\n",
                    started.elapsed().as_secs_f64(),
                    story::phase_table(&run),
                    story::problems(&run),
                    run.summary.sentence()
                ));
            }
            Format::Markdown => {
                ctx.console.print(&format!("<!-- {title} -->\n"));
                emit(ctx, &run, format)?;
            }
            Format::Csv => emit(ctx, &run, format)?,
        }
        runs.push(run);
    }
    if format == Format::Json {
        ctx.console.print(&(serde_json::to_string_pretty(&runs)? + "\n"));
    }
    if story {
        if let Some(first) = runs.first() {
            ctx.console.print(&format!("\n{}", story::manual_list(first)));
        }
        ctx.console
            .print("\nEvery finding, with its setting id and page: `privaudit demo --format json` (or markdown).\n");
        ctx.console.note(
            "this ran against replicas on loopback. To audit your own accounts: `privaudit profile init`, `privaudit login PLATFORM` for each platform, then `privaudit check` (and `privaudit apply` to fix what drifted).",
        );
    }
    drop(runtime);
    // The demo is expected to find drift at first; it succeeds when the
    // final check is clean.
    Ok(runs.last().map(|r| Exit::for_findings(&r.findings)).unwrap_or(Exit::Ok))
}

fn serve(
    ctx: &Context,
    runtime: &tokio::runtime::Runtime,
    server: &ReplicaServer,
    catalogue: &Catalogue,
    platforms: &[String],
) -> anyhow::Result<Exit> {
    let mut text = format!("Replica server on http://{} (Ctrl-C stops it)\n", server.addr);
    let name = |p: &str| {
        catalogue
            .platform(p)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| p.to_string())
    };
    // Columns as wide as their longest entry, so the URLs line up.
    let name_width = platforms.iter().map(|p| name(p).chars().count()).max().unwrap_or(0);
    let url_width = platforms.iter().map(|p| server.base_url(p).len()).max().unwrap_or(0);
    for p in platforms {
        text.push_str(&format!(
            "  {:<name_width$}  {:<url_width$}  check with: privaudit check {p} --base-url {p}={}\n",
            name(p),
            server.base_url(p),
            server.base_url(p)
        ));
    }
    ctx.console.print(&text);
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    Ok(Exit::Ok)
}
