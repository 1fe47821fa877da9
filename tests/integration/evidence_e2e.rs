//! `--evidence DIR`: screenshots and records of what was read, private files.

use crate::support::{json, require_chromium, Env, Replica};

fn run_dir(base: &std::path::Path) -> std::path::PathBuf {
    let dirs: Vec<_> = std::fs::read_dir(base)
        .expect("evidence dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(dirs.len(), 1, "one directory per run: {dirs:?}");
    dirs[0].clone()
}

#[test]
fn check_saves_a_private_screenshot_and_record_per_setting() {
    require_chromium();
    let replica = Replica::start();
    let base = tempfile::tempdir().unwrap();
    let output = Env::new()
        .cmd()
        .args(["check", "x", "--format", "json", "--evidence"])
        .arg(base.path())
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    let dir = run_dir(base.path());
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("x.grok-training.read.json")).unwrap()).unwrap();
    assert_eq!(record["value"], "on");
    assert_eq!(record["phase"], "read");
    assert_eq!(record["rules_version"], report["rules_version"]);
    assert!(record["locator"].as_str().unwrap().starts_with("checkbox"));
    assert!(record["url"].as_str().unwrap().ends_with("/x/settings/grok_settings"));
    let png = std::fs::read(dir.join("x.grok-training.read.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let mode = entry.unwrap().metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}

#[test]
fn redact_blurs_the_account_name_in_screenshots() {
    require_chromium();
    let replica = Replica::start();
    let shot = |redact: bool| {
        let base = tempfile::tempdir().unwrap();
        let mut cmd = Env::new().cmd();
        cmd.args(["check", "x", "--evidence"])
            .arg(base.path())
            .args(replica.base_url_args(&["x"]));
        if redact {
            cmd.arg("--redact");
        }
        cmd.output().unwrap();
        // The account switcher sits in the band around the ads checkbox.
        std::fs::read(run_dir(base.path()).join("x.personalized-ads.read.png")).unwrap()
    };
    assert_ne!(shot(false), shot(true), "--redact changed nothing in the screenshot");
}

#[test]
fn apply_saves_before_and_after() {
    require_chromium();
    let replica = Replica::start();
    let base = tempfile::tempdir().unwrap();
    Env::new()
        .cmd()
        .args(["apply", "linkedin", "--yes", "--evidence"])
        .arg(base.path())
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    let dir = run_dir(base.path());
    let read = |phase: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("linkedin.generative-ai-data.{phase}.json"))).unwrap(),
        )
        .unwrap()
    };
    assert_eq!(read("before")["value"], "on");
    assert_eq!(read("after")["value"], "off");
    assert!(dir.join("linkedin.generative-ai-data.after.png").exists());
}
