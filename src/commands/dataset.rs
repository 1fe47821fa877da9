//! `privaudit dataset verify|sign|export`.

use super::load_rules;
use crate::cli::{Context, DatasetCommand, ListFormat};
use crate::dataset::{self, Account, Row};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::{Filter, Store};
use crate::rules::SettingKind;

pub fn run(ctx: &Context, command: DatasetCommand) -> anyhow::Result<Exit> {
    match command {
        DatasetCommand::Verify {
            dir,
            public_key,
            format,
        } => {
            let key = public_key
                .as_deref()
                .map(dataset::sign::public_key)
                .transpose()
                .map_err(|e| Failure::usage(format!("{e:#}")))?;
            let verified = dataset::verify::verify(&dir, key.as_ref()).map_err(|e| Failure::usage(format!("{e:#}")))?;
            match format {
                ListFormat::Json => {
                    ctx.console.print(&(serde_json::to_string_pretty(&verified)? + "\n"));
                }
                ListFormat::Table => {
                    let mut text = String::new();
                    for p in &verified.problems {
                        text.push_str(&format!("FAIL  {p}\n"));
                    }
                    text.push_str(&format!(
                        "{}: {} files, {} rows, {} accounts; signature: {}\n",
                        if verified.ok { "OK" } else { "NOT VERIFIED" },
                        verified.files,
                        verified.rows,
                        verified.accounts,
                        verified.signature
                    ));
                    ctx.console.print(&text);
                    if verified.signature == "not-checked" {
                        ctx.console
                            .note("the dataset is signed: give the publisher's key with --public-key to check it");
                    }
                }
            }
            // A dataset that fails verification is bad input: exit 1, as a
            // check that found something wrong.
            Ok(if verified.ok { Exit::Ok } else { Exit::Drift })
        }
        DatasetCommand::Sign {
            dir,
            secret_key,
            password_command,
        } => {
            let verified = dataset::verify::verify(&dir, None).map_err(|e| Failure::usage(format!("{e:#}")))?;
            if !verified.ok {
                return Err(Failure::usage(format!(
                    "{} does not verify, so it is not signed: {}",
                    dir.display(),
                    verified.problems.join("; ")
                ))
                .into());
            }
            let password = match password_command {
                Some(command) => {
                    use secrecy::ExposeSecret;
                    let secret = crate::secrets::accounts::secret_from_command(&command)
                        .map_err(|e| Failure::usage(format!("{e:#}")))?;
                    Some(secret.expose_secret().to_string())
                }
                None => None,
            };
            dataset::sign::sign(&dir, &secret_key, password).map_err(|e| Failure::usage(format!("{e:#}")))?;
            ctx.console.print(&format!(
                "Signed {}/{} ({})\n",
                dir.display(),
                dataset::SIGNATURE,
                dataset::MANIFEST
            ));
            Ok(Exit::Ok)
        }
        DatasetCommand::Export {
            run,
            output,
            label,
            region,
            plan,
            created,
            note,
        } => export(
            ctx,
            run.as_deref(),
            &output,
            Account {
                label,
                region: region
                    .map(|given| {
                        crate::rules::regions::parse(&given).map_err(|hint| {
                            Failure::usage(format!(
                                "--region `{given}` is not a region: not an ISO 3166-1 alpha-2 code"
                            ))
                            .hint(hint)
                        })
                    })
                    .transpose()?,
                // Plan ids are lower-case, as in the profile: "Pro" and "pro"
                // are one group in `defaults --observed`.
                plan: plan.map(|p| p.trim().to_ascii_lowercase()),
                created,
                note,
            },
        ),
    }
}

/// A recorded check as a dataset of one account.
fn export(ctx: &Context, run: Option<&str>, output: &std::path::Path, account: Account) -> anyhow::Result<Exit> {
    // What a survey file would refuse, export refuses too.
    if !crate::survey::is_label(&account.label) {
        return Err(Failure::usage(format!(
            "--label `{}` must be 1–64 lowercase letters, digits, `-` or `_`",
            crate::output::untrusted::one_line(&account.label)
        ))
        .into());
    }
    if let Some(created) = &account.created {
        if chrono::NaiveDate::parse_from_str(created, "%Y-%m-%d").is_err() {
            return Err(Failure::usage(format!(
                "--created `{}` is not a date (YYYY-MM-DD)",
                crate::output::untrusted::one_line(created)
            ))
            .into());
        }
    }
    let catalogue = load_rules(ctx)?;
    let path = ctx.history_path();
    if !path.exists() {
        return Err(Failure::usage("nothing to export: no run is recorded yet").into());
    }
    let store = Store::open(&path)?;
    let found = match run {
        Some(given) => {
            let id = given
                .trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| Failure::usage(format!("`{given}` is not a run number")))?;
            store.run(id)?
        }
        None => store.runs()?.into_iter().rev().find(|r| r.command == "check"),
    };
    let Some(run) = found else {
        return Err(Failure::usage("no such check run in the history")
            .hint("`privaudit history` lists the runs")
            .into());
    };
    if run.command != "check" {
        return Err(Failure::usage(format!(
            "run #{} was a `{}`: only a check observes settings as they were",
            run.id, run.command
        ))
        .into());
    }
    dataset::write::prepare(output).map_err(|e| Failure::usage(format!("{e:#}")))?;
    let entries = store.timeline(&Filter {
        run: Some(run.id),
        ..Filter::default()
    })?;
    let mut rows = Vec::new();
    for e in entries {
        let Some(setting) = catalogue
            .platform(&e.platform)
            .and_then(|p| p.settings.iter().find(|s| s.id == e.setting))
        else {
            continue;
        };
        let SettingKind::Control { private_value, .. } = &setting.kind else {
            continue;
        };
        let read = matches!(e.status.as_str(), "ok" | "drift" | "re-enabled");
        let observed = if read { e.current.clone() } else { None };
        let chosen = setting.default_for(crate::rules::Account {
            plan: account.plan.as_deref(),
            region: account.region.as_deref(),
        });
        let documented = chosen.map(|d| d.value.clone());
        rows.push(Row {
            account: account.label.clone(),
            platform: e.platform,
            setting: e.setting,
            label: e.label,
            category: setting.category.as_str().to_string(),
            agrees: dataset::agrees(observed.as_deref(), documented.as_deref()),
            observed,
            status: e.status,
            message: None,
            private_value: private_value.clone(),
            documented_default: documented,
            documented_regions: chosen.map(|d| d.regions.clone()).unwrap_or_default(),
            read_at: e.at,
            rules_version: catalogue.version.clone(),
            url: None,
            evidence_screenshot: None,
            evidence_record: None,
            screenshot_sha256: None,
        });
    }
    let files = dataset::write::finish(output, "export", &catalogue.version, &[account], rows)?;
    ctx.console.print(&format!(
        "Exported run #{} to {} ({files} files)\n",
        run.id,
        output.display()
    ));
    Ok(Exit::Ok)
}
