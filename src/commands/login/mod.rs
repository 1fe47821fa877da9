//! `privaudit login PLATFORM`: sign in once and keep the session in the
//! platform's own browser profile under the data dir.
//!
//! Three ways: a window where the person signs in (the default); the stored
//! credentials, typed unattended (`--headless`, or the window pre-filled);
//! or a cookie export (`--cookies FILE`, for servers without a display).
//! Each ends by reading the platform's first settings page to prove the
//! session works. No screenshot is ever taken here.

mod flow;
pub mod setup;

use self::flow::{browser_cookies, login_one, Verified};
use crate::cli::{Context, ListFormat, LoginArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::output::{table, TableStyle};
use crate::plan::PlatformPlan;
use crate::sessions::{LoginAll, LoginView};

pub fn run(ctx: &Context, args: LoginArgs) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    let ids: Vec<String> = match &args.platform {
        Some(id) => vec![id.clone()],
        // --all: every platform of the profile whose rule knows where to
        // sign in (the others have nothing to sign in to).
        None => {
            let profile = super::load_profile(ctx, None, &catalogue)?;
            catalogue
                .platforms
                .iter()
                .filter(|p| profile.platforms.is_empty() || profile.platforms.contains(&p.id))
                .filter(|p| p.login.is_some())
                .map(|p| p.id.clone())
                .collect()
        }
    };
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    // The person's browser is read once, whatever the number of platforms.
    let from_browser = match &args.cookies_from_browser {
        Some(store) => Some(browser_cookies(ctx, store)?),
        None => None,
    };
    if args.platform.is_some() {
        let (pp, dir, verified) = login_one(ctx, &args, &catalogue, &ids[0], from_browser.as_deref())?;
        return report_one(ctx, &args, &pp, &dir, verified);
    }
    sign_in_each(ctx, &args, &catalogue, &ids, from_browser.as_deref())
}

/// `--all` and `setup`: each platform in turn, one failing not stopping
/// the others; a table (or a JSON array) of the outcome.
fn sign_in_each(
    ctx: &Context,
    args: &LoginArgs,
    catalogue: &crate::rules::Catalogue,
    ids: &[String],
    from_browser: Option<&[crate::browser::Cookie]>,
) -> anyhow::Result<Exit> {
    let mut t = table(["Platform", "Session", "Detail"], TableStyle::Wrapped);
    let mut views = Vec::new();
    let mut exit = Exit::Ok;
    for id in ids {
        let (state, detail, view) = match login_one(ctx, args, catalogue, id, from_browser) {
            Ok((pp, dir, verified)) => {
                let (state, detail) = match &verified {
                    Verified::SignedIn => ("signed in", dir.display().to_string()),
                    Verified::NotSignedIn(why) => ("not signed in", why.clone()),
                    Verified::Unconfirmed(why) => ("not confirmed", why.clone()),
                };
                (state, detail, Some(view_of(&pp, &dir, &verified)))
            }
            Err(e) => {
                // The message and its hint: why, and what to do instead.
                let detail = match e.downcast_ref::<Failure>() {
                    Some(f) => match &f.hint {
                        Some(hint) => format!("{}; {hint}", f.message),
                        None => f.message.clone(),
                    },
                    None => format!("{e:#}"),
                };
                let view = LoginView {
                    schema_version: 1,
                    platform: id.clone(),
                    signed_in: false,
                    session: crate::sessions::dir(&ctx.sessions_dir(), id),
                    reason: Some(detail.clone()),
                    at: crate::timestamp::now(),
                };
                ("not signed in", detail, Some(view))
            }
        };
        if state != "signed in" {
            exit = exit.max_with(Exit::Incomplete);
        }
        t.add_row(vec![id.clone(), state.to_string(), detail]);
        views.extend(view);
    }
    if args.format == ListFormat::Json {
        let all = LoginAll {
            schema_version: 1,
            results: views,
        };
        ctx.console.print(&(serde_json::to_string_pretty(&all)? + "\n"));
    } else {
        ctx.console.print(&format!("{t}\n"));
    }
    Ok(exit)
}

fn view_of(pp: &PlatformPlan, dir: &std::path::Path, verified: &Verified) -> LoginView {
    LoginView {
        schema_version: 1,
        platform: pp.platform.id.clone(),
        signed_in: matches!(verified, Verified::SignedIn),
        session: dir.to_path_buf(),
        reason: match verified {
            Verified::SignedIn => None,
            Verified::NotSignedIn(why) | Verified::Unconfirmed(why) => Some(why.clone()),
        },
        at: crate::timestamp::now(),
    }
}

fn report_one(
    ctx: &Context,
    args: &LoginArgs,
    pp: &PlatformPlan,
    dir: &std::path::Path,
    verified: Verified,
) -> anyhow::Result<Exit> {
    if args.format == ListFormat::Json {
        ctx.console
            .print(&(serde_json::to_string_pretty(&view_of(pp, dir, &verified))? + "\n"));
    }
    match verified {
        Verified::SignedIn => {
            if args.format != ListFormat::Json {
                ctx.console.print(&format!(
                    "Signed in to {}. The session is kept in {}; check and apply use it.\n",
                    pp.platform.name,
                    dir.display()
                ));
            }
            Ok(Exit::Ok)
        }
        Verified::NotSignedIn(why) => {
            // The reason often says "not signed in to X" itself.
            let message = if why.starts_with("not signed in") {
                why
            } else {
                format!("not signed in to {}: {why}", pp.platform.name)
            };
            Err(Failure::incomplete(message)
                .hint(format!("try `privaudit login {}` again", pp.platform.id))
                .into())
        }
        Verified::Unconfirmed(why) => Err(Failure::incomplete(format!(
            "the {} session is kept, but it is not confirmed: {why}",
            pp.platform.name
        ))
        .hint(format!(
            "`privaudit check {}` tells once the site answers; or try again with a longer --timeout",
            pp.platform.id
        ))
        .into()),
    }
}
