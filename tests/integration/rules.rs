//! `rules list|lint|show`, and how broken or overriding rule files are handled.

use predicates::prelude::*;

use crate::support::{json, repo, Env};

/// Each tests/fixtures/rules/bad/*.toml is the valid fixture with one mistake
/// and a first line `# expect: CODE LINE:COL`; lint must report exactly that.
#[test]
fn every_bad_fixture_reports_its_code_at_its_position() {
    let dir = repo().join("tests/fixtures/rules/bad");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("fixture starts with # expect:");
        let (code, position) = expect.split_once(' ').unwrap();
        let (line, column) = position.split_once(':').unwrap();
        let (line, column): (u64, u64) = (line.parse().unwrap(), column.parse().unwrap());
        let output = Env::new()
            .cmd()
            .args(["rules", "lint", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{} must fail lint", path.display());
        let diagnostics = json(&output.stdout);
        let found = diagnostics
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == code && d["line"] == line && d["column"] == column && d["severity"] == "error");
        assert!(
            found,
            "{}: expected {code} at {line}:{column}, got {diagnostics:#}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} bad fixtures");
}

#[test]
fn the_good_fixture_lints_clean() {
    Env::new()
        .cmd()
        .args(["rules", "lint"])
        .arg(repo().join("tests/fixtures/rules/good.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn human_lint_output_shows_file_line_column_and_help() {
    Env::new()
        .cmd()
        .args(["rules", "lint"])
        .arg(repo().join("tests/fixtures/rules/bad/missing-source.toml"))
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("error[missing-source]")
                .and(predicate::str::contains("missing-source.toml:13:1"))
                .and(predicate::str::contains("help: add `source")),
        );
}

/// The shipped catalogue has no errors; the only warning allowed is a rule
/// whose `verified` date has grown old (that one asks for a human re-check).
#[test]
fn the_built_in_catalogue_lints_clean() {
    let output = Env::new()
        .cmd()
        .args(["rules", "lint", "--format", "json"])
        .output()
        .unwrap();
    let diagnostics = json(&output.stdout);
    let unexpected: Vec<_> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] != "stale-verified")
        .collect();
    assert!(unexpected.is_empty(), "built-in rules have problems: {unexpected:#?}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn list_shows_the_built_in_platforms() {
    let output = Env::new()
        .cmd()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let list = json(&output.stdout);
    let ids: Vec<&str> = list["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in ["x", "linkedin", "instagram"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(list["rules_version"].as_str().is_some_and(|v| !v.is_empty()));
    for p in list["platforms"].as_array().unwrap() {
        assert!(p["settings"].as_u64().unwrap() > 0);
        assert!(p["verified"].as_str().is_some());
    }
}

#[test]
fn list_table_counts_platforms_and_settings() {
    Env::new()
        .cmd()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"\d+ platforms, \d+ settings \(\d+ AI training\): \d+ verified first-party, \d+ secondary, \d+ unverified \(rules ",
            )
            .unwrap(),
        );
}

/// The catalogue the second wave promised: its size, and every setting
/// graded from what its sources show.
#[test]
fn the_catalogue_is_graded_setting_by_setting() {
    let out = Env::new()
        .cmd()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list = json(&out.stdout);
    let platforms = list["platforms"].as_array().unwrap();
    let ids: Vec<&str> = platforms.iter().map(|p| p["id"].as_str().unwrap()).collect();
    for must in [
        "facebook",
        "threads",
        "reddit",
        "chatgpt",
        "gemini",
        "claude",
        "copilot",
        "meta-ai",
        "perplexity",
        "mistral",
        "github",
        "grok",
        "figma",
        "character-ai",
        "dropbox",
        "wordpress",
    ] {
        assert!(ids.contains(&must), "no rules for {must}");
    }
    assert!(platforms.len() >= 32, "{} platforms", platforms.len());
    let settings: Vec<&serde_json::Value> = platforms.iter().flat_map(|p| p["items"].as_array().unwrap()).collect();
    assert!(settings.len() >= 110, "{} settings", settings.len());
    let ai = settings.iter().filter(|s| s["category"] == "ai-training").count();
    assert!(ai >= 40, "{ai} AI-training settings");
    for p in platforms {
        let counts = &p["grades"];
        let items = p["items"].as_array().unwrap();
        let total: u64 = ["first_party", "secondary", "unverified"]
            .iter()
            .map(|k| counts[k].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, items.len(), "{}", p["id"]);
        for s in items {
            let unverified: Vec<&str> = s["unverified"]
                .as_array()
                .map(|a| a.iter().map(|u| u.as_str().unwrap()).collect())
                .unwrap_or_default();
            let cited_unconfirmed = ["label", "page", "default"].iter().any(|f| unverified.contains(f));
            // A grade can never hide an unconfirmed cited fact.
            assert_eq!(
                s["grade"] == "unverified",
                cited_unconfirmed,
                "{}.{}: {s}",
                p["id"],
                s["id"]
            );
        }
    }
}

/// `rules list --settings`: one row per setting with its grade.
#[test]
fn list_settings_shows_each_grade() {
    Env::new()
        .cmd()
        .args(["rules", "list", "--settings"])
        .assert()
        .success()
        .stdout(predicate::str::contains("chatgpt.improve-the-model").and(predicate::str::contains("first-party")));
}

/// A rule that says sign-in cannot be automated: `auth set` refuses with its
/// reason before it touches the keyring.
#[test]
fn auth_set_refuses_a_platform_whose_sign_in_cannot_be_automated() {
    Env::new()
        .cmd()
        .args(["auth", "set", "claude", "--username", "someone@example.com", "--stdin"])
        .write_stdin("not-a-real-password\n")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cannot be automated honestly")
                .and(predicate::str::contains("not-a-real-password").not()),
        );
}

#[test]
fn show_prints_every_setting_with_its_source() {
    Env::new()
        .cmd()
        .args(["rules", "show", "linkedin"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Use my data for training content creation AI models")
                .and(predicate::str::contains("https://")),
        );
}

#[test]
fn a_config_dir_rule_overrides_the_built_in_one() {
    let env = Env::new();
    let dir = env.config.path().join("rules");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/rules/good.toml"))
        .unwrap()
        .replace("id = \"good\"", "id = \"x\"")
        .replace("name = \"Example\"", "name = \"My X\"");
    std::fs::write(dir.join("x.toml"), text).unwrap();
    let output = env.cmd().args(["rules", "list", "--format", "json"]).output().unwrap();
    let list = json(&output.stdout);
    let x = list["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "x")
        .unwrap();
    assert_eq!(x["name"], "My X");
    assert_eq!(x["origin"], "config dir");
}

#[test]
fn check_refuses_a_broken_rule_file_before_opening_a_browser() {
    Env::new()
        .cmd()
        .args(["check", "x", "--rules"])
        .arg(repo().join("tests/fixtures/rules/bad/unknown-field.toml"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown-field.toml:20:1")
                .and(predicate::str::contains("error in the rule files")),
        );
}

#[test]
fn a_missing_rules_path_is_a_usage_error() {
    Env::new()
        .cmd()
        .args(["rules", "list", "--rules", "/nonexistent/rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/rules"));
}

/// A password in a rule's URL is refused, and lint's own report (which
/// quotes the line) never repeats it.
#[test]
fn lint_names_credentials_in_a_url_without_repeating_them() {
    let path = repo().join("tests/fixtures/rules/bad/credentials-in-url.toml");
    for format in ["human", "json"] {
        let out = Env::new()
            .cmd()
            .args(["rules", "lint", "--format", format])
            .arg(&path)
            .output()
            .expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("credentials-in-url"), "{all}");
        assert!(!all.contains("hunter2") && !all.contains("editor:"), "{all}");
    }
}

/// `rules lint DIR` reports what loading the directory would refuse.
#[test]
fn lint_of_a_directory_reports_duplicate_platform_ids() {
    let env = Env::new();
    let dir = env.config.path().join("dup-rules");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let good = std::fs::read_to_string(repo().join("tests/fixtures/rules/bad/bad-domain-suffix.toml"))
        .expect("fixture")
        .replace(", \"*.com\"", "");
    std::fs::write(dir.join("good.toml"), &good).expect("write");
    std::fs::write(dir.join("good-copy.toml"), &good).expect("write");
    let out = env.cmd().args(["rules", "lint"]).arg(&dir).output().expect("runs");
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("duplicate-platform") && err.contains("also defined in"),
        "{err}"
    );
}

/// Defaults that can never be an account's, and facts both confirmed and
/// listed as unconfirmed, are warned about where they are written.
#[test]
fn defaults_that_never_apply_and_contradicted_facts_are_warned_about() {
    let good = std::fs::read_to_string(repo().join("tests/fixtures/rules/good.toml")).unwrap();
    let env = Env::new();
    let lint = |name: &str, from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        // Each its own good.toml: the file name matches the platform id.
        let dir = env.data.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("good.toml");
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let out = env
            .cmd()
            .args(["rules", "lint", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let diagnostics = json(&out.stdout);
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "warning")
            .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    let entries = "{ value = \"off\", regions = [\"EEA\", \"UK\"] },";

    // DE is in the EEA: an entry for it after the EEA's never holds.
    let shadowed = lint(
        "shadowed",
        entries,
        &format!("{entries}\n  {{ value = \"on\", regions = [\"DE\"] }},"),
    );
    assert!(
        shadowed
            .iter()
            .any(|w| w.starts_with("unreachable-default") && w.contains("regions DE")),
        "{shadowed:?}"
    );
    // A setting only in the US cannot have an EEA default.
    let elsewhere = lint(
        "elsewhere",
        "private_value = \"off\"",
        "private_value = \"off\"\nregions = [\"US\"]",
    );
    assert!(
        elsewhere
            .iter()
            .any(|w| w.starts_with("unreachable-default") && w.contains("does not exist there")),
        "{elsewhere:?}"
    );
    // An EEA default reaches a setting that exists only in Germany.
    let german = lint(
        "german",
        "private_value = \"off\"",
        "private_value = \"off\"\nregions = [\"DE\"]",
    );
    assert!(!german.iter().any(|w| w.contains("does not exist there")), "{german:?}");
    // A first-party source shows the label, and `unverified` lists it.
    let both = lint(
        "both",
        "private_value = \"off\"",
        "private_value = \"off\"\nunverified = [\"label\"]",
    );
    assert!(both.iter().any(|w| w.starts_with("contradictory-fact")), "{both:?}");
    // The file as it is has none of these.
    assert!(lint("clean", "", "").is_empty());
}

/// `rules list --settings` at 80 columns keeps every `platform.setting` id
/// whole, for copying into a profile.
#[test]
fn setting_ids_stay_whole_at_80_columns() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["rules", "list", "--settings"])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // The table; the summary line after it is prose a terminal wraps.
    let widest = text
        .lines()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(widest <= 80, "{widest} columns:\n{text}");
    let listing = json(
        &env.cmd()
            .args(["rules", "list", "--settings", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    for p in listing["platforms"].as_array().unwrap() {
        for s in p["items"].as_array().unwrap() {
            let id = format!("{}.{}", p["id"].as_str().unwrap(), s["id"].as_str().unwrap());
            assert!(text.contains(&id), "{id} is split:\n{text}");
        }
    }
}
