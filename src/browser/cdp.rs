//! The one path every CDP call of a tab takes: it gives up at once when the
//! browser is gone or the tab's renderer crashed, and after a deadline when
//! the page does not answer (a page blocked by a native dialog stops
//! answering some commands). Nothing privaudit asks Chromium can hang a run.

use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::dom::BackendNodeId;
use chromiumoxide::cdp::browser_protocol::inspector::{EventTargetCrashed, EventTargetReloadedAfterCrash};
use chromiumoxide::types::Command;
use chromiumoxide::Page;
use futures::StreamExt;

/// Why a CDP call did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum CdpError {
    /// The connection to Chromium broke (crash, kill, pool dropped us).
    #[error("the connection to the browser was lost")]
    Gone,
    /// No answer within the deadline.
    #[error("the browser did not answer {method} within {secs} s")]
    Timeout { method: String, secs: u64 },
    /// The tab's renderer process died (Chromium sends
    /// `Inspector.targetCrashed`): nothing on the page answers again until
    /// the tab is navigated, which starts a new renderer.
    #[error("the page crashed in the browser (its renderer process died: out of memory, or a fault in Chromium)")]
    Crashed,
    /// An earlier call on the tab went unanswered for the whole `--timeout`:
    /// the page's renderer is stuck (a script running without end), and
    /// every later call would wait as long, so they fail at once.
    #[error(
        "the page stopped responding: a call went unanswered for {secs} s (a script on it may be running without end)"
    )]
    Stalled { secs: u64 },
    /// Chromium answered with an error (a node that is gone, a page that
    /// refused the call).
    #[error("{method}: {message}")]
    Refused { method: String, message: String },
}

impl CdpError {
    /// The node a call was about was replaced or removed from the page
    /// (a re-render): locate it again and retry.
    pub fn is_detached(&self) -> bool {
        matches!(self, CdpError::Refused { message, .. }
            if ["detached", "No node with given id", "Could not find node", "Cannot find context", "No node found", "Node is not an Element", "does not belong to the document", "Inspected target navigated or closed"]
                .iter()
                .any(|m| message.contains(m)))
    }
}

/// The commands that start a new renderer in a crashed tab.
const REVIVING: [&str; 2] = ["Page.navigate", "Page.reload"];

/// A tab's CDP session with its deadline and the browser's "gone" flag.
#[derive(Clone)]
pub struct Cdp {
    pub(super) page: Page,
    gone: tokio::sync::watch::Receiver<bool>,
    /// Set while the tab's renderer is dead (see [`CdpError::Crashed`]).
    crashed: Arc<tokio::sync::watch::Sender<bool>>,
    /// Set once a call went unanswered for the whole timeout (see
    /// [`CdpError::Stalled`]); cleared by a navigation that answers.
    stalled: Arc<std::sync::atomic::AtomicBool>,
    /// The longest any single call may take.
    pub(super) timeout: Duration,
}

impl Cdp {
    pub fn new(page: Page, gone: tokio::sync::watch::Receiver<bool>, timeout: Duration) -> Cdp {
        Cdp {
            page,
            gone,
            crashed: Arc::new(tokio::sync::watch::Sender::new(false)),
            stalled: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            timeout,
        }
    }

    /// Follows the tab's renderer: a crash makes every call fail at once
    /// instead of waiting out its deadline, and a navigation that brings
    /// the page back (`Inspector.targetReloadedAfterCrash`) clears it.
    pub async fn watch_crashes(&self) -> Result<(), chromiumoxide::error::CdpError> {
        let mut crashes = self.page.event_listener::<EventTargetCrashed>().await?;
        let mut revivals = self.page.event_listener::<EventTargetReloadedAfterCrash>().await?;
        let crashed = self.crashed.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(_) = crashes.next() => {
                        tracing::warn!("the tab's renderer crashed");
                        crashed.send_replace(true);
                    }
                    Some(_) = revivals.next() => {
                        tracing::debug!("the tab's renderer is back");
                        crashed.send_replace(false);
                    }
                    else => break,
                }
            }
        });
        Ok(())
    }

    /// Sends one command and waits for its answer, at most `self.timeout`.
    pub async fn call<C: Command>(&self, command: C) -> Result<C::Response, CdpError> {
        self.call_within(command, self.timeout).await
    }

    /// Like [`Cdp::call`] with a shorter deadline (probes that may be
    /// skipped).
    pub async fn call_within<C: Command>(&self, command: C, limit: Duration) -> Result<C::Response, CdpError> {
        let method = command.identifier().to_string();
        let mut gone = self.gone.clone();
        if *gone.borrow() {
            return Err(CdpError::Gone);
        }
        // Only a navigation can bring a crashed tab back.
        let revives = REVIVING.contains(&method.as_str());
        let mut crashed = self.crashed.subscribe();
        if *crashed.borrow() && !revives {
            return Err(CdpError::Crashed);
        }
        if self.is_stalled() && !revives {
            return Err(CdpError::Stalled {
                secs: self.timeout.as_secs().max(1),
            });
        }
        let limit = limit.min(self.timeout);
        let started = std::time::Instant::now();
        let work = tokio::time::timeout(limit, self.page.execute(command));
        let answer = tokio::select! {
            answer = work => match answer {
                Ok(Ok(response)) => Ok(response.result),
                Ok(Err(e)) => Err(refused(&method, e, limit)),
                Err(_) => Err(CdpError::Timeout { method: method.clone(), secs: limit.as_secs().max(1) }),
            },
            _ = gone.wait_for(|g| *g) => Err(CdpError::Gone),
            _ = crashed.wait_for(|c| *c), if !revives => Err(CdpError::Crashed),
        };
        match &answer {
            // Only a call given the whole timeout says the page is stuck; a
            // probe with a shorter limit may just have been slow.
            Err(CdpError::Timeout { .. }) if limit >= self.timeout => {
                tracing::warn!(method, "the page stopped responding");
                self.stalled.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(_) if revives => self.stalled.store(false, std::sync::atomic::Ordering::SeqCst),
            _ => {}
        }
        let took = started.elapsed();
        if took > std::time::Duration::from_secs(2) || answer.is_err() {
            tracing::debug!(
                method,
                ms = took.as_millis() as u64,
                ok = answer.is_ok(),
                "slow or failed CDP call"
            );
        }
        answer
    }

    /// Whether the tab's renderer is dead (until a navigation revives it).
    pub fn is_crashed(&self) -> bool {
        *self.crashed.borrow()
    }

    /// Whether a call went unanswered for the whole timeout since the last
    /// navigation (see [`CdpError::Stalled`]).
    pub fn is_stalled(&self) -> bool {
        self.stalled.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether the browser is gone.
    pub fn is_gone(&self) -> bool {
        *self.gone.borrow()
    }

    /// Waits until the browser is gone (for `select!` against long waits).
    pub async fn gone(&self) {
        let mut gone = self.gone.clone();
        let _ = gone.wait_for(|g| *g).await;
    }

    pub fn page(&self) -> &Page {
        &self.page
    }
}

fn refused(method: &str, e: chromiumoxide::error::CdpError, limit: Duration) -> CdpError {
    use chromiumoxide::error::CdpError as E;
    match e {
        E::Ws(_) | E::ChannelSendError(_) | E::NoResponse => CdpError::Gone,
        // chromiumoxide's own request timeout, which is the same --timeout:
        // say the limit, not "0 s".
        E::Timeout => CdpError::Timeout {
            method: method.to_string(),
            secs: limit.as_secs().max(1),
        },
        E::Chrome(err) => CdpError::Refused {
            method: method.to_string(),
            message: err.message,
        },
        other => CdpError::Refused {
            method: method.to_string(),
            message: other.to_string(),
        },
    }
}

/// A DOM node by its backend id, as CDP wants it.
pub fn node(backend_id: i64) -> BackendNodeId {
    BackendNodeId::new(backend_id)
}

#[cfg(test)]
mod tests {
    use super::CdpError;

    fn refused(message: &str) -> CdpError {
        CdpError::Refused {
            method: "Runtime.callFunctionOn".into(),
            message: message.into(),
        }
    }

    #[test]
    fn a_document_replaced_under_a_call_is_detached_not_a_driver_fault() {
        assert!(refused("Inspected target navigated or closed").is_detached());
        assert!(refused("No node with given id found").is_detached());
        assert!(!refused("Object reference chain is too long").is_detached());
        assert!(!CdpError::Crashed.is_detached());
    }
}
