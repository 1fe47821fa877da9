//! `privaudit demo`: the README's first command. One apply against the
//! built-in replicas: each setting read, the drifted ones changed, and each
//! change read back from a fresh load.

use predicates::prelude::*;

use crate::support::{json, require_chromium, Env};

#[test]
fn demo_reads_fixes_and_proves_every_replica_setting() {
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
                .and(
                    predicate::str::is_match(format!(
                        r"{n} platforms, \d+ settings: (\d+ ok, )?\d+ fixed, \d+ manual"
                    ))
                    .unwrap(),
                )
                .and(predicate::str::contains("failed").not()),
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
    assert_eq!(stdout.matches("── ").count(), 1, "{stdout}");
    drop(assert);
}

/// `demo --format json` is its one run; with `-q`, stderr stays empty.
#[test]
fn quiet_demo_json_is_the_run_and_nothing_else() {
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
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["command"], "apply");
    let summary = &run["summary"];
    assert!(summary["fixed"].as_u64().unwrap() >= 40, "{summary:#}");
    // Every setting is accounted for: changed and proved, already private,
    // or a form; nothing failed or went unread.
    let counted: u64 = ["fixed", "ok", "manual"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(counted, summary["settings"].as_u64().unwrap(), "{summary:#}");
    for f in run["findings"].as_array().unwrap() {
        if f["status"] == "fixed" {
            assert!(
                f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("a fresh load confirms it")),
                "a change must be read back: {f:#}"
            );
        }
    }
}
