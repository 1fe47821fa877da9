//! A platform's saved session in a run, the same way on every browser: its
//! tab is seeded with the session's portable state (on a browser privaudit
//! started on the session's profile, whichever of the two is newer wins;
//! on a pool's fresh browser context, it is the whole session), and once
//! the platform was read signed in, what the browser now holds is written
//! back, so cookies the platform renewed are not lost.

use std::collections::BTreeMap;

use super::options::AuditOptions;
use crate::browser::{Browser, Cookie, Tab};
use crate::plan::PlatformPlan;
use crate::sessions::state::{self, State};

/// Opens the platform's tab (its navigation guard on), seeded with its
/// saved session if it has one.
pub async fn open_tab(browser: &Browser, pp: &PlatformPlan, options: &AuditOptions) -> anyhow::Result<Tab> {
    let tab = browser.open_tab(super::scope::allowed(pp)).await?;
    let Some(session) = options.sessions.get(&pp.platform.id) else {
        return Ok(tab);
    };
    options
        .opened
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(pp.platform.id.clone(), (tab.context().cloned(), false));
    let saved = match session.state() {
        Ok(Some(saved)) => saved,
        Ok(None) => return Ok(tab),
        // The profile beside it may still hold the session (a local run);
        // on a pool the platform then reads as signed out, and says why.
        Err(e) => {
            tracing::warn!(
                "{}: the saved session's portable copy cannot be used ({e:#}); run `privaudit login {}`",
                pp.platform.id,
                pp.platform.id
            );
            return Ok(tab);
        }
    };
    let hosts = super::scope::cookie_hosts(pp);
    let now = chrono::Utc::now().timestamp() as f64;
    // The newer copy of the session wins: a profile used since the state
    // was saved keeps its cookies (they may be rotated tokens); a state
    // renewed on a pool since then replaces them.
    let held = if session.state_is_newer() {
        Vec::new()
    } else {
        browser.cookies_of(&tab).await?
    };
    let seed: Vec<Cookie> = state::missing_from(&saved.cookies, &held)
        .into_iter()
        .filter(|c| c.belongs_to(&hosts) && c.expires.is_none_or(|e| e > now))
        .cloned()
        .collect();
    if !seed.is_empty() && tab.set_cookies(&seed).await.is_err() {
        // One cookie Chromium refuses (too long, a bad name) must not cost
        // the others: one at a time, skipping the refused.
        let mut refused = 0;
        for cookie in &seed {
            if tab.set_cookies(std::slice::from_ref(cookie)).await.is_err() {
                refused += 1;
            }
        }
        tracing::warn!(
            "{}: the browser refused {refused} of the session's {} cookies",
            pp.platform.id,
            seed.len()
        );
    }
    let storage: BTreeMap<_, _> = saved
        .local_storage
        .into_iter()
        .filter(|(origin, _)| origin_belongs(origin, &hosts))
        .collect();
    tab.seed_local_storage(&storage).await?;
    tracing::debug!(
        "{}: seeded the tab with {} of {} saved cookies and the local storage of {} origins",
        pp.platform.id,
        seed.len(),
        saved.cookies.len(),
        storage.len()
    );
    Ok(tab)
}

/// Writes back what the browser holds for the platform now. Only after
/// the platform was read signed in: a signed-out browser's cookies would
/// replace a session that a new sign-in could still renew.
pub async fn keep(browser: &Browser, tab: &Tab, pp: &PlatformPlan, options: &AuditOptions) {
    keep_context(browser, tab.context().cloned(), Some(tab), pp, options).await;
}

/// Notes that a page of the platform was just read signed in.
pub fn read_signed_in(pp: &PlatformPlan, options: &AuditOptions) {
    if let Some(entry) = options
        .opened
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_mut(&pp.platform.id)
    {
        entry.1 = true;
    }
}

/// After an interrupt, keeps the session of every platform a page of which
/// was read signed in before it, from the browser context its tab was in
/// (the tab itself was dropped with the interrupted work).
pub async fn rescue(browser: &Browser, plan: &crate::plan::Plan, options: &AuditOptions) {
    let opened = options
        .opened
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    for pp in &plan.platforms {
        if let Some((context, true)) = opened.get(&pp.platform.id) {
            keep_context(browser, context.clone(), None, pp, options).await;
        }
    }
}

async fn keep_context(
    browser: &Browser,
    context: Option<chromiumoxide::cdp::browser_protocol::browser::BrowserContextId>,
    tab: Option<&Tab>,
    pp: &PlatformPlan,
    options: &AuditOptions,
) {
    let Some(session) = options.sessions.get(&pp.platform.id) else {
        return;
    };
    let hosts = super::scope::cookie_hosts(pp);
    let cookies = match browser.cookies_in_context(context).await {
        Ok(all) => all.into_iter().filter(|c| c.belongs_to(&hosts)).collect::<Vec<_>>(),
        Err(e) => {
            tracing::warn!("{}: the session was not saved: {e:#}", pp.platform.id);
            return;
        }
    };
    let mut local_storage = match session.state() {
        Ok(Some(old)) => old.local_storage,
        _ => BTreeMap::new(),
    };
    if let Some((origin, items)) = match tab {
        Some(tab) => tab.local_storage(state::LOCAL_STORAGE_LIMIT).await,
        None => None,
    } {
        if origin_belongs(&origin, &hosts) && !items.is_empty() {
            local_storage.insert(origin, items);
        }
    }
    if cookies.is_empty() && local_storage.is_empty() {
        // Nothing that could sign anyone in: not worth replacing a session with.
        return;
    }
    let now = State { cookies, local_storage };
    if let Err(e) = session.keep(&now) {
        tracing::warn!("{}: the session was not saved: {e:#}", pp.platform.id);
    }
}

/// Whether a page origin is one of the platform's hosts.
fn origin_belongs(origin: &str, hosts: &[String]) -> bool {
    let Some(host) = url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    else {
        return false;
    };
    hosts.iter().any(|declared| {
        let declared = declared.to_ascii_lowercase();
        match declared.strip_prefix("*.") {
            Some(parent) => host == parent || host.ends_with(&format!(".{parent}")),
            None => host == declared,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_storage_is_kept_only_for_the_platforms_own_origins() {
        let hosts = vec!["www.example.com".to_string(), "*.example.org".to_string()];
        assert!(origin_belongs("https://www.example.com", &hosts));
        assert!(origin_belongs("https://a.example.org", &hosts));
        assert!(origin_belongs("https://example.org", &hosts));
        assert!(!origin_belongs("https://example.com", &hosts));
        assert!(!origin_belongs("https://www.example.com.evil.net", &hosts));
        assert!(!origin_belongs("null", &hosts));
    }
}
