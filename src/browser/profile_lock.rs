//! Is a Chromium user-data directory in use? Chromium marks the one it runs
//! with a `SingletonLock` symlink whose target is `HOST-PID`; a second
//! Chromium on the same directory aborts ("Failed to create a
//! ProcessSingleton for your profile directory") to avoid corrupting it.
//! Knowing before launch turns that 600-character dump into one line.

use std::path::{Path, PathBuf};

/// A Chromium profile directory another Chromium is running on.
#[derive(Debug, thiserror::Error)]
#[error("the Chromium profile {} is in use by another Chromium{}", dir.display(), holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
pub struct ProfileInUse {
    pub dir: PathBuf,
    pub holder: Option<String>,
}

/// Fails when a live Chromium holds `dir`.
pub fn ensure_free(dir: &Path) -> Result<(), ProfileInUse> {
    match holder(dir) {
        Some(h) => Err(ProfileInUse {
            dir: dir.to_path_buf(),
            holder: Some(h.to_string()),
        }),
        None => Ok(()),
    }
}

/// The Chromium that holds a profile directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub host: String,
    pub pid: i32,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host == this_host() {
            write!(f, "process {}", self.pid)
        } else {
            write!(f, "process {} on {}", self.pid, self.host)
        }
    }
}

fn this_host() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_default()
}

/// The live Chromium holding `dir`, if any. A lock left by a Chromium that
/// is gone (same host, dead pid) is stale: Chromium takes it over itself.
pub fn holder(dir: &Path) -> Option<Holder> {
    let target = std::fs::read_link(dir.join("SingletonLock")).ok()?;
    let holder = parse(&target.to_string_lossy())?;
    if holder.host == this_host() && !alive(holder.pid) {
        return None;
    }
    Some(holder)
}

fn parse(target: &str) -> Option<Holder> {
    let (host, pid) = target.rsplit_once('-')?;
    Some(Holder {
        host: host.to_string(),
        pid: pid.parse().ok()?,
    })
}

fn alive(pid: i32) -> bool {
    // Signal 0 checks existence; EPERM means alive but someone else's.
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(e) => e == nix::errno::Errno::EPERM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_targets_name_host_and_pid() {
        assert_eq!(
            parse("my-laptop.local-4242"),
            Some(Holder {
                host: "my-laptop.local".into(),
                pid: 4242
            })
        );
        assert_eq!(parse("nonsense"), None);
    }

    #[test]
    fn a_live_holder_is_found_and_a_dead_one_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let me = std::process::id() as i32;
        std::os::unix::fs::symlink(format!("{}-{me}", this_host()), dir.path().join("SingletonLock")).unwrap();
        assert_eq!(holder(dir.path()).map(|h| h.pid), Some(me));
        let other = tempfile::tempdir().unwrap();
        // Pids are below 2^22 on Linux: this one cannot be running.
        std::os::unix::fs::symlink(
            format!("{}-{}", this_host(), 0x7fff_fff0),
            other.path().join("SingletonLock"),
        )
        .unwrap();
        assert_eq!(holder(other.path()), None);
        assert_eq!(holder(Path::new("/nonexistent")), None);
    }
}
