//! Test environment: a private config dir, the replica server on loopback
//! (optionally from a modified copy of rules/replicas), and the binary.

#![allow(dead_code)]

pub mod fakes;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use privaudit::replica::{ReplicaServer, Source};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// End-to-end tests need the real Chromium; they fail (never skip) without it.
pub fn require_chromium() {
    if privaudit::browser::find::find_browser(None).is_err() {
        panic!("end-to-end tests need Chromium on PATH: `apt-get install chromium` (Debian) or set PRIVAUDIT_BROWSER");
    }
}

/// The subcommands `privaudit --help` lists (without `help`).
pub fn commands_in_help(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues deeper in: not a command.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The suites that drive heavy pages (the real apps, a large single-page app
/// among them, and the field cases, three Chromiums at once) take turns: on
/// two cores, two of them at once starve each other past their page
/// timeouts. The light tests still run beside them.
pub fn heavy_turn() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A panicking holder poisons the lock; the next suite may still run.
    HEAVY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub struct Env {
    pub config: tempfile::TempDir,
    /// History, sessions and the run lock: never the user's own.
    pub data: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            config: tempfile::tempdir().expect("temp config dir"),
            data: tempfile::tempdir().expect("temp data dir"),
        }
    }

    /// The binary with a private, empty config dir and no inherited settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("privaudit").expect("privaudit binary");
        for (key, _) in std::env::vars() {
            if key.starts_with("PRIVAUDIT_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("PRIVAUDIT_CONFIG", self.config.path())
            .env("PRIVAUDIT_DATA_DIR", self.data.path())
            .env("NO_COLOR", "1");
        cmd
    }

    /// The binary as a child process, for tests that signal or kill it;
    /// stdout and stderr are piped.
    pub fn spawn<I, S>(&self, args: I) -> std::process::Child
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("privaudit"))
            .env("PRIVAUDIT_CONFIG", self.config.path())
            .env("PRIVAUDIT_DATA_DIR", self.data.path())
            .env("NO_COLOR", "1")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start privaudit")
    }

    pub fn write_profile(&self, text: &str) -> PathBuf {
        let path = self.config.path().join("profile.toml");
        std::fs::write(&path, text).expect("write profile");
        path
    }
}

/// The replica server, on its own runtime so it keeps serving while the test
/// thread waits for the binary.
pub struct Replica {
    pub server: ReplicaServer,
    /// Test-only behaviour in front of the server (accounts, refused saves…).
    pub fakes: fakes::Fakes,
    pub root: Option<tempfile::TempDir>,
    _runtime: tokio::runtime::Runtime,
}

impl Replica {
    /// Serves rules/replicas as they are in the repository.
    pub fn start() -> Replica {
        Self::serve(repo().join("rules/replicas"), None)
    }

    /// Serves a folder of replicas as it is.
    pub fn serve_dir(dir: PathBuf) -> Replica {
        Self::serve(dir, None)
    }

    /// Serves the test-only fixture replicas (tests/fixtures/replicas).
    pub fn start_fixtures() -> Replica {
        Self::serve(repo().join("tests/fixtures/replicas"), None)
    }

    /// Serves a copy of rules/replicas after `edit` changed it.
    pub fn start_modified(edit: impl FnOnce(&Path)) -> Replica {
        let root = tempfile::tempdir().expect("temp replica dir");
        copy_dir(&repo().join("rules/replicas"), root.path());
        edit(root.path());
        Self::serve(root.path().to_path_buf(), Some(root))
    }

    fn serve(dir: PathBuf, root: Option<tempfile::TempDir>) -> Replica {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let fakes = fakes::Fakes::new(dir.clone());
        let server = runtime
            .block_on(ReplicaServer::start_with(
                Source::Directory(dir),
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                Some(fakes.interceptor()),
            ))
            .expect("replica server");
        Replica {
            server,
            fakes,
            root,
            _runtime: runtime,
        }
    }

    /// `--base-url` arguments pointing each platform at this server.
    /// A cookies.txt in `dir` holding a fresh, valid session for
    /// `platform`'s replica, as an export from a signed-in browser would.
    pub fn session_cookies_file(&self, dir: &Path, platform: &str) -> PathBuf {
        let token = self.fakes.issue_session(platform);
        let path = dir.join("cookies.txt");
        std::fs::write(
            &path,
            format!("127.0.0.1\tFALSE\t/\tFALSE\t0\treplica_session_{platform}\t{token}\n"),
        )
        .expect("write cookies.txt");
        path
    }

    pub fn base_url_args(&self, platforms: &[&str]) -> Vec<String> {
        platforms
            .iter()
            .flat_map(|p| ["--base-url".to_string(), format!("{p}={}", self.server.base_url(p))])
            .collect()
    }
}

/// Replaces `from` with `to` in a replica file, failing if `from` is absent
/// (so a test cannot silently stop testing what it claims).
pub fn edit_file(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write replica file");
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Parses the JSON report from stdout.
pub fn json(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(stdout)))
}

/// The finding for `platform.setting` in a JSON report.
pub fn finding<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    let (platform, setting) = key.split_once('.').expect("platform.setting");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["platform"] == platform && f["setting"] == setting)
        .unwrap_or_else(|| panic!("no finding for {key} in {report:#}"))
}

/// Sends `signal` (e.g. "-INT") to a process, as a person or cron would.
pub fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} {pid} failed");
}

/// Chromium processes whose command line mentions `marker`.
pub fn processes_mentioning(marker: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline);
            // Zombies have an empty cmdline, so only live processes count.
            if cmdline.contains(marker) {
                pids.push(pid);
            }
        }
    }
    pids
}

/// An X replica whose Grok label never matches, so a run waits on it until it
/// is interrupted or its browser dies.
pub fn stalled_x_replica() -> Replica {
    Replica::start_modified(|root| {
        edit_file(
            &root.join("x/settings/grok_settings.html"),
            "to be used for training and fine-tuning",
            "(renamed)",
        );
    })
}

type Bodies = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A webhook receiver on loopback that keeps every request body it gets.
pub struct Receiver {
    pub url: String,
    bodies: Bodies,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    pub fn start() -> Receiver {
        use axum::routing::post;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let bodies: Bodies = Default::default();
        let kept = bodies.clone();
        let app = axum::Router::new().route(
            "/{*path}",
            post(move |body: String| {
                let kept = kept.clone();
                async move {
                    kept.lock().expect("receiver lock").push(body);
                    "ok"
                }
            }),
        );
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(SocketAddr::from((
                Ipv4Addr::LOCALHOST,
                0,
            ))))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        runtime.spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            bodies,
            _runtime: runtime,
        }
    }

    /// The bodies received so far.
    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().expect("receiver lock").clone()
    }
}

impl Env {
    /// Runs `script` with `sh` inside a private D-Bus session with an
    /// unlocked GNOME Keyring: a real Secret Service backend for the OS
    /// keyring, as on a desktop. `privaudit` on PATH is the binary under test.
    pub fn in_keyring_session(&self, script: &str) -> std::process::Output {
        let bin = assert_cmd::cargo::cargo_bin("privaudit");
        let dir = bin.parent().expect("binary dir").to_path_buf();
        let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let home = self.data.path().join("home");
        std::fs::create_dir_all(&home).expect("test home");
        let wrapped = format!(
            "echo -n keyring-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; {script}"
        );
        let mut cmd = std::process::Command::new("dbus-run-session");
        for (key, _) in std::env::vars() {
            if key.starts_with("PRIVAUDIT_") {
                cmd.env_remove(key);
            }
        }
        cmd.args(["--", "sh", "-c", &wrapped])
            .env("PATH", path)
            // The keyring daemon keeps its files under HOME: never the real one.
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("PRIVAUDIT_CONFIG", self.config.path())
            .env("PRIVAUDIT_DATA_DIR", self.data.path())
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run dbus-run-session (apt-get install dbus gnome-keyring)")
    }
}

/// The X replica's settings (the keys its server keeps, one per rule
/// setting), so tests follow the catalogue as it grows.
pub fn x_settings() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("rules/replicas/x/replica.toml")).expect("x replica.toml");
    let manifest: toml::Value = toml::from_str(&text).expect("x replica.toml is TOML");
    manifest["state"].as_table().expect("[state]").keys().cloned().collect()
}
