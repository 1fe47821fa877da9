//! Audit benchmark: `cargo bench --bench audit` (optionally `-- 3 10 30`).
//!
//! For N replica platforms (copies of the X replica and rule), it times
//! `privaudit check` sequentially (`--jobs 1`) and with `--jobs 4`, samples
//! privaudit's own peak RSS (the browser excluded), and measures a floor in the
//! same run: a minimal CDP client that only opens the same pages in 4 tabs and
//! fetches their accessibility trees. It also times `privaudit rules list`.
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
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![3, 10, 30] } else { sizes };
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_privaudit"));
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    println!(
        "privaudit audit benchmark ({} cores)",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
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
