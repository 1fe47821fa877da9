//! `profile init|show`, and what check does with a missing or broken profile.

use predicates::prelude::*;

use crate::support::Env;

#[test]
fn init_writes_a_private_profile_that_show_reads_back() {
    let env = Env::new();
    env.cmd()
        .args(["profile", "init", "--preset", "balanced"])
        .assert()
        .success();
    let path = env.config.path().join("profile.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "profile must be private");
        let dir_mode = std::fs::metadata(env.config.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700, "config dir must be private");
    }
    env.cmd().args(["profile", "show"]).assert().success().stdout(
        predicate::str::contains("preset: balanced")
            .and(predicate::str::is_match(r"ad-personalisation\s+\S\s+ignore").unwrap()),
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let env = Env::new();
    env.cmd().args(["profile", "init"]).assert().success();
    env.cmd()
        .args(["profile", "init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    env.cmd().args(["profile", "init", "--force"]).assert().success();
}

#[test]
fn missing_profile_falls_back_to_strict_and_says_so() {
    Env::new()
        .cmd()
        .args(["profile", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("built-in strict preset"))
        .stderr(predicate::str::contains("using the strict preset"));
}

#[test]
fn broken_profile_reports_line_and_column() {
    let env = Env::new();
    env.write_profile("preset = \"strict\"\n[categories]\nai-training = \"private\"\nads = \"private\"\n");
    env.cmd()
        .args(["check", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile.toml:4:1").and(predicate::str::contains("ads")));
}

#[test]
fn profile_syntax_error_reports_position() {
    let env = Env::new();
    env.write_profile("preset = \"strict\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile.toml:1:"));
}

#[test]
fn explicit_missing_profile_is_an_error() {
    Env::new()
        .cmd()
        .args(["check", "x", "--profile", "/nonexistent/profile.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}
