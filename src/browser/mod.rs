//! The browser driver: one headless Chromium over CDP, a tab per platform.
//! Locates controls through the accessibility tree, reads their state, and
//! keeps every tab inside its platform's domains.

pub mod ax;
pub mod find;
pub mod guard;
mod network;
mod reap;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, Context};
use chromiumoxide::cdp::browser_protocol::accessibility::{EnableParams as AxEnable, GetFullAxTreeParams};
use chromiumoxide::cdp::browser_protocol::dom::{GetBoxModelParams, ScrollIntoViewIfNeededParams};
use chromiumoxide::cdp::browser_protocol::target::CreateTargetParams;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::layout::Point;
use chromiumoxide::{BrowserConfig, Page};
use futures::StreamExt;
use tokio::task::JoinHandle;

pub use ax::AxItem;
pub use guard::{Allowed, Violation};

#[derive(Debug, Clone)]
pub struct LaunchOptions {
    pub executable: PathBuf,
    pub headed: bool,
    /// A Chromium profile directory to reuse (a signed-in session); a fresh
    /// private temporary one otherwise.
    pub user_data_dir: Option<PathBuf>,
    pub timeout: Duration,
}

/// Where the browser comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Start a local Chromium.
    Launch(LaunchOptions),
    /// Use an existing CDP endpoint (`ws://…/devtools/browser/…`, or an
    /// `http://host:port` that answers `/json/version`): a browser pool or a
    /// Chromium started elsewhere with `--remote-debugging-port`.
    Remote { url: String, timeout: Duration },
}

pub struct Browser {
    inner: chromiumoxide::Browser,
    handler: JoinHandle<()>,
    /// Deleted when the browser is gone.
    _scratch_profile: Option<tempfile::TempDir>,
    /// The local profile directory; `None` for a remote browser, which is
    /// neither closed nor reaped: it is not ours.
    profile_dir: Option<PathBuf>,
    timeout: Duration,
    /// Turns true when the connection to Chromium is lost.
    gone: tokio::sync::watch::Receiver<bool>,
}

impl Browser {
    pub async fn open(source: &Source) -> anyhow::Result<Browser> {
        match source {
            Source::Launch(options) => Browser::launch(options).await,
            Source::Remote { url, timeout } => Browser::connect(url, *timeout).await,
        }
    }

    async fn connect(url: &str, timeout: Duration) -> anyhow::Result<Browser> {
        let config = chromiumoxide::handler::HandlerConfig {
            request_timeout: timeout,
            viewport: Some(Viewport {
                width: 1280,
                height: 900,
                ..Viewport::default()
            }),
            ..Default::default()
        };
        let connecting = chromiumoxide::Browser::connect_with_config(url, config);
        let (inner, events) = tokio::time::timeout(Duration::from_secs(30), connecting)
            .await
            .map_err(|_| anyhow!("no answer from the browser at {url} within 30 s"))?
            .with_context(|| format!("could not connect to the browser at {url}"))?;
        let (handler, gone) = drive(events);
        Ok(Browser {
            inner,
            handler,
            gone,
            _scratch_profile: None,
            profile_dir: None,
            timeout,
        })
    }

    async fn launch(options: &LaunchOptions) -> anyhow::Result<Browser> {
        let scratch = match &options.user_data_dir {
            Some(_) => None,
            None => Some(
                tempfile::Builder::new()
                    .prefix("privaudit-chromium-")
                    .tempdir()
                    .context("cannot create a temporary browser profile directory")?,
            ),
        };
        let profile_dir = options
            .user_data_dir
            .clone()
            .or_else(|| scratch.as_ref().map(|d| d.path().to_path_buf()))
            .ok_or_else(|| anyhow!("no browser profile directory"))?;

        let mut builder = BrowserConfig::builder()
            .chrome_executable(&options.executable)
            .user_data_dir(&profile_dir)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(options.timeout)
            .window_size(1280, 900)
            .viewport(Viewport {
                width: 1280,
                height: 900,
                ..Viewport::default()
            })
            // Quiet, deterministic start: no first-run UI, no updates, no sync,
            // no GPU (headless servers have none).
            .args([
                "--disable-gpu",
                "--disable-component-update",
                "--disable-domain-reliability",
                "--no-default-browser-check",
                "--no-first-run",
                "--disable-quic",
            ]);
        builder = if options.headed {
            builder.with_head()
        } else {
            builder.new_headless_mode()
        };
        if running_as_root() {
            // Chromium refuses to start its sandbox as root (containers, CI).
            builder = builder.no_sandbox();
        }
        let config = builder
            .build()
            .map_err(|e| anyhow!("invalid browser configuration: {e}"))?;
        let (inner, events) = match chromiumoxide::Browser::launch(config).await {
            Ok(launched) => launched,
            Err(e) => {
                // A half-started Chromium may have left helpers behind.
                reap::reap(&profile_dir, Duration::from_secs(2)).await;
                return Err(e).with_context(|| format!("could not start {}", options.executable.display()));
            }
        };
        let (handler, gone) = drive(events);
        Ok(Browser {
            inner,
            handler,
            gone,
            _scratch_profile: scratch,
            profile_dir: Some(profile_dir),
            timeout: options.timeout,
        })
    }

    /// A new tab that may only load what `allowed` allows.
    pub async fn open_tab(&self, allowed: Allowed) -> anyhow::Result<Tab> {
        let page = self
            .inner
            .new_page(CreateTargetParams::new("about:blank"))
            .await
            .context("could not open a browser tab")?;
        let violation = guard::install(&page, allowed)
            .await
            .context("could not install the domain guard")?;
        page.execute(AxEnable::default())
            .await
            .context("could not enable accessibility")?;
        let in_flight = network::track(&page)
            .await
            .context("could not watch network activity")?;
        Ok(Tab {
            page,
            violation,
            timeout: self.timeout,
            gone: self.gone.clone(),
            in_flight,
        })
    }

    /// Closes Chromium and waits for it to exit, so no process outlives the run.
    /// A remote browser is left running (its tabs are closed already).
    pub async fn shutdown(mut self) {
        let Some(profile_dir) = self.profile_dir.take() else {
            self.handler.abort();
            return;
        };
        let closed = tokio::time::timeout(Duration::from_secs(5), self.inner.close()).await;
        if !matches!(closed, Ok(Ok(_))) {
            let _ = self.inner.kill().await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), self.inner.wait()).await;
        reap::reap(&profile_dir, Duration::from_secs(3)).await;
        self.handler.abort();
    }
}

/// Polls the CDP handler (nothing happens over CDP otherwise). When the
/// connection breaks (Chromium crashed, was killed, or the pool dropped us),
/// pending commands would wait for their timeout: the returned flag tells
/// every tab at once.
fn drive(mut events: chromiumoxide::Handler) -> (JoinHandle<()>, tokio::sync::watch::Receiver<bool>) {
    let (gone_tx, gone) = tokio::sync::watch::channel(false);
    let handler = tokio::spawn(async move {
        while let Some(event) = events.next().await {
            match event {
                Err(chromiumoxide::error::CdpError::InvalidMessage(..)) | Ok(()) => {}
                Err(e) => {
                    tracing::warn!("lost the connection to the browser: {e}");
                    break;
                }
            }
        }
        let _ = gone_tx.send(true);
    });
    (handler, gone)
}

fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Why a page could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum NavError {
    #[error("navigation to {0} was blocked: it is outside the platform's declared domains")]
    OutsideDomains(String),
    #[error("{url} answered HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("{url} did not load within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{url} could not be loaded ({reason})")]
    Failed { url: String, reason: String },
}

pub struct Tab {
    page: Page,
    violation: Violation,
    timeout: Duration,
    gone: tokio::sync::watch::Receiver<bool>,
    in_flight: network::InFlight,
}

/// The connection to Chromium broke while a command was waiting.
#[derive(Debug, thiserror::Error)]
#[error("the connection to the browser was lost")]
pub struct BrowserGone;

impl Tab {
    /// Loads `url` and returns the URL the tab ended on (after redirects).
    pub async fn goto(&self, url: &str) -> Result<String, NavError> {
        let secs = self.timeout.as_secs();
        let nav = match self
            .unless_gone(tokio::time::timeout(self.timeout, self.page.goto(url)))
            .await
        {
            Ok(nav) => nav,
            Err(gone) => {
                return Err(NavError::Failed {
                    url: url.into(),
                    reason: gone.to_string(),
                })
            }
        };
        if let Some(blocked) = self.violation() {
            return Err(NavError::OutsideDomains(blocked));
        }
        match nav {
            Err(_) => return Err(NavError::Timeout { url: url.into(), secs }),
            Ok(Err(e)) => {
                return Err(NavError::Failed {
                    url: url.into(),
                    reason: e.to_string(),
                })
            }
            Ok(Ok(_)) => {}
        }
        // Chromium shows its own error page for refused connections; the
        // navigation entry's status tells a real answer from that.
        let status: Option<u16> = self
            .unless_gone(
                self.page
                    .evaluate("(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0; })()"),
            )
            .await
            .ok()
            .and_then(|r| r.ok())
            .and_then(|r| r.into_value::<u16>().ok());
        let landed = self
            .unless_gone(self.page.url())
            .await
            .ok()
            .and_then(|r| r.ok())
            .flatten()
            .unwrap_or_else(|| url.to_string());
        if landed.starts_with("chrome-error://") || status == Some(0) {
            return Err(NavError::Failed {
                url: url.into(),
                reason: "no answer from the server".into(),
            });
        }
        if let Some(status) = status.filter(|s| *s >= 400) {
            return Err(NavError::Http {
                url: url.into(),
                status,
            });
        }
        Ok(landed)
    }

    /// Runs a CDP exchange, or gives up as soon as the browser is gone.
    async fn unless_gone<T>(&self, work: impl std::future::Future<Output = T>) -> Result<T, BrowserGone> {
        let mut gone = self.gone.clone();
        tokio::select! {
            result = work => Ok(result),
            _ = gone.wait_for(|g| *g) => Err(BrowserGone),
        }
    }

    pub fn violation(&self) -> Option<String> {
        self.violation.lock().ok().and_then(|v| v.clone())
    }

    /// One snapshot of the page's accessibility tree.
    pub async fn snapshot(&self) -> anyhow::Result<Vec<AxItem>> {
        let tree = self
            .unless_gone(self.page.execute(GetFullAxTreeParams::default()))
            .await?
            .context("could not read the accessibility tree")?;
        let mut items: Vec<AxItem> = tree.result.nodes.iter().filter_map(AxItem::from_node).collect();
        // Some Chromium versions omit parentId; childIds always link the tree.
        let mut parents = std::collections::HashMap::new();
        for node in &tree.result.nodes {
            for child in node.child_ids.iter().flatten() {
                parents.insert(child.inner().clone(), node.node_id.inner().clone());
            }
        }
        for item in items.iter_mut().filter(|i| i.parent.is_none()) {
            item.parent = parents.get(&item.id).cloned();
        }
        Ok(items)
    }

    /// The backend node id of the first element matching a CSS selector.
    pub async fn css_node(&self, selector: &str) -> Option<i64> {
        self.page
            .find_element(selector)
            .await
            .ok()
            .map(|e| *e.backend_node_id.inner())
    }

    /// A real mouse click in the middle of the element, as a person would.
    pub async fn click(&self, backend_id: i64) -> anyhow::Result<()> {
        use chromiumoxide::cdp::browser_protocol::dom::BackendNodeId;
        let node = BackendNodeId::new(backend_id);
        self.page
            .execute(ScrollIntoViewIfNeededParams::builder().backend_node_id(node).build())
            .await
            .context("could not scroll to the element")?;
        let model = self
            .page
            .execute(GetBoxModelParams::builder().backend_node_id(node).build())
            .await
            .context("the element has no box to click")?;
        let quad = model.result.model.content.inner();
        if quad.len() < 8 {
            return Err(anyhow!("the element has no box to click"));
        }
        let x = (quad[0] + quad[2] + quad[4] + quad[6]) / 4.0;
        let y = (quad[1] + quad[3] + quad[5] + quad[7]) / 4.0;
        self.page.click(Point { x, y }).await.context("the click failed")?;
        Ok(())
    }

    /// Waits until the page has had no request in flight for a moment, so a
    /// change the page is still sending is not cut off by the next reload.
    pub async fn settle(&self, deadline: std::time::Instant) {
        let since = std::time::Instant::now();
        while std::time::Instant::now() < deadline && !network::settled(&self.in_flight, since) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs one of privaudit's own fixed functions on an element (never rule
    /// code: rules are data). Returns the function's JSON result.
    async fn call_on(
        &self,
        backend_id: i64,
        function: &str,
        argument: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        use chromiumoxide::cdp::browser_protocol::dom::{BackendNodeId, ResolveNodeParams};
        use chromiumoxide::cdp::js_protocol::runtime::{CallArgument, CallFunctionOnParams};
        let resolved = self
            .unless_gone(
                self.page.execute(
                    ResolveNodeParams::builder()
                        .backend_node_id(BackendNodeId::new(backend_id))
                        .build(),
                ),
            )
            .await?
            .context("the element is gone")?;
        let object = resolved
            .result
            .object
            .object_id
            .clone()
            .ok_or_else(|| anyhow!("the element has no handle"))?;
        let call = CallFunctionOnParams::builder()
            .function_declaration(function)
            .object_id(object)
            .argument(CallArgument::builder().value(argument).build())
            .return_by_value(true)
            .user_gesture(true)
            .build()
            .map_err(|e| anyhow!("{e}"))?;
        let result = self
            .unless_gone(self.page.execute(call))
            .await?
            .context("the page refused the call")?;
        Ok(result.result.result.value.clone().unwrap_or(serde_json::Value::Null))
    }

    /// Chooses the option named `option` in a native `<select>`.
    pub async fn select_option(&self, backend_id: i64, option: &str) -> anyhow::Result<()> {
        const SELECT: &str = "function (name) { for (const o of this.options || []) { if (o.text.trim() === name) { this.value = o.value; this.dispatchEvent(new Event('input', { bubbles: true })); this.dispatchEvent(new Event('change', { bubbles: true })); return true; } } return false; }";
        match self.call_on(backend_id, SELECT, serde_json::json!(option)).await? {
            serde_json::Value::Bool(true) => Ok(()),
            _ => Err(anyhow!("the select has no option named \"{option}\"")),
        }
    }

    /// Replaces a text field's value as typing would (input and change events).
    pub async fn fill(&self, backend_id: i64, value: &str) -> anyhow::Result<()> {
        const FILL: &str = "function (v) { this.focus(); this.value = v; this.dispatchEvent(new Event('input', { bubbles: true })); this.dispatchEvent(new Event('change', { bubbles: true })); return true; }";
        self.call_on(backend_id, FILL, serde_json::json!(value))
            .await
            .map(|_| ())
    }

    /// Types `text` into a field as a keyboard would: focus, select what is
    /// there, then insert (frameworks that track the value see real input).
    /// Used for credentials, so the text is never logged or returned.
    pub async fn type_into(&self, backend_id: i64, text: &str) -> anyhow::Result<()> {
        use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
        const FOCUS: &str =
            "function () { this.focus(); if (this.select) { this.select(); } return document.activeElement === this; }";
        match self.call_on(backend_id, FOCUS, serde_json::Value::Null).await? {
            serde_json::Value::Bool(true) => {}
            _ => return Err(anyhow!("the field cannot take the keyboard focus")),
        }
        self.unless_gone(self.page.execute(InsertTextParams::new(text)))
            .await?
            .map_err(|_| anyhow!("the browser did not accept the typed text"))?;
        Ok(())
    }

    /// Where the form holding an element would be sent (its resolved
    /// `action`), or None when the element is not in a form.
    pub async fn form_action(&self, backend_id: i64) -> anyhow::Result<Option<String>> {
        const ACTION: &str = "function () { const f = this.form || this.closest('form'); return f ? f.action : null; }";
        Ok(self
            .call_on(backend_id, ACTION, serde_json::Value::Null)
            .await?
            .as_str()
            .map(String::from))
    }

    /// Adds cookies to the browser's cookie store (the session profile).
    pub async fn set_cookies(&self, cookies: &[crate::cookies::Cookie]) -> anyhow::Result<()> {
        use chromiumoxide::cdp::browser_protocol::network::{CookieParam, TimeSinceEpoch};
        let mut params = Vec::new();
        for c in cookies {
            let mut b = CookieParam::builder()
                .name(c.name.clone())
                .value(c.value.expose().to_string())
                .path(c.path.clone())
                .secure(c.secure)
                .http_only(c.http_only);
            b = if c.domain.starts_with('.') {
                b.domain(c.domain.clone())
            } else {
                // Host-only cookie: bind it to exactly that host.
                let scheme = if c.secure { "https" } else { "http" };
                b.url(format!("{scheme}://{}{}", c.domain, c.path))
            };
            b = b.expires(TimeSinceEpoch::new(c.persistent_expiry()));
            params.push(b.build().map_err(|e| anyhow!("a cookie is incomplete: {e}"))?);
        }
        // Straight to CDP: chromiumoxide's helper insists on an http page,
        // and the tab is still blank.
        self.unless_gone(
            self.page
                .execute(chromiumoxide::cdp::browser_protocol::network::SetCookiesParams::new(
                    params,
                )),
        )
        .await?
        .map_err(|_| anyhow!("the browser refused the cookies"))?;
        Ok(())
    }

    /// The URL the tab shows now.
    pub async fn current_url(&self) -> Option<String> {
        self.page.url().await.ok().flatten()
    }

    /// Blurs every element matching the selectors (what shows the account's
    /// name or picture) before a screenshot. The selectors are data passed to
    /// privaudit's own fixed function.
    pub async fn blur(&self, selectors: &[String]) -> anyhow::Result<()> {
        let list = serde_json::to_string(selectors).context("could not encode selectors")?;
        let script = format!(
            "(function (sels) {{ for (const s of sels) {{ for (const e of document.querySelectorAll(s)) {{ e.style.filter = 'blur(12px)'; }} }} return true; }})({list})"
        );
        self.unless_gone(self.page.evaluate(script))
            .await?
            .context("the page refused the redaction")?;
        Ok(())
    }

    /// A PNG of the horizontal band of the page around an element: its row,
    /// label included, without the rest of the page.
    pub async fn screenshot_band(&self, backend_id: i64) -> anyhow::Result<Vec<u8>> {
        use chromiumoxide::cdp::browser_protocol::dom::BackendNodeId;
        use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, GetLayoutMetricsParams, Viewport};
        let node = BackendNodeId::new(backend_id);
        self.unless_gone(
            self.page
                .execute(ScrollIntoViewIfNeededParams::builder().backend_node_id(node).build()),
        )
        .await?
        .context("could not scroll to the element")?;
        let model = self
            .unless_gone(
                self.page
                    .execute(GetBoxModelParams::builder().backend_node_id(node).build()),
            )
            .await?
            .context("the element has no box")?;
        let metrics = self
            .unless_gone(self.page.execute(GetLayoutMetricsParams::default()))
            .await??;
        let quad = model.result.model.border.inner();
        if quad.len() < 8 {
            return Err(anyhow!("the element has no box"));
        }
        let top = quad[1].min(quad[3]).min(quad[5]).min(quad[7]);
        let bottom = quad[1].max(quad[3]).max(quad[5]).max(quad[7]);
        let view = &metrics.result.css_visual_viewport;
        let margin = 48.0;
        let y = (view.page_y + top - margin).max(0.0);
        let clip = Viewport {
            x: 0.0,
            y,
            width: view.client_width,
            height: (bottom - top) + 2.0 * margin,
            scale: 1.0,
        };
        let params = chromiumoxide::page::ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .clip(clip)
            .capture_beyond_viewport(true)
            .build();
        self.unless_gone(self.page.screenshot(params))
            .await?
            .context("the screenshot failed")
    }

    pub async fn close(self) {
        let _ = self.page.close().await;
    }
}
