//! Usage errors and help: exit 2 for mistakes, 0 for help.

use predicates::prelude::*;

use crate::support::{commands_in_help, Env};

#[test]
fn no_command_is_a_usage_error() {
    Env::new()
        .cmd()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    Env::new().cmd().args(["check", "--frobnicate"]).assert().code(2);
}

#[test]
fn help_lists_exit_codes() {
    Env::new()
        .cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes").and(predicate::str::contains("incomplete")));
}

#[test]
fn bad_base_url_is_a_usage_error() {
    Env::new()
        .cmd()
        .args(["check", "x", "--base-url", "x=ftp://example"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an http(s) URL"));
}

#[test]
fn unknown_platform_is_a_usage_error_naming_the_known_ones() {
    Env::new()
        .cmd()
        .args(["check", "myspace"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown platform `myspace`").and(predicate::str::contains("linkedin")));
}

#[test]
fn missing_browser_is_a_configuration_error_with_a_fix() {
    Env::new()
        .cmd()
        .args(["check", "x", "--browser", "/nonexistent/chromium"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/chromium").and(predicate::str::contains("help:")));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let env = Env::new();
    // `rules lint` of a broken file prints a diagnostic on stdout.
    let bad = crate::support::repo().join("tests/fixtures/rules/bad/missing-source.toml");
    let plain = env.cmd().arg("rules").arg("lint").arg(&bad).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'),
        "NO_COLOR is set by Env"
    );
    let forced = env
        .cmd()
        .env_remove("NO_COLOR")
        .args(["--color", "always", "rules", "lint"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'),
        "--color always shows colour"
    );
    let never = env
        .cmd()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["--color", "never", "rules", "lint"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&never.stdout).contains('\u{1b}'),
        "--color never wins"
    );
    let dumb = env
        .cmd()
        .env_remove("NO_COLOR")
        .env("TERM", "dumb")
        .args(["rules", "lint"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&dumb.stdout).contains('\u{1b}'),
        "no colour off a terminal"
    );
}

#[test]
fn completions_and_schemas_are_generated() {
    let env = Env::new();
    env.cmd()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicates::str::contains("_privaudit()"));
    for name in [
        "run",
        "defaults",
        "history",
        "rules-list",
        "rules-test",
        "lint",
        "rules-show",
        "profile",
        "auth",
        "policy",
        "login",
    ] {
        let out = env.cmd().args(["schema", name]).output().unwrap();
        assert!(out.status.success(), "schema {name}");
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(schema["$schema"].is_string(), "schema {name}: {schema}");
    }
}

/// Webhook URLs, notification commands and browser-pool URLs carry secrets:
/// `--help` may name their variables but never print their values.
#[test]
fn help_never_prints_secret_environment_values() {
    const SECRETS: [(&str, &str); 3] = [
        (
            "PRIVAUDIT_NOTIFY",
            "https://hooks.slack.com/services/T000/B000/s3cr3t-hook",
        ),
        ("PRIVAUDIT_NOTIFY_CMD", "mail -s s3cr3t-cmd me@example.com"),
        ("PRIVAUDIT_BROWSER_WS", "wss://pool.example.com/?token=s3cr3t-token"),
    ];
    let env = Env::new();
    let top = env.cmd().arg("--help").output().unwrap();
    let top = String::from_utf8_lossy(&top.stdout).to_string();
    // Every command in the top-level list, and the nested ones that alert.
    let mut commands: Vec<Vec<String>> = commands_in_help(&top).into_iter().map(|c| vec![c]).collect();
    assert!(commands.len() > 5, "commands parsed from --help: {commands:?}");
    commands.push(vec![]);
    commands.push(vec!["policy".into(), "check".into()]);
    for command in &commands {
        for flag in ["--help", "-h"] {
            let mut cmd = env.cmd();
            for (name, value) in SECRETS {
                cmd.env(name, value);
            }
            let out = cmd.args(command).arg(flag).output().unwrap();
            assert!(out.status.success(), "{command:?} {flag}");
            let text = String::from_utf8_lossy(&out.stdout);
            for (name, value) in SECRETS {
                assert!(
                    !text.contains(value) && !text.contains("s3cr3t"),
                    "`privaudit {} {flag}` printed the value of {name}",
                    command.join(" ")
                );
            }
        }
    }
}

/// `--version` names the commit and the rules, as `rules list` reports them.
#[test]
fn long_version_names_the_commit_and_the_rules() {
    let env = Env::new();
    let out = env.cmd().arg("--version").output().unwrap();
    assert!(out.status.success());
    let version = String::from_utf8_lossy(&out.stdout).to_string();
    let listed = crate::support::json(
        &env.cmd()
            .args(["rules", "list", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    let rules = listed["rules_version"].as_str().unwrap();
    assert!(version.contains(&format!("built-in rules: {rules}")), "{version}");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(crate::support::repo())
        .output();
    match head {
        Ok(h) if h.status.success() => {
            let commit = String::from_utf8_lossy(&h.stdout).trim().to_string();
            assert!(
                version.contains(&format!("commit {commit}")),
                "{version} (HEAD is {commit})"
            );
        }
        _ => assert!(version.contains("commit "), "{version}"),
    }
    let short = env.cmd().arg("-V").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&short.stdout).lines().count(), 1);
}

/// Options every command takes are under their own heading, apart from the
/// command's own.
#[test]
fn global_options_have_their_own_heading() {
    let out = Env::new().cmd().args(["history", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let (own, global) = help.split_once("Global options:").expect("a Global options heading");
    assert!(own.contains("--changes") && !own.contains("--timeout"), "{help}");
    assert!(global.contains("--timeout") && global.contains("--data-dir"), "{help}");
}
