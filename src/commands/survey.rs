//! `privaudit survey FILE -o DIR`: reads every setting of each test account
//! (never changes one), with evidence, into a dataset folder a journalist
//! can publish (`dataset`), and checks nothing else.

use std::path::Path;

use super::{load_rules, plan, ConsoleHooks};
use crate::audit::{self, Browsers, Mode, RunOptions, Sessions, Status};
use crate::cli::{Context, SurveyArgs};
use crate::dataset::{self, Row};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::plan::Plan;
use crate::profile::{Preset, Profile};
use crate::rules::{Catalogue, SettingKind};
use crate::survey::SurveyAccount;

pub fn run(ctx: &Context, args: SurveyArgs) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    let accounts = crate::survey::load(&args.accounts)
        .map_err(|e| Failure::usage(format!("{e:#}")).hint("README \"For journalists\" shows a survey file"))?;
    // Every account's plan first: a typo in the tenth account is found
    // before the first one is read.
    let mut planned = Vec::new();
    for a in &accounts {
        planned.push((a, account_plan(&catalogue, a, &args)?));
    }
    let browsers = match &ctx.browser_ws {
        Some(url) => Browsers::Remote { url: url.clone() },
        None => Browsers::Local {
            executable: crate::browser::find::find_browser(ctx.browser.as_deref())
                .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?,
            headed: ctx.headed,
        },
    };
    // Every account's lock before anything is written: their sessions are
    // written back as any run's, and a held one is found now, not half way.
    let mut locks = Vec::new();
    for a in &accounts {
        locks.push(crate::lock::acquire(&a.data_dir, ctx.lock_wait)?);
    }
    dataset::write::prepare(&args.output)
        .map_err(|e| Failure::usage(format!("{e:#}")).hint("give -o a new folder for this survey"))?;
    // Half a survey is no dataset: the folder this survey made goes if it
    // does not finish.
    let outcome = survey_all(ctx, &catalogue, &planned, &browsers, &args);
    drop(locks);
    let rows = match outcome {
        Ok(Some(rows)) => rows,
        Ok(None) => {
            let _ = std::fs::remove_dir_all(&args.output);
            ctx.console.warn(&format!(
                "interrupted: no dataset was written ({} removed)",
                args.output.display()
            ));
            return Ok(Exit::Interrupted);
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&args.output);
            return Err(e);
        }
    };
    let files = dataset::write::finish(
        &args.output,
        "survey",
        &catalogue.version,
        &accounts.iter().map(|a| a.account.clone()).collect::<Vec<_>>(),
        rows.clone(),
    )?;
    let unread = rows.iter().filter(|r| r.observed.is_none()).count();
    let differ = rows.iter().filter(|r| r.agrees == Some(false)).count();
    ctx.console.print(&format!(
        "Surveyed {} account{}: {} readings, {} not read, {} not the documented default.\nDataset: {} ({files} files; `privaudit dataset verify {}` checks it)\n",
        accounts.len(),
        if accounts.len() == 1 { "" } else { "s" },
        rows.len(),
        unread,
        differ,
        args.output.display(),
        args.output.display()
    ));
    Ok(if unread > 0 { Exit::Incomplete } else { Exit::Ok })
}

/// Every account in turn; None when an interrupt stopped it.
fn survey_all(
    ctx: &Context,
    catalogue: &Catalogue,
    planned: &[(&SurveyAccount, Plan)],
    browsers: &Browsers,
    args: &SurveyArgs,
) -> anyhow::Result<Option<Vec<Row>>> {
    let mut rows = Vec::new();
    for (account, plan) in planned {
        ctx.console.note(&format!("surveying {}", account.account.label));
        match survey_one(ctx, catalogue, account, plan, browsers, args)? {
            Some(read) => rows.extend(read),
            None => return Ok(None),
        }
    }
    Ok(Some(rows))
}

/// The readable settings of the account's platforms: those named, or those
/// it has a saved session for.
fn account_plan(catalogue: &Catalogue, a: &SurveyAccount, args: &SurveyArgs) -> anyhow::Result<Plan> {
    let platforms = if args.platforms.is_empty() {
        let saved = crate::sessions::list(&a.data_dir.join("sessions"))?;
        if saved.is_empty() {
            return Err(Failure::usage(format!(
                "account `{}` has no saved session in {}",
                a.account.label,
                a.data_dir.display()
            ))
            .hint(format!(
                "sign it in with `PRIVAUDIT_DATA_DIR={} privaudit login PLATFORM`, or name the platforms to survey",
                a.data_dir.display()
            ))
            .into());
        }
        // A session left for a platform the rules no longer know is not
        // this survey's business.
        saved
            .into_iter()
            .map(|s| s.platform)
            .filter(|p| catalogue.platform(p).is_some())
            .collect()
    } else {
        args.platforms.clone()
    };
    let mut base_urls = args.base_urls.clone();
    base_urls.extend(a.base_urls.iter().cloned());
    let mut plan = plan(catalogue, &Profile::preset(Preset::Strict), &platforms, &[], &base_urls).map_err(|e| {
        Failure::usage(format!("account `{}`: {e:#}", a.account.label))
            .hint("README \"For journalists\" shows a survey file")
    })?;
    // A form or an e-mail is not something a page shows: nothing to observe.
    for pp in &mut plan.platforms {
        pp.items
            .retain(|i| matches!(i.setting.kind, SettingKind::Control { .. }));
    }
    plan.platforms.retain(|pp| !pp.items.is_empty());
    if plan.platforms.is_empty() {
        return Err(Failure::usage(format!(
            "nothing to observe for `{}`: its platforms' settings are all changed by hand",
            a.account.label
        ))
        .into());
    }
    Ok(plan)
}

/// One account's rows; None when an interrupt stopped its run.
fn survey_one(
    ctx: &Context,
    catalogue: &Catalogue,
    a: &SurveyAccount,
    plan: &Plan,
    browsers: &Browsers,
    args: &SurveyArgs,
) -> anyhow::Result<Option<Vec<Row>>> {
    crate::fsutil::create_private_dir(&args.output.join(dataset::EVIDENCE))?;
    let evidence_base = args.output.join(dataset::EVIDENCE).join(&a.account.label);
    let options = RunOptions {
        mode: Mode::Check,
        jobs: ctx.jobs,
        timeout: ctx.timeout,
        browser_wait: ctx.browser_wait,
        browsers: browsers.clone(),
        browser_profile: None,
        sessions: Some(Sessions {
            root: a.data_dir.join("sessions"),
            credentials: Default::default(),
        }),
        evidence: Some((evidence_base.clone(), !args.no_redact)),
        rules_version: catalogue.version.clone(),
        profile: "survey: read only, compared with the documented defaults".into(),
    };
    let hooks = ConsoleHooks::new(ctx, plan.platforms.len());
    let run = audit::run(plan, &options, &hooks)?;
    if run.interrupted {
        return Ok(None);
    }
    let evidence_dir = only_subdir(&evidence_base);
    let read_at = crate::timestamp::format(run.started_at);
    let mut rows = Vec::new();
    for f in &run.findings {
        let Some(setting) = catalogue
            .platform(&f.platform)
            .and_then(|p| p.settings.iter().find(|s| s.id == f.setting))
        else {
            continue;
        };
        let SettingKind::Control { private_value, .. } = &setting.kind else {
            continue;
        };
        let read = matches!(f.status, Status::Ok | Status::Drift | Status::ReEnabled);
        let observed = if read { f.current.clone() } else { None };
        let chosen = setting.default_for(crate::rules::Account {
            plan: a.account.plan.as_deref(),
            region: a.account.region.as_deref(),
        });
        let documented = chosen.map(|d| d.value.clone());
        let evidence = |ext: &str| {
            let dir = evidence_dir.as_ref()?;
            let name = format!("{}.{}.read.{ext}", f.platform, f.setting);
            dir.join(&name).is_file().then(|| {
                let sub = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{}/{}/{sub}/{name}", dataset::EVIDENCE, a.account.label)
            })
        };
        let screenshot = evidence("png");
        let screenshot_sha256 = screenshot
            .as_ref()
            .and_then(|p| std::fs::read(args.output.join(p)).ok())
            .map(|bytes| crate::evidence::sha256_hex(&bytes));
        rows.push(Row {
            account: a.account.label.clone(),
            platform: f.platform.clone(),
            setting: f.setting.clone(),
            label: f.label.clone(),
            category: f.category.as_str().to_string(),
            agrees: dataset::agrees(observed.as_deref(), documented.as_deref()),
            observed,
            status: f.status.as_str().to_string(),
            message: if read { None } else { f.message.clone() },
            private_value: private_value.clone(),
            documented_default: documented,
            documented_regions: chosen.map(|d| d.regions.clone()).unwrap_or_default(),
            read_at: read_at.clone(),
            rules_version: catalogue.version.clone(),
            url: f
                .url
                .as_deref()
                .map(|u| u.split(['?', '#']).next().unwrap_or(u).to_string()),
            evidence_screenshot: screenshot,
            evidence_record: evidence("json"),
            screenshot_sha256,
        });
    }
    Ok(Some(rows))
}

/// The one run folder `Evidence::create` made under `base`.
fn only_subdir(base: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(base)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
}
