//! `privaudit revert`: an apply's changes put back through the same
//! verified path, recorded, refusing what it must, and never undoing twice.
//! The replica's server-side state is the proof.

use crate::support::{finding, json, require_chromium, x_settings, Env, Replica};

fn run_json(env: &Env, replica: &Replica, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = env
        .cmd()
        .args(args)
        .args(["--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .expect("run privaudit");
    (
        out.status.code(),
        json(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The id of the newest run of `command` that changed a setting, as
/// `history --changes` reports it.
fn newest_run_that_changed(env: &Env, command: &str) -> String {
    let out = env
        .cmd()
        .args(["history", "--changes", "--format", "json"])
        .output()
        .expect("run privaudit history");
    let timeline = json(&out.stdout);
    timeline["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .rev()
        .find(|e| e["command"] == command)
        .unwrap_or_else(|| panic!("no {command} in the history: {timeline:#}"))["run_id"]
        .as_i64()
        .expect("a run id")
        .to_string()
}

#[test]
fn revert_puts_back_what_apply_changed_and_a_second_revert_changes_nothing() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let settings = x_settings();
    let (code, _, stderr) = run_json(&env, &replica, &["apply", "x", "--yes"]);
    assert_eq!(code, Some(0), "{stderr}");
    for key in &settings {
        assert_eq!(replica.server.state("x", key).as_deref(), Some("off"));
    }

    // One setting only, by PLATFORM.SETTING, from the last apply.
    let one = format!("x.{}", settings[0]);
    let (code, report, stderr) = run_json(&env, &replica, &["revert", "--last", &one, "--yes"]);
    assert_eq!(code, Some(0), "{stderr}\n{report:#}");
    assert_eq!(report["command"], "revert");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{report:#}");
    let f = finding(&report, &one);
    assert_eq!(
        (f["status"].as_str(), f["previous"].as_str(), f["current"].as_str()),
        (Some("fixed"), Some("off"), Some("on"))
    );
    assert_eq!(replica.server.state("x", &settings[0]).as_deref(), Some("on"));
    assert_eq!(
        replica.server.state("x", &settings[1]).as_deref(),
        Some("off"),
        "only the chosen setting moves"
    );

    // The whole apply, by run number: the rest goes back, the first is already there.
    let apply_run = newest_run_that_changed(&env, "apply");
    // As `history` shows it: `#N`.
    let (code, report, stderr) = run_json(&env, &replica, &["revert", &format!("#{apply_run}"), "--yes"]);
    assert_eq!(code, Some(0), "{stderr}\n{report:#}");
    for key in &settings {
        assert_eq!(
            replica.server.state("x", key).as_deref(),
            Some("on"),
            "{key} is back on"
        );
    }
    assert_eq!(
        finding(&report, &one)["status"],
        "ok",
        "already put back: not touched again"
    );

    // Reverting again changes nothing: every value is already the one before.
    let (code, report, _) = run_json(&env, &replica, &["revert", "--last", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "ok"),
        "{report:#}"
    );

    // A revert of a revert is a no-op, said plainly.
    let revert_id = newest_run_that_changed(&env, "revert");
    env.cmd()
        .args(["revert", &revert_id, "--yes"])
        .args(replica.base_url_args(&["x"]))
        .assert()
        .code(0)
        .stdout(predicates::str::contains("was itself a revert"));
    for key in &settings {
        assert_eq!(replica.server.state("x", key).as_deref(), Some("on"));
    }
}

#[test]
fn revert_asks_like_apply_and_refuses_what_changed_nothing() {
    let env = Env::new();
    // No terminal and no --yes: what to revert is checked first (here:
    // nothing is recorded), then the missing confirmation.
    env.cmd()
        .args(["revert", "--last"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no run is recorded yet"));
    // A name that is neither a run, a platform nor a setting.
    for target in ["nosuch", "x.bogus", "abc"] {
        env.cmd()
            .args(["revert", target, "--yes"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "neither a run number, a platform nor PLATFORM.SETTING",
            ));
    }
    // Nothing recorded yet.
    env.cmd()
        .args(["revert", "--last", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nothing to revert"));
}

#[test]
fn reverting_a_check_is_refused_with_the_runs_that_changed_something() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let (code, _, _) = run_json(&env, &replica, &["check", "x"]);
    assert_eq!(code, Some(1));
    env.cmd()
        .args(["revert", "1", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("was a `check`: it changed nothing"))
        .stderr(predicates::str::contains("history --changes"));
    env.cmd()
        .args(["revert", "99", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no run #99"));
    // A run that exists, no terminal and no --yes: refused before acting.
    env.cmd()
        .args(["revert", "1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("without confirmation"));
}
