//! `privaudit demo`: the README's first command.

use predicates::prelude::*;

use crate::support::{json, require_chromium, Env};

#[test]
fn demo_prints_a_drift_table_for_three_platforms() {
    require_chromium();
    Env::new()
        .cmd()
        .arg("demo")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("X")
                .and(predicate::str::contains("LinkedIn"))
                .and(predicate::str::contains("Instagram"))
                .and(predicate::str::contains("drift"))
                .and(predicate::str::is_match(r"3 platforms, \d+ settings").unwrap()),
        )
        .stderr(predicate::str::contains("your own accounts"));
}

#[test]
fn demo_honours_the_output_format() {
    require_chromium();
    let output = Env::new().cmd().args(["demo", "--format", "json"]).output().unwrap();
    assert!(output.status.success());
    let report = json(&output.stdout);
    assert_eq!(report["command"], "demo");
    assert!(report["summary"]["drift"].as_u64().unwrap() >= 3);
}
