//! Watches a tab's network activity, so "the page is done saving" is a
//! condition to wait for rather than a guess.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
};
use chromiumoxide::Page;
use futures::StreamExt;

#[derive(Debug)]
pub struct Activity {
    /// Requests started and not yet finished or failed.
    pending: HashSet<String>,
    /// When a request last started, finished or failed.
    last_event: Instant,
}

pub type InFlight = Arc<Mutex<Activity>>;

pub async fn track(page: &Page) -> chromiumoxide::error::Result<InFlight> {
    let in_flight: InFlight = Arc::new(Mutex::new(Activity {
        pending: HashSet::new(),
        last_event: Instant::now(),
    }));
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    page.execute(EnableParams::default()).await?;
    let activity = in_flight.clone();
    tokio::spawn(async move {
        loop {
            let (id, started) = tokio::select! {
                Some(e) = sent.next() => (e.request_id.inner().clone(), true),
                Some(e) = finished.next() => (e.request_id.inner().clone(), false),
                Some(e) = failed.next() => (e.request_id.inner().clone(), false),
                else => break,
            };
            if let Ok(mut a) = activity.lock() {
                a.last_event = Instant::now();
                if started {
                    a.pending.insert(id);
                } else {
                    a.pending.remove(&id);
                }
            }
        }
    });
    Ok(in_flight)
}

/// Has the page been quiet long enough since `since` (the last action)?
/// Nothing pending for a moment, or no network event at all for longer: a
/// long-poll or a request Chromium never reports finished must not hold an
/// audit until its timeout. Quiet is counted from the action at the earliest,
/// because the request an action starts is reported a little later.
pub fn settled(in_flight: &InFlight, since: Instant) -> bool {
    let Ok(a) = in_flight.lock() else {
        return true;
    };
    let quiet = a.last_event.elapsed().min(since.elapsed());
    (a.pending.is_empty() && quiet.as_millis() >= 300) || quiet.as_millis() >= 1000
}
