//! `privaudit history` over a year of use: one timestamp format, its zone
//! said, durations for --since, selections, pruning and retention. Runs of
//! a manual-only platform are recorded without a browser, which keeps
//! these quick; the store is a real SQLite file.

use predicates::prelude::*;

use crate::support::{json, Env};

fn record_a_run(env: &Env) {
    env.cmd().args(["check", "snapchat", "-q"]).assert().code(0);
}

#[test]
fn times_are_utc_with_z_and_the_table_names_its_zone() {
    let env = Env::new();
    record_a_run(&env);
    let out = env.cmd().args(["history", "--format", "json"]).output().unwrap();
    let timeline = json(&out.stdout);
    assert_eq!(timeline["schema_version"], 1);
    let at = timeline["entries"][0]["at"]
        .as_str()
        .expect("a recorded time")
        .to_string();
    assert!(at.ends_with('Z') && at.len() == "2026-12-01T03:17:00Z".len(), "{at}");
    env.cmd()
        .env("TZ", "Asia/Kolkata")
        .args(["history"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("When (UTC+05:30)"));
}

#[test]
fn since_takes_durations_days_and_times_and_refuses_anything_else() {
    let env = Env::new();
    record_a_run(&env);
    let count = |since: &str| {
        let out = env
            .cmd()
            .args(["history", "--since", since, "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "--since {since}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out.stdout)["entries"].as_array().unwrap().len()
    };
    assert!(count("7d") > 0);
    assert!(count("2000-01-01") > 0);
    assert_eq!(count("2999-01-01T00:00:00Z"), 0);
    env.cmd()
        .args(["history", "--since", "last tuesday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("7d"));
}

#[test]
fn changes_run_and_limit_select_what_they_say() {
    let env = Env::new();
    record_a_run(&env);
    record_a_run(&env);
    let entries = |args: &[&str]| {
        let out = env
            .cmd()
            .arg("history")
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        json(&out.stdout)["entries"].as_array().unwrap().clone()
    };
    let all = entries(&[]);
    let newest = entries(&["--limit", "1"]);
    assert_eq!(newest.len() * 2, all.len());
    assert!(newest.iter().all(|e| e["run_id"] == 2));
    assert!(entries(&["--run", "1"]).iter().all(|e| e["run_id"] == 1));
    // Manual settings never change: nothing to show.
    assert!(entries(&["--changes"]).is_empty());
    // What does not exist is said, not shown as an empty match.
    env.cmd()
        .args(["history", "--run", "999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run #999"));
    env.cmd()
        .args(["history", "nosuchplatform"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("known platforms"));
}

#[test]
fn prune_keeps_recent_runs_and_a_bad_retention_is_a_configuration_error() {
    let env = Env::new();
    record_a_run(&env);
    env.cmd()
        .args(["history", "prune", "--keep", "90d"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Removed 0 runs"));
    env.cmd().args(["history", "prune", "--keep", "soon"]).assert().code(2);
    env.cmd()
        .env("PRIVAUDIT_HISTORY_KEEP", "soon")
        .args(["check", "snapchat"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("PRIVAUDIT_HISTORY_KEEP"));
}
