//! Acting on a page as a careful person would: a click only lands on the
//! element meant, once it is attached, visible, enabled, still (the same box
//! on two frames) and the topmost thing at the point clicked. Anything in
//! the way (a cookie banner, a toast, a sticky header) is named and never
//! clicked. Choosing an option and typing go through privaudit's own fixed
//! functions, never rule code.

use std::time::{Duration, Instant};

use anyhow::anyhow;
use chromiumoxide::cdp::browser_protocol::dom::ResolveNodeParams;
use chromiumoxide::cdp::browser_protocol::input::{
    DispatchMouseEventParams, DispatchMouseEventType, InsertTextParams, MouseButton,
};
use chromiumoxide::cdp::js_protocol::runtime::{CallArgument, CallFunctionOnParams, RemoteObjectId};

use super::cdp::{node, CdpError};
use super::tab::Tab;

/// Why an action was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ActError {
    /// Something else is on top of the element at the point to click.
    #[error("{target} is covered by {by}: privaudit does not click through it")]
    Covered { target: String, by: String },
    #[error("{0} is disabled")]
    Disabled(String),
    #[error("{0} is not visible (no size, or hidden)")]
    Hidden(String),
    #[error("{0} keeps moving (an animation that does not end)")]
    Unstable(String),
    /// The element was replaced by the page (a re-render): locate it again.
    #[error("the element was replaced by the page while privaudit acted on it")]
    Detached,
    #[error(transparent)]
    Cdp(CdpError),
    #[error("{0}")]
    Other(String),
}

impl From<CdpError> for ActError {
    fn from(e: CdpError) -> ActError {
        if e.is_detached() {
            ActError::Detached
        } else {
            ActError::Cdp(e)
        }
    }
}

/// Scrolls the element into the middle of the view when it is not wholly in
/// view, waits two frames and reports where it is. A hidden checkbox or
/// radio with a visible label (the styled-toggle recipe) is clicked through
/// its label, as a person would.
const PREPARE: &str = r#"async function (centre) {
  const frame = () => new Promise(done => { requestAnimationFrame(() => done()); setTimeout(done, 60); });
  const box = e => e.getBoundingClientRect();
  const shown = e => { const r = box(e); const s = getComputedStyle(e); return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'; };
  let el = this;
  if (!el.isConnected) return { state: 'detached' };
  const disabled = el.disabled === true || el.getAttribute('aria-disabled') === 'true';
  if (!shown(el) && el.labels && el.labels.length) {
    const label = Array.from(el.labels).find(shown);
    if (label) el = label;
  }
  if (!shown(el)) return { state: 'hidden', disabled };
  const r = box(el);
  const whole = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
  if (centre || !whole) el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  await frame();
  const a = box(el);
  await frame();
  const b = box(el);
  const stable = Math.abs(a.x - b.x) < 1 && Math.abs(a.y - b.y) < 1 && Math.abs(a.width - b.width) < 1 && Math.abs(a.height - b.height) < 1;
  return { state: 'ok', disabled, stable, viaLabel: el !== this };
}"#;

/// Whether the element is the topmost thing at its centre (across open
/// shadow roots, and through same-origin frames up to the page), and if so
/// where that centre is in the page's coordinates; otherwise what covers it,
/// as a person would call it: its role (or tag) and name.
const HIT_TEST: &str = r#"function () {
  const inside = (n, t) => { for (; n; n = n.parentNode || n.host) { if (n === t) return true; } return false; };
  const describe = n => {
    const landmark = { HEADER: 'banner', NAV: 'navigation', ASIDE: 'complementary', FOOTER: 'contentinfo', DIALOG: 'dialog', FORM: 'form', BUTTON: 'button', A: 'link' };
    for (let e = n; e; e = e.parentElement || (e.getRootNode && e.getRootNode().host)) {
      const role = e.getAttribute('role') || landmark[e.tagName];
      const by = e.getAttribute('aria-labelledby');
      const labelled = by ? by.split(/\s+/).map(id => (e.getRootNode().getElementById ? e.getRootNode().getElementById(id) : null)).filter(Boolean).map(x => x.textContent).join(' ') : '';
      let name = e.getAttribute('aria-label') || labelled || e.getAttribute('title') || '';
      if (role) {
        if (!name) name = ((e.innerText || e.textContent || '').trim().split('\n')[0] || '').slice(0, 60);
        return role + (name ? ' "' + name.trim() + '"' : '');
      }
    }
    return n.tagName ? n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') : 'another element';
  };
  // Is the point on `target`: the target or inside it, inside one of its
  // labels, or on the host of a closed shadow root the target is in?
  // The shadow host counts when the point is inside the target's box: a
  // closed root cannot be looked into, and light-DOM text slotted into the
  // target (its label's words) is reported as the host.
  const onTarget = (hit, target, x, y) => {
    if (inside(hit, target)) return true;
    if (Array.from(target.labels || []).some(l => inside(hit, l))) return true;
    const r = target.getBoundingClientRect();
    const within = x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
    for (let root = target.getRootNode(); root && root.host; root = root.host.getRootNode()) {
      if (root.host === hit && within) return true;
    }
    return false;
  };
  const deepest = (doc, x, y) => {
    let hit = doc.elementFromPoint(x, y);
    while (hit && hit.shadowRoot) {
      const deeper = hit.shadowRoot.elementFromPoint(x, y);
      if (!deeper || deeper === hit) break;
      hit = deeper;
    }
    return hit;
  };
  // Where a person would click: the middle of the element; for a label
  // (a hidden control's), also the middle of what it shows (text, a drawn
  // switch), since a wide label's middle may be empty space.
  const centre = e => { const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; };
  const points = [centre(this)];
  if (this.tagName === 'LABEL') {
    for (const child of this.querySelectorAll('*')) {
      const r = child.getBoundingClientRect();
      if (r.width > 1 && r.height > 1 && points.length < 12) points.push(centre(child));
    }
  }
  let covered = null;
  for (const [px, py] of points) {
    let x = px, y = py, doc = this.ownerDocument, target = this, ok = true;
    for (;;) {
      const hit = deepest(doc, x, y);
      if (!hit) { covered = covered || 'nothing: the point is outside the view'; ok = false; break; }
      if (!onTarget(hit, target, x, y)) { covered = covered || describe(hit); ok = false; break; }
      const frame = doc.defaultView && doc.defaultView.frameElement;
      if (!frame) break;
      const f = frame.getBoundingClientRect();
      x += f.left + frame.clientLeft;
      y += f.top + frame.clientTop;
      doc = frame.ownerDocument;
      target = frame;
    }
    if (ok) return { x, y };
  }
  return { covered };
}"#;

#[derive(serde::Deserialize)]
struct Hit {
    x: Option<f64>,
    y: Option<f64>,
    covered: Option<String>,
}

#[derive(serde::Deserialize)]
struct Prepared {
    state: String,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    stable: bool,
    #[serde(default, rename = "viaLabel")]
    via_label: bool,
}

impl Tab {
    /// A real mouse click in the middle of the element, once it can take one
    /// (see the module comment). `what` names the element in messages.
    /// Gives up at `deadline`; never clicks anything else.
    pub async fn click(&self, backend_id: i64, what: &str, deadline: Instant) -> Result<(), ActError> {
        let mut centre = false;
        let mut covered_since: Option<Instant> = None;
        loop {
            let prepared: Prepared =
                serde_json::from_value(self.call_on(backend_id, PREPARE, serde_json::json!(centre)).await?)
                    .map_err(|e| ActError::Other(format!("unexpected answer from the page: {e}")))?;
            let now = Instant::now();
            let retry = match prepared.state.as_str() {
                "detached" => return Err(ActError::Detached),
                _ if prepared.disabled => return Err(ActError::Disabled(what.to_string())),
                "hidden" => Err(ActError::Hidden(what.to_string())),
                _ if !prepared.stable => Err(ActError::Unstable(what.to_string())),
                _ => {
                    let target = if prepared.via_label {
                        self.label_of(backend_id).await?.unwrap_or(backend_id)
                    } else {
                        backend_id
                    };
                    let hit: Hit =
                        serde_json::from_value(self.call_on(target, HIT_TEST, serde_json::Value::Null).await?)
                            .map_err(|e| ActError::Other(format!("unexpected answer from the page: {e}")))?;
                    tracing::debug!(what, x = ?hit.x, y = ?hit.y, covered = ?hit.covered, "hit test");
                    match (hit.x, hit.y, hit.covered) {
                        (Some(x), Some(y), None) => return self.mouse_click(x, y).await,
                        (_, _, by) => {
                            // A banner at the edge of the view: the element
                            // in the middle of the view may be clear of it.
                            centre = true;
                            let since = *covered_since.get_or_insert(now);
                            if now.duration_since(since) > Duration::from_secs(5) || now >= deadline {
                                return Err(ActError::Covered {
                                    target: what.to_string(),
                                    by: by.unwrap_or_else(|| "another element".into()),
                                });
                            }
                            Ok(())
                        }
                    }
                }
            };
            if let Err(e) = retry {
                if now >= deadline {
                    return Err(e);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first visible label of a hidden input (what PREPARE chose).
    async fn label_of(&self, backend_id: i64) -> Result<Option<i64>, ActError> {
        const FIRST_SHOWN_LABEL: &str = "function () { for (const l of (this.labels || [])) { const r = l.getBoundingClientRect(); if (r.width > 1 && r.height > 1) return l; } return null; }";
        let object = self.object_of(backend_id).await?;
        let call = CallFunctionOnParams::builder()
            .function_declaration(FIRST_SHOWN_LABEL)
            .object_id(object)
            .build()
            .map_err(ActError::Other)?;
        let answer = self.cdp.call(call).await?;
        let Some(label) = answer.result.object_id else {
            return Ok(None);
        };
        let described = self
            .cdp
            .call(
                chromiumoxide::cdp::browser_protocol::dom::DescribeNodeParams::builder()
                    .object_id(label)
                    .build(),
            )
            .await?;
        Ok(Some(*described.node.backend_node_id.inner()))
    }

    async fn mouse_click(&self, x: f64, y: f64) -> Result<(), ActError> {
        for (kind, clicks) in [
            (DispatchMouseEventType::MouseMoved, 0),
            (DispatchMouseEventType::MousePressed, 1),
            (DispatchMouseEventType::MouseReleased, 1),
        ] {
            let mut event = DispatchMouseEventParams::builder().r#type(kind.clone()).x(x).y(y);
            if clicks > 0 {
                event = event.button(MouseButton::Left).buttons(1).click_count(clicks);
            }
            self.cdp.call(event.build().map_err(ActError::Other)?).await?;
        }
        tracing::debug!(x, y, "clicked");
        Ok(())
    }

    /// A handle on the element for calling functions on it.
    pub(super) async fn object_of(&self, backend_id: i64) -> Result<RemoteObjectId, ActError> {
        let resolved = self
            .cdp
            .call(ResolveNodeParams::builder().backend_node_id(node(backend_id)).build())
            .await?;
        resolved.object.object_id.ok_or(ActError::Detached)
    }

    /// Runs one of privaudit's own fixed functions on an element with a JSON
    /// argument and returns its JSON result.
    pub async fn call_on(
        &self,
        backend_id: i64,
        function: &str,
        argument: serde_json::Value,
    ) -> Result<serde_json::Value, ActError> {
        self.call_on_with(backend_id, function, CallArgument::builder().value(argument).build())
            .await
    }

    async fn call_on_with(
        &self,
        backend_id: i64,
        function: &str,
        argument: CallArgument,
    ) -> Result<serde_json::Value, ActError> {
        let object = self.object_of(backend_id).await?;
        let call = CallFunctionOnParams::builder()
            .function_declaration(function)
            .object_id(object)
            .argument(argument)
            .return_by_value(true)
            .await_promise(true)
            .user_gesture(true)
            .build()
            .map_err(ActError::Other)?;
        let answer = self.cdp.call(call).await?;
        if let Some(e) = answer.exception_details {
            return Err(ActError::Other(format!("the page refused: {}", e.text)));
        }
        Ok(answer.result.value.unwrap_or(serde_json::Value::Null))
    }

    /// Chooses the option named `option` (or with that `value` attribute)
    /// in a native `<select>`, as a person picking from the list would.
    pub async fn select_option(&self, backend_id: i64, option: &str) -> Result<(), ActError> {
        const SELECT: &str = "function (want) { if (this.disabled) return 'disabled'; for (const o of this.options || []) { if (o.text.trim() === want || o.value === want) { this.value = o.value; this.dispatchEvent(new Event('input', { bubbles: true })); this.dispatchEvent(new Event('change', { bubbles: true })); return 'ok'; } } return 'missing'; }";
        match self
            .call_on(backend_id, SELECT, serde_json::json!(option))
            .await?
            .as_str()
        {
            Some("ok") => Ok(()),
            Some("disabled") => Err(ActError::Disabled("the select".into())),
            _ => Err(ActError::Other(format!("the select has no option named \"{option}\""))),
        }
    }

    /// Replaces a text field's value as typing would (input and change
    /// events). Refuses fields for secrets, whatever the rule's locator said.
    /// Fills a rule's text into a field, unless the field takes a secret,
    /// judged on the element whatever locator found it: its type,
    /// `autocomplete`, masked text, and the words of its name and labels.
    pub async fn fill(&self, backend_id: i64, value: &str, accessible_name: Option<&str>) -> Result<(), ActError> {
        const FILL: &str = "function (a) { const ac = (this.getAttribute('autocomplete') || '').toLowerCase(); const masked = (getComputedStyle(this).webkitTextSecurity || 'none') !== 'none'; const words = new RegExp(a.words, 'i'); const labels = Array.from(this.labels || []).map(l => l.textContent).join(' '); const said = [a.name, labels, this.getAttribute('aria-label'), this.getAttribute('placeholder'), this.getAttribute('name'), this.id].filter(Boolean).join(' '); if (this.type === 'password' || masked || /current-password|new-password|one-time-code|cc-number|cc-csc/.test(ac) || words.test(said)) return 'secret'; this.focus(); this.value = a.value; this.dispatchEvent(new Event('input', { bubbles: true })); this.dispatchEvent(new Event('change', { bubbles: true })); return 'ok'; }";
        let argument = serde_json::json!({
            "value": value,
            "name": accessible_name.unwrap_or_default(),
            "words": crate::rules::secret_fields::SECRET_WORDS,
        });
        match self.call_on(backend_id, FILL, argument).await?.as_str() {
            Some("ok") => Ok(()),
            Some("secret") => Err(ActError::Other(
                "the field takes a password or a one-time code: rules never type into those".into(),
            )),
            _ => Err(ActError::Other("the field did not take the text".into())),
        }
    }

    /// Types `text` into a field as a keyboard would: focus, select what is
    /// there, then insert (frameworks that track the value see real input).
    /// Used for credentials, so the text is never logged or returned.
    pub async fn type_into(&self, backend_id: i64, text: &str) -> anyhow::Result<()> {
        const FOCUS: &str =
            "function () { this.focus(); if (this.select) { this.select(); } return document.activeElement === this || (this.getRootNode && this.getRootNode().activeElement === this); }";
        match self.call_on(backend_id, FOCUS, serde_json::Value::Null).await {
            Ok(serde_json::Value::Bool(true)) => {}
            Ok(_) => return Err(anyhow!("the field cannot take the keyboard focus")),
            Err(e) => return Err(anyhow!("{e}")),
        }
        self.cdp
            .call(InsertTextParams::new(text))
            .await
            .map_err(|_| anyhow!("the browser did not accept the typed text"))?;
        Ok(())
    }

    /// Where the form holding an element would be sent (its resolved
    /// `action`), or None when the element is not in a form.
    pub async fn form_action(&self, backend_id: i64) -> anyhow::Result<Option<String>> {
        const ACTION: &str = "function () { const f = this.form || this.closest('form'); return f ? f.action : null; }";
        Ok(self
            .call_on(backend_id, ACTION, serde_json::Value::Null)
            .await
            .map_err(|e| anyhow!("{e}"))?
            .as_str()
            .map(String::from))
    }

    /// Adds cookies to the browser's cookie store (the session profile).
    pub async fn set_cookies(&self, cookies: &[super::Cookie]) -> anyhow::Result<()> {
        use chromiumoxide::cdp::browser_protocol::network::{CookieParam, SetCookiesParams, TimeSinceEpoch};
        use secrecy::ExposeSecret;
        let mut params = Vec::new();
        for c in cookies {
            let mut b = CookieParam::builder()
                .name(c.name.clone())
                .value(c.value.expose_secret().to_string())
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
        self.cdp
            .call(SetCookiesParams::new(params))
            .await
            .map_err(|_| anyhow!("the browser refused the cookies"))?;
        Ok(())
    }

    /// Waits until every request started after `mark` (the action's save
    /// requests) has finished, or `deadline`. Nothing else counts: a long
    /// poll the page keeps open does not hold the wait, and a save that
    /// takes seconds is waited for.
    pub async fn settle_since(&self, mark: super::network::Mark, deadline: Instant) {
        // The request an action starts is reported a moment after the click.
        let floor = Instant::now() + Duration::from_millis(150);
        while Instant::now() < deadline && (Instant::now() < floor || !self.in_flight.settled_since(mark)) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A mark in the tab's network history, taken before an action.
    pub fn network_mark(&self) -> super::network::Mark {
        self.in_flight.mark()
    }
}
