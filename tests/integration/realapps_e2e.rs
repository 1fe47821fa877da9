//! Real, unmodified open-source web apps with account preferences,
//! installed from PyPI by `tests/realapps/setup-all.sh` (pinned, cached):
//! Wagtail (server-rendered, ARIA tabs, one Save button), Trac (a page per
//! panel, a Save each, preferences that also exist signed out) and
//! JupyterLab (a single-page app whose Settings Editor has no URL, autosave,
//! a password-only sign-in form). Each test starts a fresh instance, lets
//! privaudit sign in through the app's real form (credentials from
//! accounts.toml), checks, applies, and reads the result from the app's own
//! storage, never from the page.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{finding, heavy_turn, json, repo, require_chromium, Env};

const PASSWORD: &str = "correct horse battery staple";

fn apps() -> PathBuf {
    repo().join("tests/realapps")
}

/// Where the apps are installed: `PRIVAUDIT_REALAPPS_CACHE`, or under target/.
fn cache() -> PathBuf {
    std::env::var_os("PRIVAUDIT_REALAPPS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/realapps"))
}

/// Installs the apps (a no-op once installed). Fails, never skips.
fn setup() {
    static DONE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        Command::new("bash")
            .arg(apps().join("setup-all.sh"))
            .arg(cache())
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(
        ok,
        "tests/realapps/setup-all.sh failed (it needs python3 with venv and PyPI)"
    );
}

/// A running app instance; killed (with its process group) when dropped.
struct App {
    child: Child,
    data: tempfile::TempDir,
    base: String,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("test harness")
        .local_addr()
        .expect("test harness")
        .port()
}

fn start(app: &str, ready_path: &str) -> App {
    setup();
    let data = tempfile::tempdir().expect("test harness");
    let port = free_port();
    let child = {
        use std::os::unix::process::CommandExt;
        Command::new("bash")
            .arg(apps().join(app).join("start.sh"))
            .arg(cache())
            .arg(data.path())
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("test harness")
    };
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    loop {
        let up = client
            .get(format!("{base}{ready_path}"))
            .timeout(Duration::from_secs(2))
            .send()
            .is_ok_and(|r| r.status().is_success());
        if up {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "{app} did not start");
        std::thread::sleep(Duration::from_millis(250));
    }
    App { child, data, base }
}

fn read_stored(app: &str, data: &Path, key: &str) -> String {
    let out = Command::new("bash")
        .arg(apps().join(app).join("read.sh"))
        .arg(cache())
        .arg(data)
        .arg(key)
        .output()
        .expect("test harness");
    assert!(
        out.status.success(),
        "read.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// An environment whose accounts.toml knows the app's password.
fn env_for(app: &str) -> Env {
    let env = Env::new();
    std::fs::write(
        env.config.path().join("accounts.toml"),
        format!("[{app}]\nusername = \"privaudit\"\npassword_command = \"printf '%s' '{PASSWORD}'\"\n"),
    )
    .expect("test harness");
    env
}

fn privaudit(env: &Env, app: &str, base: &str, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let out = env
        .cmd()
        .arg("--rules")
        .arg(apps().join(app).join(format!("rules/{app}.toml")))
        // JupyterLab's Settings Editor renders every plugin's form at once:
        // on a busy two-core machine opening it alone took over 30 s.
        .args(["--timeout", "90"])
        .args(args)
        .args([
            "--no-history",
            "--format",
            "json",
            "--base-url",
            &format!("{app}={base}"),
        ])
        .output()
        .expect("test harness");
    (
        out.status.code(),
        json(&out.stdout),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Sign in through the app's form, read, change, verify in the app's store.
fn audit(app: &str, ready_path: &str, settings: &[&str]) {
    require_chromium();
    let _turn = heavy_turn();
    let instance = start(app, ready_path);
    let env = env_for(app);
    for key in settings {
        assert_eq!(
            read_stored(app, instance.data.path(), key),
            "on",
            "{app}.{key} starts on"
        );
    }
    let (code, checked, stderr) = privaudit(&env, app, &instance.base, &["check", app]);
    for key in settings {
        let f = finding(&checked, &format!("{app}.{key}"));
        assert_eq!(f["status"], "drift", "{f:#}\n{stderr}");
        assert_eq!(f["current"], "on", "{f:#}");
    }
    assert_eq!(code, Some(1), "{checked:#}");
    let (code, applied, stderr) = privaudit(&env, app, &instance.base, &["apply", app, "--yes"]);
    for key in settings {
        let f = finding(&applied, &format!("{app}.{key}"));
        assert_eq!(f["status"], "fixed", "{f:#}\n{stderr}");
        assert_eq!(
            read_stored(app, instance.data.path(), key),
            "off",
            "{app} did not store {key}"
        );
    }
    assert_eq!(code, Some(0), "{applied:#}");
}

#[test]
fn wagtail_account_settings_behind_tabs_and_one_save_button() {
    audit(
        "wagtail",
        "/admin/login/",
        &["submitted-notifications", "keyboard-shortcuts"],
    );
}

#[test]
fn trac_preferences_panels_each_with_a_save_button() {
    audit("trac", "/login", &["hide-help", "wiki-full-width"]);
}

#[test]
fn jupyterlab_settings_editor_in_a_single_page_app() {
    audit(
        "jupyterlab",
        "/login",
        &["check-for-updates", "confirm-closing-document"],
    );
}
