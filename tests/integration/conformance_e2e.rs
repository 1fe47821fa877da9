//! `privaudit rules test`: every built-in rule against its replica, in the
//! real Chromium, and the failures a stale rule or replica must produce.

use crate::support::{copy_dir, edit_file, json, repo, require_chromium, x_settings, Env};

#[test]
fn every_built_in_rule_passes_against_its_replica() {
    require_chromium();
    let env = Env::new();
    let listed = env.cmd().args(["rules", "list", "--format", "json"]).assert().success();
    let listed = json(&listed.get_output().stdout);
    let settings: u64 = listed["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["settings"].as_u64().unwrap())
        .sum();
    let out = env.cmd().args(["rules", "test", "--format", "json"]).assert();
    let output = out.get_output().clone();
    let report = json(&output.stdout);
    let failures: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] != true)
        .collect();
    assert!(
        failures.is_empty(),
        "failing rules: {failures:#?}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0));
    // Every setting of every platform was tested, none silently skipped.
    assert_eq!(report["passed"].as_u64().unwrap(), settings, "{report:#}");
    for r in report["results"].as_array().unwrap() {
        let phases: Vec<&str> = r["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            phases == ["manual"] || phases == ["read", "apply", "re-read", "signed-out"],
            "{r:#}"
        );
    }
}

#[test]
fn a_replica_whose_label_changed_fails_with_the_phase_and_reason() {
    require_chromium();
    let root = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("rules/replicas"), root.path());
    edit_file(
        &root.path().join("x/settings/ads_preferences.html"),
        ">Personalized ads<",
        ">Ads you may like<",
    );
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--timeout", "5", "rules", "test", "x", "--format", "json", "--replicas"])
        .arg(root.path())
        .assert()
        .code(1);
    let report = json(&out.get_output().stdout);
    let ads = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["setting"] == "personalized-ads")
        .unwrap();
    assert_eq!(ads["passed"], false);
    assert!(
        ads["problem"].as_str().unwrap().starts_with("read: unreadable"),
        "{ads:#}"
    );
    // The other settings of the platform still pass.
    assert_eq!(report["passed"], x_settings().len() - 1, "{report:#}");
}

#[test]
fn a_page_that_does_not_save_fails_the_re_read() {
    require_chromium();
    let root = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("rules/replicas"), root.path());
    // The page shows the change and never sends it.
    edit_file(
        &root.path().join("x/replica.js"),
        "  box.addEventListener('change', function () {\n",
        "  box.addEventListener('change', function () {\n    if (box.dataset.key === 'personalized-ads') return;\n",
    );
    let env = Env::new();
    let out = env
        .cmd()
        .args(["rules", "test", "x", "--format", "json", "--replicas"])
        .arg(root.path())
        .assert()
        .code(1);
    let report = json(&out.get_output().stdout);
    let ads = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["setting"] == "personalized-ads")
        .unwrap();
    assert_eq!(ads["passed"], false, "{ads:#}");
}

#[test]
fn a_platform_without_a_replica_fails_and_says_what_to_add() {
    let env = Env::new();
    let rules = env.config.path().join("example.toml");
    std::fs::copy(repo().join("tests/fixtures/rules/example.toml"), &rules).unwrap();
    env.cmd()
        .arg("--rules")
        .arg(&rules)
        .args(["rules", "test", "example"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("no replica"));
}

#[test]
fn an_unknown_platform_is_a_usage_error() {
    Env::new()
        .cmd()
        .args(["rules", "test", "nosuchplatform"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("rules list"));
}
