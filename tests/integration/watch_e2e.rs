//! The scheduled run: history, re-enabled settings, alerts, the run lock and
//! policy watch, on the replicas with the real Chromium and a real SQLite file.

use std::time::{Duration, Instant};

use crate::support::{
    edit_file, finding, json, processes_mentioning, require_chromium, stalled_x_replica, x_settings, Env, Receiver,
    Replica,
};

fn args(replica: &Replica, command: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    out.extend(replica.base_url_args(&["x"]));
    out
}

#[test]
fn cron_sequence_alerts_exactly_once_when_a_setting_is_switched_back_on() {
    require_chromium();
    let replica = Replica::start();
    let env = Env::new();
    let hook = Receiver::start();
    let notify = format!("json:{}", hook.url);

    // Night 1: the defaults are drift; apply fixes them.
    env.cmd().args(args(&replica, &["check", "x", "-q"])).assert().code(1);
    env.cmd()
        .args(args(&replica, &["apply", "x", "--yes", "-q"]))
        .assert()
        .code(0);
    // Night 2: all private, nothing new: -q prints nothing, no alert.
    let quiet = env
        .cmd()
        .args(args(&replica, &["check", "x", "-q", "--notify", &notify]))
        .assert()
        .code(0);
    assert!(quiet.get_output().stdout.is_empty(), "-q printed with nothing new");
    assert!(hook.bodies().is_empty(), "alert without news: {:?}", hook.bodies());

    // A policy update switches personalised ads back on server-side.
    replica.server.set_state("x", "personalized-ads", "on");

    // Night 3: re-enabled, exit 1, one alert naming the platform and setting.
    let out = env
        .cmd()
        .args(args(
            &replica,
            &["check", "x", "-q", "--format", "json", "--notify", &notify],
        ))
        .assert()
        .code(1);
    let report = json(&out.get_output().stdout);
    let ads = finding(&report, "x.personalized-ads");
    assert_eq!(ads["status"], "re-enabled", "{ads:#}");
    assert_eq!(ads["transition"], "re-enabled");
    assert_eq!(finding(&report, "x.grok-training")["status"], "ok");
    let bodies = hook.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let alert: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert!(
        alert["title"].as_str().unwrap().contains("switched back on"),
        "{alert:#}"
    );
    let changes = alert["details"]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{alert:#}");
    assert_eq!(changes[0]["platform"], "x");
    assert_eq!(changes[0]["setting"], "personalized-ads");
    assert_eq!(changes[0]["label"], "Personalized ads");

    // Night 4: still on, but already reported: drift, no second alert.
    let out = env
        .cmd()
        .args(args(
            &replica,
            &["check", "x", "-q", "--format", "json", "--notify", &notify],
        ))
        .assert()
        .code(1);
    assert!(out.get_output().stdout.is_empty(), "-q printed old news");
    assert_eq!(hook.bodies().len(), 1, "alerted twice: {:?}", hook.bodies());

    // The timeline shows the setting's story.
    let out = env.cmd().args(["history", "x", "--format", "json"]).assert().success();
    let history = json(&out.get_output().stdout);
    let ads: Vec<(String, String)> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["setting"] == "personalized-ads")
        .map(|e| {
            (
                e["command"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("check", "drift"),
        ("apply", "fixed"),
        ("check", "ok"),
        ("check", "re-enabled"),
        ("check", "drift"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(ads, expected);
    let table = env.cmd().args(["history", "x"]).assert().success();
    let table = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(
        table.contains("x.personalized-ads") && table.contains("re-enabled"),
        "{table}"
    );
}

#[test]
fn notify_cmd_gets_the_message_on_stdin_and_slack_gets_text() {
    require_chromium();
    let replica = Replica::start();
    let env = Env::new();
    let hook = Receiver::start();
    let out_file = env.data.path().join("alert.txt");
    let cmd = format!("cat > '{}'", out_file.display());
    // First run ever: the drift found is the news.
    env.cmd()
        .args(args(
            &replica,
            &[
                "check",
                "x",
                "-q",
                "--notify-cmd",
                &cmd,
                "--notify",
                &format!("slack:{}", hook.url),
            ],
        ))
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&out_file).expect("the notify command ran");
    assert!(text.contains("X › Personalized ads"), "{text}");
    let slack: serde_json::Value = serde_json::from_str(&hook.bodies()[0]).unwrap();
    assert!(
        slack["text"].as_str().unwrap().contains("Personalized ads"),
        "{slack:#}"
    );
}

#[test]
fn a_failing_webhook_is_reported_and_the_run_is_still_recorded() {
    require_chromium();
    let replica = Replica::start();
    let env = Env::new();
    // Nothing listens on port 9 of loopback.
    let out = env
        .cmd()
        .args(args(&replica, &["check", "x", "--notify", "http://127.0.0.1:9/hook"]))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("the alert was not delivered"), "{stderr}");
    let out = env.cmd().args(["history", "--format", "json"]).assert().success();
    assert_eq!(
        json(&out.get_output().stdout)["entries"].as_array().unwrap().len(),
        x_settings().len()
    );
}

#[test]
fn bad_notify_url_is_a_usage_error_before_any_browser_starts() {
    let env = Env::new();
    env.cmd()
        .args(["check", "x", "--notify", "ftp://example.org/x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--notify"));
}

/// Starts a check that waits on the stalled X replica, and returns once its
/// Chromium is up (with the browser profile's marker, to find it later).
fn spawn_stalled_check(env: &Env, stalled: &Replica, profile: &tempfile::TempDir) -> (std::process::Child, String) {
    let marker = format!("--user-data-dir={}", profile.path().display());
    let mut run = vec![
        "check".to_string(),
        "x".into(),
        "--timeout".into(),
        "60".into(),
        "--browser-profile".into(),
        profile.path().display().to_string(),
    ];
    run.extend(stalled.base_url_args(&["x"]));
    let child = env.spawn(&run);
    let started = Instant::now();
    while processes_mentioning(&marker).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "Chromium never started");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, marker)
}

#[test]
fn kill_9_mid_run_leaves_history_readable_and_earlier_runs_intact() {
    require_chromium();
    let replica = Replica::start();
    let env = Env::new();
    env.cmd().args(args(&replica, &["check", "x", "-q"])).assert().code(1);

    let stalled = stalled_x_replica();
    let profile = tempfile::tempdir().unwrap();
    let (mut child, marker) = spawn_stalled_check(&env, &stalled, &profile);
    crate::support::signal(child.id(), "-KILL");
    let _ = child.wait();
    // SIGKILL cannot be handled: clean up the orphaned browser ourselves.
    for pid in processes_mentioning(&marker) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }

    let out = env.cmd().args(["history", "x", "--format", "json"]).assert().success();
    let history = json(&out.get_output().stdout);
    assert_eq!(
        history["entries"].as_array().unwrap().len(),
        x_settings().len(),
        "{history:#}"
    );
    assert_eq!(history["unfinished_runs"].as_array().unwrap().len(), 1, "{history:#}");
    // And the next run records normally, comparing with the last finished one.
    env.cmd().args(args(&replica, &["check", "x", "-q"])).assert().code(1);
    let out = env.cmd().args(["history", "x", "--format", "json"]).assert().success();
    assert_eq!(
        json(&out.get_output().stdout)["entries"].as_array().unwrap().len(),
        2 * x_settings().len()
    );
}

#[test]
fn a_second_run_waits_for_the_lock_then_exits_3() {
    require_chromium();
    let stalled = stalled_x_replica();
    let env = Env::new();
    let profile = tempfile::tempdir().unwrap();
    let (mut holder, _) = spawn_stalled_check(&env, &stalled, &profile);
    let out = env
        .cmd()
        .args(["--lock-wait", "1", "check", "x"])
        .args(stalled.base_url_args(&["x"]))
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("another privaudit run") && stderr.contains(&holder.id().to_string()),
        "{stderr}"
    );
    crate::support::signal(holder.id(), "-INT");
    assert_eq!(holder.wait().unwrap().code(), Some(130));
    // With the first run gone, the lock is free again at once.
    let replica = Replica::start();
    env.cmd()
        .args(["--lock-wait", "1", "check", "x", "-q"])
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(1);
}

#[test]
fn a_changed_policy_page_is_reported_as_a_diff_and_alerted() {
    let replica = Replica::start_modified(|root| {
        std::fs::create_dir_all(root.join("x/en")).unwrap();
        std::fs::write(
            root.join("x/en/privacy.html"),
            "<html><body><h1>X Privacy Policy</h1><p>We do not let third parties train AI on your posts.</p><p>Contact us.</p></body></html>",
        )
        .unwrap();
    });
    let root = replica.root.as_ref().unwrap().path().to_path_buf();
    let env = Env::new();
    let hook = Receiver::start();
    let url = format!("x={}/en/privacy", replica.server.base_url("x"));
    let policy = |extra: &[&str]| {
        let mut cmd = env.cmd();
        cmd.args(["policy", "check", "--policy-url", &url]).args(extra);
        cmd
    };
    let out = policy(&[]).assert().code(0);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("stored for the first time"));
    // Unchanged: nothing to report, no alert.
    policy(&["--notify", &hook.url]).assert().code(0);
    assert!(hook.bodies().is_empty());

    edit_file(
        &root.join("x/en/privacy.html"),
        "We do not let third parties train AI on your posts.",
        "We may let third parties train AI on your posts.",
    );
    let out = policy(&["--notify", &hook.url]).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        stdout.contains("-We do not let third parties train AI on your posts."),
        "{stdout}"
    );
    assert!(
        stdout.contains("+We may let third parties train AI on your posts."),
        "{stdout}"
    );
    let alert: serde_json::Value = serde_json::from_str(&hook.bodies()[0]).unwrap();
    assert_eq!(alert["event"], "policy");
    assert!(alert["details"]["changes"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("+We may"));
    // The new version is now the baseline.
    policy(&[]).assert().code(0);

    // Both versions are kept: listed, and each one shown as stored.
    let listed = json(
        &env.cmd()
            .args(["policy", "list", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(listed["pages"][0]["platform"], "x");
    assert_eq!(listed["pages"][0]["versions"], 2, "{listed:#}");
    let shown = |version: &str| {
        let out = env
            .cmd()
            .args(["policy", "show", "x", "--version", version, "--format", "json"])
            .output()
            .unwrap();
        json(&out.stdout)["pages"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(shown("1").contains("We do not let third parties"));
    assert!(shown("2").contains("We may let third parties"));
    env.cmd()
        .args(["policy", "show", "x"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("version 2 of 2"));
    env.cmd()
        .args(["policy", "show", "x", "--version", "3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no version 3"));
}

#[test]
fn policy_fetch_failures_are_incomplete_not_fatal() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["policy", "check", "--policy-url", "x=http://127.0.0.1:9/privacy"])
        .assert()
        .code(3);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("Policy not checked: x"), "{stdout}");
    // The cause is kept, not just "error sending request".
    assert!(
        stdout.contains("no connection") && stdout.contains("refused"),
        "{stdout}"
    );
}

/// Before the first run the history is empty, not a usage error: a script
/// gets an empty timeline, a person a note saying what fills it.
#[test]
fn history_without_runs_is_empty_and_says_how_to_start() {
    let env = Env::new();
    env.cmd()
        .arg("history")
        .assert()
        .success()
        .stderr(predicates::str::contains("privaudit check"));
    let out = env.cmd().args(["history", "--format", "json"]).assert().success();
    let timeline = json(&out.get_output().stdout);
    assert_eq!(timeline["entries"].as_array().map(Vec::len), Some(0), "{timeline:#}");
}

#[test]
fn the_data_dir_and_history_are_private() {
    require_chromium();
    use std::os::unix::fs::PermissionsExt;
    let replica = Replica::start();
    let env = Env::new();
    let data = env.data.path().join("nested");
    env.cmd()
        .args(["--data-dir", data.to_str().unwrap()])
        .args(args(&replica, &["check", "x", "-q"]))
        .assert()
        .code(1);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("history.sqlite")), 0o600);
    assert_eq!(mode(&data.join("privaudit.lock")), 0o600);
}

/// A policy server that answers with an ETag and honours If-None-Match, and
/// counts the conditional requests it gets.
fn etag_server() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::runtime::Runtime,
) {
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let conditional = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = conditional.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let app = axum::Router::new().route(
        "/privacy",
        axum::routing::get(move |headers: HeaderMap| {
            let seen = seen.clone();
            async move {
                if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some("\"v1\"") {
                    seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [(header::ETAG, "\"v1\""), (header::CONTENT_TYPE, "text/html")],
                    "<html><body><p>Version one.</p></body></html>",
                )
                    .into_response()
            }
        }),
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    runtime.spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/privacy"), conditional, runtime)
}

#[test]
fn an_unchanged_policy_is_not_downloaded_again() {
    let (url, conditional, _runtime) = etag_server();
    let env = Env::new();
    let arg = format!("x={url}");
    env.cmd()
        .args(["policy", "check", "--policy-url", &arg])
        .assert()
        .code(0);
    let out = env
        .cmd()
        .args(["policy", "check", "--policy-url", &arg])
        .assert()
        .code(0);
    assert_eq!(conditional.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("0 changed, 1 unchanged"));
}

/// A setting that stays unread is not silent for good: after a week of
/// failed reads the next run alerts once ("still not read"), and the
/// nights after it do not, until another week has passed.
#[test]
fn a_setting_unread_for_a_week_is_reminded_once() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login(
        "x",
        crate::support::fakes::ReplicaAccount {
            username: "reader@example.org".into(),
            password: "unused".into(),
            totp_secret: None,
            captcha: false,
        },
    );
    let env = Env::new();
    let hook = Receiver::start();
    let check = || {
        env.cmd()
            .args(["check", "x", "-q", "--notify", &hook.url])
            .args(replica.base_url_args(&["x"]))
            .assert()
            .code(3);
    };
    check();
    assert!(hook.bodies().is_empty(), "the first run is a baseline");
    // A week goes by (the runs are moved back in the real history file).
    let db = rusqlite::Connection::open(env.data.path().join("history.sqlite")).unwrap();
    db.execute(
        "UPDATE runs SET started_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-8 days'), finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-8 days')",
        [],
    )
    .unwrap();
    drop(db);
    check();
    let bodies = hook.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let alert: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert!(alert["title"].as_str().unwrap().contains("still not read"), "{alert:#}");
    assert!(bodies[0].contains("not read since"), "{}", bodies[0]);
    check();
    assert_eq!(hook.bodies().len(), 1, "reminded once, not every night");
}

/// `--heartbeat 7d`: with nothing to report, an alert still goes out when
/// none has for a week, so a silent nightly run is known to be alive.
#[test]
fn a_heartbeat_goes_out_when_nothing_was_sent_for_a_while() {
    let env = Env::new();
    let out = env.data.path().join("alerts.txt");
    let run = || {
        env.cmd()
            .args(["check", "snapchat", "-q", "--heartbeat", "7d", "--notify-cmd"])
            .arg(format!("cat >> '{}'; echo --- >> '{}'", out.display(), out.display()))
            .assert()
            .code(0);
    };
    let sent = || std::fs::read_to_string(&out).unwrap_or_default().matches("---").count();
    run();
    assert_eq!(sent(), 1, "nothing was ever sent: the heartbeat is due");
    assert!(std::fs::read_to_string(&out).unwrap().contains("nothing changed"));
    run();
    assert_eq!(sent(), 1, "sent a moment ago: not due");
    std::fs::write(env.data.path().join("last-alert"), "2000-01-01T00:00:00Z\n").unwrap();
    run();
    assert_eq!(sent(), 2);
}
