//! Watches a tab's network activity, so "the page has its data" and "the
//! page is done saving" are conditions to wait for rather than guesses.
//!
//! Two questions are asked of it: is the page quiet (no document, script,
//! XHR or fetch request of the page pending, and none started for a
//! moment), and
//! have the requests an action started all finished (by request id).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, EventResponseReceived, ResourceType,
};
use chromiumoxide::Page;
use futures::StreamExt;

/// A request pending this long is a long-poll or a stream, not data the
/// page is waiting for: it no longer keeps the page from being quiet.
const LONG_POLL: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Pending {
    kind: Option<ResourceType>,
    started: Instant,
    /// Order of starting, to tell requests started after an action.
    seq: u64,
    /// The frame and document (loader) that asked: a document replaced
    /// before its requests finished never reports them finished.
    frame: Option<String>,
    loader: String,
}

#[derive(Debug)]
pub struct Activity {
    pending: HashMap<String, Pending>,
    /// When a data request (document, script, XHR, fetch) last started or ended.
    last_data_event: Instant,
    /// How many requests have started so far.
    started: u64,
    /// Why the last document request failed (`net::ERR_…`), for messages.
    last_document_error: Option<String>,
}

/// Shared by the tab and the task that follows its Network events.
#[derive(Debug, Clone)]
pub struct InFlight(Arc<Mutex<Activity>>);

/// A point in a tab's network history: requests started after it belong
/// to whatever was done after it.
#[derive(Debug, Clone, Copy)]
pub struct Mark(u64);

/// Requests whose answer can still change what the page shows. A script
/// counts: code-split apps load the code that renders the real value after
/// the document is ready, over a placeholder that says "off".
fn is_data(kind: &Option<ResourceType>) -> bool {
    matches!(
        kind,
        Some(ResourceType::Document | ResourceType::Script | ResourceType::Xhr | ResourceType::Fetch) | None
    )
}

impl InFlight {
    pub async fn track(page: &Page) -> chromiumoxide::error::Result<InFlight> {
        let in_flight = InFlight(Arc::new(Mutex::new(Activity {
            pending: HashMap::new(),
            last_data_event: Instant::now(),
            started: 0,
            last_document_error: None,
        })));
        let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
        let mut finished = page.event_listener::<EventLoadingFinished>().await?;
        let mut failed = page.event_listener::<EventLoadingFailed>().await?;
        let mut answered = page.event_listener::<EventResponseReceived>().await?;
        page.execute(EnableParams::default()).await?;
        let activity = in_flight.0.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(e) = sent.next() => {
                        if let Ok(mut a) = activity.lock() {
                            a.started += 1;
                            let seq = a.started;
                            let kind = e.r#type.clone();
                            if is_data(&kind) {
                                a.last_data_event = Instant::now();
                            }
                            let frame = e.frame_id.as_ref().map(|f| f.inner().clone());
                            let loader = e.loader_id.inner().clone();
                            if kind == Some(ResourceType::Document) {
                                forget_replaced(&mut a, frame.as_deref(), &loader);
                            }
                            a.pending.insert(e.request_id.inner().clone(), Pending { kind, started: Instant::now(), seq, frame, loader });
                        }
                    }
                    // The server has answered an XHR or fetch: a page that never
                    // reads the body never sees it "finish".
                    Some(e) = answered.next() => {
                        if matches!(e.r#type, ResourceType::Xhr | ResourceType::Fetch) {
                            end(&activity, e.request_id.inner(), None);
                        }
                    }
                    Some(e) = finished.next() => end(&activity, e.request_id.inner(), None),
                    Some(e) = failed.next() => {
                        let document = e.r#type == ResourceType::Document;
                        end(&activity, e.request_id.inner(), document.then(|| e.error_text.clone()));
                    }
                    else => break,
                }
            }
        });
        Ok(in_flight)
    }

    /// Now, as a mark for [`InFlight::settled_since`].
    pub fn mark(&self) -> Mark {
        Mark(self.0.lock().map(|a| a.started).unwrap_or(0))
    }

    /// Is the page quiet: no data request pending (long-polls aside), and
    /// none started or ended for `window`?
    pub fn quiet(&self, window: Duration) -> bool {
        let Ok(a) = self.0.lock() else { return true };
        let busy = a
            .pending
            .values()
            .any(|p| is_data(&p.kind) && p.started.elapsed() < LONG_POLL);
        !busy && a.last_data_event.elapsed() >= window
    }

    /// Have all requests started after `mark` finished? Streams
    /// (EventSource, WebSocket) never finish and do not count.
    pub fn settled_since(&self, mark: Mark) -> bool {
        let Ok(a) = self.0.lock() else { return true };
        !a.pending.values().any(|p| {
            p.seq > mark.0
                && !matches!(p.kind, Some(ResourceType::EventSource | ResourceType::WebSocket))
                && p.started.elapsed() < LONG_POLL
        })
    }

    /// How many requests started after `mark`.
    pub fn started_since(&self, mark: Mark) -> u64 {
        self.0.lock().map(|a| a.started.saturating_sub(mark.0)).unwrap_or(0)
    }

    /// A request the domain guard refused before it was sent: Chromium may
    /// never report it finished.
    pub fn forget(&self, id: &str) {
        end(&self.0, id, None);
    }

    /// Why the last page load failed, if it did (`net::ERR_CONNECTION_REFUSED`).
    pub fn take_document_error(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut a| a.last_document_error.take())
    }
}

/// A new document is loading in `frame`: the requests of the document it
/// replaces will never report an end, so they no longer count.
fn forget_replaced(a: &mut Activity, frame: Option<&str>, loader: &str) {
    a.pending
        .retain(|_, p| p.kind == Some(ResourceType::Document) || p.frame.as_deref() != frame || p.loader == loader);
}

fn end(activity: &Arc<Mutex<Activity>>, id: &str, document_error: Option<String>) {
    if let Ok(mut a) = activity.lock() {
        if let Some(p) = a.pending.remove(id) {
            if is_data(&p.kind) {
                a.last_data_event = Instant::now();
            }
        }
        if document_error.is_some() {
            a.last_document_error = document_error;
        }
    }
}
