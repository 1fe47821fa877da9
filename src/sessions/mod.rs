//! Saved sign-in sessions: one persistent Chromium profile directory per
//! platform under the data dir (0700), written by `privaudit login` and by
//! unattended sign-ins, used by check and apply; and cookie exports that
//! seed such a session.

pub mod cookie_file;

use std::path::{Path, PathBuf};

/// `login --format json`: whether a session was saved and proved.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct LoginView {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub platform: String,
    /// True only after a setting was read from a signed-in page.
    pub signed_in: bool,
    /// The session directory check and apply use.
    pub session: PathBuf,
    /// Why not, when not signed in.
    pub reason: Option<String>,
    /// When the session was verified (RFC 3339, UTC).
    pub at: String,
}

/// The session directory of `platform` under `root` (`<data>/sessions`).
pub fn dir(root: &Path, platform: &str) -> PathBuf {
    root.join(platform)
}

/// Creates the session directory (and its parents) private to the user.
pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    if let Some(parent) = dir.parent() {
        crate::fsutil::create_private_dir(parent)?;
    }
    crate::fsutil::create_private_dir(dir)
}
