//! The real browserless pool (`@browserless.io/browserless` from npm,
//! pinned in tests/browserless, installed by `.ci/run` or by the first test
//! here), on loopback with a token, launching Debian's Chromium: sessions
//! injected into the pool's fresh browsers, the URL forms README gives,
//! three runs at once, and a full queue. browserless starts one Chromium
//! per WebSocket connection, at most CONCURRENT at once; QUEUED more wait
//! with no answer; beyond that it answers HTTP 429.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fakes::ReplicaAccount;
use crate::support::{finding, json, repo, require_chromium, Env, Replica};

const TOKEN: &str = "pool-token-6b1f0c";

/// Where browserless is installed: `PRIVAUDIT_BROWSERLESS_DIR`, or under target/.
fn install_dir() -> PathBuf {
    std::env::var_os("PRIVAUDIT_BROWSERLESS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/browserless"))
}

/// Installs browserless (a no-op once installed). A machine where it cannot
/// be installed fails these tests, loudly: they never pass by skipping.
fn install() {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let outcome = DONE.get_or_init(|| {
        let out = Command::new("bash")
            .arg(repo().join("tests/browserless/setup.sh"))
            .arg(install_dir())
            .output()
            .map_err(|e| format!("cannot run bash: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    });
    if let Err(why) = outcome {
        panic!("BROWSERLESS COULD NOT BE INSTALLED, so the pool tests cannot run (they need node, npm and the npm registry):\n{why}");
    }
}

/// A browserless instance; stopped with SIGTERM (it then closes its
/// Chromiums; SIGKILL would orphan them) when dropped.
struct Pool {
    child: Child,
    port: u16,
}

impl Pool {
    fn start(concurrent: u32, queued: u32) -> Pool {
        require_chromium();
        install();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("bash")
            .arg(repo().join("tests/browserless/start.sh"))
            .arg(install_dir())
            .args([
                port.to_string(),
                TOKEN.to_string(),
                concurrent.to_string(),
                queued.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start browserless");
        let mut pool = Pool { child, port };
        let started = Instant::now();
        loop {
            // It exits 0 on a failed start: any exit before it is ready is a failure.
            if let Ok(Some(status)) = pool.child.try_wait() {
                panic!("browserless exited ({status}) before it was ready");
            }
            if pool.get("/active").is_some_and(|(status, _)| status == 204) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "browserless was not ready within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        pool
    }

    fn get(&self, path: &str) -> Option<(u16, String)> {
        let answer = reqwest::blocking::Client::new()
            .get(format!("http://127.0.0.1:{}{path}?token={TOKEN}", self.port))
            .timeout(Duration::from_secs(5))
            .send()
            .ok()?;
        Some((answer.status().as_u16(), answer.text().unwrap_or_default()))
    }

    /// How many sessions run and wait (`/pressure`).
    fn pressure(&self) -> (u64, u64) {
        let (_, body) = self.get("/pressure").expect("browserless answers /pressure");
        let value: serde_json::Value = serde_json::from_str(&body).expect("/pressure is JSON");
        let pressure = value.get("pressure").unwrap_or(&value);
        (
            pressure["running"].as_u64().unwrap_or(0),
            pressure["queued"].as_u64().unwrap_or(0),
        )
    }

    /// Waits until the pool shows `running` and `queued` sessions.
    fn wait_for(&self, running: u64, queued: u64) {
        let started = Instant::now();
        while self.pressure() != (running, queued) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the pool never showed {running} running, {queued} queued (it shows {:?})",
                self.pressure()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Takes a place in the pool as a CDP client would, by opening a
    /// WebSocket and holding it; `answered` waits for the 101 (a running
    /// slot) rather than returning while queued.
    fn hold(&self, answered: bool) -> TcpStream {
        let mut socket = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to browserless");
        write!(
            socket,
            "GET /?token={TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            self.port
        )
        .expect("send the upgrade");
        if answered {
            socket.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
            let mut head = [0u8; 12];
            socket.read_exact(&mut head).expect("browserless answers the upgrade");
            assert_eq!(&head, b"HTTP/1.1 101", "the pool did not give a browser");
        }
        socket
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reader() -> ReplicaAccount {
    ReplicaAccount {
        username: "reader@example.org".into(),
        password: "not used here".into(),
        totp_secret: None,
        captcha: false,
    }
}

fn ai_status(report: &serde_json::Value) -> String {
    finding(report, "linkedin.generative-ai-data")["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every file under `dir`.
fn files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A person's signed-in session, saved by `login`, is checked, applied and
/// checked again through the pool, on each URL form README gives; the
/// replica rotates its session token on every page load, so each run is
/// signed in only because the one before wrote its renewal back. The token
/// is in no output and no stored file.
#[test]
fn a_saved_session_is_checked_applied_and_checked_through_browserless() {
    let pool = Pool::start(2, 2);
    let env = Env::new();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", reader());
    replica.fakes.rotate_sessions("linkedin");
    let cookies = replica.session_cookies_file(env.config.path(), "linkedin");
    env.cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    let port = pool.port;
    let mut outputs = Vec::new();
    let mut run = |endpoint: String, args: &[&str]| {
        let out = env
            .cmd()
            .args(["--browser-ws", &endpoint, "--timeout", "20", "-v"])
            .args(args)
            .args(["--format", "json"])
            .args(replica.base_url_args(&["linkedin"]))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
        outputs.push(stderr.clone());
        (out.status.code(), json(&out.stdout), stderr)
    };
    // ws:// without a path: the request line needs the `/` privaudit adds.
    let (code, report, stderr) = run(format!("ws://127.0.0.1:{port}?token={TOKEN}"), &["check", "linkedin"]);
    assert_eq!(
        (code, ai_status(&report)),
        (Some(1), "drift".into()),
        "{report:#}\n{stderr}"
    );
    // http:// discovery: browserless's answer leaves the token out of its
    // WebSocket URL; privaudit carries it.
    let (code, report, stderr) = run(
        format!("http://127.0.0.1:{port}?token={TOKEN}"),
        &["apply", "linkedin", "--yes"],
    );
    assert_eq!(
        (code, ai_status(&report)),
        (Some(0), "fixed".into()),
        "{report:#}\n{stderr}"
    );
    let (code, report, stderr) = run(
        format!("ws://127.0.0.1:{port}/chromium?token={TOKEN}"),
        &["check", "linkedin"],
    );
    assert_eq!(
        (code, ai_status(&report)),
        (Some(0), "ok".into()),
        "{report:#}\n{stderr}"
    );
    // The replica's own state says it changed, not only privaudit.
    assert_eq!(
        replica.server.state("linkedin", "generative-ai-data").as_deref(),
        Some("off")
    );

    // A wrong token: a configuration error, said without the token.
    let out = env
        .cmd()
        .args(["--browser-ws", &format!("ws://127.0.0.1:{port}/?token=wrong-{TOKEN}")])
        .args(["check", "linkedin"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("401") && stderr.contains("token"), "{stderr}");
    outputs.push(stderr);
    outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());

    for text in &outputs {
        assert!(!text.contains(TOKEN), "the pool's token reached the output:\n{text}");
    }
    for dir in [env.data.path(), env.config.path()] {
        for file in files(dir) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "the pool's token is stored in {}",
                file.display()
            );
        }
    }
}

/// Three accounts surveyed at once on one pool (README's worked example):
/// each its own data directory and session, each run its own browser.
/// The replica holds each page load a moment, so the runs overlap.
#[test]
fn three_accounts_are_read_at_once_on_one_pool() {
    let pool = Pool::start(3, 0);
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", reader());
    replica.fakes.delay("/linkedin/settings", Duration::from_millis(1500));
    let accounts: Vec<Env> = (0..3).map(|_| Env::new()).collect();
    let ws = format!("ws://127.0.0.1:{}/?token={TOKEN}", pool.port);
    // Signed in through the pool too: no local Chromium is needed.
    for env in &accounts {
        let cookies = replica.session_cookies_file(env.config.path(), "linkedin");
        env.cmd()
            .args(["--browser-ws", &ws, "login", "linkedin", "--cookies"])
            .arg(&cookies)
            .args(replica.base_url_args(&["linkedin"]))
            .assert()
            .code(0);
        assert!(
            !env.data.path().join("sessions/linkedin/Default").exists(),
            "a local Chromium profile was made"
        );
    }
    let runs: Vec<Child> = accounts
        .iter()
        .map(|env| {
            let mut args: Vec<String> = [
                "--browser-ws",
                &ws,
                "--timeout",
                "30",
                "check",
                "linkedin",
                "--format",
                "json",
            ]
            .map(String::from)
            .to_vec();
            args.extend(replica.base_url_args(&["linkedin"]));
            env.spawn(args)
        })
        .collect();
    // While they run, the pool has them all at once (its queue holds none).
    pool.wait_for(3, 0);
    for run in runs {
        let out = run.wait_with_output().expect("runs");
        let report = json(&out.stdout);
        assert_eq!(
            (out.status.code(), ai_status(&report)),
            (Some(1), "drift".into()),
            "{report:#}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A full pool, as README says: a run waits in the queue up to
/// --browser-wait and is served when a browser frees up; one that finds
/// no room in the queue is refused at once. Both exit 3 (try again).
#[test]
fn a_full_pool_queues_a_run_then_refuses_the_next() {
    let pool = Pool::start(1, 1);
    let replica = Replica::start();
    let env = Env::new();
    let ws = format!("ws://127.0.0.1:{}/?token={TOKEN}", pool.port);
    let check = |wait: &str| {
        let mut cmd = env.cmd();
        cmd.args([
            "--browser-ws",
            &ws,
            "--browser-wait",
            wait,
            "check",
            "linkedin",
            "--no-history",
        ])
        .args(replica.base_url_args(&["linkedin"]));
        cmd
    };

    // The only browser is taken: a run waits its --browser-wait in the queue.
    let held = pool.hold(true);
    let started = Instant::now();
    let out = check("3").output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(started.elapsed() >= Duration::from_secs(3), "it did not wait");
    assert!(
        stderr.contains("queued") && stderr.contains("--browser-wait"),
        "{stderr}"
    );

    // Its place in the queue is still taken (browserless keeps a queued
    // connection's place until its turn, even once the client has gone):
    // the next run is refused at once, and told so.
    pool.wait_for(1, 1);
    let started = Instant::now();
    let out = check("30").output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("is full") && stderr.contains("429") && stderr.contains("QUEUED"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "a refusal should not wait");

    // Served once the browser frees up.
    drop(held);
    pool.wait_for(0, 0);
    let held = pool.hold(true);
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        drop(held);
    });
    let out = check("60").output().expect("runs");
    release.join().expect("release");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a queued run is served when a browser frees: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
