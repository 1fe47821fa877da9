//! `privaudit setup [PLATFORM...]`: the first run, guided. Writes a profile
//! (unless there is one), shows which platforms will be audited and how
//! each is signed in to, signs in to each in turn (a window each, or the
//! sessions the person's own browser already has), verifies every one,
//! and says what to run next. Everything it does is also a command of its
//! own, so a second setup only fills what is missing.

use super::flow::browser_cookies;
use super::sign_in_each;
use crate::cli::{Context, ListFormat, LoginArgs, SetupArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::output::{table, TableStyle};
use crate::rules::SettingKind;

pub fn run(ctx: &Context, args: SetupArgs) -> anyhow::Result<Exit> {
    let catalogue = super::super::load_rules(ctx)?;
    for id in &args.platforms {
        if catalogue.platform(id).is_none() {
            return Err(Failure::usage(format!("no rules for platform `{id}`"))
                .hint("`privaudit rules list` shows the platforms")
                .into());
        }
    }
    // Nothing is written before it is clear the sign-in can happen.
    if args.cookies_from_browser.is_none() && !super::flow::has_display() {
        return Err(Failure::usage("there is no display here for the sign-in windows")
            .hint("take the sessions your browser already has: `privaudit setup --cookies-from-browser chrome` (or firefox, chromium:DIR); or run setup on a desktop")
            .into());
    }

    // 1. The profile: what the person wants.
    let path = ctx.profile_path();
    if path.exists() {
        ctx.console
            .print(&format!("1. Profile: keeping yours at {}\n", path.display()));
    } else {
        let mut text = crate::profile::template(args.preset);
        if !args.platforms.is_empty() {
            let listed: Vec<String> = args.platforms.iter().map(|p| format!("\"{p}\"")).collect();
            text = text.replacen("platforms = []", &format!("platforms = [{}]", listed.join(", ")), 1);
        }
        crate::fsutil::create_private_dir(&ctx.config_dir)?;
        crate::fsutil::write_private_file(&path, &text)?;
        ctx.console.print(&format!(
            "1. Profile: wrote {} (preset {}: {}); edit it any time\n",
            path.display(),
            args.preset.as_str(),
            match args.preset {
                crate::profile::Preset::Strict => "every setting private",
                crate::profile::Preset::Balanced =>
                    "AI training and third-party sharing private; ads and the rest not audited",
            }
        ));
    }
    let profile = super::super::load_profile(ctx, None, &catalogue)?;

    // 2. The platforms, and how each is reached.
    let selected: Vec<_> = catalogue
        .platforms
        .iter()
        .filter(|p| profile.platforms.is_empty() || profile.platforms.contains(&p.id))
        .collect();
    let mut t = table(
        ["Platform", "Settings", "Read by privaudit", "Sign-in"],
        TableStyle::Natural,
    );
    for p in &selected {
        let web = p
            .settings
            .iter()
            .filter(|s| matches!(s.kind, SettingKind::Control { .. }))
            .count();
        let sign_in = match (&p.login, p.can_sign_in()) {
            (None, _) => "none needed (steps only)",
            (Some(_), true) => "window, browser cookies, or unattended",
            (Some(_), false) => "window or browser cookies",
        };
        t.add_row(vec![
            p.name.clone(),
            p.settings.len().to_string(),
            web.to_string(),
            sign_in.to_string(),
        ]);
    }
    ctx.console.print(&format!("2. Platforms:\n{t}\n"));

    // 3. Sign in to each, verified by reading a setting.
    let ids: Vec<String> = selected
        .iter()
        .filter(|p| p.login.is_some())
        .map(|p| p.id.clone())
        .collect();
    ctx.console.print(&format!(
        "3. Sign-in: {} platform{}, {}\n",
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        if args.cookies_from_browser.is_some() {
            "from your browser's cookies"
        } else {
            "each in a window of its own"
        }
    ));
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let login = LoginArgs {
        platform: None,
        all: true,
        cookies: None,
        cookies_from_browser: args.cookies_from_browser.clone(),
        headless: false,
        wait: args.wait,
        base_urls: args.base_urls.clone(),
        format: ListFormat::Table,
    };
    let from_browser = match &args.cookies_from_browser {
        Some(store) => Some(browser_cookies(ctx, store)?),
        None => None,
    };
    let exit = sign_in_each(ctx, &login, &catalogue, &ids, from_browser.as_deref())?;

    // 4. What next.
    ctx.console.print(
        "4. Next:\n   privaudit check          see where you stand\n   privaudit apply          fix what drifted (asks first)\n   privaudit doctor         if anything above failed\n   nightly: examples/crontab or examples/privaudit.service (see README)\n",
    );
    Ok(exit)
}
