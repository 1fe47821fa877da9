//! `privaudit profile init|show`.

use super::{load_profile, load_rules};
use crate::cli::{Context, ListFormat, ProfileCommand};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::fsutil;
use crate::output::{table, TableStyle};
use crate::profile::{template, Preset};
use crate::rules::Category;

pub fn run(ctx: &Context, command: ProfileCommand) -> anyhow::Result<Exit> {
    match command {
        ProfileCommand::Init { preset, force } => init(ctx, preset, force),
        ProfileCommand::Show { format } => show(ctx, format),
    }
}

fn init(ctx: &Context, preset: Preset, force: bool) -> anyhow::Result<Exit> {
    let path = ctx.profile_path();
    if path.exists() && !force {
        return Err(
            Failure::usage(format!("a profile already exists at {}", path.display()))
                .hint("edit it, or pass --force to replace it")
                .into(),
        );
    }
    fsutil::create_private_dir(&ctx.config_dir)?;
    fsutil::write_private_file(&path, &template(preset))?;
    ctx.console
        .print(&format!("wrote {} (preset {})\n", path.display(), preset.as_str()));
    Ok(Exit::Ok)
}

fn show(ctx: &Context, format: ListFormat) -> anyhow::Result<Exit> {
    let profile = load_profile(ctx, None, &load_rules(ctx)?)?;
    if format == ListFormat::Json {
        ctx.console
            .print(&(serde_json::to_string_pretty(&profile.view())? + "\n"));
        return Ok(Exit::Ok);
    }
    let mut text = format!("profile: {}\npreset: {}\n", profile.source, profile.preset.as_str());
    text.push_str(&format!(
        "platforms: {}\n",
        if profile.platforms.is_empty() {
            "all".to_string()
        } else {
            profile.platforms.join(", ")
        }
    ));
    text.push_str(&format!(
        "region: {}\n",
        profile
            .region
            .as_deref()
            .unwrap_or("not set (settings offered only in some countries are read everywhere; set `region` to leave out those yours does not have)")
    ));
    if !profile.accounts.is_empty() {
        let mut accounts = table(["Account", "Plan", "Region"], TableStyle::Natural);
        for (platform, facts) in &profile.accounts {
            accounts.add_row(vec![
                platform.clone(),
                facts.plan.clone().unwrap_or_else(|| "-".into()),
                facts
                    .region
                    .clone()
                    .or_else(|| profile.region.clone())
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
        text.push_str(&format!("{accounts}\n"));
    }
    let mut categories = table(["Category", "Wanted"], TableStyle::Natural);
    for c in Category::ALL {
        categories.add_row(vec![
            c.as_str().to_string(),
            profile.categories.get(&c).map(|w| w.as_text()).unwrap_or_default(),
        ]);
    }
    text.push_str(&format!("{categories}\n"));
    if !profile.settings.is_empty() {
        let mut overrides = table(["Setting", "Wanted"], TableStyle::Natural);
        for (key, wanted) in &profile.settings {
            overrides.add_row(vec![key.clone(), wanted.as_text()]);
        }
        text.push_str(&format!("{overrides}\n"));
    }
    ctx.console.print(&text);
    Ok(Exit::Ok)
}
