//! External commands privaudit runs for the user (`password_command`,
//! `totp_command`, `--notify-cmd`): `sh -c CMD` in a process group of its
//! own, bounded in time. When the time is up, or privaudit is told to stop
//! (SIGINT, SIGTERM), the whole group is killed and the caller hears why,
//! so a hanging command can never hold the run's lock through the night.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an external command may run (`PRIVAUDIT_COMMAND_TIMEOUT`, in
/// seconds): long enough for a password manager to answer, short enough
/// that a nightly run still finishes.
pub fn timeout() -> Duration {
    COMMAND_TIMEOUT.get().copied().unwrap_or(Duration::from_secs(60))
}

/// `--command-timeout` (`PRIVAUDIT_COMMAND_TIMEOUT`), set once at start.
static COMMAND_TIMEOUT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();

pub fn set_timeout(limit: Duration) {
    let _ = COMMAND_TIMEOUT.set(limit);
}

#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    #[error("cannot start it: {0}")]
    Spawn(std::io::Error),
    #[error("it did not finish within {} s, and was stopped (set PRIVAUDIT_COMMAND_TIMEOUT for more)", .0.as_secs())]
    TimedOut(Duration),
    #[error("privaudit was told to stop while it ran; it was stopped too")]
    Interrupted,
    #[error("cannot wait for it: {0}")]
    Wait(std::io::Error),
}

/// What a finished command gave back.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
}

/// Runs `sh -c cmd` with `input` on its stdin (None: no stdin) and `env`
/// added, stderr passed through, stdout captured.
pub fn run(cmd: &str, input: Option<&[u8]>, env: &[(&str, &str)], limit: Duration) -> Result<Finished, ExternalError> {
    // Registered before the child starts, so a signal in between is seen.
    let stop = Arc::new(AtomicBool::new(false));
    let hooks: Vec<_> = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
        .into_iter()
        .filter_map(|sig| signal_hook::flag::register(sig, stop.clone()).ok())
        .collect();
    let outcome = run_watched(cmd, input, env, limit, &stop);
    for id in hooks {
        signal_hook::low_level::unregister(id);
    }
    // The person asked privaudit to stop: it stops, after its command.
    if matches!(outcome, Err(ExternalError::Interrupted)) {
        std::process::exit(130);
    }
    outcome
}

fn run_watched(
    cmd: &str,
    input: Option<&[u8]>,
    env: &[(&str, &str)],
    limit: Duration,
    stop: &AtomicBool,
) -> Result<Finished, ExternalError> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0);
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(ExternalError::Spawn)?;
    let group = i32::try_from(child.id()).ok();
    // stdin and stdout in threads: a command that neither reads all its
    // input nor stops writing must not block the clock.
    let writer = match (child.stdin.take(), input) {
        (Some(mut stdin), Some(bytes)) => {
            let bytes = bytes.to_vec();
            // A command that does not read its input is its own business.
            Some(std::thread::spawn(move || drop(stdin.write_all(&bytes))))
        }
        _ => None,
    };
    let reader = child.stdout.take().map(|mut out| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        })
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if stop.load(Ordering::SeqCst) => break Err(ExternalError::Interrupted),
            Ok(None) if Instant::now() >= deadline => break Err(ExternalError::TimedOut(limit)),
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Err(ExternalError::Wait(e)),
        }
    };
    // The whole group, finished or not: what the shell left running in the
    // background (a pipeline, `sleep &`) would otherwise outlive the run.
    if let Some(group) = group {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), nix::sys::signal::Signal::SIGKILL);
    }
    if status.is_err() {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    Ok(Finished {
        status: status?,
        stdout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_status_and_input_come_back() {
        let done = run("cat; exit 3", Some(b"hello"), &[], Duration::from_secs(10)).unwrap();
        assert_eq!(done.stdout, b"hello");
        assert_eq!(done.status.code(), Some(3));
        let env = run("printf %s \"$X\"", None, &[("X", "y")], Duration::from_secs(10)).unwrap();
        assert_eq!(env.stdout, b"y");
    }

    #[test]
    fn a_command_past_its_time_is_stopped_with_its_children() {
        let started = Instant::now();
        let err = run("sleep 30 & sleep 31; wait", None, &[], Duration::from_millis(300))
            .err()
            .unwrap();
        assert!(matches!(err, ExternalError::TimedOut(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
