//! Unattended sign-in with stored credentials, once per platform per run.
//!
//! Credentials are typed only after checking that the page is on one of the
//! platform's declared domains (or the overridden base URL's origin) and that
//! the form would send them there too; the tab's navigation guard blocks a
//! form posted elsewhere anyway. Anything unexpected — a captcha, "verify
//! it's you", a code the stored secret cannot answer, a wrong password —
//! ends the attempt with the reason: never a loop, never a hang.

use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use super::obstacles::HUMAN_CHECK;
use super::scope::{allowed, same_path};
use crate::browser::ax::{AxItem, Snapshot};
use crate::browser::locate::{Found, Located};
use crate::browser::Tab;
use crate::plan::PlatformPlan;
use crate::rules::{LoginForm, Matcher};
use crate::secrets::{totp, Credentials};

/// Why an unattended sign-in stopped. The text is shown to the user: it
/// never contains the username, password or code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFailed(pub String);

pub async fn sign_in(
    tab: &Tab,
    pp: &PlatformPlan,
    form: &LoginForm,
    login_url: &str,
    credentials: &Credentials,
    timeout: Duration,
) -> Result<(), SignInFailed> {
    let fail = |why: &str| Err(SignInFailed(why.to_string()));
    let deadline = Instant::now() + timeout;
    let landed = match tab.goto(login_url).await {
        Ok(url) => url,
        Err(e) => return fail(&format!("the sign-in page did not load: {e}")),
    };
    let guard = allowed(pp);
    if !guard.allows(&landed) {
        return fail(&format!(
            "the sign-in page is at {}, not on one of {}'s domains: credentials were not typed",
            origin_of(&landed),
            pp.platform.name
        ));
    }
    let human = regex::Regex::new(HUMAN_CHECK).map_err(|e| SignInFailed(e.to_string()))?;

    if let Some(username) = &form.username {
        let Some(user_field) = field(tab, username, deadline).await? else {
            return fail("the sign-in form's username field was not found: the rule's [login] form may be stale");
        };
        check_target(tab, pp, &user_field, &landed).await?;
        type_into(tab, &user_field, &credentials.username).await?;
    }
    if let Some(next) = &form.next {
        let Some(button) = field(tab, next, deadline).await? else {
            return fail("the sign-in form's \"next\" button was not found");
        };
        click(tab, &button, deadline).await?;
    }
    let Some(password_field) = field(tab, &form.password, deadline).await? else {
        return fail(&blocked_or(tab, &human, "the password field did not appear").await);
    };
    // The page may have changed between the two steps: check again, right
    // before the secret leaves privaudit.
    check_target(tab, pp, &password_field, &landed).await?;
    type_into(tab, &password_field, credentials.password.expose_secret()).await?;
    let Some(submit) = field(tab, &form.submit, deadline).await? else {
        return fail("the sign-in form's submit button was not found");
    };
    click(tab, &submit, deadline).await?;

    let mut code_sent = false;
    let submitted = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        // Judge only a page that has arrived: mid-navigation the form is
        // gone and the next page (a captcha, a code step) not yet shown,
        // which looked like success. A page that never goes quiet is judged
        // after a few seconds anyway.
        if !arrived(tab).await && submitted.elapsed() < Duration::from_secs(5) && Instant::now() < deadline {
            continue;
        }
        let url = tab.current_url().await.unwrap_or_default();
        if !url.is_empty() && !guard.allows(&url) {
            return fail(&format!(
                "the sign-in left {}'s domains for {}",
                pp.platform.name,
                origin_of(&url)
            ));
        }
        let snapshot = match tab.snapshot().await {
            Ok(s) => s,
            Err(e) => return fail(&format!("the browser stopped answering ({e:#})")),
        };
        if let Some(why) = human_check(&snapshot, &human) {
            return fail(&format!(
                "{} asks for a human check ({why}): sign in by hand once",
                pp.platform.name
            ));
        }
        let code_field = match &form.totp {
            Some(m) => shown(tab, m).await,
            None => None,
        };
        if let Some(code_field) = code_field {
            if code_sent {
                return fail(
                    "the one-time code was not accepted (is the stored TOTP secret the account's current one?)",
                );
            }
            let Some(secret) = &credentials.totp else {
                return fail(&format!(
                    "{} asks for a two-step verification code and no TOTP secret is stored (`privaudit auth set {} --totp`)",
                    pp.platform.name, pp.platform.id
                ));
            };
            let code = totp::code_now(secret).map_err(|e| SignInFailed(e.to_string()))?;
            check_target(tab, pp, &code_field, &landed).await?;
            type_into(tab, &code_field, &code).await?;
            let Some(submit) = field(tab, &form.submit, deadline).await? else {
                return fail("the verification page's submit button was not found");
            };
            click(tab, &submit, deadline).await?;
            code_sent = true;
            continue;
        }
        let still_on_form = shown(tab, &form.password).await.is_some() || same_path(&url, login_url);
        if !still_on_form {
            return Ok(());
        }
        if let Some(alert) = alert_text(&snapshot, credentials) {
            return fail(&format!("the sign-in page says: {alert}"));
        }
        if Instant::now() >= deadline {
            return fail(
                "still on the sign-in page after submitting (wrong password, or an extra step privaudit does not know)",
            );
        }
    }
}

/// The page is past loading and none of its requests has been pending for
/// a moment.
async fn arrived(tab: &Tab) -> bool {
    tab.network_quiet(Duration::from_millis(300))
        && matches!(tab.evaluate("document.readyState").await, Ok(serde_json::Value::String(s)) if s != "loading")
}

async fn field(tab: &Tab, m: &Matcher, deadline: Instant) -> Result<Option<Found>, SignInFailed> {
    tab.wait_for(m, deadline)
        .await
        .map_err(|e| SignInFailed(format!("the browser stopped answering ({e})")))
}

/// The element a locator names on the page now, if it is there.
pub async fn shown(tab: &Tab, m: &Matcher) -> Option<Found> {
    match tab.locate(m).await {
        Ok(Located::One(found)) => Some(found),
        _ => None,
    }
}

async fn type_into(tab: &Tab, node: &Found, text: &str) -> Result<(), SignInFailed> {
    tab.type_into(node.backend_id, text)
        .await
        .map_err(|e| SignInFailed(format!("could not type into the sign-in form ({e:#})")))
}

async fn click(tab: &Tab, node: &Found, deadline: Instant) -> Result<(), SignInFailed> {
    tab.click(node.backend_id, "a sign-in button", deadline)
        .await
        .map_err(|e| SignInFailed(format!("could not press a sign-in button ({e})")))
}

/// Refuses unless the page and the form's destination are allowed.
async fn check_target(tab: &Tab, pp: &PlatformPlan, node: &Found, landed: &str) -> Result<(), SignInFailed> {
    let guard = allowed(pp);
    let page = tab.current_url().await.unwrap_or_else(|| landed.to_string());
    if !guard.allows(&page) {
        return Err(SignInFailed(format!(
            "the sign-in page moved to {}, not one of {}'s domains: credentials were not typed",
            origin_of(&page),
            pp.platform.name
        )));
    }
    if let Ok(Some(action)) = tab.form_action(node.backend_id).await {
        if !action.is_empty() && !guard.allows(&action) {
            return Err(SignInFailed(format!(
                "the sign-in form would send the credentials to {}, not to {}: they were not typed",
                origin_of(&action),
                pp.platform.name
            )));
        }
    }
    Ok(())
}

async fn blocked_or(tab: &Tab, human: &regex::Regex, otherwise: &str) -> String {
    match tab.snapshot().await {
        Ok(s) => human_check(&s, human)
            .map(|why| format!("a human check is in the way ({why}): sign in by hand once"))
            .unwrap_or_else(|| otherwise.to_string()),
        Err(_) => otherwise.to_string(),
    }
}

/// A captcha frame or an identity-check heading, by what it announces.
fn human_check(snapshot: &Snapshot, human: &regex::Regex) -> Option<String> {
    snapshot
        .items()
        .iter()
        .filter(|i| !i.ignored)
        .filter(|i| {
            matches!(
                i.role.as_str(),
                "Iframe" | "iframe" | "heading" | "alert" | "dialog" | "alertdialog" | "StaticText" | "checkbox"
            )
        })
        .find(|i| human.is_match(&i.name))
        .map(|i| truncate(&i.name, 80))
}

/// The text of an alert on the sign-in page (e.g. "Wrong password"), with
/// anything that could be the username or a secret taken out.
fn alert_text(snapshot: &Snapshot, credentials: &Credentials) -> Option<String> {
    let alert = snapshot
        .items()
        .iter()
        .find(|i| i.role == "alert" && !i.ignored && !i.name.trim().is_empty())
        .map(|i| i.name.clone())
        .or_else(|| {
            let container: &AxItem = snapshot.items().iter().find(|i| i.role == "alert" && !i.ignored)?;
            let text = snapshot.text_of(container);
            (!text.is_empty()).then_some(text)
        })?;
    let mut cleaned = alert;
    for secret in [credentials.username.as_str(), credentials.password.expose_secret()] {
        if !secret.is_empty() {
            cleaned = cleaned.replace(secret, "…");
        }
    }
    Some(truncate(&cleaned, 160))
}

fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "an unknown place".into())
}

fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}
