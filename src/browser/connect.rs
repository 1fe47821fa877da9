//! Talking to a Chromium once it runs: finding the DevTools address it
//! prints, opening the CDP connection (bounded by `--browser-wait`), and
//! driving the connection's event loop.

use std::time::Duration;

use anyhow::anyhow;
use chromiumoxide::handler::viewport::Viewport;
use futures::StreamExt;
use tokio::io::AsyncBufReadExt;
use tokio::task::JoinHandle;

/// The window privaudit lays pages out in (and screenshots).
pub(super) const WINDOW: (u32, u32) = (1280, 900);

/// Reads Chromium's stderr until it prints its DevTools address; then keeps
/// draining it (a full pipe would block Chromium) into the debug log.
pub(super) async fn devtools_address(
    stderr: tokio::process::ChildStderr,
    wait: Duration,
) -> anyhow::Result<(String, JoinHandle<()>)> {
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    let mut last = Vec::new();
    let found = tokio::time::timeout(wait, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(address) = line.trim().strip_prefix("DevTools listening on ") {
                return Some(address.to_string());
            }
            if last.len() == 6 {
                last.remove(0);
            }
            last.push(line);
        }
        None
    })
    .await;
    let address = match found {
        Ok(Some(address)) => address,
        Ok(None) => {
            if last.iter().any(|l| l.contains("ProcessSingleton")) {
                return Err(anyhow!("its profile directory is in use by another Chromium"));
            }
            // The last thing it said is the likeliest cause; the rest is in
            // the debug log (-vv).
            let said = last
                .iter()
                .rev()
                .find(|l| !l.contains("dbus") && !l.trim().is_empty())
                .map(|l| {
                    let line = l.split("] ").last().unwrap_or(l).trim();
                    format!(": {}", line.chars().take(240).collect::<String>())
                })
                .unwrap_or_default();
            for line in &last {
                tracing::debug!(target: "privaudit::chromium", "{line}");
            }
            return Err(anyhow!("it exited before accepting a connection{said}"));
        }
        Err(_) => {
            return Err(anyhow!(
                "no DevTools address within {} s (--browser-wait)",
                wait.as_secs()
            ))
        }
    };
    let drain = tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::trace!(target: "privaudit::chromium", "{line}");
        }
    });
    Ok((address, drain))
}

/// Why a connection to a CDP endpoint was not made.
pub(super) enum Connect {
    /// Nothing answered within the wait.
    NoAnswer,
    /// A pool refused the connection because it is full (HTTP 429, or 503):
    /// a later run may find room.
    Full(anyhow::Error),
    Failed(anyhow::Error),
}

/// The HTTP status an endpoint refused the WebSocket upgrade with.
fn refused_with(e: &chromiumoxide::error::CdpError) -> Option<u16> {
    match e {
        chromiumoxide::error::CdpError::Ws(tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
        _ => None,
    }
}

pub(super) async fn connect(
    url: &str,
    timeout: Duration,
    wait: Duration,
) -> Result<
    (
        chromiumoxide::Browser,
        JoinHandle<()>,
        tokio::sync::watch::Receiver<bool>,
    ),
    Connect,
> {
    let config = chromiumoxide::handler::HandlerConfig {
        // A certificate error on a platform's page is an attack or a broken
        // site, never something to click through.
        ignore_https_errors: false,
        request_timeout: timeout,
        viewport: Some(Viewport {
            width: WINDOW.0,
            height: WINDOW.1,
            ..Viewport::default()
        }),
        ..Default::default()
    };
    let connecting = chromiumoxide::Browser::connect_with_config(url, config);
    let (inner, events) = tokio::time::timeout(wait, connecting)
        .await
        .map_err(|_| Connect::NoAnswer)?
        .map_err(|e| {
            let shown = super::endpoint::redact_endpoint(url);
            match refused_with(&e) {
                Some(status @ (429 | 503)) => {
                    return Connect::Full(
                        super::endpoint::PoolFull(format!(
                            "the browser pool at {shown} is full: it refused the connection (HTTP {status}), its queue has no room"
                        ))
                        .into(),
                    )
                }
                Some(status @ (401 | 403)) => {
                    return Connect::Failed(
                        super::endpoint::NotABrowser(format!(
                            "the browser at {shown} refused the connection (HTTP {status}): the token is missing or wrong"
                        ))
                        .into(),
                    )
                }
                _ => {}
            }
            // The library repeats its cause at every level; the root says it.
            let e = anyhow::Error::from(e);
            let network = e.chain().any(|c| c.is::<std::io::Error>());
            let message = format!(
                "could not connect to the browser at {shown}: {}",
                e.root_cause().to_string().replace(url, &shown)
            );
            // Something answered, but not as a browser speaking CDP.
            Connect::Failed(if network {
                anyhow!(message)
            } else {
                super::endpoint::NotABrowser(message).into()
            })
        })?;
    let (handler, gone) = drive(events);
    Ok((inner, handler, gone))
}

/// Polls the CDP handler (nothing happens over CDP otherwise). When the
/// connection breaks (Chromium crashed, was killed, or the pool dropped us),
/// pending commands would wait for their timeout: the returned flag tells
/// every tab at once.
fn drive(mut events: chromiumoxide::Handler) -> (JoinHandle<()>, tokio::sync::watch::Receiver<bool>) {
    let (gone_tx, gone) = tokio::sync::watch::channel(false);
    let handler = tokio::spawn(async move {
        while let Some(event) = events.next().await {
            match event {
                Err(chromiumoxide::error::CdpError::InvalidMessage(..)) | Ok(()) => {}
                Err(e) => {
                    tracing::warn!("lost the connection to the browser: {e}");
                    break;
                }
            }
        }
        let _ = gone_tx.send(true);
    });
    (handler, gone)
}
