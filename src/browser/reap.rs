//! Chromium's helper processes (zygote, renderers, GPU and network services)
//! outlive the browser process for a moment after it exits. privaudit does not
//! return until they are gone, so a run never leaves Chromium behind.

use std::path::Path;
use std::time::{Duration, Instant};

/// Waits up to `grace` for every process started with `--user-data-dir=dir`
/// to exit, then kills what is left.
pub async fn reap(dir: &Path, grace: Duration) {
    let marker = format!("--user-data-dir={}", dir.display());
    let deadline = Instant::now() + grace;
    loop {
        let left = processes_with(&marker);
        if left.is_empty() {
            return;
        }
        if Instant::now() >= deadline {
            for pid in left {
                tracing::debug!(pid, "killing a Chromium helper that outlived the browser");
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
            }
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(target_os = "linux")]
fn processes_with(marker: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == marker.as_bytes())
                .then_some(pid)
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn processes_with(_marker: &str) -> Vec<i32> {
    Vec::new()
}
