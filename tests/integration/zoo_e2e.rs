//! The widget zoo (`tests/zoo/`): one settings page per real UI component
//! library from npm (Material Web, Shoelace, Radix, Ionic, Bootstrap,
//! Carbon), bundled offline by `tests/zoo/build.sh`. privaudit must read
//! every widget as the page shows it and change exactly the ones it should:
//! on → off is fixed, a disabled switch and a mixed "select all" are left
//! alone with the reason said. `tests/zoo/expected.toml` is the answer key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::support::{finding, json, repo, require_chromium, Env, Replica};

fn zoo() -> PathBuf {
    repo().join("tests/zoo")
}

#[derive(serde::Deserialize)]
struct Expected {
    read: String,
    apply: String,
    reason: Option<String>,
}

/// Builds the zoo's bundles (npm ci from the lock file, then esbuild); fast
/// when they are built already. Fails, never skips: without node and npm
/// the zoo cannot be tested.
fn build() {
    let status = Command::new("bash")
        .arg(zoo().join("build.sh"))
        .status()
        .expect("run tests/zoo/build.sh (needs node and npm: apt-get install nodejs npm)");
    assert!(status.success(), "tests/zoo/build.sh failed");
}

fn run(replica: &Replica, lib: &str, apply: bool) -> serde_json::Value {
    let mut cmd = Env::new().cmd();
    cmd.arg("--rules")
        .arg(zoo().join(format!("rules/{lib}.toml")))
        .args(["--timeout", "20"]);
    if apply {
        cmd.args(["apply", lib, "--yes"]);
    } else {
        cmd.args(["check", lib]);
    }
    let out = cmd
        .args(["--no-history", "--format", "json"])
        .args(replica.base_url_args(&[lib]))
        .output()
        .expect("test harness");
    json(&out.stdout)
}

#[test]
fn every_widget_library_is_read_and_changed_correctly() {
    require_chromium();
    build();
    let text = std::fs::read_to_string(zoo().join("expected.toml")).unwrap();
    let expected: BTreeMap<String, BTreeMap<String, Expected>> = toml::from_str(&text).unwrap();
    let mut problems = Vec::new();
    for (lib, settings) in &expected {
        let replica = Replica::serve_dir(zoo().join("site"));
        let before: BTreeMap<String, Option<String>> = settings
            .keys()
            .map(|key| (key.clone(), replica.server.state(lib, key)))
            .collect();
        let checked = run(&replica, lib, false);
        for (key, want) in settings {
            let f = finding(&checked, &format!("{lib}.{key}"));
            if f["current"] != want.read.as_str() {
                problems.push(format!(
                    "{lib}.{key}: read {} ({}), expected {}",
                    f["current"], f["status"], want.read
                ));
            }
        }
        let applied = run(&replica, lib, true);
        for (key, want) in settings {
            let f = finding(&applied, &format!("{lib}.{key}"));
            let status = f["status"].as_str().unwrap_or("");
            let kept = replica.server.state(lib, key);
            match want.apply.as_str() {
                "fixed" if status != "fixed" || kept.as_deref() != Some("off") => problems.push(format!(
                    "{lib}.{key}: apply gave {status} ({}), server has {kept:?}; expected fixed",
                    f["message"]
                )),
                "ok" if status != "ok" => problems.push(format!("{lib}.{key}: apply gave {status}; expected ok")),
                "refuse" => {
                    let message = f["message"].as_str().unwrap_or("");
                    let reason = want.reason.as_deref().unwrap_or("");
                    let said = match reason {
                        "disabled" => f["class"] == "disabled",
                        _ => message.contains(reason),
                    };
                    if status == "fixed" || status == "failed" || !said {
                        problems.push(format!(
                            "{lib}.{key}: apply gave {status} ({message}); expected a refusal ({reason})"
                        ));
                    }
                    if key != "partners-all" && kept != before[key] {
                        problems.push(format!(
                            "{lib}.{key}: the server value moved from {:?} to {kept:?}",
                            before[key]
                        ));
                    }
                }
                _ => {}
            }
        }
        // A refused "select all" must not have turned a partner on.
        if settings.contains_key("partner-ads") {
            let ads = replica.server.state(lib, "partner-ads");
            if ads.as_deref() != Some("off") {
                problems.push(format!(
                    "{lib}: partner-ads is {ads:?} after apply: a partner was turned on"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "widget zoo:\n{}", problems.join("\n"));
}
