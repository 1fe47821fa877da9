//! Audit benchmark: `cargo bench --bench audit` (optionally `-- 3 10 30`).
//!
//! For N replica platforms (copies of the X replica and rule), it times
//! `privaudit check` sequentially (`--jobs 1`) and with `--jobs 4`, samples
//! privaudit's own peak RSS (the browser excluded), and measures a floor in the
//! same run: a minimal CDP client that only opens the same pages in 4 tabs and
//! fetches their accessibility trees. It also times `privaudit rules list`.
//! Then the huge page: one settings page with a 3,000-row table (about
//! 42,000 accessibility nodes, as in field case 17), timed for `check` and
//! for `apply --yes`; `--huge-rows N` changes the row count.
//! It prints figures; it asserts nothing (machines are noisy).

// A benchmark harness is a program of its own: it prints its report itself.
#![allow(clippy::disallowed_macros)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::accessibility::GetFullAxTreeParams;
use futures::StreamExt;
use privaudit::replica::{ReplicaServer, Source};

const PAGES: [&str; 3] = [
    "/settings/grok_settings",
    "/settings/ads_preferences",
    "/settings/data_sharing_with_business_partners",
];

fn main() {
    // Positional numbers are platform counts; `--huge-rows N` sizes the huge page.
    let mut sizes: Vec<usize> = Vec::new();
    let mut huge_rows = 3000;
    let mut only_demo = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--demo-only" {
            only_demo = true;
        } else if arg == "--huge-rows" {
            huge_rows = args.next().and_then(|n| n.parse().ok()).expect("--huge-rows N");
        } else if let Ok(n) = arg.parse() {
            sizes.push(n);
        }
    }
    let sizes = if sizes.is_empty() { vec![3, 10, 30] } else { sizes };
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_privaudit"));
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    println!(
        "privaudit audit benchmark ({} cores)",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    demo(&binary);
    if only_demo {
        return;
    }
    println!(
        "{:>4}  {:>12}  {:>12}  {:>12}  {:>10}  {:>10}  {:>9}",
        "N", "jobs=1 (s)", "jobs=4 (s)", "floor (s)", "jobs4/floor", "s/platform", "RSS (MB)"
    );
    for n in sizes {
        let fixture = Fixture::new(&repo, n);
        let server = runtime
            .block_on(ReplicaServer::start(
                Source::Directory(fixture.replicas.clone()),
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ))
            .expect("replica server");
        let (sequential, _) = time_check(&binary, &fixture, &server, 1);
        let (parallel, rss) = time_check(&binary, &fixture, &server, 4);
        let floor = runtime.block_on(floor(&fixture, &server));
        println!(
            "{n:>4}  {:>12.2}  {:>12.2}  {:>12.2}  {:>10.2}  {:>10.3}  {:>9.1}",
            sequential.as_secs_f64(),
            parallel.as_secs_f64(),
            floor.as_secs_f64(),
            parallel.as_secs_f64() / floor.as_secs_f64(),
            parallel.as_secs_f64() / n as f64,
            rss as f64 / 1024.0
        );
        server.stop();
    }

    huge_page(&binary, &runtime, huge_rows);

    let mut runs: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(&binary)
                .args(["rules", "list"])
                .stdout(Stdio::null())
                .status()
                .expect("rules list");
            assert!(status.success());
            start.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "rules list: median {:.1} ms over {} runs",
        runs[runs.len() / 2].as_secs_f64() * 1000.0,
        runs.len()
    );
}

/// `privaudit demo` as a new user runs it (defaults, table story), three
/// times: its wall time (target: under 45 s in a release build on 2 cores)
/// and how many lines it prints.
fn demo(binary: &Path) {
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..3 {
        let data = tempfile::tempdir().expect("temp dir");
        let start = Instant::now();
        let out = Command::new(binary)
            .arg("demo")
            .env("PRIVAUDIT_DATA_DIR", data.path())
            .env("PRIVAUDIT_CONFIG", data.path().join("config"))
            .stderr(Stdio::null())
            .output()
            .expect("privaudit demo");
        times.push(start.elapsed());
        assert!(out.status.success(), "the demo failed");
        lines = String::from_utf8_lossy(&out.stdout).lines().count();
    }
    let shown: Vec<String> = times.iter().map(|t| format!("{:.1}", t.as_secs_f64())).collect();
    times.sort();
    println!(
        "demo: median {:.1} s (runs: {} s), {lines} lines on stdout",
        times[1].as_secs_f64(),
        shown.join(", ")
    );
}

/// N copies of the X replica (`x0`…) and of its rule, in temporary directories.
struct Fixture {
    replicas: PathBuf,
    rules: PathBuf,
    ids: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new(repo: &Path, n: usize) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let replicas = dir.path().join("replicas");
        let rules = dir.path().join("rules");
        std::fs::create_dir_all(&rules).expect("rules dir");
        let rule = std::fs::read_to_string(repo.join("rules/x.toml")).expect("x rule");
        let ids: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
        for id in &ids {
            copy_dir(&repo.join("rules/replicas/x"), &replicas.join(id));
            let text = rule.replacen("id = \"x\"", &format!("id = \"{id}\""), 1).replacen(
                "name = \"X\"",
                &format!("name = \"X {id}\""),
                1,
            );
            std::fs::write(rules.join(format!("{id}.toml")), text).expect("write rule");
        }
        Fixture {
            replicas,
            rules,
            ids,
            _dir: dir,
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Wall time of one `privaudit check` over every copy, and its peak RSS in KiB.
fn time_check(binary: &Path, fixture: &Fixture, server: &ReplicaServer, jobs: usize) -> (Duration, u64) {
    let config = tempfile::tempdir().expect("config dir");
    let mut cmd = Command::new(binary);
    cmd.env("PRIVAUDIT_CONFIG", config.path())
        .args(["check", "--format", "json", "--jobs", &jobs.to_string(), "--rules"])
        .arg(&fixture.rules)
        .args(&fixture.ids)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for id in &fixture.ids {
        cmd.args(["--base-url", &format!("{id}={}", server.base_url(id))]);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start privaudit");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (start.elapsed(), peak_kib)
}

/// The floor: launch Chromium, open every page in 4 tabs at a time, fetch
/// each accessibility tree once. Nothing else.
async fn floor(fixture: &Fixture, server: &ReplicaServer) -> Duration {
    let start = Instant::now();
    let executable = privaudit::browser::find::find_browser(None).expect("chromium");
    let profile = tempfile::tempdir().expect("profile");
    let config = chromiumoxide::BrowserConfig::builder()
        .chrome_executable(executable)
        .user_data_dir(profile.path())
        .no_sandbox()
        .new_headless_mode()
        .args(["--disable-gpu", "--no-first-run"])
        .build()
        .expect("config");
    let (mut browser, mut handler) = chromiumoxide::Browser::launch(config).await.expect("launch");
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let urls: Vec<String> = fixture
        .ids
        .iter()
        .flat_map(|id| PAGES.iter().map(move |p| format!("{}{p}", server.base_url(id))))
        .collect();
    let browser_ref = &browser;
    futures::stream::iter(urls)
        .map(|url| async move {
            let page = browser_ref.new_page(url.as_str()).await.expect("page");
            page.execute(GetFullAxTreeParams::default()).await.expect("ax tree");
            let _ = page.close().await;
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    let _ = browser.close().await;
    let _ = browser.wait().await;
    driver.abort();
    start.elapsed()
}

/// Field case 17 rebuilt: one checkbox above a table of `rows` connected
/// apps, each row four cells and a button. Times `check` (finds drift) and
/// `apply --yes` (fixes it, re-reads), each on a fresh server state.
fn huge_page(binary: &Path, runtime: &tokio::runtime::Runtime, rows: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("replicas/huge");
    std::fs::create_dir_all(site.join("settings")).expect("site dir");
    std::fs::write(site.join("replica.toml"), "[state]\napps-sharing = \"on\"\n").expect("manifest");
    std::fs::write(
        site.join("login.html"),
        "<!DOCTYPE html><title>Sign in</title><form><input name=u><input type=password name=p><button>Sign in</button></form>",
    )
    .expect("login page");
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Apps</title></head><body><main>\
         <h1>Apps and data access</h1><label><input type=\"checkbox\" id=\"a\" {{checked:apps-sharing}}> \
         Let connected apps use my data for ads</label><table><thead><tr><th>App</th><th>Access</th><th>Since</th><th></th></tr></thead><tbody>",
    );
    for i in 0..rows {
        html.push_str(&format!(
            "<tr><td>App {i:04}</td><td>Read your profile and posts</td><td>2025-01-{:02}</td>\
             <td><button type=\"button\">Remove</button></td></tr>",
            i % 28 + 1
        ));
    }
    html.push_str(
        "</tbody></table></main><script>document.getElementById('a').addEventListener('change', e => \
         fetch('/__replica/huge/state/apps-sharing', {method: 'POST', body: e.target.checked ? 'on' : 'off'}));</script></body></html>",
    );
    std::fs::write(site.join("settings/apps.html"), html).expect("page");
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).expect("rules dir");
    std::fs::write(
        rules.join("huge.toml"),
        r#"[platform]
id = "huge"
name = "Huge page (benchmark)"
domains = ["huge.invalid"]
base_url = "https://huge.invalid"
verified = "2026-11-30"

[login]
url = "/login"

[[setting]]
id = "apps-sharing"
label = "Let connected apps use my data for ads"
category = "third-party-sharing"
page = "/settings/apps"
control = { role = "checkbox", name = "Let connected apps use my data for ads" }
private_value = "off"
source = "https://github.com/microsoft/playwright/issues/41331"
"#,
    )
    .expect("rule");

    for command in ["check", "apply"] {
        let server = runtime
            .block_on(ReplicaServer::start(
                Source::Directory(dir.path().join("replicas")),
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ))
            .expect("replica server");
        let config = tempfile::tempdir().expect("config dir");
        let mut cmd = Command::new(binary);
        cmd.env("PRIVAUDIT_CONFIG", config.path())
            .args(["--rules"])
            .arg(&rules)
            .args([command, "huge", "--no-history", "--format", "json", "--base-url"])
            .arg(format!("huge={}", server.base_url("huge")))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if command == "apply" {
            cmd.arg("--yes");
        }
        let start = Instant::now();
        let out = cmd.output().expect("run privaudit");
        let elapsed = start.elapsed();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let status = report["findings"][0]["status"].as_str().unwrap_or("?").to_string();
        println!(
            "huge page ({rows} rows): {command:<5} {:>6.2} s  exit {:?}  status {status}",
            elapsed.as_secs_f64(),
            out.status.code()
        );
        server.stop();
    }
}
