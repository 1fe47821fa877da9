//! The field cases the project's owner keeps beside the repository
//! (`../shared/cases/field/`): small sites reproducing faults people report
//! against browser-automation tools, each with its own server, rule and
//! expected result. Each `run.sh` prints PASS or FAIL on its last line.
//!
//! They are not part of this repository: on a checkout without them the
//! test says so and passes, except in CI (`CI` set), where they must be there.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{heavy_turn, repo, require_chromium};

fn cases() -> Option<Vec<PathBuf>> {
    let root = repo().join("../shared/cases/field");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("run.sh").is_file())
        .collect();
    cases.sort();
    Some(cases)
}

#[test]
fn every_field_case_passes() {
    let Some(cases) = cases() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with ../shared beside the checkout, but ../shared/cases/field is missing"
        );
        return;
    };
    require_chromium();
    let _turn = heavy_turn();
    assert!(!cases.is_empty(), "no field cases found");
    let binary = assert_cmd::cargo::cargo_bin("privaudit");
    // A few at a time: each case starts its own server and one Chromium,
    // and mostly waits on them.
    let results: Vec<(String, bool, String)> = cases
        .chunks(3)
        .flat_map(|pair| {
            let running: Vec<_> = pair
                .iter()
                .map(|case| {
                    let name = case
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let child = Command::new("bash")
                        .arg(case.join("run.sh"))
                        .env("PRIVAUDIT", &binary)
                        .env("RUN_LIMIT", "240")
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .expect("run a field case");
                    (name, child)
                })
                .collect();
            running
                .into_iter()
                .map(|(name, child)| {
                    let out = child.wait_with_output().expect("field case output");
                    let text = String::from_utf8_lossy(&out.stdout).to_string();
                    let passed = text.lines().last().map(str::trim) == Some("PASS");
                    (name, passed, text)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, passed, _)| !passed)
        .map(|(name, _, text)| {
            format!(
                "── {name}\n{}",
                text.lines()
                    .rev()
                    .take(40)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
        .collect();
    assert!(failed.is_empty(), "field cases failed:\n{}", failed.join("\n"));
}
