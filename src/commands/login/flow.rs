//! Signing in to one platform and proving it: cookies from a file or the
//! person's browser, stored credentials, or a window; then a setting read
//! signed in, or the reason not.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::audit::scope::{allowed, same_path};
use crate::audit::{self, signin, AuditOptions, Status};
use crate::browser::locate::Located;
use crate::browser::{self, Browser, Cookie, LaunchOptions, Tab};
use crate::cli::{Context, LoginArgs};
use crate::failure::Failure;
use crate::plan::{self, PlatformPlan};
use crate::profile::{Preset, Profile};
use crate::rules::LoginProbe;
use crate::secrets;
use crate::sessions::from_browser::{self, BrowserStore};
use crate::sessions::{self, cookie_file};

/// Signs in to one platform and verifies the session.
pub(super) fn login_one(
    ctx: &Context,
    args: &LoginArgs,
    catalogue: &crate::rules::Catalogue,
    id: &str,
    from_browser: Option<&[Cookie]>,
) -> anyhow::Result<(PlatformPlan, std::path::PathBuf, Verified)> {
    let base_urls: BTreeMap<String, String> = args.base_urls.iter().cloned().collect();
    let plan = plan::build(
        catalogue,
        &Profile::preset(Preset::Strict),
        &[id.to_string()],
        &base_urls,
    )
    .map_err(|e| Failure::usage(e.to_string()).hint("`privaudit rules list` shows the platforms"))?;
    let Some(pp) = plan.platforms.first().cloned() else {
        return Err(Failure::usage(format!("nothing to sign in to for `{id}`")).into());
    };
    let Some(login) = pp.platform.login.clone() else {
        let by_hand = pp
            .platform
            .settings
            .iter()
            .all(|s| matches!(s.kind, crate::rules::SettingKind::Manual { .. }));
        if by_hand {
            return Err(Failure::usage(format!(
                "{} has nothing to sign in to: its settings are changed by hand (`privaudit check {}` prints the steps)",
                pp.platform.name, pp.platform.id
            ))
            .into());
        }
        return Err(Failure::usage(format!(
            "the rules for {} do not say where its sign-in page is ([login] url)",
            pp.platform.name
        ))
        .hint("add a [login] section to the rule file (see CONTRIBUTING.md)")
        .into());
    };
    let dir = sessions::dir(&ctx.sessions_dir(), &pp.platform.id);

    let imported = match (&args.cookies, from_browser) {
        (Some(file), _) => Some(read_cookies(file, &pp)?),
        (None, Some(all)) => {
            let mine = platform_cookies(all.to_vec(), &pp, "the browser")?;
            ctx.console.note(&format!(
                "took {} cookie{} of {} from the browser; nothing else was kept",
                mine.len(),
                if mine.len() == 1 { "" } else { "s" },
                pp.platform.name
            ));
            Some(mine)
        }
        (None, None) => None,
    };
    let credentials = if imported.is_none() {
        secrets::lookup(&ctx.accounts_path(), &pp.platform.id)
            .ok()
            .flatten()
            .map(|(c, _)| c)
    } else {
        None
    };
    let has_display = has_display();
    // A pool's browser shows no window to anyone here.
    let remote = ctx.browser_ws.is_some();
    let headless = imported.is_some() || args.headless || !has_display || remote;
    if headless && imported.is_none() && (credentials.is_none() || login.form.is_none()) {
        let why = if remote {
            "a browser from --browser-ws shows no window here".to_string()
        } else if !has_display && !args.headless {
            "there is no display here for a sign-in window".to_string()
        } else if login.form.is_none() {
            match &login.cannot_automate {
                Some(reason) => format!("{} sign-in cannot be automated honestly: {reason}", pp.platform.name),
                None => format!("the rules for {} do not describe its sign-in form", pp.platform.name),
            }
        } else {
            format!("no credentials are stored for {}", pp.platform.id)
        };
        return Err(Failure::usage(format!("cannot sign in without a window: {why}"))
            .hint(format!(
                "run `privaudit login {0}` where a display is available, or take the session from your browser with `privaudit login {0} --cookies-from-browser chrome`, or import cookies with `--cookies cookies.txt`",
                pp.platform.id
            ))
            .into());
    }

    // A session directory only for an attempt that gets this far, and gone
    // again if the attempt proves nothing: `sessions` lists real sessions.
    let existed = dir.exists();
    // An import, or a sign-in on a pool, is made and proved in a staging
    // session first: one that fails never replaces the session saved.
    let staging = imported.is_some() || remote;
    let stage = if staging {
        crate::fsutil::create_private_dir(&ctx.sessions_dir())?;
        Some(
            tempfile::Builder::new()
                .prefix(".login-")
                .tempdir_in(ctx.sessions_dir())
                .map_err(|e| {
                    Failure::usage(format!(
                        "cannot make a staging session in {}: {e}",
                        ctx.sessions_dir().display()
                    ))
                })?,
        )
    } else {
        None
    };
    let session = sessions::Session::of(&ctx.sessions_dir(), &pp.platform.id);
    let working = match &stage {
        Some(stage) => sessions::Session::of(stage.path(), &pp.platform.id),
        None => session.clone(),
    };
    let source = match &ctx.browser_ws {
        Some(url) => browser::Source::Remote {
            url: url.clone(),
            timeout: ctx.timeout,
            wait: ctx.browser_wait,
        },
        None => browser::Source::Launch(LaunchOptions {
            executable: browser::find::find_browser(ctx.browser.as_deref())
                .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?,
            headed: !headless,
            // Staged: a scratch profile; the saved one is not touched.
            user_data_dir: (!staging).then(|| dir.clone()),
            timeout: ctx.timeout,
            start_wait: ctx.browser_wait,
            os_keyring: false,
        }),
    };
    if !staging {
        sessions::ensure(&dir)?;
    }
    let options = AuditOptions {
        jobs: 1,
        timeout: ctx.timeout,
        evidence: None,
        redact: false,
        credentials: Default::default(),
        // The proving read keeps the session's portable state, as any run does.
        sessions: std::sync::Arc::new(BTreeMap::from([(pp.platform.id.clone(), working.clone())])),
        opened: Default::default(),
    };
    let runtime = crate::runtime::new()?;
    let wait = Duration::from_secs(args.wait.max(1));
    let outcome = runtime.block_on(async {
        let browser = Browser::open(&source)
            .await
            .map_err(|e| audit::run::no_browser(&source, e))?;
        let result = sign_in(
            ctx,
            &browser,
            &pp,
            &login,
            imported,
            credentials,
            &options,
            wait,
            !headless,
        )
        .await;
        browser.shutdown().await;
        result
    });
    let outcome = outcome.map_err(anyhow::Error::from);
    // A staged session that was not refused replaces the saved one; its
    // state is newer than the saved profile, so it wins there too.
    if stage.is_some() && matches!(outcome, Ok(Verified::SignedIn | Verified::Unconfirmed(_))) {
        match working.state()? {
            Some(state) => session.keep(&state)?,
            None => {
                return Err(Failure::incomplete(format!(
                    "{} kept no cookie after signing in, so there is no session to save",
                    pp.platform.name
                ))
                .into())
            }
        }
    }
    match &outcome {
        Ok(Verified::SignedIn) => sessions::mark_verified(&dir)?,
        Ok(Verified::Unconfirmed(_)) => {}
        Ok(Verified::NotSignedIn(_)) | Err(_) if !existed => {
            let _ = std::fs::remove_dir_all(&dir);
        }
        _ => {}
    }
    outcome.map(|verified| (pp, dir, verified))
}

pub(super) enum Verified {
    SignedIn,
    NotSignedIn(String),
    /// Nothing said signed out, and nothing proved signed in.
    Unconfirmed(String),
}

fn read_cookies(file: &std::path::Path, pp: &PlatformPlan) -> anyhow::Result<Vec<Cookie>> {
    let text =
        crate::textfile::read_text(file).map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
    let all = cookie_file::parse(&text).map_err(|e| {
        Failure::usage(format!("{}: {e}", file.display()))
            .hint("export the cookies as cookies.txt (Netscape format) or as a JSON array")
    })?;
    platform_cookies(all, pp, &file.display().to_string())
}

/// Every cookie of the person's own browser, read once from a copy; each
/// platform keeps only its own.
pub(super) fn browser_cookies(ctx: &Context, store: &BrowserStore) -> anyhow::Result<Vec<Cookie>> {
    let executable = browser::find::find_browser(ctx.browser.as_deref())
        .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
    let runtime = crate::runtime::new()?;
    runtime
        .block_on(from_browser::read(store, &executable, ctx.timeout, ctx.browser_wait))
        .map_err(|e| {
            Failure::usage(format!("cannot read the browser's cookies: {e:#}"))
                .hint("name the profile directory as BROWSER:DIR, or export the cookies to a file and use --cookies")
                .into()
        })
}

/// Only the platform's own cookies (its declared domains, or the replica
/// it is reached at) go into its session.
fn platform_cookies(all: Vec<Cookie>, pp: &PlatformPlan, from: &str) -> anyhow::Result<Vec<Cookie>> {
    let hosts = crate::audit::scope::cookie_hosts(pp);
    let total = all.len();
    let mine: Vec<Cookie> = all.into_iter().filter(|c| c.belongs_to(&hosts)).collect();
    // Expired cookies sign nobody in: a file of only those is an old export.
    let now = chrono::Utc::now().timestamp() as f64;
    let (live, expired): (Vec<Cookie>, Vec<Cookie>) = mine.into_iter().partition(|c| c.expires.is_none_or(|e| e > now));
    if live.is_empty() && !expired.is_empty() {
        let newest = expired.iter().filter_map(|c| c.expires).fold(f64::MIN, f64::max);
        let when = chrono::DateTime::from_timestamp(newest as i64, 0)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "every cookie for {} in {from} has expired (the last on {when})",
            pp.platform.name
        ))
        .hint(format!(
            "sign in to {} in your browser and export the cookies again",
            pp.platform.name
        ))
        .into());
    }
    let mine = live;
    if mine.is_empty() {
        return Err(Failure::usage(format!(
            "{} has no cookies for {} ({} cookies for other sites were ignored)",
            from,
            pp.platform.domains.join(", "),
            total
        ))
        .hint(format!("export the cookies while signed in to {}", pp.platform.name))
        .into());
    }
    Ok(mine)
}

#[allow(clippy::too_many_arguments)]
async fn sign_in(
    ctx: &Context,
    browser: &Browser,
    pp: &PlatformPlan,
    login: &LoginProbe,
    imported: Option<Vec<Cookie>>,
    credentials: Option<secrets::Credentials>,
    options: &AuditOptions,
    wait: Duration,
    headed: bool,
) -> Result<Verified, Failure> {
    let tab = browser
        .open_tab(allowed(pp))
        .await
        .map_err(|e| Failure::incomplete(format!("{e:#}")))?;
    let login_url = pp.url(&login.url);
    let outcome = if let Some(cookies) = imported {
        tab.set_cookies(&cookies)
            .await
            .map_err(|e| Failure::incomplete(format!("{e:#}")))?;
        None
    } else if let (Some(c), Some(form)) = (&credentials, &login.form) {
        // Stored credentials: type them (in the window, if there is one).
        match signin::sign_in(&tab, pp, form, &login_url, c, options.timeout).await {
            Ok(()) => None,
            Err(e) if headed => {
                ctx.console.note(&format!(
                    "signing in with the stored credentials stopped ({}); finish in the window",
                    e.0
                ));
                Some(wait_for_person(&tab, pp, login, &login_url, wait, false).await)
            }
            Err(e) => Some(Verified::NotSignedIn(e.0)),
        }
    } else {
        ctx.console.print(&format!(
            "Sign in to {} in the window that opened; privaudit waits up to {} s.\n",
            pp.platform.name,
            wait.as_secs()
        ));
        Some(wait_for_person(&tab, pp, login, &login_url, wait, true).await)
    };
    if let Some(Verified::NotSignedIn(why)) = outcome {
        tab.close().await;
        return Ok(Verified::NotSignedIn(why));
    }
    // Kept (staged, when imported or on a pool) before it is proved: on a
    // pool the proving read runs in a fresh browser context, which gets the
    // session only from the state.
    audit::session::keep(browser, &tab, pp, options).await;
    tab.close().await;
    // Prove it: read the platform's settings as check would.
    let one = plan::Plan {
        platforms: vec![pp.clone()],
        ..plan::Plan::default()
    };
    let findings = audit::check(browser, &one, options, &|_| {}).await;
    Ok(verdict(&findings))
}

/// Only a setting read from a signed-in page proves a session: a page that
/// failed to load, or a control that could not be found, proves nothing.
fn verdict(findings: &[audit::Finding]) -> Verified {
    if let Some(f) = findings.iter().find(|f| f.status == Status::LoginRequired) {
        return Verified::NotSignedIn(f.message.clone().unwrap_or_else(|| "still signed out".into()));
    }
    let read = |s: Status| matches!(s, Status::Ok | Status::Drift | Status::ReEnabled);
    if findings.iter().any(|f| read(f.status)) {
        return Verified::SignedIn;
    }
    let why = findings
        .iter()
        .find_map(|f| f.message.clone())
        .unwrap_or_else(|| "the platform has no setting privaudit can read".into());
    Verified::Unconfirmed(format!("no setting could be read to confirm the session: {why}"))
}

/// Waits for the person to sign in: the signed-in marker appears, or the
/// tab leaves the sign-in page for another page of the platform.
async fn wait_for_person(
    tab: &Tab,
    pp: &PlatformPlan,
    login: &LoginProbe,
    login_url: &str,
    wait: Duration,
    navigate: bool,
) -> Verified {
    if navigate {
        if let Err(e) = tab.goto(login_url).await {
            return Verified::NotSignedIn(format!("the sign-in page did not load: {e}"));
        }
    }
    let guard = allowed(pp);
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let url = tab.current_url().await.unwrap_or_default();
        if tab.cdp().is_gone() {
            return Verified::NotSignedIn("the window was closed before signing in finished".into());
        }
        if let Some(m) = &login.signed_in {
            if matches!(tab.locate(m).await, Ok(Located::One(_) | Located::Many(_))) {
                return Verified::SignedIn;
            }
        }
        let on_form = match &login.form {
            Some(f) => signin::shown(tab, &f.password).await.is_some(),
            None => false,
        };
        if guard.allows(&url) && !same_path(&url, login_url) && !on_form {
            return Verified::SignedIn;
        }
    }
    Verified::NotSignedIn(format!("signing in did not finish within {} s", wait.as_secs()))
}

/// Whether a window can be shown here (X11 or Wayland).
pub(super) fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
