//! `privaudit rules test`: runs each rule against its replica in the real
//! browser — signed-in probe, locate, read, apply, re-read, and a signed-out
//! session — so a rule and its replica are known to agree.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::Table;
use serde::Serialize;

use super::check::{execute, Mode, Sessions};
use crate::audit::finding::{Finding, Run, Status};
use crate::cli::ListFormat;
use crate::context::Context;
use crate::exit::Exit;
use crate::failure::Failure;
use crate::profile::{Preset, Profile};
use crate::replica::{ReplicaServer, Source};
use crate::rules::{Catalogue, SettingKind};
use crate::{output, plan};

/// One setting's outcome across the phases.
#[derive(Debug, Serialize)]
pub struct Conformance {
    pub platform: String,
    pub setting: String,
    /// What each phase saw, in order: read, apply, re-read, signed out.
    pub phases: Vec<Phase>,
    pub passed: bool,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

pub fn run(ctx: &Context, platforms: &[String], replicas: Option<PathBuf>, format: ListFormat) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    let source = match replicas {
        Some(dir) if !dir.is_dir() => {
            return Err(Failure::usage(format!("{} is not a directory", dir.display()))
                .hint("pass the folder that holds one sub-folder per platform, e.g. tests/replicas")
                .into())
        }
        Some(dir) => Source::Directory(dir),
        None => Source::Embedded,
    };
    let selected = select(&catalogue, platforms)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::incomplete(format!("cannot start the async runtime: {e}")))?;
    let server = runtime.block_on(ReplicaServer::start(source, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))))?;
    let with_replica = server.platforms();
    let mut results = Vec::new();
    let mut testable = Vec::new();
    for id in selected {
        // A platform whose settings are all manual (app-only switches, forms)
        // has no page to reproduce: its settings are checked without a replica.
        let browser_free = catalogue
            .platform(&id)
            .is_some_and(|p| p.settings.iter().all(|s| s.page().is_none()));
        if with_replica.contains(&id) || browser_free {
            testable.push(id);
        } else {
            results.push(Conformance {
                platform: id.clone(),
                setting: "*".into(),
                phases: vec![],
                passed: false,
                problem: Some(format!("no replica: add tests/replicas/{id}/ (see CONTRIBUTING.md)")),
            });
        }
    }
    if !testable.is_empty() {
        results.extend(test_platforms(ctx, &catalogue, &server, &testable)?);
    }
    drop(runtime);
    print(&results, format)?;
    Ok(if results.iter().all(|r| r.passed) {
        Exit::Ok
    } else {
        Exit::Drift
    })
}

fn select(catalogue: &Catalogue, platforms: &[String]) -> anyhow::Result<Vec<String>> {
    if platforms.is_empty() {
        return Ok(catalogue.platforms.iter().map(|p| p.id.clone()).collect());
    }
    for p in platforms {
        if catalogue.platform(p).is_none() {
            return Err(Failure::usage(format!("no rules for platform `{p}`"))
                .hint("`privaudit rules list` shows the platforms; pass --rules FILE for a rule that is not built in")
                .into());
        }
    }
    Ok(platforms.to_vec())
}

fn test_platforms(
    ctx: &Context,
    catalogue: &Catalogue,
    server: &ReplicaServer,
    platforms: &[String],
) -> anyhow::Result<Vec<Conformance>> {
    // A toggle whose replica starts private would pass without ever being
    // changed: start it on the other value so apply is exercised.
    for id in platforms {
        let Some(rules) = catalogue.platform(id) else { continue };
        for setting in &rules.settings {
            if let SettingKind::Control { private_value, .. } = &setting.kind {
                let flipped = match private_value.as_str() {
                    "on" => "off",
                    "off" => "on",
                    _ => continue,
                };
                if server.state(id, &setting.id).as_deref() == Some(private_value.as_str()) {
                    server.set_state(id, &setting.id, flipped);
                }
            }
        }
    }
    let base_urls: BTreeMap<String, String> = platforms.iter().map(|p| (p.clone(), server.base_url(p))).collect();
    let plan = plan::build(catalogue, &Profile::preset(Preset::Strict), platforms, &base_urls)?;
    let phase = |mode: Mode| {
        execute(
            ctx,
            &plan,
            &catalogue.version,
            "rules test",
            None,
            None,
            mode,
            Sessions::None,
        )
    };
    output::note(ctx, "1/4 read each control on the replicas");
    let read = phase(Mode::Check)?;
    output::note(ctx, "2/4 apply the private values");
    let applied = phase(Mode::Apply {
        dry_run: false,
        yes: true,
    })?;
    output::note(ctx, "3/4 read them back");
    let reread = phase(Mode::Check)?;
    for p in platforms {
        server.set_signed_in(p, false);
    }
    output::note(ctx, "4/4 read with the session signed out");
    let signed_out = phase(Mode::Check)?;
    for p in platforms {
        server.set_signed_in(p, true);
    }

    let mut results = Vec::new();
    for finding in &read.findings {
        let (platform, setting) = (&finding.platform, &finding.setting);
        let kept = server.state(platform, setting);
        results.push(judge(
            finding,
            [&applied, &reread, &signed_out].map(|run| find(run, platform, setting)),
            kept,
        ));
    }
    Ok(results)
}

fn find<'a>(run: &'a Run, platform: &str, setting: &str) -> Option<&'a Finding> {
    run.findings
        .iter()
        .find(|f| f.platform == platform && f.setting == setting)
}

/// Pass or fail for one setting, from what each phase reported.
fn judge(read: &Finding, later: [Option<&Finding>; 3], kept: Option<String>) -> Conformance {
    let [applied, reread, signed_out] = later;
    let phase = |name, f: Option<&Finding>| Phase {
        name,
        status: f.map(|f| f.status).unwrap_or(Status::Error),
        value: f.and_then(|f| f.current.clone()),
    };
    let phases = vec![
        phase("read", Some(read)),
        phase("apply", applied),
        phase("re-read", reread),
        phase("signed-out", signed_out),
    ];
    let problem = if read.status == Status::Manual {
        None
    } else if !matches!(read.status, Status::Ok | Status::Drift) {
        Some(format!("read: {}", explain(read)))
    } else if let Some(f) = applied.filter(|f| !matches!(f.status, Status::Ok | Status::Fixed)) {
        Some(format!("apply: {}", explain(f)))
    } else if let Some(f) = reread.filter(|f| f.status != Status::Ok) {
        Some(format!("re-read: {}", explain(f)))
    } else if kept.is_some() && kept.as_deref() != reread.and_then(|f| f.current.as_deref()) {
        Some(format!(
            "the replica server kept {:?} but the page showed {:?}: the page does not save its changes",
            kept.unwrap_or_default(),
            reread.and_then(|f| f.current.clone()).unwrap_or_default()
        ))
    } else {
        signed_out.filter(|f| f.status != Status::LoginRequired).map(|f| {
            format!(
                "signed out: expected login-required, got {} — the login rule does not recognise a signed-out session",
                f.status
            )
        })
    };
    Conformance {
        platform: read.platform.clone(),
        setting: read.setting.clone(),
        passed: problem.is_none(),
        phases: if read.status == Status::Manual {
            vec![phase("manual", Some(read))]
        } else {
            phases
        },
        problem,
    }
}

fn explain(f: &Finding) -> String {
    match &f.message {
        Some(m) => format!("{} ({m})", f.status),
        None => f.status.to_string(),
    }
}

fn print(results: &[Conformance], format: ListFormat) -> anyhow::Result<()> {
    let passed = results.iter().filter(|r| r.passed).count();
    let text = match format {
        ListFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "passed": passed,
                "failed": results.len() - passed,
                "results": results,
            }))? + "\n"
        }
        ListFormat::Table => {
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header([
                "Platform",
                "Setting",
                "Read",
                "Apply",
                "Re-read",
                "Signed out",
                "Result",
            ]);
            for r in results {
                let cell = |name: &str| {
                    r.phases
                        .iter()
                        .find(|p| p.name == name)
                        .map(|p| match &p.value {
                            Some(v) => format!("{} ({v})", p.status),
                            None => p.status.to_string(),
                        })
                        .unwrap_or_else(|| "—".into())
                };
                let read = if r.phases.first().is_some_and(|p| p.name == "manual") {
                    "manual".to_string()
                } else {
                    cell("read")
                };
                let result = match &r.problem {
                    None => "pass".to_string(),
                    Some(p) => format!("FAIL: {p}"),
                };
                table.add_row(vec![
                    r.platform.clone(),
                    r.setting.clone(),
                    read,
                    cell("apply"),
                    cell("re-read"),
                    cell("signed-out"),
                    result,
                ]);
            }
            format!(
                "{table}\n{passed} of {} settings pass{}\n",
                results.len(),
                if passed == results.len() {
                    ""
                } else {
                    "; see the failures above"
                }
            )
        }
    };
    output::print(&text);
    Ok(())
}
