//! Usage errors and help: exit 2 for mistakes, 0 for help.

use predicates::prelude::*;

use crate::support::Env;

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
