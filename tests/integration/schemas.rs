//! The JSON outputs and their published schemas (examples/schemas/): the
//! files are generated from the code (`PRIVAUDIT_BLESS=1` rewrites them),
//! and every output, produced for real, validates against its schema with
//! no key the schema does not describe.

use clap::ValueEnum;
use privaudit::cli::SchemaName;

use crate::support::{json, repo, require_chromium, Env, Replica};

fn published(name: SchemaName) -> std::path::PathBuf {
    repo().join("examples/schemas").join(name.file_name())
}

#[test]
fn published_schemas_are_generated_from_the_code() {
    let bless = std::env::var_os("PRIVAUDIT_BLESS").is_some();
    let mut stale = Vec::new();
    for name in SchemaName::value_variants() {
        let generated = serde_json::to_string_pretty(&privaudit::commands::docs::json_schema(*name)).unwrap() + "\n";
        let path = published(*name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &generated).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas (PRIVAUDIT_BLESS=1 cargo test schemas rewrites them): {stale:?}"
    );
}

/// Every object the schema describes gets `additionalProperties: false`,
/// so a key an output has and its schema lacks fails validation.
fn closed(mut schema: serde_json::Value) -> serde_json::Value {
    fn close(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".into(), serde_json::Value::Bool(false));
                }
                map.values_mut().for_each(close);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    close(&mut schema);
    schema
}

fn assert_valid(name: SchemaName, output: &[u8]) {
    let instance = json(output);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(published(name)).expect("published schema"))
            .expect("schema JSON");
    let validator = jsonschema::validator_for(&closed(schema)).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}\n{instance:#}", name.file_name());
    if let Some(object) = instance.as_object() {
        // A dataset's files carry the dataset's format_version instead.
        if name != SchemaName::RulesTest && name != SchemaName::Dataset && name != SchemaName::DatasetAccounts {
            assert!(
                object.contains_key("schema_version"),
                "{} has no schema_version",
                name.file_name()
            );
        }
    }
}

#[test]
fn outputs_without_a_browser_follow_their_schemas() {
    let env = Env::new();
    let run = |args: &[&str]| env.cmd().args(args).output().expect("run privaudit").stdout;
    assert_valid(SchemaName::RulesList, &run(&["rules", "list", "--format", "json"]));
    assert_valid(
        SchemaName::RulesShow,
        &run(&["rules", "show", "linkedin", "--format", "json"]),
    );
    assert_valid(
        SchemaName::RulesShow,
        &run(&["rules", "show", "snapchat", "--format", "json"]),
    );
    assert_valid(SchemaName::Defaults, &run(&["defaults", "--format", "json"]));
    assert_valid(SchemaName::Profile, &run(&["profile", "show", "--format", "json"]));
    env.write_profile("[settings]\n\"x.personalized-ads\" = \"ignore\"\n");
    assert_valid(SchemaName::Profile, &run(&["profile", "show", "--format", "json"]));
    // A platform whose rule says why it cannot sign in: no keyring needed.
    assert_valid(SchemaName::Auth, &run(&["auth", "show", "claude", "--format", "json"]));
    assert_valid(SchemaName::Lint, &run(&["rules", "lint", "--format", "json"]));
    // A manual-only platform runs and records without a browser.
    assert_valid(SchemaName::Run, &run(&["check", "snapchat", "--format", "json"]));
    assert_valid(SchemaName::History, &run(&["history", "--format", "json"]));
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let policy = format!("x=http://127.0.0.1:{closed_port}/privacy");
    assert_valid(
        SchemaName::Policy,
        &run(&["policy", "check", "x", "--policy-url", &policy, "--format", "json"]),
    );
}

#[test]
fn outputs_from_the_browser_follow_their_schemas() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    let out = env
        .cmd()
        .args(["check", "x", "--format", "json"])
        .args(replica.base_url_args(&["x"]))
        .output()
        .unwrap();
    assert_valid(SchemaName::Run, &out.stdout);
    let out = env
        .cmd()
        .args(["rules", "test", "quora", "--format", "json"])
        .output()
        .unwrap();
    assert_valid(SchemaName::RulesTest, &out.stdout);
    let cookies = replica.session_cookies_file(env.data.path(), "linkedin");
    let out = env
        .cmd()
        .args(["login", "linkedin", "--format", "json", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    assert_valid(SchemaName::Login, &out.stdout);
    assert_eq!(json(&out.stdout)["signed_in"], true);
    // Any page will do as a policy page: stored, listed, shown.
    let page = format!("x={}/settings/ads_preferences", replica.server.base_url("x"));
    let out = env
        .cmd()
        .args(["policy", "check", "--policy-url", &page, "--format", "json"])
        .output()
        .unwrap();
    assert_valid(SchemaName::Policy, &out.stdout);
    let out = env.cmd().args(["policy", "list", "--format", "json"]).output().unwrap();
    assert_valid(SchemaName::PolicyList, &out.stdout);
    let out = env
        .cmd()
        .args(["policy", "show", "x", "--format", "json"])
        .output()
        .unwrap();
    assert_valid(SchemaName::PolicyShow, &out.stdout);
    let out = env.cmd().args(["sessions", "--format", "json"]).output().unwrap();
    assert_valid(SchemaName::Sessions, &out.stdout);
    let out = env.cmd().args(["doctor", "--format", "json"]).output().unwrap();
    assert_valid(SchemaName::Doctor, &out.stdout);
    // The check of `x` above, exported as a dataset, and what reads one.
    let dataset = env.data.path().join("dataset");
    env.cmd()
        .args(["dataset", "export", "--region", "EU", "-o"])
        .arg(&dataset)
        .assert()
        .code(0);
    assert_valid(SchemaName::Dataset, &std::fs::read(dataset.join("data.json")).unwrap());
    assert!(json(&std::fs::read(dataset.join("data.json")).unwrap())["rows"]
        .as_array()
        .is_some_and(|rows| !rows.is_empty()));
    assert_valid(
        SchemaName::DatasetAccounts,
        &std::fs::read(dataset.join("accounts.json")).unwrap(),
    );
    let out = env
        .cmd()
        .args(["dataset", "verify", "--format", "json"])
        .arg(&dataset)
        .output()
        .unwrap();
    assert_valid(SchemaName::DatasetVerify, &out.stdout);
    let out = env
        .cmd()
        .args(["defaults", "--format", "json", "--observed"])
        .arg(&dataset)
        .output()
        .unwrap();
    assert_valid(SchemaName::DefaultsObserved, &out.stdout);
}
