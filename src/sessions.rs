//! Saved sign-in sessions: one persistent Chromium profile directory per
//! platform under the data dir (0700), written by `privaudit login` and by
//! unattended sign-ins, used by check and apply.

use std::path::{Path, PathBuf};

use crate::context::Context;

pub fn root(ctx: &Context) -> PathBuf {
    ctx.data_dir.join("sessions")
}

pub fn dir(ctx: &Context, platform: &str) -> PathBuf {
    root(ctx).join(platform)
}

/// Creates the session directory (and its parents) private to the user.
pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    if let Some(parent) = dir.parent() {
        crate::fsutil::create_private_dir(parent)?;
    }
    crate::fsutil::create_private_dir(dir)
}
