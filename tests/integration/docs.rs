//! Docs that must not drift from the code.

use crate::support::{commands_in_help, repo, Env};

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
    let commands = commands_in_help(&help);
    assert!(commands.len() >= 5, "{help}");
    for c in commands {
        assert!(
            readme.contains(&format!("`privaudit {c}")),
            "README does not document `privaudit {c}`"
        );
    }
}

/// The README's tables of lint codes, exit codes and failure classes are
/// rendered from the code's own definitions. `PRIVAUDIT_BLESS=1 cargo test
/// docs` rewrites them after a change.
#[test]
fn readme_tables_come_from_the_code() {
    use privaudit::audit::FailureClass;
    use privaudit::diag::LintCode;
    use privaudit::exit::Exit;
    let lint = {
        let mut t = String::from("| Code | Meaning |\n|---|---|\n");
        for c in LintCode::ALL {
            t.push_str(&format!(
                "| <a id=\"lint-{0}\"></a>`{0}` | {1} |\n",
                c.as_str(),
                c.summary()
            ));
        }
        t
    };
    let classes = {
        let mut t = String::from("| Class | Meaning |\n|---|---|\n");
        for c in FailureClass::ALL {
            t.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.meaning()));
        }
        t
    };
    let path = repo().join("README.md");
    let mut readme = std::fs::read_to_string(&path).unwrap();
    let mut stale = Vec::new();
    for (name, table) in [
        ("lint-codes", lint),
        ("exit-codes", Exit::markdown_table()),
        ("failure-classes", classes),
    ] {
        let (start, end) = (format!("<!-- {name}:start -->\n"), format!("<!-- {name}:end -->"));
        let (Some(a), Some(b)) = (readme.find(&start), readme.find(&end)) else {
            panic!("README lacks the {start:?} … {end:?} markers");
        };
        let current = &readme[a + start.len()..b];
        if current != table {
            stale.push(name);
            readme = format!("{}{}{}", &readme[..a + start.len()], table, &readme[b..]);
        }
    }
    if !stale.is_empty() && std::env::var_os("PRIVAUDIT_BLESS").is_some() {
        std::fs::write(&path, readme).unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README tables out of date: {stale:?}; run `PRIVAUDIT_BLESS=1 cargo test docs`"
    );
}

/// `--help` and the man page carry the exit codes from the same place.
#[test]
fn help_and_man_page_list_the_exit_codes() {
    let help = Env::new().cmd().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    let man = Env::new().cmd().arg("man").output().unwrap();
    let man = String::from_utf8_lossy(&man.stdout).to_string();
    for e in privaudit::exit::Exit::ALL {
        // clap wraps long lines: the start of each is enough.
        let meaning = e.meaning().replace('`', "");
        let line = format!("  {:<4}{}", e.code(), meaning.chars().take(30).collect::<String>());
        assert!(help.contains(&line), "--help lacks {line:?}:\n{help}");
        assert!(
            man.contains(&e.code().to_string()),
            "man page lacks exit code {}",
            e.code()
        );
    }
    assert!(man.contains(".TH privaudit"), "{man}");
}
