//! `privaudit policy check|list|show`: fetch each platform's policy pages,
//! store new versions in the history, report what changed as a unified
//! diff; list what is watched; show a stored version.

use super::{deliver, load_rules, notify_targets};
use crate::cli::{Context, ListFormat, NotifyArgs, PolicyCommand};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::Store;
use crate::notify::Notice;
use crate::output::{table, TableStyle};
use crate::policy::{PolicyList, PolicyShown, ShownVersion};

pub fn run(ctx: &Context, command: PolicyCommand) -> anyhow::Result<Exit> {
    match command {
        PolicyCommand::Check {
            platforms,
            policy_urls,
            notify,
            format,
        } => check(ctx, &platforms, &policy_urls, &notify, format),
        PolicyCommand::List { format } => list(ctx, format),
        PolicyCommand::Show {
            platform,
            version,
            format,
        } => show(ctx, &platform, version, format),
    }
}

fn check(
    ctx: &Context,
    platforms: &[String],
    policy_urls: &[(String, String)],
    notify: &NotifyArgs,
    format: ListFormat,
) -> anyhow::Result<Exit> {
    let targets = notify_targets(&notify.urls)?;
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let catalogue = load_rules(ctx)?;
    let store = Store::open(&ctx.history_path())?;
    let outcome = crate::policy::check(&store, &catalogue, platforms, policy_urls).map_err(|e| {
        match e.downcast_ref::<crate::policy::UnknownPlatform>() {
            Some(unknown) => Failure::usage(unknown.to_string())
                .hint("`privaudit rules list` shows the platforms")
                .into(),
            None => e,
        }
    })?;
    if format == ListFormat::Json {
        ctx.console.print(&(serde_json::to_string_pretty(&outcome)? + "\n"));
    } else if !ctx.quiet || !outcome.changes.is_empty() {
        ctx.console.print(&outcome.report());
    }
    let notices: Vec<Notice> = outcome.notice().into_iter().collect();
    deliver(ctx, &targets, notify.notify_cmd.as_deref(), &notices);
    Ok(outcome.exit())
}

/// The store, if any run has made one: reading never creates it.
fn existing_store(ctx: &Context) -> anyhow::Result<Option<Store>> {
    let path = ctx.history_path();
    Ok(if path.exists() { Some(Store::open(&path)?) } else { None })
}

fn list(ctx: &Context, format: ListFormat) -> anyhow::Result<Exit> {
    let pages = match existing_store(ctx)? {
        Some(store) => store.policy_pages()?,
        None => Vec::new(),
    };
    match format {
        ListFormat::Json => {
            let out = PolicyList {
                schema_version: 1,
                pages,
            };
            ctx.console.print(&(serde_json::to_string_pretty(&out)? + "\n"));
        }
        ListFormat::Table if pages.is_empty() => {
            ctx.console
                .print("No policy page stored yet. `privaudit policy check` fetches them.\n");
        }
        ListFormat::Table => {
            let mut t = table(
                [
                    "Platform",
                    "Page",
                    "Versions",
                    "First stored (UTC)",
                    "Last change (UTC)",
                ],
                TableStyle::Natural,
            );
            for p in pages {
                t.add_row(vec![
                    p.platform,
                    p.url,
                    p.versions.to_string(),
                    p.first_stored,
                    p.last_changed,
                ]);
            }
            ctx.console.print(&format!("{t}\n"));
        }
    }
    Ok(Exit::Ok)
}

fn show(ctx: &Context, platform: &str, version: Option<usize>, format: ListFormat) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    if catalogue.platform(platform).is_none() {
        return Err(Failure::usage(format!("no rules for platform `{platform}`"))
            .hint("`privaudit policy list` shows the watched pages")
            .into());
    }
    let rows = match existing_store(ctx)? {
        Some(store) => {
            let mut pages = Vec::new();
            for page in store.policy_pages()?.into_iter().filter(|p| p.platform == platform) {
                let versions = store.policy_versions(&page.url)?;
                let n = version.unwrap_or(versions.len());
                let Some(v) = n.checked_sub(1).and_then(|i| versions.get(i)) else {
                    return Err(Failure::usage(format!(
                        "{} has {} stored version{}; there is no version {n}",
                        page.url,
                        versions.len(),
                        if versions.len() == 1 { "" } else { "s" }
                    ))
                    .hint("versions count from 1, the first stored")
                    .into());
                };
                pages.push(ShownVersion {
                    url: page.url.clone(),
                    version: n,
                    versions: versions.len(),
                    fetched_at: v.fetched_at.clone(),
                    sha256: v.sha256.clone(),
                    text: v.text.clone(),
                });
            }
            pages
        }
        None => Vec::new(),
    };
    if rows.is_empty() {
        return Err(Failure::usage(format!("no policy page of {platform} is stored yet"))
            .hint(format!("`privaudit policy check {platform}` fetches them"))
            .into());
    }
    match format {
        ListFormat::Json => {
            let out = PolicyShown {
                schema_version: 1,
                platform: platform.to_string(),
                pages: rows,
            };
            ctx.console.print(&(serde_json::to_string_pretty(&out)? + "\n"));
        }
        ListFormat::Table => {
            let mut text = String::new();
            for r in rows {
                text.push_str(&format!(
                    "── {} — version {} of {}, stored {} (sha256 {}) ──\n{}\n",
                    r.url,
                    r.version,
                    r.versions,
                    r.fetched_at,
                    &r.sha256[..12.min(r.sha256.len())],
                    r.text
                ));
            }
            ctx.console.print(&text);
        }
    }
    Ok(Exit::Ok)
}
