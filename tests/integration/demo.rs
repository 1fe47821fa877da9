//! `privaudit demo`: the README's first command. Check, apply, check again,
//! against the built-in replicas.

use predicates::prelude::*;

use crate::support::{json, require_chromium, Env};

#[test]
fn demo_shows_drift_fixes_it_and_rechecks_clean() {
    require_chromium();
    let env = Env::new();
    // The demo covers every built-in platform that has a replica.
    let listed = env.cmd().args(["rules", "list", "--format", "json"]).output().unwrap();
    let n = json(&listed.stdout)["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            crate::support::repo()
                .join("rules/replicas")
                .join(p["id"].as_str().unwrap())
                .is_dir()
        })
        .count();
    let assert = env.cmd().arg("demo").assert().success();
    // Off a terminal the demo's story is on stdout; stderr stays short.
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.lines().count() < 10,
        "demo wrote {} lines to stderr:\n{stderr}",
        stderr.lines().count()
    );
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let assert = assert
        .stdout(
            predicate::str::contains("LinkedIn")
                .and(predicate::str::contains("Instagram"))
                .and(predicate::str::is_match(format!(r"{n} platforms, \d+ settings: \d+ drift")).unwrap())
                .and(predicate::str::is_match(format!(r"{n} platforms, \d+ settings: \d+ fixed")).unwrap())
                .and(predicate::str::is_match(format!(r"{n} platforms, \d+ settings: \d+ ok, \d+ manual")).unwrap()),
        )
        .stderr(predicate::str::contains("your own accounts"));
    // A short story: a table per phase, the manual steps once.
    assert!(
        stdout.lines().count() < 150,
        "{} lines:\n{stdout}",
        stdout.lines().count()
    );
    assert_eq!(stdout.matches("Only a form or an email changes").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("(linkedin.gai-objection)").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("── ").count(), 3, "{stdout}");
    drop(assert);
}

/// `demo --format json` is its three runs; with `-q`, stderr stays empty.
#[test]
fn quiet_demo_json_is_the_three_runs_and_nothing_else() {
    require_chromium();
    let output = Env::new()
        .cmd()
        .args(["-q", "demo", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "-q wrote to stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs = json(&output.stdout);
    let runs = runs.as_array().expect("an array of runs");
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["command"], "demo");
    assert!(runs[0]["summary"]["drift"].as_u64().unwrap() >= 3);
    assert_eq!(runs[1]["command"], "apply");
    assert_eq!(runs[1]["summary"]["fixed"], runs[0]["summary"]["drift"]);
    assert_eq!(runs[2]["summary"]["drift"], 0);
    assert_eq!(runs[2]["summary"]["ok"], runs[0]["summary"]["drift"]);
}
