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
            .context("the screenshot failed")?;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(AsRef::<str>::as_ref(&shot.data))
            .context("the screenshot was not base64")
    }
}
