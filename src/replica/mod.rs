//! The replica server: serves the replicas of real settings pages on
//! loopback, so rules run without accounts — for `privaudit demo`, `rules
//! test` and the tests. Paths map to files as `/<platform>/<page>` →
//! `<platform>/<page>.html` (or `<page>/index.html`, or the file itself for
//! CSS/JS); settings live server-side (see [`source::Manifest`]).
//!
//! Tests add behaviour the product never needs (sign-in forms with
//! accounts, captchas, refused or dropped saves, failing pages) through an
//! [`Interceptor`] that sees each request first; those fakes live with the
//! tests, not here.

mod routes;
pub mod source;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Context;

pub use routes::Interceptor;
pub use source::{Manifest, Source};
pub use state::ReplicaState;

pub struct ReplicaServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<ReplicaState>>,
    source: Source,
    task: tokio::task::JoinHandle<()>,
}

impl ReplicaServer {
    /// Binds `addr` (port 0 picks a free port) and serves in the background
    /// of the current tokio runtime.
    pub async fn start(source: Source, addr: SocketAddr) -> anyhow::Result<ReplicaServer> {
        ReplicaServer::start_with(source, addr, None).await
    }

    /// Like [`ReplicaServer::start`], with an interceptor in front.
    pub async fn start_with(
        source: Source,
        addr: SocketAddr,
        interceptor: Option<Interceptor>,
    ) -> anyhow::Result<ReplicaServer> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for the replica server"))?;
        let addr = listener.local_addr().context("replica server has no address")?;
        let state = Arc::new(Mutex::new(ReplicaState::default()));
        let router = routes::router(source.clone(), state.clone(), interceptor);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!("replica server stopped: {e}");
            }
        });
        Ok(ReplicaServer {
            addr,
            state,
            source,
            task,
        })
    }

    /// The base URL that stands in for `platform`'s real one.
    pub fn base_url(&self, platform: &str) -> String {
        format!("http://{}/{platform}", self.addr)
    }

    pub fn platforms(&self) -> Vec<String> {
        self.source.platforms()
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Signs the replica's session out (or back in): settings pages then
    /// redirect to the platform's sign-in page, as an expired session does.
    pub fn set_signed_in(&self, platform: &str, signed_in: bool) {
        if let Ok(mut s) = self.state.lock() {
            s.signed_out.insert(platform.to_string(), !signed_in);
        }
    }

    /// Every path requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().map(|s| s.requests.clone()).unwrap_or_default()
    }

    /// A setting's current server-side value, as a page would show it.
    pub fn state(&self, platform: &str, key: &str) -> Option<String> {
        let mut s = self.state.lock().ok()?;
        s.ensure_loaded(platform, &self.source);
        s.values.get(&(platform.to_string(), key.to_string())).cloned()
    }

    /// Sets a setting server-side, as a platform's policy update would.
    pub fn set_state(&self, platform: &str, key: &str, value: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.ensure_loaded(platform, &self.source);
            s.values
                .insert((platform.to_string(), key.to_string()), value.to_string());
        }
    }

    pub fn stop(self) {
        self.task.abort();
    }
}
