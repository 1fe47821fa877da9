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

/// A wanted value the setting cannot take would be drift every night: it
/// stops the run with its line and column and the nearest valid value.
#[test]
fn a_misspelt_value_stops_with_the_nearest_valid_one() {
    let env = Env::new();
    env.write_profile("preset = \"strict\"\n[categories]\nai-training = \"privat\"\n");
    env.cmd().args(["check", "x"]).assert().code(2).stderr(
        predicate::str::contains("profile.toml:3:15").and(predicate::str::contains("did you mean \"private\"")),
    );

    env.write_profile("[settings]\n\"x.personalized-ads\" = \"of\"\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("profile.toml:2:").and(predicate::str::contains("did you mean \"off\"")));

    // A choice takes an option's name, not on/off.
    env.write_profile("[settings]\n\"amazon.interest-based-ads\" = \"off\"\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an option").and(predicate::str::contains("Do not show me")));
}

/// An override for a setting the platform does not have does nothing: say
/// so, with the id it probably meant; an unknown platform only warns.
#[test]
fn an_override_for_an_unknown_setting_names_the_likely_one() {
    let env = Env::new();
    env.write_profile("[settings]\n\"x.personalised-ads\" = \"on\"\n");
    env.cmd().args(["check", "x"]).assert().code(2).stderr(
        predicate::str::contains("profile.toml:2:1").and(predicate::str::contains("did you mean `x.personalized-ads`")),
    );

    env.write_profile("[settings]\n\"nosuchplatform.ads\" = \"on\"\n\"x.personalized-ads\" = \"on\"\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").and(predicate::str::contains("nosuchplatform")));
}

/// A plan the rules do not know would quietly compare the account with the
/// general default: it warns where the plan is written, with the plans the
/// platform has, and the run goes on.
#[test]
fn a_plan_the_rules_do_not_know_warns_with_the_known_ones() {
    let env = Env::new();
    env.write_profile("[accounts]\nchatgpt = { plan = \"platinum\" }\n");
    env.cmd().args(["profile", "show"]).assert().success().stderr(
        predicate::str::contains("profile.toml:2:")
            .and(predicate::str::contains("no plan `platinum`"))
            .and(predicate::str::contains("use one of: free")),
    );

    // A platform written as the platform spells it is the lower-case id.
    env.write_profile("[accounts]\nChatGPT = { plan = \"plus\" }\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .success()
        .stderr(predicate::str::contains("did you mean `chatgpt`"));

    // A known plan, in any case, says nothing.
    env.write_profile("[accounts]\nchatgpt = { plan = \"Plus\" }\n");
    env.cmd()
        .args(["profile", "show"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no plan").not());
}
