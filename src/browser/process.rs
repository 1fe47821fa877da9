//! Chromium's process group once the browser is done: killed, its members
//! reaped here, and waited for (bounded) until the kernel has removed them,
//! so no helper outlives a run.

use std::time::Duration;

use process_wrap::tokio::TokioChildWrapper;

/// Kills what is left of Chromium's process group and waits (bounded) until
/// the kernel has removed every member of it.
pub async fn end_group(child: &mut Box<dyn TokioChildWrapper>, group: Option<i32>) {
    if let Some(group) = group {
        // The browser may have exited already: its helpers have not.
        kill_group(group);
    }
    let _ = child.start_kill();
    let _ = tokio::time::timeout(Duration::from_secs(2), Box::into_pin(child.wait())).await;
    let Some(group) = group else { return };
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    // Signal 0 delivers nothing: it only asks whether any member is left.
    while group_alive(group) && std::time::Instant::now() < deadline {
        kill_group(group);
        reap_group(group);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Makes privaudit the reaper of Chromium's helpers once the browser is
/// gone: they are reparented here instead of to PID 1, which in containers
/// may reap late (measured: 1.4 s per browser), and [`reap_group`] collects
/// them at once.
#[cfg(target_os = "linux")]
pub fn adopt_orphans() {
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

#[cfg(not(target_os = "linux"))]
pub fn adopt_orphans() {}

/// Collects the exited members of Chromium's process group that are our
/// children (the browser, and its helpers once adopted); only that group,
/// so no other child's exit status is taken from its owner.
#[cfg(unix)]
fn reap_group(group: i32) {
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    while let Ok(status) = waitpid(nix::unistd::Pid::from_raw(-group), Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

#[cfg(not(unix))]
fn reap_group(_group: i32) {}

#[cfg(unix)]
fn group_alive(group: i32) -> bool {
    nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), None).is_ok()
}

#[cfg(unix)]
fn kill_group(group: i32) {
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), nix::sys::signal::Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_group: i32) {}

#[cfg(not(unix))]
fn group_alive(_group: i32) -> bool {
    false
}
