//! `--browser-ws`: audit through a Chromium started separately, as a browser
//! pool or a remote machine would provide it.

use crate::support::fakes::ReplicaAccount;
use crate::support::{finding, json, require_chromium, Env, Replica};

/// A Chromium started on its own with a DevTools port; killed on drop.
struct Separate {
    child: std::process::Child,
    _profile: tempfile::TempDir,
    port: String,
    path: String,
}

impl Separate {
    fn start() -> Separate {
        let profile = tempfile::tempdir().expect("profile dir");
        let browser = privaudit::browser::find::find_browser(None).expect("chromium");
        let child = std::process::Command::new(browser)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes its port and browser path once it listens.
        let file = profile.path().join("DevToolsActivePort");
        let started = std::time::Instant::now();
        let text = loop {
            if let Ok(text) = std::fs::read_to_string(&file) {
                if text.lines().count() >= 2 {
                    break text;
                }
            }
            assert!(
                started.elapsed().as_secs() < 30,
                "the separate Chromium never opened its DevTools port"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let mut lines = text.lines();
        let port = lines.next().expect("port").to_string();
        let path = lines.next().expect("path").to_string();
        Separate {
            child,
            _profile: profile,
            port,
            path,
        }
    }
}

impl Drop for Separate {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn check_runs_in_a_separately_started_chromium_and_leaves_it_running() {
    require_chromium();
    let mut separate = Separate::start();
    let replica = Replica::start();
    for endpoint in [
        format!("ws://127.0.0.1:{}{}", separate.port, separate.path),
        format!("http://127.0.0.1:{}", separate.port),
    ] {
        let output = Env::new()
            .cmd()
            .args(["check", "x", "--format", "json", "--browser-ws", &endpoint])
            .args(replica.base_url_args(&["x"]))
            .output()
            .unwrap();
        let report = json(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "via {endpoint}: {report:#}");
        assert_eq!(finding(&report, "x.grok-training")["status"], "drift");
        assert!(
            separate.child.try_wait().unwrap().is_none(),
            "privaudit closed a browser it did not start"
        );
    }
}

#[test]
fn an_unreachable_endpoint_is_said_once_and_exits_three() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let output = Env::new()
        .cmd()
        .args([
            "check",
            "x",
            "--format",
            "json",
            "--browser-ws",
            &format!("ws://127.0.0.1:{port}/devtools/browser/x?token=SECRET1"),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // A pool that may be back later: exit 3, one line, no per-setting rows.
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    assert_eq!(stderr.matches("could not connect").count(), 1, "{stderr}");
    assert!(!stderr.contains("SECRET1") && stderr.contains("token=***"), "{stderr}");
}

/// A pool's token reaches the pool and nothing else: after a passing run
/// (through `/json/version`, the token carried into the WebSocket URL) and
/// a failing one, no output, report format or stored file holds it.
#[test]
fn a_browser_token_never_reaches_any_output_or_stored_file() {
    require_chromium();
    const TOKEN: &str = "KNOWNTOKEN7e3f";
    let separate = Separate::start();
    let replica = Replica::start();
    let env = Env::new();
    let evidence = tempfile::tempdir().expect("evidence dir");
    let mut seen = String::new();
    for (endpoint, format) in [
        (format!("http://127.0.0.1:{}/?token={TOKEN}", separate.port), "json"),
        (
            format!("ws://127.0.0.1:{}{}?token={TOKEN}", separate.port, separate.path),
            "table",
        ),
        (
            format!("ws://127.0.0.1:{}{}?token={TOKEN}", separate.port, separate.path),
            "markdown",
        ),
        (format!("ws://127.0.0.1:9/devtools/browser/x?token={TOKEN}"), "csv"),
        (format!("ws://127.0.0.1:9/{TOKEN}/x#{TOKEN}"), "json"),
    ] {
        let output = env
            .cmd()
            .args([
                "-v",
                "check",
                "x",
                "--format",
                format,
                "--browser-ws",
                &endpoint,
                "--browser-wait",
                "5",
            ])
            .arg("--evidence")
            .arg(evidence.path())
            .args(replica.base_url_args(&["x"]))
            .output()
            .expect("runs");
        seen.push_str(&String::from_utf8_lossy(&output.stdout));
        seen.push_str(&String::from_utf8_lossy(&output.stderr));
        assert!(matches!(output.status.code(), Some(1) | Some(3)), "{endpoint}: {seen}");
    }
    // The first run went through the pool: proof the token did its job.
    assert!(seen.contains("\"status\": \"drift\""), "{seen}");
    assert!(!seen.contains(TOKEN), "{seen}");
    for dir in [env.data.path(), env.config.path(), evidence.path()] {
        for entry in walk(dir) {
            let bytes = std::fs::read(&entry).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "{} holds the token",
                entry.display()
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// On a browser privaudit did not start (a pool, shared with others), each
/// platform's tab has a browser context of its own: a cookie one platform's
/// page leaves is not seen by the next, though both are on one host here.
#[test]
fn on_a_remote_browser_platforms_never_share_cookies() {
    require_chromium();
    let separate = Separate::start();
    let fixtures = crate::support::repo().join("tests/fixtures/fidelity");
    let replica = Replica::serve_dir(fixtures.join("site"));
    let run = |remote: bool| {
        let mut cmd = Env::new().cmd();
        for p in ["cookiea", "cookieb"] {
            cmd.arg("--rules").arg(fixtures.join(format!("rules/{p}.toml")));
        }
        cmd.args([
            "--jobs",
            "1",
            "check",
            "cookiea",
            "cookieb",
            "--no-history",
            "--format",
            "json",
        ])
        .args(replica.base_url_args(&["cookiea", "cookieb"]));
        if remote {
            cmd.args(["--browser-ws", &format!("http://127.0.0.1:{}", separate.port)]);
        }
        let out = cmd.output().expect("runs");
        json(&out.stdout)
    };
    // The fixture works: in one local scratch browser the two share a
    // context (real platforms are on different domains, so cookies stay
    // apart there anyway).
    let local = run(false);
    assert_eq!(finding(&local, "cookieb.ads")["current"], "on", "{local:#}");
    let remote = run(true);
    assert_eq!(finding(&remote, "cookiea.ads")["status"], "ok", "{remote:#}");
    assert_eq!(finding(&remote, "cookieb.ads")["current"], "off", "{remote:#}");
}

/// The linkedin replica's one web setting that the default profile wants
/// changed, read signed in or not.
fn ai_status(report: &serde_json::Value) -> String {
    finding(report, "linkedin.generative-ai-data")["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A LinkedIn replica that wants a session and renews its token on every
/// page load, and a session for it saved by `login --cookies`.
fn signed_in_to_a_rotating_linkedin(env: &Env) -> Replica {
    let replica = Replica::start();
    replica.fakes.require_login(
        "linkedin",
        ReplicaAccount {
            username: "reader@example.org".into(),
            password: "not used here".into(),
            totp_secret: None,
            captcha: false,
        },
    );
    replica.fakes.rotate_sessions("linkedin");
    let cookies = replica.session_cookies_file(env.config.path(), "linkedin");
    env.cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    replica
}

/// A session saved by `login` reaches a browser privaudit did not start,
/// and what the platform renewed there comes back: the replica rotates its
/// session token on every page load, so each run after the first is signed
/// in only if the one before wrote the renewed cookie back. Then the
/// person's local runs carry on from the pool's renewal.
#[test]
fn a_saved_session_travels_to_a_remote_browser_and_comes_back_renewed() {
    require_chromium();
    let separate = Separate::start();
    let env = Env::new();
    let replica = signed_in_to_a_rotating_linkedin(&env);
    let state = env.data.path().join("sessions/linkedin/privaudit-session.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&state)
            .expect("portable session state")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let ws = format!("http://127.0.0.1:{}", separate.port);
    let run = |args: &[&str], remote: bool| {
        let mut cmd = env.cmd();
        if remote {
            cmd.args(["--browser-ws", &ws]);
        }
        let out = cmd
            .args(["--timeout", "15"])
            .args(args)
            .args(["--format", "json"])
            .args(replica.base_url_args(&["linkedin"]))
            .output()
            .expect("runs");
        (
            out.status.code(),
            json(&out.stdout),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for round in 1..=2 {
        let (code, report, stderr) = run(&["check", "linkedin"], true);
        assert_eq!(code, Some(1), "round {round}: {report:#}\n{stderr}");
        assert_eq!(ai_status(&report), "drift", "round {round}: {report:#}\n{stderr}");
    }
    let (code, report, stderr) = run(&["apply", "linkedin", "--yes"], true);
    assert_eq!(code, Some(0), "{report:#}\n{stderr}");
    assert_eq!(ai_status(&report), "fixed", "{report:#}\n{stderr}");
    let (code, report, stderr) = run(&["check", "linkedin"], true);
    assert_eq!(
        (code, ai_status(&report)),
        (Some(0), "ok".into()),
        "{report:#}\n{stderr}"
    );
    // Home again: the local profile's token died on the pool; the state
    // renewed there is newer, and wins.
    let (code, report, stderr) = run(&["check", "linkedin"], false);
    assert_eq!(
        (code, ai_status(&report)),
        (Some(0), "ok".into()),
        "{report:#}\n{stderr}"
    );
    let (code, report, stderr) = run(&["check", "linkedin"], true);
    assert_eq!(
        (code, ai_status(&report)),
        (Some(0), "ok".into()),
        "{report:#}\n{stderr}"
    );
}

/// Stored credentials on a pool: the first run signs in inside its own
/// browser context, and keeps the session it made; the next run needs no
/// sign-in.
#[test]
fn a_sign_in_on_a_remote_browser_is_kept_for_the_next_run() {
    require_chromium();
    let separate = Separate::start();
    let env = Env::new();
    let replica = Replica::start();
    replica.fakes.require_login(
        "linkedin",
        ReplicaAccount {
            username: "reader@example.org".into(),
            password: "correct horse".into(),
            totp_secret: None,
            captcha: false,
        },
    );
    std::fs::write(
        env.config.path().join("accounts.toml"),
        "[linkedin]\nusername = \"reader@example.org\"\npassword_command = \"printf '%s' 'correct horse'\"\n",
    )
    .expect("accounts.toml");
    let ws = format!("http://127.0.0.1:{}", separate.port);
    for round in 1..=2 {
        let out = env
            .cmd()
            .args([
                "--browser-ws",
                &ws,
                "--timeout",
                "15",
                "check",
                "linkedin",
                "--format",
                "json",
            ])
            .args(replica.base_url_args(&["linkedin"]))
            .output()
            .expect("runs");
        let report = json(&out.stdout);
        assert_eq!(ai_status(&report), "drift", "round {round}: {report:#}");
        assert_eq!(
            replica.fakes.sign_in_attempts("linkedin").len(),
            1,
            "round {round}: signed in again needlessly"
        );
    }
}

/// A platform that keeps its session in local storage, not in a cookie:
/// the sign-in made on the pool is kept with the session and given to the
/// next run's fresh browser context, which then needs no sign-in.
#[test]
fn a_session_kept_in_local_storage_travels_to_a_remote_browser() {
    require_chromium();
    let separate = Separate::start();
    let env = Env::new();
    let fixtures = crate::support::repo().join("tests/fixtures/fidelity");
    let replica = Replica::serve_dir(fixtures.join("site"));
    std::fs::write(
        env.config.path().join("accounts.toml"),
        "[storagesession]\nusername = \"reader@example.org\"\npassword_command = \"printf '%s' 'correct horse'\"\n",
    )
    .expect("accounts.toml");
    let ws = format!("http://127.0.0.1:{}", separate.port);
    let sign_ins = || {
        replica
            .server
            .requests()
            .iter()
            .filter(|r| r.contains("/storagesession/login"))
            .count()
    };
    let check = || {
        let out = env
            .cmd()
            .arg("--rules")
            .arg(fixtures.join("rules/storagesession.toml"))
            .args([
                "--browser-ws",
                &ws,
                // A sign-in and a read on a shared remote browser while other
                // tests load the machine: 15 s per CDP answer was seen to run out.
                "--timeout",
                "30",
                "check",
                "storagesession",
                "--format",
                "json",
            ])
            .args(replica.base_url_args(&["storagesession"]))
            .output()
            .expect("runs");
        let report = json(&out.stdout);
        let status = finding(&report, "storagesession.ads")["status"].clone();
        assert_eq!(status, "drift", "{report:#}\n{}", String::from_utf8_lossy(&out.stderr));
    };
    check();
    assert!(sign_ins() >= 1, "the first run signs in");
    let state = env.data.path().join("sessions/storagesession/privaudit-session.json");
    let text = std::fs::read_to_string(&state).expect("the session was kept");
    assert!(text.contains("storagesession-token"), "{text}");
    let before = sign_ins();
    check();
    assert_eq!(sign_ins(), before, "signed in again: the local storage did not travel");
}

/// What the platform renewed before an interrupt is kept: the replica
/// rotates its token on every page load, a check on the remote browser is
/// stopped with SIGTERM after two pages, and the next run is signed in.
/// And a sign-in that fails (an export whose session the platform has
/// ended) leaves the session saved before as it was.
#[test]
fn an_interrupt_or_a_failed_sign_in_never_loses_a_working_session() {
    require_chromium();
    let separate = Separate::start();
    let env = Env::new();
    let replica = signed_in_to_a_rotating_linkedin(&env);
    let ws = format!("http://127.0.0.1:{}", separate.port);
    let check = |remote: bool| {
        let mut cmd = env.cmd();
        if remote {
            cmd.args(["--browser-ws", &ws]);
        }
        let out = cmd
            .args(["--timeout", "20", "check", "linkedin", "--format", "json"])
            .args(replica.base_url_args(&["linkedin"]))
            .output()
            .expect("runs");
        (json(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    // Every page's stylesheet is slow: the run is stopped between pages.
    replica
        .fakes
        .delay("/linkedin/style.css", std::time::Duration::from_secs(4));
    let mut args: Vec<String> = ["--browser-ws", &ws, "check", "linkedin", "--format", "json"]
        .map(String::from)
        .to_vec();
    args.extend(replica.base_url_args(&["linkedin"]));
    let pages = || {
        replica
            .server
            .requests()
            .iter()
            .filter(|r| r.contains("/mypreferences/"))
            .count()
    };
    let before = pages();
    let child = env.spawn(args);
    let started = std::time::Instant::now();
    while pages() < before + 2 {
        assert!(
            started.elapsed().as_secs() < 60,
            "the check never reached its second page"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    crate::support::signal(child.id(), "-TERM");
    let out = child.wait_with_output().expect("the check ends");
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    replica.fakes.delay("/linkedin/style.css", std::time::Duration::ZERO);
    let (report, stderr) = check(true);
    assert_eq!(
        ai_status(&report),
        "drift",
        "signed out after an interrupt: {report:#}\n{stderr}"
    );

    // An export of an ended session: refused, and the saved one still works,
    // on the pool and at home.
    let stale = env.config.path().join("stale.txt");
    std::fs::write(
        &stale,
        "127.0.0.1\tFALSE\t/\tFALSE\t0\treplica_session_linkedin\tended-long-ago\n",
    )
    .expect("stale export");
    for remote in [true, false] {
        let mut cmd = env.cmd();
        if remote {
            cmd.args(["--browser-ws", &ws]);
        }
        cmd.args(["login", "linkedin", "--cookies"])
            .arg(&stale)
            .args(replica.base_url_args(&["linkedin"]))
            .assert()
            .code(3);
        let (report, stderr) = check(true);
        assert_eq!(
            ai_status(&report),
            "drift",
            "remote after a failed login: {report:#}\n{stderr}"
        );
        let (report, stderr) = check(false);
        assert_eq!(
            ai_status(&report),
            "drift",
            "local after a failed login: {report:#}\n{stderr}"
        );
    }
}

/// A run killed with -9 leaves no browser context (and so no signed-in
/// cookie) behind in a browser it did not start: the contexts go with the
/// connection.
#[test]
fn a_killed_run_leaves_no_context_in_a_shared_browser() {
    require_chromium();
    let separate = Separate::start();
    let replica = Replica::start();
    replica
        .fakes
        .delay("/linkedin/style.css", std::time::Duration::from_secs(10));
    let env = Env::new();
    let mut args: Vec<String> = [
        "--browser-ws",
        &format!("http://127.0.0.1:{}", separate.port),
        "check",
        "linkedin",
    ]
    .map(String::from)
    .to_vec();
    args.extend(replica.base_url_args(&["linkedin"]));
    let mut child = env.spawn(args);
    let contexts = || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let url = format!("ws://127.0.0.1:{}{}", separate.port, separate.path);
            let (browser, mut handler) = chromiumoxide::Browser::connect(url).await.expect("connect");
            let drive = tokio::spawn(async move {
                use futures::StreamExt;
                while handler.next().await.is_some() {}
            });
            let answer = browser
                .execute(chromiumoxide::cdp::browser_protocol::target::GetBrowserContextsParams::default())
                .await
                .expect("contexts");
            drive.abort();
            answer.result.browser_context_ids.len()
        })
    };
    let started = std::time::Instant::now();
    while contexts() == 0 {
        assert!(started.elapsed().as_secs() < 30, "the run never made its context");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    child.kill().expect("kill -9");
    let _ = child.wait();
    let started = std::time::Instant::now();
    while contexts() > 0 {
        assert!(
            started.elapsed().as_secs() < 10,
            "the killed run's context is still there"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
