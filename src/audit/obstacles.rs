//! What stands between a page and its controls, before the rule is blamed
//! for a missing one: a signed-out session (the sign-in page, a sign-in
//! form, the signed-in marker gone), a captcha or bot wall, or a site that
//! does not answer at all.

use crate::browser::locate::Located;
use crate::browser::{NavError, Tab};
use crate::plan::PlatformPlan;

use super::finding::{FailureClass, Status};
use super::scope::same_path;
use super::stop::Stop;

/// The host did not answer (DNS, refused, TLS): every page of the platform
/// would fail alike, so the platform stops with one message naming the
/// origin, not one per page.
pub fn site_unreachable(pp: &PlatformPlan, url: &str, e: &NavError) -> Stop {
    let origin = url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_string());
    let reason = match e {
        NavError::Failed { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    let why = format!(
        "{} did not answer at {origin} ({reason}); check that it is reachable and try again",
        pp.platform.name
    );
    Stop::new(Status::Error, FailureClass::Unreachable, why, true)
}

pub fn signed_out(pp: &PlatformPlan, why: &str) -> Stop {
    let (id, name) = (&pp.platform.id, &pp.platform.name);
    // Credentials help only where the rule can type them.
    let unattended = match pp.platform.can_sign_in() {
        true => format!(" (and `privaudit auth set {id}` to let scheduled runs sign in by themselves)"),
        false => String::new(),
    };
    let message = format!("not signed in to {name} ({why}); run `privaudit login {id}`{unattended}");
    Stop::new(Status::LoginRequired, FailureClass::SignedOut, message, true)
}

/// A page read without the rule's signed-in marker on it was read signed
/// out (some sites show settings to anonymous sessions too): nothing on it
/// is the account's.
pub async fn marker_missing(tab: &Tab, pp: &PlatformPlan) -> Option<Stop> {
    let probe = pp.platform.login.as_ref()?.signed_in.as_ref()?;
    match tab.locate(probe).await {
        Ok(Located::None) => Some(signed_out(
            pp,
            &format!("the signed-in marker ({probe}) is not on the page"),
        )),
        _ => None,
    }
}

/// Names that mean a person has to be there: captchas and bot walls.
pub const HUMAN_CHECK: &str = r"(?i)captcha|are you a robot|i'?m not a robot|verify (that )?you('| a)re (a )?human|security check|verify it'?s you|confirm it'?s you|unusual (login|sign-in) activity|let'?s do a quick security check|access denied|unusual traffic";

/// Why a control is not on the page, before blaming the rule: a session
/// signed out after load (a client-side route to the sign-in view), a
/// sign-in form, a captcha or bot wall.
pub async fn why_missing(tab: &Tab, pp: &PlatformPlan) -> Option<Stop> {
    // The page tried to leave the platform's domains after it loaded (a
    // script's redirect): the guard held it on a page that was going away.
    if let Some(blocked) = tab.violation() {
        return Some(Stop::new(
            Status::Error,
            FailureClass::Blocked,
            NavError::OutsideDomains(blocked).to_string(),
            true,
        ));
    }
    let mut marker_present = false;
    if let Some(login) = &pp.platform.login {
        let now = tab.current_url().await.unwrap_or_default();
        if same_path(&now, &pp.url(&login.url)) {
            return Some(signed_out(pp, "the page moved to the sign-in page after it loaded"));
        }
        if let Some(probe) = &login.signed_in {
            if matches!(tab.locate(probe).await, Ok(Located::None)) {
                return Some(signed_out(
                    pp,
                    &format!("the signed-in marker ({probe}) is not on the page"),
                ));
            }
            marker_present = true;
        }
    }
    // Without a marker to trust, a password field on the page is a sign-in
    // form (with one, it is more likely a "change password" section).
    const SIGN_IN_FORM: &str = "(() => Array.from(document.querySelectorAll('input[type=password]')).some(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; }))()";
    if !marker_present && matches!(tab.evaluate(SIGN_IN_FORM).await, Ok(serde_json::Value::Bool(true))) {
        return Some(signed_out(pp, "the page shows a sign-in form"));
    }
    if let Ok(snapshot) = tab.snapshot().await {
        if let Ok(human) = regex::Regex::new(HUMAN_CHECK) {
            let wall = snapshot
                .items()
                .iter()
                .filter(|i| {
                    !i.ignored
                        && matches!(
                            i.role.as_str(),
                            "Iframe" | "iframe" | "heading" | "alert" | "dialog" | "alertdialog"
                        )
                })
                .find(|i| human.is_match(&i.name));
            if let Some(wall) = wall {
                return Some(Stop::new(
                    Status::Unreadable,
                    FailureClass::Blocked,
                    format!(
                        "{} shows a human check or a block page (\"{}\"): open the page yourself once",
                        pp.platform.name,
                        wall.name.chars().take(80).collect::<String>()
                    ),
                    true,
                ));
            }
        }
    }
    None
}
