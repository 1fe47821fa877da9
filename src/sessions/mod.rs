//! Saved sign-in sessions: one directory per platform under the data dir
//! (0700), written by `privaudit login` and by unattended sign-ins, used by
//! check and apply. It holds the session twice over: a Chromium profile,
//! which a browser privaudit starts opens as it is, and the portable state
//! (`state`), which any browser — a pool's too — is given; every run writes
//! back what the platform renewed. Cookie exports seed a session.

pub mod cookie_file;
pub mod from_browser;
pub mod state;

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

/// `login --all --format json` (and `setup`): one result per platform.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct LoginAll {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub results: Vec<LoginView>,
}

/// The session directory of `platform` under `root` (`<data>/sessions`).
pub fn dir(root: &Path, platform: &str) -> PathBuf {
    root.join(platform)
}

/// One platform's saved session: the one way every run, local or on a
/// pool, finds it, seeds a browser with it and keeps what was renewed.
#[derive(Debug, Clone)]
pub struct Session {
    pub platform: String,
    dir: PathBuf,
}

impl Session {
    /// The session of `platform` under `root` (`<data>/sessions`), saved or not.
    pub fn of(root: &Path, platform: &str) -> Session {
        Session {
            platform: platform.to_string(),
            dir: dir(root, platform),
        }
    }

    /// Whether anything was saved (a profile, portable state, or both).
    pub fn exists(&self) -> bool {
        self.dir.exists()
    }

    /// The Chromium profile a browser privaudit starts opens (made 0700).
    pub fn profile_dir(&self) -> anyhow::Result<&Path> {
        ensure(&self.dir)?;
        Ok(&self.dir)
    }

    /// The portable state; None when none was saved yet (a session saved
    /// by privaudit 0.x before it kept one).
    pub fn state(&self) -> anyhow::Result<Option<state::State>> {
        state::load(&self.dir)
    }

    /// Whether the portable state is newer than the profile's own cookie
    /// store: a run on a pool renewed the session after the profile was
    /// last used, so the state's cookies replace the profile's; otherwise
    /// they only fill what the profile lacks. A profile without a cookie
    /// store has nothing newer.
    pub fn state_is_newer(&self) -> bool {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (
            modified(&state::path(&self.dir)),
            modified(&self.dir.join("Default").join("Cookies")),
        ) {
            (Some(state), Some(profile)) => state > profile,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Replaces the portable state with what a browser now holds.
    pub fn keep(&self, now: &state::State) -> anyhow::Result<()> {
        state::save(&self.dir, now)
    }
}

/// Creates the session directory (and its parents) private to the user.
pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    if let Some(parent) = dir.parent() {
        crate::fsutil::create_private_dir(parent)?;
    }
    crate::fsutil::create_private_dir(dir)
}

/// A saved session: its platform and when its directory was made.
#[derive(Debug, Clone)]
pub struct Saved {
    pub platform: String,
    pub dir: PathBuf,
    /// When the session directory was created (else last modified).
    pub since: Option<std::time::SystemTime>,
}

/// The file in a session directory that says when a login last proved the
/// session by reading a setting signed in.
const VERIFIED: &str = "privaudit-verified";

/// Records that the session in `dir` was just proved signed in.
pub fn mark_verified(dir: &Path) -> anyhow::Result<()> {
    crate::fsutil::write_private_file(&dir.join(VERIFIED), &(crate::timestamp::now() + "\n"))
}

/// When a login last proved the session in `dir` (RFC 3339, UTC).
pub fn verified_at(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(VERIFIED))
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The saved sessions under `root`, by platform id: directories that hold
/// a Chromium profile (an empty one is no session).
pub fn list(root: &Path) -> anyhow::Result<Vec<Saved>> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot list {}", root.display()))),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        let path = entry.path();
        // `.login-*`: a sign-in being staged (or one a crash left).
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let profile = path.join("Local State").exists() || path.join("Default").exists();
        if !meta.is_dir() || !(profile || state::path(&path).exists()) {
            continue;
        }
        out.push(Saved {
            platform: entry.file_name().to_string_lossy().into_owned(),
            dir: path,
            since: meta.created().or_else(|_| meta.modified()).ok(),
        });
    }
    out.sort_by(|a, b| a.platform.cmp(&b.platform));
    Ok(out)
}

/// Deletes a saved session; false when there was none.
pub fn remove(root: &Path, platform: &str) -> anyhow::Result<bool> {
    let dir = dir(root, platform);
    // A session directory that is a link (to an encrypted disk, say): the
    // session is where it points, and goes too, not only the link.
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
        if let Ok(target) = std::fs::canonicalize(&dir) {
            if target.is_dir() {
                std::fs::remove_dir_all(&target)
                    .map_err(|e| anyhow::Error::new(e).context(format!("cannot remove {}", target.display())))?;
            }
        }
        std::fs::remove_file(&dir)
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot remove {}", dir.display())))?;
        return Ok(true);
    }
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot remove {}", dir.display()))),
    }
}
