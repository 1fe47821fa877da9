//! Chromium's helper processes (zygote, renderers, GPU and network services)
//! outlive the browser process for a moment after it exits. privaudit does not
//! return until they are gone, so a run never leaves Chromium behind.

use std::path::Path;
use std::time::{Duration, Instant};

/// Waits up to `grace` for every Chromium process of the run's profile
/// directory (`--user-data-dir=DIR`, and crashpad's `--database=DIR/...`) to
/// exit, then kills what is left.
pub async fn reap(dir: &Path, grace: Duration) {
    let marker = dir.display().to_string();
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
            // A killed process lingers until the kernel has torn it down;
            // return only once it is gone (bounded).
            let killed = Instant::now();
            while !processes_with(&marker).is_empty() && killed.elapsed() < Duration::from_secs(2) {
                tokio::time::sleep(Duration::from_millis(20)).await;
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
            // Only arguments Chromium's own processes carry count: never a
            // shell or privaudit itself that merely mentions the directory.
            let ours = pid != std::process::id() as i32
                && cmdline.split(|b| *b == 0).any(|arg| {
                    let arg = String::from_utf8_lossy(arg);
                    ["--user-data-dir=", "--database="]
                        .iter()
                        .any(|flag| arg.strip_prefix(flag).is_some_and(|v| v.starts_with(marker)))
                });
            ours.then_some(pid)
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn processes_with(_marker: &str) -> Vec<i32> {
    Vec::new()
}
