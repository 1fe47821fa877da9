//! Native JavaScript dialogs (`alert`, `confirm`, `prompt`, `beforeunload`).
//! While one is open the page stops, and some CDP commands (a click among
//! them) do not return: so every dialog is answered at once, by a task of its
//! own, and recorded for the finding. An `alert` is acknowledged; a
//! `beforeunload` prompt is accepted, because privaudit only leaves a page on
//! purpose (the verifying reload); a `confirm` or `prompt` is declined unless
//! the rule's apply steps said to accept the next one.

use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::page::{
    DialogType, EventJavascriptDialogOpening, HandleJavaScriptDialogParams,
};
use futures::StreamExt;

use super::cdp::Cdp;

/// One dialog the page showed, as recorded in the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// `alert`, `confirm`, `prompt` or `beforeunload`.
    pub kind: String,
    /// The dialog's text, shortened.
    pub message: String,
    pub accepted: bool,
}

impl std::fmt::Display for Dialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the page showed a {} dialog \"{}\" ({})",
            self.kind,
            self.message,
            if self.accepted { "accepted" } else { "declined" }
        )
    }
}

#[derive(Debug, Default)]
struct State {
    /// Accept the next `confirm`/`prompt` (set by an apply step).
    accept_next: bool,
    seen: Vec<Dialog>,
}

/// The tab's dialog answerer: what it saw, and what to answer next.
#[derive(Debug, Clone, Default)]
pub struct Dialogs(Arc<Mutex<State>>);

impl Dialogs {
    /// Starts answering dialogs on the tab.
    pub async fn install(cdp: &Cdp) -> Result<Dialogs, chromiumoxide::error::CdpError> {
        let dialogs = Dialogs::default();
        let mut opening = cdp.page().event_listener::<EventJavascriptDialogOpening>().await?;
        let state = dialogs.0.clone();
        let cdp = cdp.clone();
        tokio::spawn(async move {
            while let Some(event) = opening.next().await {
                let kind = match event.r#type {
                    DialogType::Alert => "alert",
                    DialogType::Confirm => "confirm",
                    DialogType::Prompt => "prompt",
                    DialogType::Beforeunload => "beforeunload",
                };
                let accept = match event.r#type {
                    DialogType::Alert | DialogType::Beforeunload => true,
                    DialogType::Confirm | DialogType::Prompt => state
                        .lock()
                        .map(|mut s| std::mem::take(&mut s.accept_next))
                        .unwrap_or(false),
                };
                tracing::info!(kind, message = %event.message, accept, "answering a native dialog");
                let answered = cdp.call(HandleJavaScriptDialogParams::new(accept)).await;
                if let Err(e) = answered {
                    tracing::debug!("could not answer the dialog: {e}");
                }
                if let Ok(mut s) = state.lock() {
                    s.seen.push(Dialog {
                        kind: kind.to_string(),
                        message: shorten(&crate::output::untrusted::escape(&event.message), 160),
                        accepted: accept,
                    });
                }
            }
        });
        Ok(dialogs)
    }

    /// The next `confirm` or `prompt` is accepted (the rule said so).
    pub fn accept_next(&self) {
        if let Ok(mut s) = self.0.lock() {
            s.accept_next = true;
        }
    }

    /// Forgets an `accept_next` no dialog used.
    pub fn reset(&self) {
        if let Ok(mut s) = self.0.lock() {
            s.accept_next = false;
        }
    }

    /// How many dialogs were seen since the last [`Dialogs::take`].
    pub fn count(&self) -> usize {
        self.0.lock().map(|s| s.seen.len()).unwrap_or_default()
    }

    /// The dialogs seen since the last call.
    pub fn take(&self) -> Vec<Dialog> {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut s.seen))
            .unwrap_or_default()
    }
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}
