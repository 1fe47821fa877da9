//! The one async runtime privaudit builds: two worker threads drive the CDP
//! connection, the tabs and the replica server; more buy nothing because
//! Chromium, not privaudit, does the work.

use anyhow::Context;

pub fn new() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
