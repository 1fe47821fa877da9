//! For journalists, on the LinkedIn replica with the real Chromium: two
//! test accounts of different regions (two replica servers whose state
//! differs) surveyed into a dataset, verified, tampered with, signed,
//! merged with an older dataset into documented-vs-observed defaults, and
//! reported as a self-contained HTML page and a PDF.

use std::path::{Path, PathBuf};

use crate::support::{json, require_chromium, Env, Replica};

const SETTING: &str = "generative-ai-data";

/// Writes a survey file for two accounts, each reaching its own replica.
fn survey_file(dir: &Path, eu: &Replica, us: &Replica, eu_data: &Path, us_data: &Path) -> PathBuf {
    let path = dir.join("survey.toml");
    let text = format!(
        "[[account]]\nlabel = \"eu-free\"\ndata_dir = \"{}\"\nregion = \"EU\"\nplan = \"free\"\ncreated = \"2026-11-02\"\nnote = \"fresh; nothing changed\"\nbase_url = {{ linkedin = \"{}\" }}\n\n\
         [[account]]\nlabel = \"us-plus\"\ndata_dir = \"{}\"\nregion = \"US\"\nplan = \"plus\"\ncreated = \"2026-11-03\"\nbase_url = {{ linkedin = \"{}\" }}\n",
        eu_data.display(),
        eu.server.base_url("linkedin"),
        us_data.display(),
        us.server.base_url("linkedin"),
    );
    std::fs::write(&path, text).expect("survey file");
    path
}

fn row<'a>(data: &'a serde_json::Value, account: &str) -> &'a serde_json::Value {
    data["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["account"] == account && r["setting"] == SETTING)
        .unwrap_or_else(|| panic!("no {account} {SETTING} row in {data:#}"))
}

/// An older dataset, as a survey on `day` would have made it: a copy with
/// every reading dated `day` and `us-plus` having read `value`, its
/// manifest made again (the format is documented; a newsroom keeps these).
fn older_copy(from: &Path, to: &Path, day: &str, value: &str) {
    crate::support::copy_dir(from, to);
    let file = to.join("data.json");
    let mut data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("data.json")).expect("JSON");
    for r in data["rows"].as_array_mut().expect("rows") {
        r["read_at"] = format!("{day}T10:00:00Z").into();
        if r["account"] == "us-plus" && r["setting"] == SETTING {
            r["observed"] = value.into();
            r["agrees"] = (value == "on").into();
        }
    }
    std::fs::write(&file, serde_json::to_string_pretty(&data).expect("JSON")).expect("write");
    let _ = std::fs::remove_file(to.join("MANIFEST.sha256.minisig"));
    let (listing, _) = privaudit::dataset::manifest::hash_folder(to).expect("hash");
    std::fs::write(
        to.join("MANIFEST.sha256"),
        privaudit::dataset::manifest::render(&listing),
    )
    .expect("write the manifest");
}

#[test]
fn two_accounts_are_surveyed_verified_merged_and_reported() {
    require_chromium();
    let env = Env::new();
    let eu = Replica::start();
    let us = Replica::start();
    // The EU account's AI-training switch is off, unlike the documented "on".
    eu.server.set_state("linkedin", SETTING, "off");
    let (eu_data, us_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = survey_file(env.config.path(), &eu, &us, eu_data.path(), us_data.path());
    let work = tempfile::tempdir().unwrap();
    let dataset = work.path().join("2026-12");

    // A survey never changes anything: apply's flags are not its own.
    env.cmd()
        .arg("survey")
        .arg(&file)
        .arg("-o")
        .arg(&dataset)
        .arg("--yes")
        .assert()
        .code(2);
    assert!(!dataset.exists());

    let out = env
        .cmd()
        .arg("survey")
        .arg(&file)
        .arg("-o")
        .arg(&dataset)
        .args(["--platform", "linkedin"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Read only: the replicas' state is as it was.
    assert_eq!(eu.server.state("linkedin", SETTING).as_deref(), Some("off"));
    assert_eq!(us.server.state("linkedin", SETTING).as_deref(), Some("on"));

    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dataset.join("data.json")).unwrap()).unwrap();
    let eu_row = row(&data, "eu-free");
    assert_eq!(
        (&eu_row["observed"], &eu_row["agrees"]),
        (&"off".into(), &false.into()),
        "{eu_row:#}"
    );
    let us_row = row(&data, "us-plus");
    assert_eq!(
        (&us_row["observed"], &us_row["agrees"]),
        (&"on".into(), &true.into()),
        "{us_row:#}"
    );
    // One row per account and LinkedIn setting read in the browser.
    let shown = json(
        &env.cmd()
            .args(["rules", "show", "linkedin", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    let controls = shown["settings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["page"].is_string())
        .count();
    assert_eq!(
        data["rows"].as_array().unwrap().len(),
        2 * controls,
        "2 accounts × {controls} LinkedIn settings"
    );
    // Evidence: the outlined band, and a record with the accessibility node
    // and the DOM excerpt, whose hash the row and the manifest agree on.
    let shot = eu_row["evidence_screenshot"].as_str().expect("a screenshot");
    let png = std::fs::read(dataset.join(shot)).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert_eq!(eu_row["screenshot_sha256"], privaudit::evidence::sha256_hex(&png));
    let manifest = std::fs::read_to_string(dataset.join("MANIFEST.sha256")).unwrap();
    assert!(manifest.contains(&format!("{}  {shot}", privaudit::evidence::sha256_hex(&png))));
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dataset.join(eu_row["evidence_record"].as_str().unwrap())).unwrap(),
    )
    .unwrap();
    assert_eq!(record["accessibility"]["role"]["value"], "switch", "{record:#}");
    assert!(record["dom"].as_str().is_some_and(|d| d.contains("<")), "{record:#}");
    for name in ["data.csv", "accounts.json", "README.md"] {
        assert!(dataset.join(name).is_file(), "{name}");
    }
    let readme = std::fs::read_to_string(dataset.join("README.md")).unwrap();
    assert!(
        readme.contains("sha256sum -c MANIFEST.sha256") && readme.contains("eu-free"),
        "{readme}"
    );

    // Verified; then one changed byte in one evidence file is caught and named.
    env.cmd().args(["dataset", "verify"]).arg(&dataset).assert().code(0);
    let mut tampered = png.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(dataset.join(shot), &tampered).unwrap();
    let out = env.cmd().args(["dataset", "verify"]).arg(&dataset).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(shot) && text.contains("changed"), "{text}");
    std::fs::write(dataset.join(shot), &png).unwrap();
    env.cmd().args(["dataset", "verify"]).arg(&dataset).assert().code(0);

    // Signed with a minisign key; the signature is checked with the public key.
    let keys = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let secret = work.path().join("key.sec");
    std::fs::write(&secret, keys.sk.to_box(None).unwrap().to_string()).unwrap();
    let public = work.path().join("key.pub");
    std::fs::write(&public, keys.pk.to_box().unwrap().to_string()).unwrap();
    // Signed from inside the folder, as its README suggests verifying it.
    env.cmd()
        .current_dir(&dataset)
        .args(["dataset", "sign", ".", "--secret-key"])
        .arg(&secret)
        .assert()
        .code(0);
    let out = env
        .cmd()
        .args(["dataset", "verify", "--format", "json", "-P"])
        .arg(&public)
        .arg(&dataset)
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["signature"], "valid");
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let out = env
        .cmd()
        .args(["dataset", "verify", "--format", "json", "-P", &other.pk.to_base64()])
        .arg(&dataset)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out.stdout)["signature"], "invalid");
    // A file that is no signature is never called one, key or not.
    let junk = work.path().join("junk");
    crate::support::copy_dir(&dataset, &junk);
    std::fs::write(junk.join("MANIFEST.sha256.minisig"), "I am not a signature\n").unwrap();
    let out = env.cmd().args(["dataset", "verify"]).arg(&junk).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not a minisign signature"));

    // Merged with a dataset from September, when the US account's switch
    // was still off: the matrix shows the disagreement and the change.
    let older = work.path().join("2026-09");
    older_copy(&dataset, &older, "2026-09-01", "off");
    env.cmd().args(["dataset", "verify"]).arg(&older).assert().code(0);
    let out = env
        .cmd()
        .args(["defaults", "--format", "json", "--observed"])
        .arg(&older)
        .arg(&dataset)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let matrix = json(&out.stdout);
    let setting = matrix["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["setting"] == SETTING)
        .expect("the setting");
    let group = |region: &str| {
        setting["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["region"] == region)
            .cloned()
            .unwrap_or_else(|| panic!("no {region} group: {setting:#}"))
    };
    let eu_group = group("EU");
    // Each group is compared with the default documented for its own region.
    assert_eq!(eu_group["documented_default"], "on", "{eu_group:#}");
    assert_eq!(
        (&eu_group["latest"], &eu_group["disagrees"]),
        (&"off".into(), &true.into()),
        "{eu_group:#}"
    );
    let us_group = group("US");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(us_group["latest"], "on", "{us_group:#}");
    assert_eq!(us_group["before"], "off", "{us_group:#}");
    assert_eq!(us_group["since"], today.as_str(), "{us_group:#}");
    let out = env
        .cmd()
        .args(["defaults", "--format", "html", "--observed"])
        .arg(&older)
        .arg(&dataset)
        .output()
        .unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains(&format!("on since {today} (was off)")) && page.contains("differs from documented"),
        "{page}"
    );

    // A report a journalist could publish: nothing loaded from anywhere,
    // the evidence embedded with its hash; and its PDF.
    let html = work.path().join("report.html");
    env.cmd()
        .args(["report", "--html"])
        .arg(&dataset)
        .arg("-o")
        .arg(&html)
        .assert()
        .code(0);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Content-Security-Policy") && page.contains("default-src 'none'"));
    assert!(page.contains("data:image/png;base64,"));
    assert!(page.contains(&privaudit::evidence::sha256_hex(&png)));
    assert!(page.contains("How to verify this report"));
    let loads = regex::Regex::new(r#"(?i)(src|srcset|href)\s*=\s*"(https?:|//)"#).unwrap();
    let link_tags = regex::Regex::new(r"(?i)<(link|script|iframe|object|embed)\b").unwrap();
    assert!(
        !loads.is_match(&page) && !link_tags.is_match(&page),
        "the report loads something"
    );
    let pdf = work.path().join("report.pdf");
    env.cmd()
        .args(["report", "--pdf"])
        .arg(&dataset)
        .arg("-o")
        .arg(&pdf)
        .assert()
        .code(0);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 10_000,
        "{} bytes",
        bytes.len()
    );
}

/// For a person: the report of an apply shows each value before and after,
/// and loads nothing.
#[test]
fn a_report_of_an_apply_shows_before_and_after() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    env.cmd()
        .args(["apply", "linkedin", "--yes"])
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    let work = tempfile::tempdir().unwrap();
    let html = work.path().join("apply.html");
    env.cmd().args(["report", "--html", "-o"]).arg(&html).assert().code(0);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("What was changed"), "{page}");
    let changed = regex::Regex::new(
        r"<td>Data for Generative AI Improvement</td><td>on</td><td>off</td><td class=.status.>fixed</td>",
    )
    .unwrap();
    assert!(changed.is_match(&page), "{page}");
    assert!(page.contains("default-src 'none'"));
    // A run number that is not one is refused, naming what it expects.
    env.cmd()
        .args(["report", "--html", "#99", "-o"])
        .arg(&html)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no such run"));
}

/// Ctrl-C or SIGTERM stops a survey: exit 130, and no half dataset is left.
#[test]
fn an_interrupted_survey_leaves_no_dataset() {
    require_chromium();
    let env = Env::new();
    let replica = Replica::start();
    replica
        .fakes
        .delay("/linkedin/style.css", std::time::Duration::from_secs(5));
    let data = tempfile::tempdir().unwrap();
    let file = survey_file(
        env.config.path(),
        &replica,
        &replica,
        data.path(),
        &data.path().join("second"),
    );
    std::fs::create_dir(data.path().join("second")).unwrap();
    let output = env.config.path().join("dataset");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("privaudit"))
        .env("PRIVAUDIT_CONFIG", env.config.path())
        .env("PRIVAUDIT_DATA_DIR", env.data.path())
        .arg("survey")
        .arg(&file)
        .arg("-o")
        .arg(&output)
        .args(["--platform", "linkedin"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !replica.server.requests().iter().any(|r| r.contains("/mypreferences/")) {
        assert!(started.elapsed().as_secs() < 60, "the survey never read a page");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    crate::support::signal(child.id(), "-TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!output.exists(), "a half dataset was left");
}
