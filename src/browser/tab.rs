//! A tab and its navigation. A tab belongs to one platform: its domain
//! guard, dialog answerer and network watch are installed before the first
//! page loads.
//!
//! Navigation waits for the new document to be parsed (DOMContentLoaded),
//! never for `load`: a settings page whose vendor script never finishes is
//! still readable once its controls are there. Moving to a URL that differs
//! only in the fragment is a same-document navigation and needs no load.
//! (Navigation is started from the page, not with CDP's `Page.navigate`:
//! chromiumoxide holds that command's answer until the `load` event.)

use std::time::{Duration, Instant};

use anyhow::Context;
use chromiumoxide::cdp::browser_protocol::accessibility::EnableParams as AxEnable;
use chromiumoxide::cdp::browser_protocol::page::{GetFrameTreeParams, NavigateParams};
use chromiumoxide::cdp::browser_protocol::target::CreateTargetParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;

use super::cdp::{Cdp, CdpError};
use super::dialogs::{Dialog, Dialogs};
use super::guard::{self, Allowed, Violation};
use super::launch::Browser;
use super::network::InFlight;

/// How often a wait re-checks its condition. This is the polling interval
/// of condition waits, never a fixed delay.
pub const POLL: Duration = Duration::from_millis(100);

/// The longest one look for the new document may go unanswered while a
/// tab moves between documents (a parsed document answers in
/// milliseconds); the loop around it keeps the page's own deadline.
const BETWEEN_DOCUMENTS: Duration = Duration::from_secs(2);

/// Why a page could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum NavError {
    #[error("navigation to {0} was blocked: it is outside the platform's declared domains")]
    OutsideDomains(String),
    #[error("{url} answered HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("{url} did not load within {secs} s")]
    Timeout { url: String, secs: u64 },
    /// The page kept the browser busy with native dialogs (each answered)
    /// until the time ran out: it loaded, but would not settle.
    #[error("{url} kept opening JavaScript dialogs ({count} answered, the last: \"{last}\") and did not finish loading within {secs} s")]
    Dialogs {
        url: String,
        count: usize,
        last: String,
        secs: u64,
    },
    #[error("{url} could not be loaded ({reason})")]
    Failed { url: String, reason: String },
    #[error("the connection to the browser was lost")]
    Gone,
    /// The tab's renderer died while loading `0` (see [`CdpError::Crashed`]).
    #[error("the page crashed in the browser while {0} loaded (its renderer process died: out of memory, or a fault in Chromium)")]
    Crashed(String),
}

impl NavError {
    /// Chromium could not reach the host at all (DNS, refused, no route,
    /// TLS): every page of the site fails alike, so one is enough to know.
    pub fn host_unreachable(&self) -> bool {
        const HOST_LEVEL: [&str; 9] = [
            "ERR_NAME_NOT_RESOLVED",
            "ERR_CONNECTION_",
            "ERR_ADDRESS_",
            "ERR_INTERNET_DISCONNECTED",
            "ERR_NETWORK_",
            "ERR_UNSAFE_PORT",
            "ERR_CERT_",
            "ERR_SSL_",
            "ERR_PROXY_",
        ];
        matches!(self, NavError::Failed { reason, .. } if HOST_LEVEL.iter().any(|k| reason.contains(k)))
    }
}

pub struct Tab {
    pub(super) cdp: Cdp,
    violation: Violation,
    pub(super) in_flight: InFlight,
    pub(super) dialogs: Dialogs,
    pub(super) timeout: Duration,
    /// The browser context the tab is in; None for the browser's default one.
    pub(super) context: Option<chromiumoxide::cdp::browser_protocol::browser::BrowserContextId>,
}

impl Browser {
    /// A new tab that may only load what `allowed` allows.
    pub async fn open_tab(&self, allowed: Allowed) -> anyhow::Result<Tab> {
        // Each platform's tab in a window of its own: a background tab gets
        // no frames, and Chromium then answers accessibility queries late
        // or never (seen: 30 s for a queryAXTree in the second of two tabs).
        let mut target = CreateTargetParams::builder()
            .url("about:blank")
            .new_window(true)
            .background(false);
        let mut in_context = None;
        if let Some(contexts) = &self.contexts {
            let context = tokio::time::timeout(
                self.timeout,
                self.inner.create_browser_context(
                    // Gone with the connection too: a run killed with -9 leaves
                    // no signed-in context behind in a shared browser.
                    chromiumoxide::cdp::browser_protocol::target::CreateBrowserContextParams::builder()
                        .dispose_on_detach(true)
                        .build(),
                ),
            )
            .await
            .map_err(|_| {
                anyhow::anyhow!(
                    "the browser did not make a browser context within {} s",
                    self.timeout.as_secs()
                )
            })?
            .context("could not make a browser context")?;
            contexts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(context.clone());
            target = target.browser_context_id(context.clone());
            in_context = Some(context);
        }
        let target = target
            .build()
            .map_err(|e| anyhow::anyhow!("could not describe a new tab: {e}"))?;
        let page = tokio::time::timeout(self.timeout, self.inner.new_page(target))
            .await
            .map_err(|_| anyhow::anyhow!("the browser did not open a tab within {} s", self.timeout.as_secs()))?
            .context("could not open a browser tab")?;
        let cdp = Cdp::new(page, self.gone.clone(), self.timeout);
        let main_frame = cdp
            .call(GetFrameTreeParams::default())
            .await
            .ok()
            .map(|tree| tree.frame_tree.frame.id.clone());
        let in_flight = InFlight::track(cdp.page())
            .await
            .context("could not watch network activity")?;
        let violation = guard::install(cdp.page(), allowed, main_frame, in_flight.clone())
            .await
            .context("could not install the domain guard")?;
        let dialogs = Dialogs::install(&cdp).await.context("could not watch for dialogs")?;
        cdp.watch_crashes()
            .await
            .context("could not watch the tab's renderer")?;
        cdp.call(AxEnable::default())
            .await
            .context("could not enable accessibility")?;
        Ok(Tab {
            cdp,
            violation,
            in_flight,
            dialogs,
            timeout: self.timeout,
            context: in_context,
        })
    }
}

impl Tab {
    /// The browser context the tab is in; None for the browser's default one.
    pub fn context(&self) -> Option<&chromiumoxide::cdp::browser_protocol::browser::BrowserContextId> {
        self.context.as_ref()
    }

    pub fn cdp(&self) -> &Cdp {
        &self.cdp
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Loads `url` and returns the URL the tab ended on (after redirects),
    /// once the new document is parsed.
    pub async fn goto(&self, url: &str) -> Result<String, NavError> {
        let deadline = Instant::now() + self.timeout;
        let dialogs_before = self.dialogs.count();
        let current = self.current_url().await.unwrap_or_default();
        let _ = self.in_flight.take_document_error();
        // The old document carries a mark; the new one will not.
        self.mark_document().await;
        // A URL that differs only in its fragment names the same document:
        // assigning it would keep the page as the last setting left it (an
        // open dialog, a backdrop over everything), so it is loaded afresh.
        let navigate = if same_document(&current, url) {
            format!("location.href = {}; location.reload();", js_string(url))
        } else {
            format!("location.assign({});", js_string(url))
        };
        let started = if self.cdp.is_crashed() || self.cdp.is_stalled() {
            // A crashed or stuck tab runs no script: only CDP's own
            // navigation gives it a new document.
            self.cdp.call(NavigateParams::new(url)).await.map(|_| ())
        } else {
            self.evaluate(&navigate).await.map(|_| ())
        };
        started.map_err(|e| match e {
            CdpError::Gone => NavError::Gone,
            CdpError::Crashed => NavError::Crashed(url.into()),
            other => NavError::Failed {
                url: url.into(),
                reason: other.to_string(),
            },
        })?;
        let Some((landed, status)) = self.await_new_document(url, deadline).await? else {
            let opened = self.dialogs.count().saturating_sub(dialogs_before);
            if opened > 0 {
                let seen = self.dialogs.take();
                return Err(NavError::Dialogs {
                    url: url.into(),
                    count: opened,
                    last: seen.last().map(|d| d.message.clone()).unwrap_or_default(),
                    secs: self.timeout.as_secs(),
                });
            }
            return Err(NavError::Timeout {
                url: url.into(),
                secs: self.timeout.as_secs(),
            });
        };
        if let Some(blocked) = self.violation() {
            return Err(NavError::OutsideDomains(blocked));
        }
        // Chromium shows its own error page for refused connections.
        if landed.starts_with("chrome-error://") {
            let reason = self
                .in_flight
                .take_document_error()
                .unwrap_or_else(|| "no answer from the server".into());
            return Err(NavError::Failed {
                url: url.into(),
                reason,
            });
        }
        if status >= 400 {
            return Err(NavError::Http {
                url: url.into(),
                status,
            });
        }
        Ok(landed)
    }

    /// A page that declares a refresh (`<meta http-equiv="refresh">`) is
    /// about to be replaced: what it shows now is not what the account
    /// shows. When the refresh is due before `deadline`, waits once for the
    /// new document and returns where the tab landed; `None` when the page
    /// declares none, or one due too late to wait for.
    pub async fn follow_meta_refresh(&self, deadline: Instant) -> Result<Option<String>, NavError> {
        const DECLARED: &str = r#"(() => { const m = document.querySelector('meta[http-equiv="refresh" i]'); if (!m) return null; const d = parseFloat(m.getAttribute('content') || '0'); return Number.isFinite(d) && d >= 0 ? d : null; })()"#;
        let Ok(serde_json::Value::Number(delay)) = self.evaluate(DECLARED).await else {
            return Ok(None);
        };
        let delay = Duration::from_secs_f64(delay.as_f64().unwrap_or(0.0).min(86_400.0));
        // Chromium starts the refresh a little after it is due.
        let due = Instant::now() + delay + Duration::from_secs(1);
        if due >= deadline {
            return Ok(None);
        }
        self.mark_document().await;
        let url = self.current_url().await.unwrap_or_default();
        let landed = self.await_new_document(&url, deadline).await?;
        // A refresh to another site ends on Chromium's error page.
        if let Some(blocked) = self.violation() {
            return Err(NavError::OutsideDomains(blocked));
        }
        Ok(landed.map(|(landed, _)| landed))
    }

    /// Marks the document the tab shows now, so that
    /// [`Tab::await_new_document`] can tell the next one from it.
    async fn mark_document(&self) {
        let _ = self.evaluate("window.__privauditOldDocument = true;").await;
    }

    /// Waits until the tab shows a parsed document other than the one last
    /// marked; returns where it is and its HTTP status (0 when unknown), or
    /// `None` at `deadline`. `url` names the navigation in errors.
    async fn await_new_document(&self, url: &str, deadline: Instant) -> Result<Option<(String, u16)>, NavError> {
        const NEW_DOCUMENT: &str = "(() => window.__privauditOldDocument === undefined && document.readyState !== 'loading' ? [location.href, ((performance.getEntriesByType('navigation')[0] || {}).responseStatus) || 0] : null)()";
        loop {
            match self.evaluate_within(NEW_DOCUMENT, BETWEEN_DOCUMENTS).await {
                Ok(serde_json::Value::Array(parts)) => {
                    let landed = parts.first().and_then(|v| v.as_str()).unwrap_or(url).to_string();
                    let status = parts.get(1).and_then(|v| v.as_u64()).unwrap_or(0) as u16;
                    return Ok(Some((landed, status)));
                }
                Err(CdpError::Gone) => return Err(NavError::Gone),
                Err(CdpError::Crashed) => return Err(NavError::Crashed(url.into())),
                // Still the old document, or between the two.
                Ok(_) | Err(_) => {}
            }
            if let Some(blocked) = self.violation() {
                return Err(NavError::OutsideDomains(blocked));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Evaluates one of privaudit's own fixed expressions (never rule code:
    /// rules are data) and returns its JSON value.
    pub async fn evaluate(&self, expression: &str) -> Result<serde_json::Value, CdpError> {
        self.evaluate_within(expression, self.timeout).await
    }

    /// Like [`Tab::evaluate`], given at most `limit`: for polls between
    /// documents, where Chromium can leave an evaluation sent to the
    /// document being replaced unanswered for good (seen on a page routing
    /// itself while privaudit navigated away), and the next poll asks the
    /// new one.
    async fn evaluate_within(&self, expression: &str, limit: Duration) -> Result<serde_json::Value, CdpError> {
        let params = EvaluateParams::builder()
            .expression(expression)
            .return_by_value(true)
            .await_promise(true)
            .build()
            .map_err(|e| CdpError::Refused {
                method: "Runtime.evaluate".into(),
                message: e,
            })?;
        let answer = self.cdp.call_within(params, limit).await?;
        if let Some(exception) = answer.exception_details {
            return Err(CdpError::Refused {
                method: "Runtime.evaluate".into(),
                message: exception.text,
            });
        }
        Ok(answer.result.value.unwrap_or(serde_json::Value::Null))
    }

    /// The first URL the guard refused in the top frame, if any.
    pub fn violation(&self) -> Option<String> {
        self.violation.lock().ok().and_then(|v| v.clone())
    }

    /// The URL the tab shows now (after any client-side route change).
    pub async fn current_url(&self) -> Option<String> {
        self.evaluate("location.href")
            .await
            .ok()
            .and_then(|v| v.as_str().map(String::from))
    }

    /// Is the page quiet enough to trust what it shows: no document, XHR or
    /// fetch of the page pending, and none for `window`?
    pub fn network_quiet(&self, window: Duration) -> bool {
        self.in_flight.quiet(window)
    }

    /// The native dialogs the page showed since the last call.
    pub fn take_dialogs(&self) -> Vec<Dialog> {
        self.dialogs.take()
    }

    /// The next `confirm()` the page shows is accepted (a rule step said so).
    pub fn accept_next_dialog(&self) {
        self.dialogs.accept_next();
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.cdp.page().clone().close()).await;
    }
}

/// Do two URLs name the same document (they differ at most in the fragment)?
pub fn same_document(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(mut a), Ok(mut b)) => {
            let fragment = b.fragment().is_some();
            a.set_fragment(None);
            b.set_fragment(None);
            fragment && a == b
        }
        _ => false,
    }
}

/// A string as a JavaScript literal.
pub fn js_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_fragment_change_is_the_same_document() {
        assert!(same_document("https://x.com/settings", "https://x.com/settings#ads"));
        assert!(same_document("https://x.com/settings#a", "https://x.com/settings#b"));
        assert!(
            !same_document("https://x.com/settings#a", "https://x.com/settings"),
            "a reload"
        );
        assert!(!same_document("https://x.com/settings", "https://x.com/privacy#ads"));
        assert!(!same_document("https://x.com/s?a=1", "https://x.com/s?a=2#x"));
    }

    #[test]
    fn strings_are_quoted_for_javascript() {
        assert_eq!(js_string("a'b\"c</script>"), "\"a'b\\\"c</script>\"");
    }
}
