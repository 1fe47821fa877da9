//! `privaudit login PLATFORM`: sign in once and keep the session in the
//! platform's own browser profile under the data dir.
//!
//! Three ways: a window where the person signs in (the default); the stored
//! credentials, typed unattended (`--headless`, or the window pre-filled);
//! or a cookie export (`--cookies FILE`, for servers without a display).
//! Each ends by reading the platform's first settings page to prove the
//! session works. No screenshot is ever taken here.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::audit::scope::{allowed, same_path};
use crate::audit::{self, signin, AuditOptions, Status};
use crate::browser::locate::Located;
use crate::browser::{self, Browser, Cookie, LaunchOptions, Tab};
use crate::cli::{Context, ListFormat, LoginArgs};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::plan::{self, PlatformPlan};
use crate::profile::{Preset, Profile};
use crate::rules::LoginProbe;
use crate::secrets;
use crate::sessions::{self, cookie_file, LoginView};

pub fn run(ctx: &Context, args: LoginArgs) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    let base_urls: BTreeMap<String, String> = args.base_urls.iter().cloned().collect();
    let plan = plan::build(
        &catalogue,
        &Profile::preset(Preset::Strict),
        std::slice::from_ref(&args.platform),
        &base_urls,
    )
    .map_err(|e| Failure::usage(e.to_string()).hint("`privaudit rules list` shows the platforms"))?;
    let Some(pp) = plan.platforms.first().cloned() else {
        return Err(Failure::usage(format!("nothing to sign in to for `{}`", args.platform)).into());
    };
    let Some(login) = pp.platform.login.clone() else {
        return Err(Failure::usage(format!(
            "the rules for {} do not say where its sign-in page is ([login] url)",
            pp.platform.name
        ))
        .hint("add a [login] section to the rule file (see CONTRIBUTING.md)")
        .into());
    };
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    let dir = sessions::dir(&ctx.sessions_dir(), &pp.platform.id);
    sessions::ensure(&dir)?;

    let imported = match &args.cookies {
        Some(file) => Some(read_cookies(file, &pp)?),
        None => None,
    };
    let credentials = if imported.is_none() {
        secrets::lookup(&ctx.accounts_path(), &pp.platform.id)
            .ok()
            .flatten()
            .map(|(c, _)| c)
    } else {
        None
    };
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let headless = imported.is_some() || args.headless || !has_display;
    if headless && imported.is_none() && (credentials.is_none() || login.form.is_none()) {
        let why = if login.form.is_none() {
            format!("the rules for {} do not describe its sign-in form", pp.platform.name)
        } else {
            format!("no credentials are stored for {}", pp.platform.id)
        };
        return Err(Failure::usage(format!("cannot sign in without a window: {why}"))
            .hint(format!(
                "run `privaudit login {0}` where a display is available, or import cookies with `privaudit login {0} --cookies cookies.txt`, or store credentials with `privaudit auth set {0}`",
                pp.platform.id
            ))
            .into());
    }

    let executable = browser::find::find_browser(ctx.browser.as_deref())
        .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?;
    let source = browser::Source::Launch(LaunchOptions {
        executable,
        headed: !headless,
        user_data_dir: Some(dir.clone()),
        timeout: ctx.timeout,
    });
    let options = AuditOptions {
        jobs: 1,
        timeout: ctx.timeout,
        evidence: None,
        redact: false,
        credentials: Default::default(),
    };
    let runtime = crate::runtime::new()?;
    let wait = Duration::from_secs(args.wait.max(1));
    let outcome = runtime.block_on(async {
        let browser = Browser::open(&source)
            .await
            .map_err(|e| Failure::usage(format!("cannot start Chromium: {e:#}")))?;
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
    let verified = outcome?;
    if args.format == ListFormat::Json {
        let view = LoginView {
            schema_version: 1,
            platform: pp.platform.id.clone(),
            signed_in: matches!(verified, Verified::SignedIn),
            session: dir.clone(),
            reason: match &verified {
                Verified::SignedIn => None,
                Verified::NotSignedIn(why) | Verified::Unconfirmed(why) => Some(why.clone()),
            },
            at: crate::timestamp::now(),
        };
        ctx.console.print(&(serde_json::to_string_pretty(&view)? + "\n"));
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
        Verified::NotSignedIn(why) => Err(
            Failure::incomplete(format!("not signed in to {}: {why}", pp.platform.name))
                .hint(format!("try `privaudit login {}` again", pp.platform.id))
                .into(),
        ),
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

enum Verified {
    SignedIn,
    NotSignedIn(String),
    /// Nothing said signed out, and nothing proved signed in.
    Unconfirmed(String),
}

fn read_cookies(file: &std::path::Path, pp: &PlatformPlan) -> anyhow::Result<Vec<Cookie>> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
    let all = cookie_file::parse(&text).map_err(|e| {
        Failure::usage(format!("{}: {e}", file.display()))
            .hint("export the cookies as cookies.txt (Netscape format) or as a JSON array")
    })?;
    let mut hosts = pp.platform.domains.clone();
    if let Some(host) = url::Url::parse(&pp.base_url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
    {
        hosts.push(host);
    }
    let total = all.len();
    let mine: Vec<Cookie> = all.into_iter().filter(|c| c.belongs_to(&hosts)).collect();
    if mine.is_empty() {
        return Err(Failure::usage(format!(
            "{} has no cookies for {} ({} cookies for other sites were ignored)",
            file.display(),
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
    tab.close().await;
    if let Some(Verified::NotSignedIn(why)) = outcome {
        return Ok(Verified::NotSignedIn(why));
    }
    // Prove it: read the platform's settings as check would.
    let one = plan::Plan {
        platforms: vec![pp.clone()],
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
