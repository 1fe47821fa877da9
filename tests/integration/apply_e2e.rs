//! `privaudit apply` end to end: the real Chromium changes replica settings,
//! and the replica's server-side state proves what happened.

use predicates::prelude::*;

use crate::support::{finding, json, require_chromium, x_settings, Env, Replica};

/// Runs `apply PLATFORM --yes --format json` against the replica; returns the
/// exit code, the report and stderr.
fn apply_json(
    env: &Env,
    replica: &Replica,
    platform: &str,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let output = env
        .cmd()
        .args(["apply", platform, "--yes", "--format", "json"])
        .args(extra)
        .args(replica.base_url_args(&[platform]))
        .output()
        .expect("run privaudit");
    (
        output.status.code(),
        json(&output.stdout),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn apply_fixes_drift_and_the_server_keeps_the_change() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let (code, report, stderr) = apply_json(&env, &replica, "x", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["command"], "apply");
    for key in &x_settings() {
        let f = finding(&report, &format!("x.{key}"));
        assert_eq!(f["status"], "fixed", "{f:#}");
        assert_eq!(f["previous"], "on");
        assert_eq!(f["current"], "off");
        assert_eq!(
            replica.server.state("x", key).as_deref(),
            Some("off"),
            "server still has {key} on"
        );
    }
    assert!(stderr.contains(&format!("Plan: {} changes", x_settings().len())));

    // Idempotent: nothing left to change, nothing touched, exit 0.
    let (again_code, report, again_stderr) = apply_json(&env, &replica, "x", &[]);
    assert_eq!(again_code, Some(0), "{report:#}");
    for key in &x_settings() {
        assert_eq!(finding(&report, &format!("x.{key}"))["status"], "ok");
    }
    assert!(again_stderr.contains("Nothing to change"));
}

#[test]
fn a_change_behind_a_confirmation_dialog_is_applied() {
    require_chromium();
    let replica = Replica::start();
    let (code, report, _) = apply_json(&Env::new(), &replica, "instagram", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    let f = finding(&report, "instagram.off-meta-future-activity");
    assert_eq!(f["status"], "fixed", "{f:#}");
    assert_eq!(
        replica.server.state("instagram", "off-meta-future-activity").as_deref(),
        Some("on")
    );
    // Manual settings are never reported as fixed.
    assert_eq!(finding(&report, "instagram.ai-objection")["status"], "manual");
}

#[test]
fn a_lazily_loaded_switch_is_applied() {
    require_chromium();
    let replica = Replica::start();
    let (code, report, _) = apply_json(&Env::new(), &replica, "linkedin", &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        finding(&report, "linkedin.generative-ai-data")["status"],
        "fixed",
        "{report:#}"
    );
    assert_eq!(
        replica.server.state("linkedin", "generative-ai-data").as_deref(),
        Some("off")
    );
}

#[test]
fn a_change_the_server_refuses_is_failed_and_exits_one() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.refuse("x", "business-partner-sharing");
    let (code, report, _) = apply_json(&Env::new(), &replica, "x", &[]);
    assert_eq!(code, Some(1), "{report:#}");
    let refused = finding(&report, "x.business-partner-sharing");
    assert_eq!(refused["status"], "failed", "{refused:#}");
    assert_eq!(refused["current"], "on");
    assert!(
        refused["message"].as_str().unwrap().contains("did not keep the change"),
        "{refused:#}"
    );
    assert_eq!(
        replica.server.state("x", "business-partner-sharing").as_deref(),
        Some("on")
    );
    // A failure on one setting does not stop the others.
    assert_eq!(finding(&report, "x.grok-training")["status"], "fixed");
}

#[test]
fn dry_run_changes_nothing() {
    require_chromium();
    let replica = Replica::start();
    let output = Env::new()
        .cmd()
        .args(["apply", "x", "--dry-run", "--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "drift remains: {report:#}");
    assert_eq!(report["command"], "apply --dry-run");
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("Would make {} changes", x_settings().len())));
    for key in &x_settings() {
        assert_eq!(finding(&report, &format!("x.{key}"))["status"], "drift");
        assert_eq!(
            replica.server.state("x", key).as_deref(),
            Some("on"),
            "dry run changed {key}"
        );
    }
}

#[test]
fn without_a_terminal_apply_refuses_unless_told_yes() {
    // No browser is started for this: the refusal comes first.
    Env::new()
        .cmd()
        .args(["apply", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no terminal").and(predicate::str::contains("--yes")));
}

/// The page shows the new value, the server answered OK, and still did not
/// keep it: only the fresh read after a reload catches this.
#[test]
fn a_change_the_server_silently_drops_is_failed_not_fixed() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.drop_saves("x", "personalized-ads");
    let (code, report, _) = apply_json(&Env::new(), &replica, "x", &[]);
    assert_eq!(code, Some(1), "{report:#}");
    let dropped = finding(&report, "x.personalized-ads");
    assert_eq!(dropped["status"], "failed", "{dropped:#}");
    assert_eq!(dropped["previous"], "on");
    assert_eq!(dropped["current"], "on");
}

/// A form with one Save button (disabled until something changes) and a late
/// "saved" notice: select in a radio group and a native select, save, wait.
#[test]
fn a_form_with_a_save_button_is_saved_before_verifying() {
    require_chromium();
    let replica = Replica::start_fixtures();
    let output = Env::new()
        .cmd()
        .args(["apply", "example", "--yes", "--format", "json", "--rules"])
        .arg(crate::support::repo().join("tests/fixtures/rules/example.toml"))
        .args(replica.base_url_args(&["example"]))
        .output()
        .unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let partner = finding(&report, "example.partner-sharing");
    assert_eq!(partner["status"], "fixed", "{partner:#}");
    assert_eq!(partner["previous"], "Share");
    assert_eq!(partner["current"], "Don't share");
    assert_eq!(finding(&report, "example.ad-mode")["status"], "fixed");
    assert_eq!(
        replica.server.state("example", "partner-sharing").as_deref(),
        Some("Don't share")
    );
    assert_eq!(
        replica.server.state("example", "ad-mode").as_deref(),
        Some("Contextual only")
    );
}

/// Ctrl-C during apply: the setting in hand is finished, no other is
/// started, the report says what was done and that it was interrupted.
#[test]
fn ctrl_c_during_apply_reports_what_was_done() {
    require_chromium();
    let replica = Replica::start();
    // A rule whose second setting waits on a confirmation that never comes,
    // so apply is busy with it when the interrupt arrives.
    let rules = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::support::repo().join("rules/x.toml")).unwrap();
    let anchor = "control = { role = \"checkbox\", name = \"Personalized ads\" }";
    assert!(text.contains(anchor));
    let text = text.replace(
        anchor,
        &format!("{anchor}\napply = [{{ click = \"control\" }}, {{ confirm = {{ role = \"button\", name = \"Never shown\" }} }}]"),
    );
    std::fs::write(rules.path().join("x.toml"), text).unwrap();
    let env = Env::new();
    let mut args: Vec<String> = ["apply", "x", "--yes", "--format", "json", "--timeout", "8", "--rules"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    args.push(rules.path().display().to_string());
    args.extend(replica.base_url_args(&["x"]));
    let child = env.spawn(&args);
    let started = std::time::Instant::now();
    while replica.server.state("x", "personalized-ads").as_deref() != Some("off") {
        assert!(
            started.elapsed().as_secs() < 60,
            "apply never reached the second setting"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    crate::support::signal(child.id(), "-INT");
    let output = child.wait_with_output().unwrap();
    let report = json(&output.stdout);
    assert_eq!(output.status.code(), Some(130), "{report:#}");
    assert_eq!(report["interrupted"], true);
    assert_eq!(finding(&report, "x.grok-training")["status"], "fixed");
    let ads = finding(&report, "x.personalized-ads");
    assert_eq!(
        ads["status"], "failed",
        "the setting in hand is finished and reported: {ads:#}"
    );
    let partners = finding(&report, "x.business-partner-sharing");
    assert_eq!(partners["status"], "drift", "{partners:#}");
    assert!(partners["message"].as_str().unwrap().contains("interrupted"));
    assert_eq!(
        replica.server.state("x", "business-partner-sharing").as_deref(),
        Some("on"),
        "changed after the interrupt"
    );
}

/// On a terminal, apply asks; "n" changes nothing, "y" applies. `script`
/// (util-linux) gives the binary a real pseudo-terminal.
#[test]
fn on_a_terminal_apply_asks_first() {
    require_chromium();
    let script = std::path::Path::new("/usr/bin/script");
    assert!(
        script.exists(),
        "this test needs util-linux's `script` (Debian: bsdutils) for a pseudo-terminal"
    );
    let replica = Replica::start();
    let env = Env::new();
    let binary = assert_cmd::cargo::cargo_bin("privaudit");
    let answer = |reply: &str| {
        let command = format!(
            "{} apply x --base-url x={}",
            binary.display(),
            replica.server.base_url("x")
        );
        let mut child = std::process::Command::new(script)
            .args(["-qec", &command, "/dev/null"])
            .env("PRIVAUDIT_CONFIG", env.config.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{reply}\n").as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            text.contains(&format!("Apply {} changes? [y/N]", x_settings().len())),
            "no question asked: {text}"
        );
        output.status.code()
    };
    assert_eq!(answer("n"), Some(1), "declining leaves the drift");
    assert_eq!(
        replica.server.state("x", "grok-training").as_deref(),
        Some("on"),
        "declined, yet changed"
    );
    assert_eq!(answer("y"), Some(0));
    assert_eq!(replica.server.state("x", "grok-training").as_deref(), Some("off"));
}

/// A typo in the profile can never turn a private setting on: with a switch
/// that is already off (private) and the profile asking for `privat` or
/// `maybe`, apply refuses before acting and the switch stays off.
#[test]
fn a_profile_typo_never_moves_a_private_switch() {
    require_chromium();
    let replica = Replica::start();
    replica.server.set_state("x", "grok-training", "off");
    for typo in ["privat", "maybe"] {
        let env = Env::new();
        env.write_profile(&format!("[settings]\n\"x.grok-training\" = \"{typo}\"\n"));
        let out = env
            .cmd()
            .args(["apply", "x", "--yes", "--format", "json"])
            .args(replica.base_url_args(&["x"]))
            .output()
            .expect("run privaudit");
        let (code, stderr) = (out.status.code(), String::from_utf8_lossy(&out.stderr));
        assert_eq!(code, Some(2), "{typo}: {stderr}");
        assert!(stderr.contains(typo), "{stderr}");
        assert_eq!(
            replica.server.state("x", "grok-training").as_deref(),
            Some("off"),
            "{typo} moved it"
        );
    }
}
