//! `examples/` and the package metadata (issue #14). The examples get copied
//! into crontabs, unit directories and images, where a mistake shows only as a
//! nightly run that never happened or never alerted: a bare `privaudit` that
//! cron's PATH does not find, a webhook URL (its secret) on a command line,
//! an exit status that hides incomplete runs. These tests read the files as
//! they are shipped, and build the Dockerfile where Docker is usable.

use std::path::Path;
use std::process::Command;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    let path = manifest_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The lines that are neither blank nor `#` comments, trimmed.
fn directives(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The values of `key=…` lines in a systemd unit.
fn unit_values<'a>(lines: &[&'a str], key: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .map(str::trim)
        .collect()
}

/// A Dockerfile's instructions as (keyword in upper case, arguments), with
/// continuation lines joined and comments dropped.
fn dockerfile_instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, args) = current
                    .split_once(char::is_whitespace)
                    .unwrap_or((current.as_str(), ""));
                out.push((keyword.to_ascii_uppercase(), args.trim().to_string()));
                current.clear();
            }
        }
    }
    out
}

#[test]
fn crontab_runs_privaudit_by_absolute_path_without_the_webhook() {
    let crontab = read("examples/crontab");
    let entries = directives(&crontab);
    assert_eq!(entries.len(), 1, "one crontab entry expected: {entries:?}");
    let entry = entries[0];
    // Five time fields, then the command.
    let command: Vec<&str> = entry.split_whitespace().skip(5).collect();
    let runs: Vec<&str> = command
        .iter()
        .copied()
        .filter(|w| *w == "privaudit" || w.ends_with("/privaudit"))
        .collect();
    assert!(!runs.is_empty(), "the crontab entry does not run privaudit: {entry}");
    for run in runs {
        assert!(
            run.starts_with('/'),
            "cron's PATH is /usr/bin:/bin: run privaudit by its absolute path, not `{run}`"
        );
    }
    assert!(
        !entry.contains("https://") && !entry.contains("--notify"),
        "the webhook belongs in the env file, not in the crontab (crontab -l, ps): {entry}"
    );
    assert!(
        entry.contains("/.config/privaudit/env"),
        "the crontab entry does not read the env file: {entry}"
    );
    // cron turns an unescaped % into a newline.
    assert!(!entry.contains('%'), "a % in a crontab command splits it: {entry}");
}

#[test]
fn service_reports_incomplete_runs_and_keeps_the_webhook_off_the_command_line() {
    let unit = read("examples/privaudit.service");
    let lines = directives(&unit);
    assert!(
        !lines.iter().any(|l| l.contains("network-online.target")),
        "network-online.target is a system unit: a user unit cannot wait for it"
    );

    let env_files = unit_values(&lines, "EnvironmentFile");
    assert!(
        env_files.iter().any(|f| f.ends_with("/.config/privaudit/env")),
        "the service reads no env file: {env_files:?}"
    );

    let success = unit_values(&lines, "SuccessExitStatus");
    assert_eq!(success.len(), 1, "one SuccessExitStatus= line expected: {success:?}");
    let codes: Vec<&str> = success[0].split_whitespace().collect();
    assert!(
        codes.contains(&"1"),
        "drift (exit 1) is a result, not a failure: {codes:?}"
    );
    for failure in ["2", "3"] {
        assert!(
            !codes.contains(&failure),
            "exit {failure} must stay a failure that systemctl --user status shows: {codes:?}"
        );
    }

    let exec = unit_values(&lines, "ExecStart");
    assert_eq!(exec.len(), 1, "one ExecStart= line expected: {exec:?}");
    assert!(
        exec[0].contains("privaudit check"),
        "ExecStart does not run a check: {}",
        exec[0]
    );
    assert!(
        !exec[0].contains("https://") && !exec[0].contains("--notify"),
        "the webhook belongs in the env file, not on ExecStart: {}",
        exec[0]
    );
}

/// One file serves systemd, the shell and `docker run --env-file`, which
/// knows neither `export` nor quotes.
#[test]
fn env_example_sets_the_webhook_for_every_reader() {
    let env = read("examples/env.example");
    let lines = directives(&env);
    let notify = lines
        .iter()
        .find_map(|l| l.strip_prefix("PRIVAUDIT_NOTIFY="))
        .unwrap_or_else(|| panic!("env.example sets no PRIVAUDIT_NOTIFY: {lines:?}"));
    assert!(
        notify.starts_with("https://"),
        "PRIVAUDIT_NOTIFY is not a bare URL: {notify}"
    );
    for line in lines {
        assert!(
            !line.starts_with("export "),
            "--env-file does not know `export`: {line}"
        );
    }
    assert!(
        env.contains("chmod 600"),
        "env.example does not say to make the copy private"
    );
}

#[test]
fn dockerfile_installs_chromium_and_runs_unprivileged() {
    let instructions = dockerfile_instructions(&read("examples/Dockerfile"));
    assert!(
        instructions.iter().any(|(keyword, args)| keyword == "RUN"
            && args.contains("apt-get install")
            && args.split_whitespace().any(|w| w == "chromium")),
        "no RUN installs chromium with apt-get"
    );
    let user = instructions
        .iter()
        .rev()
        .find(|(keyword, _)| keyword == "USER")
        .map(|(_, args)| args.split(':').next().unwrap_or_default().trim().to_string())
        .unwrap_or_else(|| panic!("no USER: the image would run privaudit as root"));
    assert!(
        !user.is_empty() && user != "root" && user != "0",
        "the image runs as `{user}`, not an unprivileged user"
    );
    let ignore = read("examples/Dockerfile.dockerignore");
    assert!(
        directives(&ignore).contains(&"target"),
        "the build context would carry target/ (gigabytes)"
    );
}

#[test]
fn examples_readme_describes_every_file() {
    let readme = read("examples/README.md");
    let dir = manifest_dir().join("examples");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    names.sort();
    assert!(names.len() >= 5, "examples/ has lost files: {names:?}");
    for name in names {
        assert!(
            readme.contains(&format!("`{name}`")),
            "examples/README.md does not describe `{name}`"
        );
    }
}

#[test]
fn cargo_toml_names_the_repository_keywords_and_categories() {
    let manifest: toml::Value = toml::from_str(&read("Cargo.toml")).expect("Cargo.toml is TOML");
    let package = manifest.get("package").expect("Cargo.toml has a [package]");
    let text = |key: &str| package.get(key).and_then(toml::Value::as_str).unwrap_or_default();
    let list = |key: &str| -> Vec<&str> {
        package
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
            .unwrap_or_default()
    };

    for key in ["repository", "homepage"] {
        assert!(
            text(key).starts_with("https://"),
            "[package] {key} is not a URL: {:?}",
            text(key)
        );
    }
    assert_eq!(text("license"), "MIT OR Apache-2.0");

    // crates.io: at most five keywords of at most 20 ASCII characters.
    let keywords = list("keywords");
    assert!((1..=5).contains(&keywords.len()), "keywords: {keywords:?}");
    for k in &keywords {
        assert!(
            k.len() <= 20
                && k.starts_with(|c: char| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c)),
            "crates.io refuses the keyword {k:?}"
        );
    }
    let categories = list("categories");
    assert!(!categories.is_empty(), "[package] has no categories");
    assert!(
        categories.contains(&"command-line-utilities"),
        "categories: {categories:?}"
    );
}

#[test]
fn licence_files_exist_and_are_packaged() {
    let manifest: toml::Value = toml::from_str(&read("Cargo.toml")).expect("Cargo.toml is TOML");
    let include: Vec<&str> = manifest
        .get("package")
        .and_then(|p| p.get("include"))
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default();
    for (file, markers) in [
        (
            "LICENSE-MIT",
            [
                "MIT License",
                "Permission is hereby granted, free of charge",
                "IN NO EVENT SHALL",
            ],
        ),
        (
            "LICENSE-APACHE",
            [
                "Apache License",
                "Version 2.0, January 2004",
                "END OF TERMS AND CONDITIONS",
            ],
        ),
    ] {
        let text = read(file);
        for marker in markers {
            assert!(text.contains(marker), "{file} is not the whole licence: no {marker:?}");
        }
        assert!(
            include.contains(&file),
            "{file} is not in [package] include: {include:?}"
        );
    }
    assert!(read("LICENSE-MIT").contains("Copyright (c) 2026 The privaudit developers"));
}

/// Slow (a release build inside the image) and needs the network; skipped,
/// saying so, where no Docker daemon answers.
#[test]
#[allow(clippy::disallowed_macros)] // a skipped test says so on stderr
fn dockerfile_builds_when_docker_is_present() {
    let usable = Command::new("docker")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !usable {
        eprintln!("skipped: `docker version` failed, so examples/Dockerfile is not built");
        return;
    }
    let output = Command::new("docker")
        .args(["build", "-f", "examples/Dockerfile", "-t", "privaudit-test", "."])
        .current_dir(manifest_dir())
        .output()
        .expect("docker build starts");
    let log = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = log.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    assert!(
        output.status.success(),
        "docker build -f examples/Dockerfile . failed ({}):\n{tail}",
        output.status
    );
}
