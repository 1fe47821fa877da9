//! `privaudit check` end to end: the real binary drives the real Chromium
//! against the replica sites on loopback.

use predicates::prelude::*;

use crate::support::{
    edit_file, finding, json, processes_mentioning, require_chromium, signal, stalled_x_replica, x_settings, Env,
    Replica,
};

const ALL: [&str; 3] = ["x", "linkedin", "instagram"];

#[test]
fn replicas_with_platform_defaults_show_drift_under_a_strict_profile() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let output = env
        .cmd()
        .arg("check")
        .args(ALL)
        .args(replica.base_url_args(&ALL))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "drift exits 1; report: {report:#}");
    assert_eq!(report["schema_version"], 1);
    assert!(report["rules_version"].as_str().is_some_and(|v| !v.is_empty()));

    // A native checkbox with a label (X), on by default.
    let grok = finding(&report, "x.grok-training");
    assert_eq!(grok["status"], "drift");
    assert_eq!(grok["current"], "on");
    assert_eq!(grok["wanted"], "off");
    // A role="switch" button with aria-checked in a lazily loaded section (LinkedIn).
    let gai = finding(&report, "linkedin.generative-ai-data");
    assert_eq!(gai["status"], "drift", "{gai:#}");
    assert_eq!(gai["current"], "on");
    // A control that only exists inside a dialog opened first (Instagram).
    let future = finding(&report, "instagram.off-meta-future-activity");
    assert_eq!(future["status"], "drift", "{future:#}");
    assert_eq!(future["current"], "off");
    // Objection forms are manual, with a link and steps.
    let objection = finding(&report, "instagram.ai-objection");
    assert_eq!(objection["status"], "manual");
    assert!(objection["url"].as_str().unwrap().starts_with("https://"));
    assert!(!objection["steps"].as_array().unwrap().is_empty());

    for f in report["findings"].as_array().unwrap() {
        assert!(
            !matches!(f["status"].as_str(), Some("unreadable" | "error" | "login-required")),
            "every replica setting must be readable: {f:#}"
        );
    }
}

#[test]
fn a_setting_already_private_is_ok_and_exits_zero() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    for key in x_settings() {
        replica.server.set_state("x", &key, "off");
    }
    let output = env
        .cmd()
        .args(["check", "x", "--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["status"], "ok", "{f:#}");
        assert_eq!(f["current"], "off");
    }
}

#[test]
fn a_changed_label_makes_the_setting_unreadable_and_exits_three() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start_modified(|root| {
        edit_file(
            &root.join("x/settings/grok_settings.html"),
            "to be used for training and fine-tuning",
            "to improve our products",
        );
    });
    // Keep the other X settings private so the only news is the unreadable one.
    for key in x_settings().iter().filter(|k| *k != "grok-training") {
        replica.server.set_state("x", key, "off");
    }
    let output = env
        .cmd()
        .args(["check", "x", "--timeout", "6", "--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report:#}");
    let grok = finding(&report, "x.grok-training");
    assert_eq!(grok["status"], "unreadable");
    assert!(grok["message"].as_str().unwrap().contains("rules/x.toml"), "{grok:#}");
    assert_eq!(finding(&report, "x.personalized-ads")["status"], "ok");
}

#[test]
fn a_server_that_is_down_gives_error_and_exits_three() {
    require_chromium();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let profile = tempfile::tempdir().unwrap();
    let marker = profile.path().to_string_lossy().to_string();
    let output = Env::new()
        .cmd()
        .args([
            "check",
            "linkedin",
            "--timeout",
            "15",
            "--format",
            "json",
            "--browser-profile",
            &marker,
        ])
        .args(["--base-url", &format!("linkedin=http://127.0.0.1:{port}/linkedin")])
        .output()
        .unwrap();
    assert_eq!(
        processes_mentioning(&marker),
        Vec::<u32>::new(),
        "Chromium left behind after an error"
    );
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report:#}");
    let gai = finding(&report, "linkedin.generative-ai-data");
    assert_eq!(gai["status"], "error");
    // A refused connection fails at once; on a loaded machine the page
    // timeout may be what reports it. Either way it names the page.
    let message = gai["message"].as_str().unwrap();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{gai:#}");
    assert!(
        message.contains("did not answer") || message.contains("did not load"),
        "{gai:#}"
    );
    // Manual settings are still reported: nothing already known is lost.
    assert_eq!(finding(&report, "linkedin.gai-objection")["status"], "manual");
}

/// A site that is down is one cause: one line for the platform (not one
/// per setting), and its other pages are not tried one by one.
#[test]
fn a_site_that_is_down_is_one_line_for_the_platform() {
    require_chromium();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = Env::new()
        .cmd()
        .args(["check", "x", "--timeout", "15"])
        .args(["--base-url", &format!("x=http://127.0.0.1:{port}/x")])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("error x ("), "{stdout}");
    assert!(
        lines[0].contains(&format!("did not answer at http://127.0.0.1:{port}")),
        "{stdout}"
    );
}

/// A Chromium profile another Chromium is running on: one line naming it,
/// exit 2 (a configuration problem), before any setting is tried — for a
/// --browser-profile and for privaudit's own saved sessions alike.
#[test]
fn a_profile_held_by_a_running_chromium_is_one_line_and_exit_two() {
    require_chromium();
    let env = Env::new();
    let held = tempfile::tempdir().unwrap();
    let session = env.data.path().join("sessions/x");
    std::fs::create_dir_all(&session).unwrap();
    let browser = privaudit::browser::find::find_browser(None).unwrap();
    let mut running = Vec::new();
    for dir in [held.path(), session.as_path()] {
        let child = std::process::Command::new(&browser)
            .args(["--headless=new", "--no-sandbox", "--remote-debugging-port=0"])
            .arg(format!("--user-data-dir={}", dir.display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        running.push(child);
        let lock = dir.join("SingletonLock");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::fs::symlink_metadata(&lock).is_err() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let with_profile = env
        .cmd()
        .args(["check", "x", "--browser-profile"])
        .arg(held.path())
        .output()
        .unwrap();
    let own_session = env.cmd().args(["check", "x"]).output().unwrap();
    for mut child in running {
        let _ = child.kill();
        let _ = child.wait();
    }
    for (out, dir) in [(&with_profile, held.path()), (&own_session, session.as_path())] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "the Chromium profile {} is in use by another Chromium",
                dir.display()
            )),
            "{stderr}"
        );
        assert!(stderr.lines().count() <= 3, "one line and its help: {stderr}");
        assert!(out.stdout.is_empty(), "no report of five identical failures");
    }
}

#[test]
fn an_http_500_is_an_error() {
    require_chromium();
    let replica = Replica::start_modified(|root| {
        std::fs::write(
            root.join("linkedin/mypreferences/d/settings/data-for-ai-improvement.status"),
            "500",
        )
        .unwrap();
    });
    let output = Env::new()
        .cmd()
        .args(["check", "linkedin", "--format", "json"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    let gai = finding(&report, "linkedin.generative-ai-data");
    assert_eq!(gai["status"], "error", "{gai:#}");
    assert!(gai["message"].as_str().unwrap().contains("HTTP 500"), "{gai:#}");
}

#[test]
fn a_redirect_outside_the_declared_domains_is_blocked() {
    require_chromium();
    let replica = Replica::start_modified(|root| {
        // Another origin on loopback stands in for a foreign site.
        std::fs::write(
            root.join("x/settings/grok_settings.redirect"),
            "http://localhost:9/phish",
        )
        .unwrap();
    });
    let output = Env::new()
        .cmd()
        .args(["check", "x", "--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report:#}");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["status"], "error", "the whole platform stops: {f:#}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("outside the platform's declared domains"),
            "{f:#}"
        );
    }
}

#[test]
fn a_signed_out_session_is_login_required() {
    require_chromium();
    let replica = Replica::start();
    replica.server.set_signed_in("linkedin", false);
    let output = Env::new()
        .cmd()
        .args(["check", "linkedin", "--format", "json"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report:#}");
    let gai = finding(&report, "linkedin.generative-ai-data");
    assert_eq!(gai["status"], "login-required");
    assert!(
        gai["message"].as_str().unwrap().contains("not signed in to LinkedIn"),
        "{gai:#}"
    );
}

#[test]
fn table_output_lists_findings_and_a_summary() {
    require_chromium();
    let replica = Replica::start();
    Env::new()
        .cmd()
        .args(["check", "x"])
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("Allow your public data")
                .and(predicate::str::contains("drift"))
                .and(predicate::str::is_match(r"1 platform, \d+ settings: .*drift").unwrap()),
        )
        .stderr(predicate::str::contains("using the strict preset"));
}

#[test]
fn no_chromium_process_outlives_a_run() {
    require_chromium();
    let replica = Replica::start();
    let profile = tempfile::tempdir().unwrap();
    let marker = profile.path().to_string_lossy().to_string();
    Env::new()
        .cmd()
        .args(["check", "x", "--browser-profile", &marker])
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(1);
    assert_eq!(
        processes_mentioning(&marker),
        Vec::<u32>::new(),
        "Chromium processes left behind"
    );
}

#[test]
fn ctrl_c_closes_the_browser_and_exits_130() {
    require_chromium();
    let replica = stalled_x_replica();
    let profile = tempfile::tempdir().unwrap();
    let marker = profile.path().to_string_lossy().to_string();
    let env = Env::new();
    let mut args = vec![
        "check".to_string(),
        "x".into(),
        "--timeout".into(),
        "60".into(),
        "--browser-profile".into(),
        marker.clone(),
    ];
    args.extend(replica.base_url_args(&["x"]));
    let mut child = env.spawn(&args);
    // Wait (bounded) until Chromium itself is up (privaudit's own command
    // line names the directory too, so look for Chromium's flag), then
    // interrupt.
    let started = std::time::Instant::now();
    let chromium_flag = format!("--user-data-dir={marker}");
    while processes_mentioning(&chromium_flag).is_empty() {
        assert!(started.elapsed().as_secs() < 30, "Chromium never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The flags privaudit means to give Chromium reach it whole (they once
    // arrived as `----disable-gpu` and were ignored).
    let main = processes_mentioning(&chromium_flag)
        .into_iter()
        .map(|pid| {
            String::from_utf8_lossy(&std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default()).to_string()
        })
        .find(|cmd| !cmd.contains("--type="))
        .expect("Chromium's main process");
    let args: Vec<&str> = main.split('\0').collect();
    for flag in [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
    ] {
        assert!(args.contains(&flag), "{flag} missing from {args:?}");
    }
    assert!(
        !args.iter().any(|a| a.starts_with("---")),
        "a flag with too many dashes: {args:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    signal(child.id(), "-INT");
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130));
    // Under heavy parallel load one helper was seen still listed right after
    // exit (cause not yet found, see the issue note); allow a bounded 3 s for
    // it to vanish, and fail with its command line if it does not.
    let grace = std::time::Instant::now();
    while !processes_mentioning(&marker).is_empty() && grace.elapsed().as_secs() < 3 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left: Vec<String> = processes_mentioning(&marker)
        .into_iter()
        .map(|pid| {
            String::from_utf8_lossy(&std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default())
                .replace('\0', " ")
        })
        .collect();
    assert!(
        left.is_empty(),
        "Chromium processes left behind after Ctrl-C: {left:#?}"
    );
}

/// When a control has no usable role or name, a rule may fall back to CSS;
/// the state is still read from the accessibility tree.
#[test]
fn a_css_locator_reads_the_same_control() {
    require_chromium();
    let replica = Replica::start();
    let rules = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::support::repo().join("rules/x.toml")).unwrap();
    let start = text
        .find("control = { role = \"checkbox\", name_regex")
        .expect("grok control line");
    let end = start + text[start..].find('\n').unwrap();
    let text = format!(
        "{}control = {{ css = \"[data-testid=settingsDetailCheckbox] input\" }}{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(rules.path().join("x.toml"), text).unwrap();
    let output = Env::new()
        .cmd()
        .args(["check", "x", "--format", "json", "--rules"])
        .arg(rules.path())
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    let grok = finding(&report, "x.grok-training");
    assert_eq!(grok["status"], "drift", "{grok:#}");
    assert_eq!(grok["current"], "on");
}

/// Chromium dying mid-run (OOM killer, a crash) ends the platform with
/// `error` at once instead of waiting out the timeout, and still reports.
#[test]
fn a_browser_killed_mid_run_is_reported_as_error() {
    require_chromium();
    let replica = stalled_x_replica();
    let profile = tempfile::tempdir().unwrap();
    let marker = profile.path().to_string_lossy().to_string();
    let env = Env::new();
    let mut args: Vec<String> = [
        "check",
        "x",
        "--timeout",
        "120",
        "--format",
        "json",
        "--browser-profile",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    args.push(marker.clone());
    args.extend(replica.base_url_args(&["x"]));
    let child = env.spawn(&args);
    let started = std::time::Instant::now();
    // The browser process has --user-data-dir but no --type= (renderers, GPU
    // and utility processes have one; privaudit itself has neither).
    let browser_pid = loop {
        let main = processes_mentioning(&marker).into_iter().find(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline);
            cmdline.contains("--user-data-dir=") && !cmdline.contains("--type=")
        });
        if let Some(pid) = main {
            break pid;
        }
        assert!(started.elapsed().as_secs() < 30, "Chromium never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    // Mid-run: once the browser has asked the replica for a page (before
    // that, a browser that dies did not start, which is another message).
    while replica.server.requests().is_empty() {
        assert!(started.elapsed().as_secs() < 30, "no page was ever requested");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    signal(browser_pid, "-KILL");
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed().as_secs() < 60,
        "privaudit waited out its timeout instead of noticing"
    );
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report:#}");
    let grok = finding(&report, "x.grok-training");
    assert_eq!(grok["status"], "error", "{grok:#}");
}

/// Images, media and fonts are refused before they are fetched (an audit
/// never needs them) unless the rule allows them.
#[test]
fn images_and_fonts_are_not_fetched_unless_the_rule_allows_them() {
    require_chromium();
    let replica = Replica::start();
    Env::new()
        .cmd()
        .args(["check", "x"])
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(1);
    let requests = replica.server.requests();
    assert!(
        requests.iter().any(|r| r.ends_with("/x/settings/grok_settings")),
        "{requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.ends_with("/x/style.css")),
        "stylesheets still load: {requests:?}"
    );
    assert!(
        !requests.iter().any(|r| r.ends_with(".png") || r.ends_with(".woff2")),
        "{requests:?}"
    );

    // The same run with images allowed by the rule fetches the avatar.
    let rules = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::support::repo().join("rules/x.toml"))
        .unwrap()
        .replacen("verified = ", "allow_resources = [\"image\"]\nverified = ", 1);
    std::fs::write(rules.path().join("x.toml"), text).unwrap();
    let replica = Replica::start();
    Env::new()
        .cmd()
        .args(["check", "x", "--rules"])
        .arg(rules.path())
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(1);
    let requests = replica.server.requests();
    assert!(requests.iter().any(|r| r.ends_with("/x/avatar.png")), "{requests:?}");
    assert!(!requests.iter().any(|r| r.ends_with(".woff2")), "{requests:?}");
}

/// `PLATFORM.SETTING` audits one setting, `--category` one kind of setting;
/// a setting the platform does not have is a usage error naming the fix.
#[test]
fn single_settings_and_categories_narrow_the_audit() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let ids = |args: &[&str]| -> Vec<String> {
        let out = env
            .cmd()
            .arg("check")
            .args(args)
            .args(replica.base_url_args(&["x", "linkedin"]))
            .args(["--format", "json", "--no-history"])
            .output()
            .unwrap();
        let report = json(&out.stdout);
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}.{}", f["platform"].as_str().unwrap(), f["setting"].as_str().unwrap()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&["x.grok-training"]), ["x.grok-training"]);
    assert_eq!(
        ids(&["x.grok-training", "linkedin.generative-ai-data"]),
        ["linkedin.generative-ai-data", "x.grok-training"]
    );
    let ai = ids(&["x", "linkedin", "--category", "ai-training"]);
    assert!(ai.contains(&"x.grok-training".to_string()), "{ai:?}");
    assert!(ai.contains(&"linkedin.generative-ai-data".to_string()), "{ai:?}");
    assert!(!ai.contains(&"x.personalized-ads".to_string()), "{ai:?}");

    env.cmd()
        .args(["check", "x.grok-trainin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no setting `grok-trainin`").and(predicate::str::contains("rules show x")));
    env.cmd()
        .args(["check", "x", "--category", "ai"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ai-training, ad-personalisation"));
}

/// Ctrl-C during `check` still gives the report and the history record of
/// what was read, marked interrupted (not left as a killed run); what was
/// not read says so.
#[test]
fn an_interrupted_check_reports_and_records_what_it_read() {
    require_chromium();
    let replica = stalled_x_replica();
    let env = Env::new();
    let mut args: Vec<String> = ["check", "x", "linkedin", "--timeout", "60", "--format", "json"]
        .map(String::from)
        .to_vec();
    args.extend(replica.base_url_args(&["x", "linkedin"]));
    let child = env.spawn(&args);
    // x's Grok setting waits the whole minute; the rest is read in seconds.
    std::thread::sleep(std::time::Duration::from_secs(6));
    signal(child.id(), "-INT");
    let out = child.wait_with_output().expect("privaudit ends");
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["interrupted"], true, "{report:#}");
    let grok = finding(&report, "x.grok-training");
    assert_eq!(grok["status"], "unreadable", "{grok:#}");
    assert_eq!(grok["message"], "not read: interrupted", "{grok:#}");
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| f["status"] != "error"),
        "an interrupt is not an error: {report:#}"
    );

    let db = rusqlite::Connection::open(env.data.path().join("history.sqlite")).expect("history");
    let (interrupted, finished, exit): (bool, Option<String>, Option<i64>) = db
        .query_row("SELECT interrupted, finished_at, exit_code FROM runs", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("one run recorded");
    assert!(interrupted && finished.is_some(), "recorded as killed, not interrupted");
    assert_eq!(exit, Some(130));
    let unread: i64 = db
        .query_row(
            "SELECT count(*) FROM findings WHERE message = 'not read: interrupted'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(unread, 0, "what was not read is not history");
}

/// `kill -9` gives privaudit no chance to end Chromium; the next run does:
/// it ends the killed run's browser (and only that one) and removes its
/// scratch profile.
#[test]
fn the_next_run_ends_what_a_killed_run_left() {
    require_chromium();
    let replica = stalled_x_replica();
    let env = Env::new();
    let mut args: Vec<String> = ["check", "x", "--timeout", "60", "--no-history"]
        .map(String::from)
        .to_vec();
    args.extend(replica.base_url_args(&["x"]));
    let mut child = env.spawn(&args);
    let records = env.data.path().join("browsers");
    let started = std::time::Instant::now();
    let record = loop {
        let found = std::fs::read_dir(&records)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path());
        if let Some(path) = found {
            if let Ok(text) = std::fs::read_to_string(&path) {
                if let Ok(record) = serde_json::from_str::<serde_json::Value>(&text) {
                    break record;
                }
            }
        }
        assert!(started.elapsed().as_secs() < 30, "the launch was never recorded");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let profile_dir = record["profile_dir"].as_str().expect("profile_dir").to_string();
    let marker = format!("--user-data-dir={profile_dir}");
    while processes_mentioning(&marker).is_empty() {
        assert!(started.elapsed().as_secs() < 30, "Chromium never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    signal(child.id(), "-KILL");
    let _ = child.wait();
    // Usually the browser outlives the run (the issue saw 12 processes);
    // under load it sometimes goes too, at once or a moment later (its
    // stderr pipe is gone). Either way, after the next run nothing of it
    // may be left: no process, no scratch profile, no record.

    // The next run (here `doctor`, which starts a browser too) ends it.
    // (Chromium may also die on its own once its stderr pipe is gone; the
    // record still leads to its scratch profile.)
    let out = env
        .cmd()
        .args(["doctor", "--format", "json"])
        .output()
        .expect("doctor runs");
    let report = crate::support::json(&out.stdout);
    let leftovers = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "leftovers"))
        .unwrap_or_else(|| panic!("doctor says nothing of the killed run: {report:#}"));
    let detail = leftovers["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains("left by a privaudit run that was killed"),
        "{leftovers:#}"
    );
    let grace = std::time::Instant::now();
    while !processes_mentioning(&marker).is_empty() && grace.elapsed().as_secs() < 3 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(processes_mentioning(&marker), Vec::<u32>::new(), "orphans left");
    assert!(
        !std::path::Path::new(&profile_dir).exists(),
        "scratch profile left: {profile_dir}"
    );
    assert_eq!(
        std::fs::read_dir(&records).map(|d| d.count()).unwrap_or(0),
        0,
        "records left"
    );
}

/// The profile says where the accounts are and on which plan: a setting the
/// platform offers only elsewhere is not read, and each finding carries the
/// default documented for that plan and region, not the general one.
#[test]
fn the_profile_region_and_plan_pick_the_settings_and_their_defaults() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let run = |profile: &str| {
        env.write_profile(profile);
        let output = env
            .cmd()
            .args([
                "check",
                "reddit",
                "chatgpt",
                "facebook",
                "--no-history",
                "--format",
                "json",
            ])
            .args(replica.base_url_args(&["reddit", "chatgpt", "facebook"]))
            .output()
            .unwrap();
        (
            json(&output.stdout),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let has = |report: &serde_json::Value, key: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| format!("{}.{}", f["platform"].as_str().unwrap(), f["setting"].as_str().unwrap()) == key)
    };

    let (germany, said) = run("preset = \"strict\"\nregion = \"DE\"\n[accounts]\nchatgpt = { plan = \"business\" }\n");
    // What the region leaves out is said, not silently dropped, in the
    // JSON report too.
    assert!(
        germany["not_offered"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["setting"] == "reddit.ads-off-reddit"
                && n["why"] == "not offered in DE"
                && n["read_anyway"] == false),
        "{germany:#}"
    );
    assert!(
        said.contains("left out")
            && said.contains("reddit.ads-off-reddit")
            && said.contains("facebook.activity-from-other-businesses"),
        "{said}"
    );
    // "Ads off Reddit" exists only in the US.
    assert!(!has(&germany, "reddit.ads-off-reddit"), "{germany:#}");
    // Meta's 2026 wording is shown only in ten countries; Germany keeps the old one.
    assert!(!has(&germany, "facebook.activity-from-other-businesses"), "{germany:#}");
    assert!(has(&germany, "facebook.ad-partners-activity"), "{germany:#}");
    let training = finding(&germany, "chatgpt.improve-the-model");
    assert_eq!(
        training["default"], "off",
        "business accounts are not trained on by default: {training:#}"
    );
    assert_eq!(training["current"], "on");

    // Named, it is read anyway, and the person is told the rules say otherwise.
    let named = env
        .cmd()
        .args(["check", "reddit.ads-off-reddit", "--no-history", "--format", "json"])
        .args(replica.base_url_args(&["reddit"]))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&named.stderr).contains("reddit.ads-off-reddit is read as asked"),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    assert!(has(&json(&named.stdout), "reddit.ads-off-reddit"));

    let (us, said) = run("preset = \"strict\"\nregion = \"US\"\n[accounts]\nchatgpt = { plan = \"free\" }\n");
    assert!(!said.contains("reddit.ads-off-reddit"), "{said}");
    assert!(has(&us, "reddit.ads-off-reddit"), "{us:#}");
    assert!(has(&us, "facebook.activity-from-other-businesses"), "{us:#}");
    assert!(!has(&us, "facebook.ad-partners-activity"), "{us:#}");
    assert_eq!(finding(&us, "chatgpt.improve-the-model")["default"], "on");
}

/// A region that is not a country code is refused with its line and column.
#[test]
fn a_profile_region_that_is_not_a_country_is_refused_where_it_is() {
    let env = Env::new();
    env.write_profile("preset = \"strict\"\nregion = \"Europe\"\n");
    env.cmd()
        .args(["check", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Europe").and(predicate::str::contains(":2:")));
    // A country written by name gets its code suggested.
    env.write_profile("preset = \"strict\"\nregion = \"Germany\"\n");
    env.cmd()
        .args(["check", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"DE\""));
}
