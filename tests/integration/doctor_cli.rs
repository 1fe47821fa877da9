//! `privaudit doctor`, `sessions` and `logout`: what a person checks when a
//! nightly run goes quiet, against the real Chromium and real files.

use std::os::unix::fs::PermissionsExt;

use crate::support::fakes::ReplicaAccount;
use crate::support::{json, require_chromium, Env, Replica};

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#}"))
}

#[test]
fn doctor_starts_the_browser_and_names_each_problem_with_its_fix() {
    require_chromium();
    let env = Env::new();
    // As privaudit makes it on first use.
    std::fs::set_permissions(env.data.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = env.cmd().args(["doctor", "--format", "json"]).output().unwrap();
    let report = json(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(check(&report, "browser")["health"], "ok");
    let start = check(&report, "browser-start");
    assert_eq!(start["health"], "ok", "{start:#}");
    assert!(start["detail"].as_str().unwrap().contains("Chrome/"), "{start:#}");
    // No session yet: a warning with the command that fixes it.
    let sessions = check(&report, "sessions");
    assert_eq!(sessions["health"], "warn");
    assert!(sessions["fix"].as_str().unwrap().contains("privaudit login"));

    // No browser: a configuration problem, exit 2.
    let out = env
        .cmd()
        .args(["doctor", "--format", "json", "--browser", "/nonexistent/chromium"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(check(&json(&out.stdout), "browser")["health"], "fail");

    // A data directory others can read: worth a warning (the next run
    // makes it 0700), not a run that would fail.
    std::fs::set_permissions(env.data.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = env.cmd().args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("readable by others") && text.contains("chmod 700"),
        "{text}"
    );

    // What every run would stop on is a failure here too.
    let out = env
        .cmd()
        .env("PRIVAUDIT_HISTORY_KEEP", "bogus")
        .args(["doctor", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(check(&json(&out.stdout), "environment")["health"], "fail");
}

#[test]
fn sessions_show_age_and_last_signed_in_read_and_logout_forgets_one() {
    require_chromium();
    let env = Env::new();
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
    let cookies = replica.session_cookies_file(env.data.path(), "linkedin");
    env.cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    // The login itself proved the session: a signed-in read, already.
    let listed = json(
        &env.cmd()
            .args(["sessions", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert!(listed["sessions"][0]["last_verified_read"].is_string(), "{listed:#}");
    // Read signed in by a recorded check.
    env.cmd()
        .args(["check", "linkedin", "-q"])
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(1);
    let listed = json(
        &env.cmd()
            .args(["sessions", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    let rows = listed["sessions"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed:#}");
    assert_eq!(rows[0]["platform"], "linkedin");
    assert_eq!(rows[0]["age_days"], 0);
    assert!(
        rows[0]["last_verified_read"].as_str().unwrap().ends_with('Z'),
        "{listed:#}"
    );

    env.cmd()
        .args(["logout", "linkedin"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Removed the saved linkedin session"));
    assert!(!env.data.path().join("sessions/linkedin").exists());
    env.cmd()
        .args(["logout", "linkedin"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("no saved linkedin session"));
    // Signed out again: the check says so instead of reading.
    let out = env
        .cmd()
        .args(["check", "linkedin", "--format", "json"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
}
