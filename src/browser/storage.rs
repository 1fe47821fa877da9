//! What a browser context holds for a session: its cookies (CDP
//! `Storage.getCookies`, decrypted by Chromium itself) and a page's local
//! storage; and seeding a fresh context with them.

use std::collections::BTreeMap;

use anyhow::anyhow;
use chromiumoxide::cdp::browser_protocol::page::AddScriptToEvaluateOnNewDocumentParams;
use chromiumoxide::cdp::browser_protocol::storage::GetCookiesParams;
use secrecy::ExposeSecret;

use super::{Browser, Cookie, Tab};
use crate::secrets::Secret;

impl Browser {
    /// Every cookie in the browser's default context.
    pub async fn all_cookies(&self) -> anyhow::Result<Vec<Cookie>> {
        self.cookies_in(None).await
    }

    /// Every cookie of the browser context `tab` is in (on a pool, only
    /// that tab's own context).
    pub async fn cookies_of(&self, tab: &Tab) -> anyhow::Result<Vec<Cookie>> {
        self.cookies_in(tab.context.clone()).await
    }

    /// Every cookie of a browser context (None: the default one).
    pub async fn cookies_in_context(
        &self,
        context: Option<chromiumoxide::cdp::browser_protocol::browser::BrowserContextId>,
    ) -> anyhow::Result<Vec<Cookie>> {
        self.cookies_in(context).await
    }

    async fn cookies_in(
        &self,
        context: Option<chromiumoxide::cdp::browser_protocol::browser::BrowserContextId>,
    ) -> anyhow::Result<Vec<Cookie>> {
        let params = GetCookiesParams {
            browser_context_id: context,
        };
        let response = tokio::time::timeout(self.timeout, self.inner.execute(params))
            .await
            .map_err(|_| anyhow!("Chromium did not list its cookies within {:?}", self.timeout))??;
        Ok(response
            .result
            .cookies
            .into_iter()
            .map(|c| Cookie {
                name: c.name,
                value: Secret::from(c.value),
                domain: c.domain,
                path: c.path,
                secure: c.secure,
                http_only: c.http_only,
                expires: (!c.session && c.expires > 0.0).then_some(c.expires),
            })
            .collect())
    }
}

/// Reads the shown page's origin and its local storage, within `limit`
/// bytes; a larger store is a cache, not a session, and is left out.
const READ_LOCAL_STORAGE: &str = "(() => { try { const origin = location.origin; if (!origin || origin === 'null') return null; const items = {}; let size = 0; for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); const v = localStorage.getItem(k); size += k.length + v.length; items[k] = v; } return { origin, items, size }; } catch (_) { return null; } })()";

impl Tab {
    /// The shown page's origin and its local storage; None for a page
    /// without one (about:blank, a denied storage) or one over `limit`
    /// bytes.
    pub async fn local_storage(&self, limit: usize) -> Option<(String, BTreeMap<String, Secret>)> {
        let answer = self.evaluate(READ_LOCAL_STORAGE).await.ok()?;
        let origin = answer.get("origin")?.as_str()?.to_string();
        let size = answer.get("size")?.as_u64()?;
        if size > limit as u64 {
            tracing::debug!("the local storage of {origin} holds {size} bytes; not kept with the session");
            return None;
        }
        let items = answer
            .get("items")?
            .as_object()?
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), Secret::from(v.as_str()?.to_string()))))
            .collect();
        Some((origin, items))
    }

    /// Gives every page this tab loads, before its own scripts run, the
    /// local storage kept for its origin — only keys the page lacks, so a
    /// value the page holds is never replaced by an older one.
    pub async fn seed_local_storage(
        &self,
        by_origin: &BTreeMap<String, BTreeMap<String, Secret>>,
    ) -> anyhow::Result<()> {
        if by_origin.is_empty() {
            return Ok(());
        }
        let plain: BTreeMap<&str, BTreeMap<&str, &str>> = by_origin
            .iter()
            .map(|(origin, items)| {
                (
                    origin.as_str(),
                    items.iter().map(|(k, v)| (k.as_str(), v.expose_secret())).collect(),
                )
            })
            .collect();
        // JSON is a JavaScript expression: the values are data, never code.
        let data = serde_json::to_string(&plain).map_err(|e| anyhow!("cannot encode local storage: {e}"))?;
        let source = format!(
            "(() => {{ const kept = {data}; const items = kept[location.origin]; if (!items) return; try {{ for (const [k, v] of Object.entries(items)) {{ if (localStorage.getItem(k) === null) localStorage.setItem(k, v); }} }} catch (_) {{}} }})()"
        );
        self.cdp
            .call(AddScriptToEvaluateOnNewDocumentParams::new(source))
            .await
            .map_err(|_| anyhow!("the browser refused the session's local storage"))?;
        Ok(())
    }
}
