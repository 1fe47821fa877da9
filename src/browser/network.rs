//! Counts a tab's requests in flight, so "the page is done saving" is a
//! condition to wait for rather than a guess.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
};
use chromiumoxide::Page;
use futures::StreamExt;

pub type InFlight = Arc<Mutex<HashSet<String>>>;

pub async fn track(page: &Page) -> chromiumoxide::error::Result<InFlight> {
    let in_flight: InFlight = Arc::new(Mutex::new(HashSet::new()));
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    page.execute(EnableParams::default()).await?;
    let set = in_flight.clone();
    tokio::spawn(async move {
        loop {
            let (id, started) = tokio::select! {
                Some(e) = sent.next() => (e.request_id.inner().clone(), true),
                Some(e) = finished.next() => (e.request_id.inner().clone(), false),
                Some(e) = failed.next() => (e.request_id.inner().clone(), false),
                else => break,
            };
            if let Ok(mut s) = set.lock() {
                if started {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            }
        }
    });
    Ok(in_flight)
}

pub fn count(in_flight: &InFlight) -> usize {
    in_flight.lock().map(|s| s.len()).unwrap_or(0)
}
