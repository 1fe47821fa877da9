//! Docs that must not drift from the code.

use crate::support::{repo, Env};

/// CI must run exactly the test command the README gives.
#[test]
fn ci_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    let command = "cargo test --locked";
    assert!(
        readme.contains(&format!("{command}\n")),
        "README no longer gives `{command}`"
    );
    assert_eq!(
        ci.lines().rfind(|l| !l.trim_start().starts_with('#')).map(str::trim),
        Some(command)
    );
}

/// Every subcommand in --help is documented in the README's usage table.
#[test]
fn every_command_is_in_the_readme() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let output = Env::new().cmd().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 5, "{help}");
    for c in commands {
        assert!(
            readme.contains(&format!("`privaudit {c}")),
            "README does not document `privaudit {c}`"
        );
    }
}

/// Every lint code the linter can emit is listed in the README.
#[test]
fn every_lint_code_is_in_the_readme() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut missing = Vec::new();
    let codes = regex::Regex::new(r#"Diagnostic::(?:error|warning)\(\s*"([a-z-]+)""#).unwrap();
    for file in ["src/rules/lint.rs", "src/rules/load.rs", "src/diag.rs"] {
        let source = std::fs::read_to_string(repo().join(file)).unwrap();
        for cap in codes.captures_iter(&source) {
            if !readme.contains(&format!("`{}`", &cap[1])) {
                missing.push(cap[1].to_string());
            }
        }
    }
    assert!(missing.is_empty(), "README lacks lint codes: {missing:?}");
}
