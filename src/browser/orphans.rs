//! Browsers a killed run left behind. `kill -9` gives privaudit no chance to
//! end Chromium's process group (a dozen processes, hundreds of MB) or to
//! delete its scratch profile. So each launch is recorded in
//! `<data>/browsers/`, the record is removed once the browser is gone, and
//! the next launch (or `doctor`) ends what a dead run's record names.
//!
//! Only a browser privaudit started is ever touched: the record's process
//! group must still hold a process whose command line names the recorded
//! profile directory, and the run that started it must be gone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Where launches are recorded, set once per process (`<data>/browsers`).
/// Unset (library use, unit tests): nothing is recorded.
static REGISTRY: OnceLock<PathBuf> = OnceLock::new();

pub fn set_registry(dir: PathBuf) {
    let _ = REGISTRY.set(dir);
}

/// The prefix of the scratch profiles privaudit creates: only directories
/// named so are ever deleted here.
pub const SCRATCH_PREFIX: &str = "privaudit-chromium-";

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    /// The privaudit process that started the browser.
    owner: u32,
    /// Chromium's process group (its main process id).
    group: i32,
    profile_dir: PathBuf,
    /// A scratch profile, deleted with the browser.
    scratch: bool,
}

/// A recorded launch; dropping it removes the record (the browser is gone).
pub struct Registration {
    path: Option<PathBuf>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Records that this process started Chromium as process group `group`.
pub fn register(group: Option<i32>, profile_dir: &Path, scratch: bool) -> Registration {
    let (Some(dir), Some(group)) = (REGISTRY.get(), group) else {
        return Registration { path: None };
    };
    let record = Record {
        owner: std::process::id(),
        group,
        profile_dir: profile_dir.to_path_buf(),
        scratch,
    };
    let path = dir.join(format!("{group}.json"));
    let written = crate::fsutil::create_private_dir(dir)
        .and_then(|_| crate::fsutil::write_private_file(&path, &serde_json::to_string(&record).unwrap_or_default()));
    match written {
        Ok(()) => Registration { path: Some(path) },
        Err(e) => {
            tracing::debug!("could not record the browser launch: {e:#}");
            Registration { path: None }
        }
    }
}

/// What [`end_orphans`] did.
#[derive(Debug, Default, PartialEq)]
pub struct Cleaned {
    /// Browsers (process groups) ended.
    pub browsers: usize,
    /// Scratch profile directories removed.
    pub profiles: usize,
}

/// Ends the browsers of runs that are gone, and removes their scratch
/// profiles. Records of runs still alive are left alone.
pub fn end_orphans() -> Cleaned {
    let mut cleaned = Cleaned::default();
    let Some(dir) = REGISTRY.get() else {
        return cleaned;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return cleaned;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(record) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str::<Record>(&t).ok())
        else {
            let _ = std::fs::remove_file(&path);
            continue;
        };
        if record.owner == std::process::id() || crate::procfs::is_privaudit(record.owner) {
            continue;
        }
        let marker = format!("--user-data-dir={}", record.profile_dir.display());
        let members = group_members(record.group, &marker);
        if !members.is_empty() {
            kill_group(record.group);
            tracing::info!(
                "ended {} process(es) of a browser left by a privaudit run that was killed",
                members.len()
            );
            cleaned.browsers += 1;
        }
        let is_scratch = record
            .profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(SCRATCH_PREFIX));
        if record.scratch && is_scratch && record.profile_dir.is_dir() {
            if std::fs::remove_dir_all(&record.profile_dir).is_ok() {
                cleaned.profiles += 1;
            }
        } else if !record.scratch {
            // A kept profile (a session): its lock files name a dead process.
            for lock in ["SingletonLock", "SingletonSocket", "SingletonCookie"] {
                let _ = std::fs::remove_file(record.profile_dir.join(lock));
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    cleaned
}

/// The processes of group `group` whose command line contains `marker`.
#[cfg(target_os = "linux")]
fn group_members(group: i32, marker: &str) -> Vec<u32> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            // Field 5 of /proc/PID/stat is the process group; the name in
            // field 2 may hold spaces, so count from its closing paren.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.to_string()))
                .and_then(|rest| rest.split(' ').nth(2).and_then(|g| g.parse::<i32>().ok()))
                == Some(group)
        })
        .filter(|pid| crate::procfs::cmdline(*pid).is_some_and(|c| c.contains(marker)))
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn group_members(_group: i32, _marker: &str) -> Vec<u32> {
    Vec::new()
}

#[cfg(unix)]
fn kill_group(group: i32) {
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), nix::sys::signal::Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_group: i32) {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record naming a group whose processes are not that browser (here:
    /// this test's own group) ends nothing; the stale record goes.
    #[test]
    fn a_record_never_ends_a_process_it_does_not_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        set_registry(dir.path().to_path_buf());
        let group = nix::unistd::getpgrp().as_raw();
        let record = Record {
            owner: 1,
            group,
            profile_dir: dir.path().join("privaudit-chromium-gone"),
            scratch: true,
        };
        let path = dir.path().join(format!("{group}.json"));
        std::fs::write(&path, serde_json::to_string(&record).expect("json")).expect("write");
        assert_eq!(end_orphans(), Cleaned::default());
        assert!(!path.exists());
    }
}
