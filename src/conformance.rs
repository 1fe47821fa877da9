//! `privaudit rules test`: runs each rule against its replica in the real
//! browser — signed-in probe, locate, read, apply, re-read, and a signed-out
//! session — so a rule and its replica are known to agree.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use serde::Serialize;

use crate::audit::finding::{Finding, Run, Status};
use crate::audit::{self, Browsers, Hooks, Mode, RunOptions};
use crate::profile::{Preset, Profile};
use crate::replica::{ReplicaServer, Source};
use crate::rules::{Catalogue, SettingKind};

/// Every setting's outcome: what `rules test --format json` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Results {
    pub passed: usize,
    pub failed: usize,
    pub results: Vec<Conformance>,
}

impl Results {
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }
}

/// One setting's outcome across the phases.
#[derive(Debug, Serialize, schemars::JsonSchema)]
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

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Phase {
    pub name: &'static str,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// How a conformance run reaches a browser and tells its progress.
pub struct Setup<'a> {
    pub executable: PathBuf,
    pub jobs: usize,
    pub timeout: std::time::Duration,
    pub browser_wait: std::time::Duration,
    pub hooks: &'a dyn Hooks,
}

/// Why a conformance run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error("no rules for platform `{0}`")]
    UnknownPlatform(String),
}

/// Tests `platforms` (all when empty) against the replicas in `replicas`
/// (the built-in ones when None).
pub fn run(
    catalogue: &Catalogue,
    platforms: &[String],
    replicas: Option<PathBuf>,
    setup: &Setup<'_>,
) -> anyhow::Result<Results> {
    let source = match replicas {
        Some(dir) if !dir.is_dir() => return Err(SetupError::NotADirectory(dir).into()),
        Some(dir) => Source::Directory(dir),
        None => Source::Embedded,
    };
    let selected = select(catalogue, platforms)?;
    let runtime = crate::runtime::new()?;
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
                problem: Some(format!("no replica: add rules/replicas/{id}/ (see CONTRIBUTING.md)")),
            });
        }
    }
    if !testable.is_empty() {
        results.extend(test_platforms(catalogue, &server, &testable, setup)?);
    }
    drop(runtime);
    let passed = results.iter().filter(|r| r.passed).count();
    Ok(Results {
        passed,
        failed: results.len() - passed,
        results,
    })
}

fn select(catalogue: &Catalogue, platforms: &[String]) -> anyhow::Result<Vec<String>> {
    if platforms.is_empty() {
        return Ok(catalogue.platforms.iter().map(|p| p.id.clone()).collect());
    }
    for p in platforms {
        if catalogue.platform(p).is_none() {
            return Err(SetupError::UnknownPlatform(p.clone()).into());
        }
    }
    Ok(platforms.to_vec())
}

fn test_platforms(
    catalogue: &Catalogue,
    server: &ReplicaServer,
    platforms: &[String],
    setup: &Setup<'_>,
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
    let plan = crate::plan::build(catalogue, &Profile::preset(Preset::Strict), platforms, &base_urls)?;
    let phase = |mode: Mode| {
        let options = RunOptions {
            mode,
            jobs: setup.jobs,
            timeout: setup.timeout,
            browser_wait: setup.browser_wait,
            browsers: Browsers::Local {
                executable: setup.executable.clone(),
                headed: false,
            },
            browser_profile: None,
            sessions: None,
            evidence: None,
            rules_version: catalogue.version.clone(),
            profile: "rules test".into(),
        };
        audit::run(&plan, &options, setup.hooks)
    };
    setup.hooks.note("1/4 read each control on the replicas");
    let read = phase(Mode::Check)?;
    setup.hooks.note("2/4 apply the private values");
    let applied = phase(Mode::Apply {
        dry_run: false,
        yes: true,
    })?;
    setup.hooks.note("3/4 read them back");
    let reread = phase(Mode::Check)?;
    for p in platforms {
        server.set_signed_in(p, false);
    }
    setup.hooks.note("4/4 read with the session signed out");
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
