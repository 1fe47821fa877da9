//! Finding elements: by role and accessible name through CDP's
//! `Accessibility.queryAXTree` (scoped to each document, so a page with
//! tens of thousands of nodes costs only what the query returns), or by CSS
//! through the DOM. Same-origin iframes are searched as part of the page,
//! and open shadow roots as part of their host; a rule may name the frame.
//! Elements that only exist once scrolled to (virtualised lists, infinite
//! scroll) are found by scrolling, as a person would.

use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::accessibility::{GetFullAxTreeParams, QueryAxTreeParams};
use chromiumoxide::cdp::browser_protocol::dom::{
    DescribeNodeParams, GetDocumentParams, GetFrameOwnerParams, NodeId, PushNodesByBackendIdsToFrontendParams,
};
use chromiumoxide::cdp::browser_protocol::page::{FrameTree, GetFrameTreeParams};
use chromiumoxide::cdp::js_protocol::runtime::{CallArgument, CallFunctionOnParams};

use super::act::ActError;
use super::ax::{AxItem, Snapshot};
use super::cdp::{node, CdpError};
use super::tab::{Tab, POLL};
use crate::rules::locator::normalise_name;
use crate::rules::Matcher;

/// A document to search: the page's own, or a same-origin iframe's.
#[derive(Debug, Clone)]
pub struct Document {
    pub backend_id: i64,
    /// The iframe's title (or name), normalised; None for the page itself.
    pub frame_title: Option<String>,
    /// The frame the document is in; None for the page itself.
    pub frame_id: Option<chromiumoxide::cdp::browser_protocol::page::FrameId>,
}

/// An element a locator found.
#[derive(Debug, Clone)]
pub struct Found {
    pub backend_id: i64,
    /// The element's accessibility node (role, name, state), if it has one:
    /// a `display:none` checkbox found by CSS has none.
    pub ax: Option<AxItem>,
}

impl Found {
    /// The element behind an accessibility node, if it has one.
    pub fn of(ax: AxItem) -> Option<Found> {
        ax.backend_id.map(|backend_id| Found {
            backend_id,
            ax: Some(ax),
        })
    }

    pub fn role(&self) -> &str {
        self.ax.as_ref().map(|a| a.role.as_str()).unwrap_or("")
    }
}

/// What a search found.
// Short-lived, one per search: boxing the larger variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Located {
    None,
    One(Found),
    Many(usize),
}

/// Searches a document (and its open shadow roots) for a CSS selector.
const DEEP_QUERY: &str = r#"function (selector) {
  const deep = root => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const h = deep(el.shadowRoot); if (h) return h; }
    }
    return null;
  };
  return deep(this);
}"#;

/// Scrolls the page (and its biggest scrollable box) on by most of a
/// screen; says whether anything moved.
const SCROLL_ON: &str = r#"(() => {
  let moved = false;
  const by = Math.round(innerHeight * 0.8);
  const before = scrollY; scrollBy(0, by); if (scrollY !== before) moved = true;
  let best = null, area = 0;
  for (const el of document.querySelectorAll('*')) {
    if (el.scrollHeight > el.clientHeight + 20) {
      const s = getComputedStyle(el).overflowY;
      if ((s === 'auto' || s === 'scroll') && el.clientHeight * el.clientWidth > area) { best = el; area = el.clientHeight * el.clientWidth; }
    }
  }
  if (best) { const top = best.scrollTop; best.scrollTop = top + Math.round(best.clientHeight * 0.8); if (best.scrollTop !== top) moved = true; }
  return moved;
})()"#;

impl Tab {
    /// The page's document and every same-origin frame's (cross-origin
    /// frames are not the platform's and are not searched).
    pub async fn documents(&self) -> Result<Vec<Document>, CdpError> {
        let root = self.cdp.call(GetDocumentParams::builder().depth(0).build()).await?;
        let mut out = vec![Document {
            backend_id: *root.root.backend_node_id.inner(),
            frame_title: None,
            frame_id: None,
        }];
        let tree = self.cdp.call(GetFrameTreeParams::default()).await?;
        let mut frames: Vec<&FrameTree> = tree.frame_tree.child_frames.iter().flatten().collect();
        while let Some(frame) = frames.pop() {
            frames.extend(frame.child_frames.iter().flatten());
            let Ok(owner) = self.cdp.call(GetFrameOwnerParams::new(frame.frame.id.clone())).await else {
                continue;
            };
            let described = self
                .cdp
                .call(
                    DescribeNodeParams::builder()
                        .backend_node_id(owner.backend_node_id)
                        .depth(0)
                        .pierce(true)
                        .build(),
                )
                .await;
            let Ok(described) = described else { continue };
            let Some(document) = &described.node.content_document else {
                continue; // out of process: another origin
            };
            let attributes = described.node.attributes.clone().unwrap_or_default();
            let attribute = |name: &str| {
                attributes
                    .chunks(2)
                    .find(|pair| pair.first().map(String::as_str) == Some(name))
                    .and_then(|pair| pair.get(1).cloned())
            };
            let title = attribute("title")
                .or_else(|| attribute("aria-label"))
                .or_else(|| attribute("name"))
                .or_else(|| frame.frame.name.clone());
            out.push(Document {
                backend_id: *document.backend_node_id.inner(),
                frame_title: title.map(|t| normalise_name(&t)),
                frame_id: Some(frame.frame.id.clone()),
            });
        }
        Ok(out)
    }

    /// Every element `m` names now, in every document it may be in. A
    /// document replaced while it was searched (an app routing itself) is
    /// searched again as it now is; one replaced on every try counts as
    /// holding nothing yet, and the caller's wait looks again.
    pub async fn query(&self, m: &Matcher) -> Result<Vec<Found>, CdpError> {
        for _ in 0..3 {
            match self.query_once(m).await {
                Err(e) if e.is_detached() => tracing::debug!("a document was replaced while searched: {e}"),
                other => return other,
            }
        }
        Ok(Vec::new())
    }

    async fn query_once(&self, m: &Matcher) -> Result<Vec<Found>, CdpError> {
        let documents: Vec<Document> = self
            .documents()
            .await?
            .into_iter()
            .filter(|d| match &m.frame {
                Some(title) => d.frame_title.as_deref() == Some(title.as_str()),
                None => true,
            })
            .collect();
        // queryAXTree waits for the page's load event, which a hanging
        // vendor script can put off for ever: until then, search the whole
        // tree (getFullAXTree answers at once).
        let loaded = self.loaded().await;
        let mut found = Vec::new();
        for document in &documents {
            // A frame's document is never searched with queryAXTree: rooted
            // in a frame whose document is being replaced, it crashed the
            // renderer or went unanswered for good (Chromium 148, every kind
            // of root tried), while the frame's whole tree is answered.
            if m.css.is_none() && (!loaded || document.frame_id.is_some()) {
                let snapshot = self.snapshot_in(document.frame_id.clone()).await?;
                found.extend(snapshot.find(m).into_iter().cloned().filter_map(Found::of));
                continue;
            }
            match &m.css {
                Some(css) => {
                    if let Some(backend_id) = self.css_in(document.backend_id, css).await? {
                        found.push(Found {
                            backend_id,
                            ax: self.ax_of(backend_id).await,
                        });
                    }
                }
                None => found.extend(self.ax_query(document.backend_id, m).await?),
            }
        }
        Ok(found)
    }

    /// Role and name through `Accessibility.queryAXTree`, narrowed to the
    /// exact name first when there is one (cheapest), then by role with the
    /// names normalised here.
    async fn ax_query(&self, document: i64, m: &Matcher) -> Result<Vec<Found>, CdpError> {
        let Some(role) = &m.role else {
            // No role: only the whole tree can be searched by name pattern.
            let snapshot = self.snapshot_of(document).await?;
            return Ok(snapshot.find(m).into_iter().cloned().filter_map(Found::of).collect());
        };
        if let Some(exact) = m.exact_name() {
            let nodes = self.ax_nodes(document, Some(role), Some(exact)).await?;
            if !nodes.is_empty() {
                return Ok(nodes);
            }
        }
        let mut out = Vec::new();
        for candidate in self.ax_nodes(document, Some(role), None).await? {
            let Some(ax) = &candidate.ax else { continue };
            let matched = m.matches_name(&ax.name)
                || (ax.name.trim().is_empty() && {
                    // A nameless status or toast is matched on its text.
                    let text = self.text_of(candidate.backend_id).await;
                    !text.is_empty() && m.matches_name(&text)
                });
            if matched {
                out.push(candidate);
            }
        }
        Ok(out)
    }

    /// Non-ignored nodes under `document` with that role and exact name.
    pub(super) async fn ax_nodes(
        &self,
        document: i64,
        role: Option<&str>,
        name: Option<&str>,
    ) -> Result<Vec<Found>, CdpError> {
        let root = self.node_id_of(document).await?;
        let mut params = QueryAxTreeParams::builder().node_id(root);
        if let Some(role) = role {
            params = params.role(role);
        }
        if let Some(name) = name {
            params = params.accessible_name(name);
        }
        let answer = self.cdp.call(params.build()).await?;
        Ok(answer
            .nodes
            .iter()
            .map(AxItem::from_node)
            .filter(|i| !i.ignored)
            .filter_map(Found::of)
            .collect())
    }

    /// The DOM node id of `backend`, for rooting `queryAXTree`. Never the
    /// backend id itself: a backend id can still name a document the page
    /// has since replaced (an app routing itself), and a query rooted in
    /// one crashed the renderer (Chromium 148). Node ids die with their
    /// document, so a stale root is refused as detached instead.
    async fn node_id_of(&self, backend: i64) -> Result<NodeId, CdpError> {
        for attempt in 0..2 {
            if attempt == 1 {
                // Node ids exist only for a document CDP has been given.
                self.cdp.call(GetDocumentParams::builder().depth(0).build()).await?;
            }
            let pushed = self
                .cdp
                .call(PushNodesByBackendIdsToFrontendParams::new(vec![node(backend)]))
                .await;
            match pushed {
                Ok(pushed) => match pushed.node_ids.first() {
                    Some(id) if *id.inner() != 0 => return Ok(*id),
                    _ => {}
                },
                Err(CdpError::Refused { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Err(CdpError::Refused {
            method: "DOM.pushNodesByBackendIdsToFrontend".into(),
            message: "No node with given id: its document was replaced or it was removed".into(),
        })
    }

    /// The accessibility node of an element, if it has one.
    pub async fn ax_of(&self, backend_id: i64) -> Option<AxItem> {
        use chromiumoxide::cdp::browser_protocol::accessibility::GetPartialAxTreeParams;
        let answer = self
            .cdp
            .call(
                GetPartialAxTreeParams::builder()
                    .backend_node_id(node(backend_id))
                    .fetch_relatives(false)
                    .build(),
            )
            .await
            .ok()?;
        answer
            .nodes
            .iter()
            .map(AxItem::from_node)
            .find(|i| i.backend_id == Some(backend_id) && !i.ignored)
    }

    /// The element's visible text (for nameless status messages).
    async fn text_of(&self, backend_id: i64) -> String {
        self.call_on(
            backend_id,
            "function () { return (this.innerText || this.textContent || '').trim(); }",
            serde_json::Value::Null,
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
    }

    /// The first element matching `css` in a document or its open shadow roots.
    async fn css_in(&self, document: i64, css: &str) -> Result<Option<i64>, CdpError> {
        let object = match self.object_of(document).await {
            Ok(o) => o,
            Err(ActError::Cdp(e)) => return Err(e),
            Err(_) => return Ok(None),
        };
        let call = CallFunctionOnParams::builder()
            .function_declaration(DEEP_QUERY)
            .object_id(object)
            .argument(CallArgument::builder().value(serde_json::json!(css)).build())
            .build()
            .map_err(|e| CdpError::Refused {
                method: "Runtime.callFunctionOn".into(),
                message: e,
            })?;
        let answer = self.cdp.call(call).await?;
        let Some(element) = answer.result.object_id else {
            return Ok(None);
        };
        let described = self
            .cdp
            .call(DescribeNodeParams::builder().object_id(element).build())
            .await?;
        Ok(Some(*described.node.backend_node_id.inner()))
    }

    /// Has the page's load event fired?
    pub async fn loaded(&self) -> bool {
        matches!(self.evaluate("document.readyState").await, Ok(serde_json::Value::String(s)) if s == "complete")
    }

    /// Exactly one element, or how many there were.
    pub async fn locate(&self, m: &Matcher) -> Result<Located, CdpError> {
        let mut found = self.query(m).await?;
        Ok(match found.len() {
            0 => Located::None,
            1 => Located::One(found.remove(0)),
            n => Located::Many(n),
        })
    }

    /// Waits for the first element `m` names, scrolling on when the page is
    /// quiet and it is not there (lazy lists); `None` at the deadline.
    pub async fn wait_for(&self, m: &Matcher, deadline: Instant) -> Result<Option<Found>, CdpError> {
        let started = Instant::now();
        loop {
            if let Some(first) = self.query(m).await?.into_iter().next() {
                return Ok(Some(first));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            if started.elapsed() > Duration::from_secs(1) && self.network_quiet(Duration::from_millis(300)) {
                let _ = self.scroll_on().await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Scrolls on by most of a screen; false at the bottom.
    pub async fn scroll_on(&self) -> Result<bool, CdpError> {
        Ok(self.evaluate(SCROLL_ON).await? == serde_json::Value::Bool(true))
    }

    /// The whole accessibility tree of the page, for checks that look at
    /// everything (a captcha, an alert on a sign-in page).
    pub async fn snapshot(&self) -> Result<Snapshot, CdpError> {
        self.snapshot_in(None).await
    }

    /// The whole accessibility tree of one frame (the page's when None).
    async fn snapshot_in(
        &self,
        frame: Option<chromiumoxide::cdp::browser_protocol::page::FrameId>,
    ) -> Result<Snapshot, CdpError> {
        let params = GetFullAxTreeParams {
            frame_id: frame,
            ..Default::default()
        };
        let tree = self.cdp.call(params).await?;
        Ok(Snapshot::new(tree.nodes.iter().map(AxItem::from_node).collect()))
    }

    async fn snapshot_of(&self, document: i64) -> Result<Snapshot, CdpError> {
        let nodes = self.ax_nodes(document, None, None).await?;
        Ok(Snapshot::new(nodes.into_iter().filter_map(|f| f.ax).collect()))
    }
}
