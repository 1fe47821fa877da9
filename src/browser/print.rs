//! Printing a page privaudit wrote (a report) to PDF with Chromium's own
//! renderer (CDP `Page.printToPDF`). The page is put in the tab directly
//! (`Page.setDocumentContent`): nothing is navigated to or fetched.

use std::time::Duration;

use anyhow::{anyhow, Context};
use chromiumoxide::cdp::browser_protocol::page::{GetFrameTreeParams, PrintToPdfParams, SetDocumentContentParams};

use super::tab::Tab;

/// A4, in inches as CDP wants them.
const A4: (f64, f64) = (8.27, 11.69);
const MARGIN: f64 = 0.5;

impl Tab {
    /// The PDF of `html`, A4 with backgrounds.
    pub async fn print_pdf(&self, html: &str) -> anyhow::Result<Vec<u8>> {
        let tree = self
            .cdp
            .call(GetFrameTreeParams::default())
            .await
            .context("the tab has no frame")?;
        self.cdp
            .call(SetDocumentContentParams::new(tree.frame_tree.frame.id.clone(), html))
            .await
            .context("the browser did not take the page")?;
        // Embedded images decode after the content is set.
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            self.evaluate(
                "Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null))).then(() => true)",
            ),
        )
        .await;
        let params = PrintToPdfParams::builder()
            .print_background(true)
            .paper_width(A4.0)
            .paper_height(A4.1)
            .margin_top(MARGIN)
            .margin_bottom(MARGIN)
            .margin_left(MARGIN)
            .margin_right(MARGIN)
            .build();
        let printed = self
            .cdp
            .call_within(params, Duration::from_secs(120))
            .await
            .map_err(|e| anyhow!("Chromium did not print the page: {e}"))?;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(AsRef::<str>::as_ref(&printed.data))
            .context("the PDF was not base64")
    }
}
