//! Evidence captures: the band of the page around a control, with what
//! shows the account's identity blurred first when asked.

use anyhow::{anyhow, Context};
use chromiumoxide::cdp::browser_protocol::dom::{GetBoxModelParams, ScrollIntoViewIfNeededParams};
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, CaptureScreenshotParams, GetLayoutMetricsParams, Viewport,
};

use super::cdp::node;
use super::tab::Tab;

impl Tab {
    /// Blurs every element matching the selectors (what shows the account's
    /// name or picture) before a screenshot. The selectors are data passed to
    /// privaudit's own fixed function.
    pub async fn blur(&self, selectors: &[String]) -> anyhow::Result<()> {
        let list = serde_json::to_string(selectors).context("could not encode selectors")?;
        let script = format!(
            "(function (sels) {{ for (const s of sels) {{ for (const e of document.querySelectorAll(s)) {{ e.style.filter = 'blur(12px)'; }} }} return true; }})({list})"
        );
        self.evaluate(&script)
            .await
            .map_err(|e| anyhow!("the page refused the redaction: {e}"))?;
        Ok(())
    }

    /// A PNG of the horizontal band of the page around an element: its row,
    /// label included, without the rest of the page.
    pub async fn screenshot_band(&self, backend_id: i64) -> anyhow::Result<Vec<u8>> {
        self.cdp
            .call(
                ScrollIntoViewIfNeededParams::builder()
                    .backend_node_id(node(backend_id))
                    .build(),
            )
            .await
            .context("could not scroll to the element")?;
        let model = self
            .cdp
            .call(GetBoxModelParams::builder().backend_node_id(node(backend_id)).build())
            .await
            .context("the element has no box")?;
        let metrics = self.cdp.call(GetLayoutMetricsParams::default()).await?;
        let quad = model.model.border.inner();
        if quad.len() < 8 {
            return Err(anyhow!("the element has no box"));
        }
        let top = quad[1].min(quad[3]).min(quad[5]).min(quad[7]);
        let bottom = quad[1].max(quad[3]).max(quad[5]).max(quad[7]);
        let view = &metrics.css_visual_viewport;
        let margin = 48.0;
        let y = (view.page_y + top - margin).max(0.0);
        let clip = Viewport {
            x: 0.0,
            y,
            width: view.client_width,
            height: (bottom - top) + 2.0 * margin,
            scale: 1.0,
        };
        // The control outlined, so a reader sees which one was read; the
        // page's own outline is put back after.
        const OUTLINE: &str = "function (on) { if (on) { this.dataset.privauditOutline = this.style.outline; this.style.outline = '3px solid #d4001a'; this.style.outlineOffset = '2px'; } else { this.style.outline = this.dataset.privauditOutline || ''; this.style.outlineOffset = ''; delete this.dataset.privauditOutline; } return true; }";
        let outlined = self.call_on(backend_id, OUTLINE, serde_json::json!(true)).await.is_ok();
        let shot = self
            .cdp
            .call(
                CaptureScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .clip(clip)
                    .capture_beyond_viewport(true)
                    .build(),
            )
            .await
            .context("the screenshot failed");
        if outlined {
            let _ = self.call_on(backend_id, OUTLINE, serde_json::json!(false)).await;
        }
        let shot = shot?;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(AsRef::<str>::as_ref(&shot.data))
            .context("the screenshot was not base64")
    }
}

/// An element's markup, at most this many characters: enough to show the
/// control and its label, not the page.
const DOM_EXCERPT_CHARS: usize = 2000;

impl Tab {
    /// The element's accessibility node as CDP gives it (role, name,
    /// value, states): what privaudit read, for a reader to check.
    pub async fn ax_node_json(&self, backend_id: i64) -> Option<serde_json::Value> {
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
        let found = answer
            .nodes
            .iter()
            .find(|n| n.backend_dom_node_id.as_ref().map(|b| *b.inner()) == Some(backend_id))
            .or(answer.nodes.first())?;
        serde_json::to_value(found).ok()
    }

    /// A small excerpt of the page's markup around the element: its label
    /// (or its parent) with the element inside.
    pub async fn dom_excerpt(&self, backend_id: i64) -> Option<String> {
        const EXCERPT: &str = "function (max) { const around = this.closest('label') || this.parentElement || this; const html = around.outerHTML || ''; return html.length > max ? html.slice(0, max) + '…' : html; }";
        let value = self
            .call_on(backend_id, EXCERPT, serde_json::json!(DOM_EXCERPT_CHARS))
            .await
            .ok()?;
        value.as_str().map(crate::output::untrusted::escape)
    }
}
