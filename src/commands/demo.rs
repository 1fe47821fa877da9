//! `privaudit demo`: the whole check against the built-in replicas of real
//! settings pages, served on loopback. No accounts, no network.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};

use super::check::{emit, execute, Mode, Sessions};
use crate::cli::DemoArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::failure::Failure;
use crate::plan;
use crate::profile::{Preset, Profile};
use crate::replica::{ReplicaServer, Source};
use crate::rules::{load, Catalogue};
use crate::{output, report};

pub fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<Exit> {
    // Built-in rules only: the demo shows what ships, whatever the user's
    // own rule files say.
    let texts = load::collect_sources(None, &[])?;
    let catalogue = load::load_catalogue(&texts, super::today()).map_err(|e| {
        super::show_diagnostics(ctx, &e.files, &e.diagnostics);
        Failure::usage("the built-in rules do not load; this is a bug in privaudit")
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::incomplete(format!("cannot start the async runtime: {e}")))?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = runtime.block_on(ReplicaServer::start(Source::Embedded, addr))?;
    let platforms: Vec<String> = server
        .platforms()
        .into_iter()
        .filter(|p| catalogue.platform(p).is_some())
        .collect();

    if args.serve {
        return serve(&runtime, &server, &catalogue, &platforms);
    }

    let base_urls: BTreeMap<String, String> = platforms.iter().map(|p| (p.clone(), server.base_url(p))).collect();
    let profile = Profile::preset(Preset::Strict);
    let plan = plan::build(&catalogue, &profile, &platforms, &base_urls)?;
    // The server runs on the runtime's worker threads while each browser
    // session uses its own runtime. Three sessions: what the defaults are,
    // the changes, and proof that they stuck.
    let phases = [
        (Mode::Demo, "1/3 check: the replicas start with the platforms' defaults"),
        (
            Mode::Apply {
                dry_run: false,
                yes: true,
            },
            "2/3 apply: change each drifted setting and read it back",
        ),
        (Mode::Demo, "3/3 check again: the changes are kept server-side"),
    ];
    let format = args.output.format;
    let mut runs = Vec::new();
    for (mode, title) in phases {
        let run = execute(
            ctx,
            &plan,
            &catalogue.version,
            "built-in strict preset (demo)",
            None,
            None,
            mode,
            Sessions::None,
        )?;
        let heading = match format {
            report::Format::Json => String::new(),
            report::Format::Markdown => format!("<!-- {title} -->\n"),
            _ => format!("\n── {title} ──\n"),
        };
        output::print(&heading);
        if format != report::Format::Json {
            emit(ctx, &run, format)?;
        }
        runs.push(run);
    }
    if format == report::Format::Json {
        output::print(&(serde_json::to_string_pretty(&runs)? + "\n"));
    }
    if format == report::Format::Table {
        output::note(
            ctx,
            "this ran against replicas on loopback. To audit your own accounts: `privaudit profile init`, `privaudit login PLATFORM` for each platform, then `privaudit check` (and `privaudit apply` to fix what drifted).",
        );
    }
    drop(runtime);
    // The demo is expected to find drift at first; it succeeds when the
    // final check is clean.
    Ok(runs.last().map(|r| Exit::for_findings(&r.findings)).unwrap_or(Exit::Ok))
}

fn serve(
    runtime: &tokio::runtime::Runtime,
    server: &ReplicaServer,
    catalogue: &Catalogue,
    platforms: &[String],
) -> anyhow::Result<Exit> {
    let mut text = format!("Replica server on http://{} (Ctrl-C stops it)\n", server.addr);
    for p in platforms {
        let name = catalogue.platform(p).map(|r| r.name.as_str()).unwrap_or(p);
        text.push_str(&format!(
            "  {name:<10} {}   check with: privaudit check {p} --base-url {p}={}\n",
            server.base_url(p),
            server.base_url(p)
        ));
    }
    output::print(&text);
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    Ok(Exit::Ok)
}
