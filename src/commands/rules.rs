//! `privaudit rules list|lint|show|test`.

use super::{emit, load_rules, today, ConsoleHooks};
use crate::cli::{Context, LintFormat, ListFormat, RulesCommand};
use crate::diag::{Diagnostic, SourceFiles};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::output::{table, Format, TableStyle};
use crate::rules::listing::{GradeCounts, ListedPlatform, ListedSetting, Listing, PlatformDetail};
use crate::rules::{load, Category};

pub fn run(ctx: &Context, command: RulesCommand) -> anyhow::Result<Exit> {
    match command {
        RulesCommand::List { format, settings } => list(ctx, format, settings),
        RulesCommand::Lint {
            files,
            format,
            deny_warnings,
        } => lint(ctx, &files, format, deny_warnings),
        RulesCommand::Show { platform, format } => show(ctx, &platform, format),
        RulesCommand::Test {
            platforms,
            replicas,
            format,
        } => test(ctx, &platforms, replicas, format),
    }
}

fn test(
    ctx: &Context,
    platforms: &[String],
    replicas: Option<std::path::PathBuf>,
    format: Format,
) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    let executable = crate::browser::find::find_browser(ctx.browser.as_deref())
        .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
    let hooks = ConsoleHooks::new(ctx, 0);
    let setup = crate::conformance::Setup {
        executable,
        jobs: ctx.jobs,
        timeout: ctx.timeout,
        browser_wait: ctx.browser_wait,
        hooks: &hooks,
    };
    let results = crate::conformance::run(&catalogue, platforms, replicas, &setup).map_err(|e| {
        match e.downcast_ref::<crate::conformance::SetupError>() {
            Some(crate::conformance::SetupError::NotADirectory(_)) => Failure::usage(e.to_string())
                .hint("pass the folder that holds one sub-folder per platform, e.g. rules/replicas")
                .into(),
            Some(crate::conformance::SetupError::UnknownPlatform(_)) => Failure::usage(e.to_string())
                .hint("`privaudit rules list` shows the platforms; pass --rules FILE for a rule that is not built in")
                .into(),
            None => e,
        }
    })?;
    drop(hooks);
    emit(ctx, &results, format)?;
    Ok(if results.all_passed() { Exit::Ok } else { Exit::Drift })
}

fn list(ctx: &Context, format: ListFormat, per_setting: bool) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    let rows: Vec<ListedPlatform> = catalogue.platforms.iter().map(|p| ListedPlatform::of(p)).collect();
    let all: Vec<&ListedSetting> = rows.iter().flat_map(|r| r.items.iter()).collect();
    let totals = GradeCounts::of(all.iter().map(|s| &s.grade));
    let ai = all.iter().filter(|s| s.category == Category::AiTraining).count();
    let summary = format!(
        "{} platforms, {} settings ({ai} AI training): {} verified first-party, {} secondary, {} unverified (rules {})\n",
        rows.len(),
        all.len(),
        totals.first_party,
        totals.secondary,
        totals.unverified,
        catalogue.version
    );
    let text = match format {
        ListFormat::Json => {
            serde_json::to_string_pretty(&Listing {
                schema_version: Listing::SCHEMA_VERSION,
                rules_version: catalogue.version.clone(),
                platforms: rows,
            })? + "\n"
        }
        ListFormat::Table if per_setting => {
            let mut t = table(
                ["Setting", "Label", "Category", "Grade", "Unconfirmed"],
                TableStyle::Wrapped,
            );
            for r in &rows {
                for s in &r.items {
                    t.add_row(vec![
                        format!("{}.{}", r.id, s.id),
                        s.label.clone(),
                        s.category.to_string(),
                        s.grade.to_string(),
                        s.unverified.join(", "),
                    ]);
                }
            }
            // Ids are copied into profiles: never split one. A narrow
            // terminal loses the category, then the unconfirmed facts
            // (`--format json` has them).
            crate::output::keep_words_up_to(&mut t, &[2, 4], &[48, 12]);
            format!("{t}\n{summary}")
        }
        ListFormat::Table => {
            let mut t = table(
                [
                    "Platform",
                    "Name",
                    "Settings",
                    "Categories",
                    "Grades (1st/2nd/unv.)",
                    "Sign-in",
                    "Verified",
                    "From",
                ],
                TableStyle::Natural,
            );
            for r in &rows {
                let cats: Vec<&str> = r.categories.iter().map(|c| c.as_str()).collect();
                t.add_row(vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.settings.to_string(),
                    cats.join(", "),
                    format!(
                        "{}/{}/{}",
                        r.grades.first_party, r.grades.secondary, r.grades.unverified
                    ),
                    r.sign_in.clone(),
                    r.verified.clone(),
                    r.origin.clone(),
                ]);
            }
            format!("{t}\n{summary}Per setting: `privaudit rules list --settings`; sources: `privaudit rules show PLATFORM`.\n")
        }
    };
    ctx.console.print(&text);
    Ok(Exit::Ok)
}

fn lint(ctx: &Context, files: &[std::path::PathBuf], format: LintFormat, deny_warnings: bool) -> anyhow::Result<Exit> {
    let (sources, diagnostics, count): (SourceFiles, Vec<Diagnostic>, usize) = if files.is_empty() {
        let texts = load::collect_sources(Some(&ctx.rules_dir()), &ctx.extra_rules)?;
        let count = texts.len();
        match load::load_catalogue(&texts, today()) {
            Ok(c) => (c.files, c.warnings, count),
            Err(e) => (e.files, e.diagnostics, count),
        }
    } else {
        let texts = load::read_files(files).map_err(|e| Failure::usage(format!("{e:#}")))?;
        let count = texts.len();
        let (sources, diagnostics, _) = load::lint_texts(&texts, today());
        (sources, diagnostics, count)
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        LintFormat::Json => {
            let located: Vec<_> = diagnostics.iter().map(|d| sources.locate(d)).collect();
            ctx.console.print(&(serde_json::to_string_pretty(&located)? + "\n"));
        }
        LintFormat::Human => {
            let mut text = sources.render(&diagnostics, ctx.console.stdout_color);
            text.push_str(&format!(
                "{count} file{} checked: {errors} error{}, {warnings} warning{}\n",
                plural(count),
                plural(errors),
                plural(warnings)
            ));
            ctx.console.print(&text);
        }
    }
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        Exit::Usage
    } else {
        Exit::Ok
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn show(ctx: &Context, id: &str, format: ListFormat) -> anyhow::Result<Exit> {
    let catalogue = load_rules(ctx)?;
    // Ids are lower-case; "ChatGPT" as the platform writes it means the same.
    let Some(p) = catalogue
        .platform(id)
        .or_else(|| catalogue.platform(&id.to_ascii_lowercase()))
    else {
        let known: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "unknown platform `{id}`; known platforms: {}",
            known.join(", ")
        ))
        .into());
    };
    let detail = PlatformDetail::of(p, &catalogue.version);
    let text = match format {
        ListFormat::Json => serde_json::to_string_pretty(&detail)? + "\n",
        ListFormat::Table => show_text(&detail),
    };
    ctx.console.print(&text);
    Ok(Exit::Ok)
}

/// One block per setting: labels, notes and URLs are long and must stay
/// whole to be copied or searched.
fn show_text(p: &PlatformDetail) -> String {
    let mut text = format!(
        "{} ({})\n  base URL: {}\n  domains: {}\n  verified: {}\n  rule file: {} ({})\n  unattended sign-in: {}\n",
        p.name,
        p.id,
        p.base_url,
        p.domains.join(", "),
        p.verified,
        p.file,
        p.origin,
        if p.can_sign_in {
            "possible (the rule describes the sign-in form)".to_string()
        } else if let Some(why) = &p.cannot_automate {
            format!("no: {why} (sign in with `privaudit login`)")
        } else {
            "no (the rule does not describe the sign-in form; sign in with `privaudit login`)".to_string()
        }
    );
    if !p.plans.is_empty() {
        text.push_str(&format!(
            "  plans: {} (say yours in the profile: `[accounts] {} = {{ plan = \"…\" }}`)\n",
            p.plans.join(", "),
            p.id
        ));
    }
    for url in &p.policy_urls {
        text.push_str(&format!("  policy: {url}\n"));
    }
    for s in &p.settings {
        text.push_str(&format!("\n{} — {}\n  category: {}\n", s.id, s.label, s.category));
        if let Some(page) = &s.page {
            text.push_str(&format!("  page: {page}\n"));
        }
        for step in &s.open {
            text.push_str(&format!("  open first: {step}\n"));
        }
        if let (Some(control), Some(private)) = (&s.control, &s.private_value) {
            text.push_str(&format!("  control: {control}\n  private value: {private}\n"));
        }
        for (i, action) in s.apply.iter().enumerate() {
            text.push_str(&format!("  apply {}. {action}\n", i + 1));
        }
        if let Some(url) = &s.manual_url {
            text.push_str(&format!("  manual: {url}\n"));
            for (i, step) in s.steps.iter().enumerate() {
                text.push_str(&format!("    {}. {step}\n", i + 1));
            }
        }
        if !s.defaults.is_empty() {
            text.push_str("  default, by plan and region (first that holds):\n");
            for d in &s.defaults {
                let mut who = Vec::new();
                if !d.plans.is_empty() {
                    who.push(format!("plans {}", d.plans.join(", ")));
                }
                if !d.regions.is_empty() {
                    who.push(format!("in {}", d.regions.join(", ")));
                }
                if who.is_empty() {
                    who.push("every other account".into());
                }
                text.push_str(&format!("    {} — {}", d.value, who.join(", ")));
                if let Some(at) = &d.as_of {
                    text.push_str(&format!(" (as of {at})"));
                }
                if let Some(note) = &d.note {
                    text.push_str(&format!(" — {note}"));
                }
                text.push('\n');
            }
        } else {
            match &s.default {
                Some(d) => {
                    text.push_str(&format!("  default: {}", d.value));
                    if !d.regions.is_empty() {
                        text.push_str(&format!(" ({})", d.regions.join(", ")));
                    }
                    if let Some(note) = &d.note {
                        text.push_str(&format!(" — {note}"));
                    }
                    text.push('\n');
                }
                None => text.push_str("  default: unknown\n"),
            }
        }
        if !s.regions.is_empty() {
            text.push_str(&format!("  exists only in: {}\n", s.regions.join(", ")));
        }
        if !s.regions_except.is_empty() {
            text.push_str(&format!("  does not exist in: {}\n", s.regions_except.join(", ")));
        }
        if let Some(since) = &s.since {
            text.push_str(&format!("  since: {since}\n"));
        }
        text.push_str(&format!("  verified: {}\n", s.grade));
        if s.sources.is_empty() {
            text.push_str(&format!("  source: {}\n", s.source));
            for url in &s.see_also {
                text.push_str(&format!("  see also: {url}\n"));
            }
        } else {
            for src in &s.sources {
                // A source that confirms no fact is cited for context.
                let shows = if src.shows.is_empty() {
                    "shows no fact; context".to_string()
                } else {
                    format!("shows {}", src.shows.join(", "))
                };
                text.push_str(&format!("  source ({}; {shows}): {}\n", src.kind.as_str(), src.url));
            }
        }
        if !s.unverified.is_empty() {
            text.push_str(&format!("  unverified: {}\n", s.unverified.join(", ")));
        }
    }
    text
}
