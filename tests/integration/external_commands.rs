//! Commands privaudit runs for the user (`password_command`, `--notify-cmd`)
//! are bounded: one that hangs is stopped with everything it started, the
//! run goes on and ends, and the lock is free for the next run. A stop
//! signal to privaudit stops the command too.

use std::time::{Duration, Instant};

use crate::support::fakes::ReplicaAccount;
use crate::support::{processes_mentioning, require_chromium, signal, Env, Replica};

#[test]
fn a_hanging_password_command_is_stopped_and_the_run_goes_on() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login(
        "linkedin",
        ReplicaAccount {
            username: "reader@example.org".into(),
            password: "unused".into(),
            totp_secret: None,
            captcha: false,
        },
    );
    let env = Env::new();
    std::fs::write(
        env.config.path().join("accounts.toml"),
        "[linkedin]\nusername = \"reader@example.org\"\npassword_command = \"sleep 987\"\n",
    )
    .unwrap();
    let started = Instant::now();
    let out = env
        .cmd()
        .env("PRIVAUDIT_COMMAND_TIMEOUT", "2")
        .args(["--timeout", "10", "check", "linkedin"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("did not finish within 2 s"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(
        processes_mentioning("sleep 987"),
        Vec::<u32>::new(),
        "the command outlived the run"
    );
    // The lock was let go: the next run does not wait for it.
    env.cmd()
        .env("PRIVAUDIT_COMMAND_TIMEOUT", "2")
        .args(["--lock-wait", "1", "check", "snapchat"])
        .assert()
        .code(0);
}

#[test]
fn a_hanging_notify_command_is_stopped_and_reported() {
    let env = Env::new();
    let out = env
        .cmd()
        .env("PRIVAUDIT_COMMAND_TIMEOUT", "2")
        .args([
            "check",
            "snapchat",
            "--notify-always",
            "--notify-cmd",
            "sleep 988 | cat",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the alert was not delivered") && stderr.contains("did not finish within 2 s"),
        "{stderr}"
    );
    assert_eq!(processes_mentioning("sleep 988"), Vec::<u32>::new());
}

/// The processes that are the command itself (`sh -c sleep N`, `sleep N`):
/// not privaudit, whose arguments name it too, nor a helper forked from it
/// before the command started.
fn running_sleep(n: &str) -> Vec<u32> {
    let shell = format!("sh\0-c\0sleep {n}");
    let sleep = format!("sleep\0{n}");
    let mut pids = processes_mentioning(&format!("sleep {n}"));
    pids.extend(processes_mentioning(&sleep));
    pids.sort_unstable();
    pids.dedup();
    pids.retain(|pid| {
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd);
        cmd.starts_with(&shell) || cmd.starts_with(&sleep)
    });
    pids
}

#[test]
fn a_stop_signal_stops_the_command_and_privaudit() {
    let env = Env::new();
    let mut child = env.spawn(["check", "snapchat", "--notify-always", "--notify-cmd", "sleep 989"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while running_sleep("989").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!running_sleep("989").is_empty(), "the notify command never started");
    signal(child.id(), "-TERM");
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "privaudit ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(running_sleep("989"), Vec::<u32>::new());
}
