//! Starting, connecting to and shutting down Chromium.
//!
//! privaudit starts Chromium itself, in a process group of its own
//! (`process-wrap`), with a command line it builds and tests
//! ([`chromium_args`]), reads the DevTools address Chromium prints, and then
//! speaks CDP to it through chromiumoxide. Owning the process means a
//! shutdown ends every helper Chromium started (zygote, renderers, GPU and
//! network services) with one `killpg`, instead of hunting them down by
//! command line. A remote browser (`--browser-ws`) is only connected to,
//! never closed: it is not privaudit's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context};
use process_wrap::tokio::{KillOnDrop, ProcessGroup, TokioChildWrapper, TokioCommandWrap};
use tokio::task::JoinHandle;

use super::connect::{connect, devtools_address, Connect, WINDOW};

#[derive(Debug, Clone)]
pub struct LaunchOptions {
    pub executable: PathBuf,
    pub headed: bool,
    /// A Chromium profile directory to reuse (a signed-in session); a fresh
    /// private temporary one otherwise.
    pub user_data_dir: Option<PathBuf>,
    pub timeout: Duration,
    /// How long Chromium may take to start and accept the connection
    /// (`--browser-wait`).
    pub start_wait: Duration,
    /// Let Chromium use the OS keyring to decrypt the profile's cookies (a
    /// copy of the person's own browser profile); otherwise a private
    /// basic store, so no keyring prompt ever appears.
    pub os_keyring: bool,
}

/// Where the browser comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Start a local Chromium.
    Launch(LaunchOptions),
    /// Use an existing CDP endpoint (`ws://…/devtools/browser/…`, or an
    /// `http://host:port` that answers `/json/version`): a browser pool or a
    /// Chromium started elsewhere with `--remote-debugging-port`.
    Remote {
        url: String,
        timeout: Duration,
        /// How long to wait for the endpoint to answer: a pool holds the
        /// connection while its queue is full (`--browser-wait`).
        wait: Duration,
    },
}

/// The Chromium command line, without the executable. Flags are written
/// out whole here (chromiumoxide's own builder prefixes `--` again, which
/// once made Chromium ignore every flag we passed).
pub fn chromium_args(profile_dir: &Path, headed: bool, root: bool, os_keyring: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        // Quiet, deterministic start: no first-run UI, no updates, no sync,
        // no background traffic (only the platform's own pages are loaded).
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-client-side-phishing-detection",
        "--disable-hang-monitor",
        "--disable-popup-blocking",
        "--disable-prompt-on-repost",
        "--metrics-recording-only",
        "--no-default-browser-check",
        "--no-first-run",
        // Timers and rendering at full speed even when a tab is not in front:
        // several platforms are audited in parallel tabs.
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
        "--disable-ipc-flooding-protection",
        // Headless servers have no GPU; QUIC is refused by many networks.
        "--disable-gpu",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        "--force-color-profile=srgb",
        "--hide-scrollbars",
        "--mute-audio",
        "--lang=en-US",
        "--remote-debugging-port=0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
    if !os_keyring {
        args.push("--password-store=basic".into());
        args.push("--use-mock-keychain".into());
    }
    args.push(format!("--user-data-dir={}", profile_dir.display()));
    if !headed {
        args.push("--headless=new".into());
    }
    if root {
        // Chromium refuses to start its sandbox as root (containers, CI).
        args.push("--no-sandbox".into());
    }
    args.push("about:blank".into());
    args
}

/// A connection to Chromium: CDP client, the task that drives it, and
/// (for a browser we started) the process group to end.
pub struct Browser {
    pub(super) inner: chromiumoxide::Browser,
    handler: JoinHandle<()>,
    process: Option<Launched>,
    pub(super) timeout: Duration,
    /// Turns true when the connection to Chromium is lost.
    pub(super) gone: tokio::sync::watch::Receiver<bool>,
    /// On a browser privaudit did not start, each tab opens in a browser
    /// context of its own (cookies and storage apart from the pool's other
    /// users and from each other); they are disposed of at shutdown.
    pub(super) contexts: Option<std::sync::Mutex<Vec<chromiumoxide::cdp::browser_protocol::browser::BrowserContextId>>>,
}

/// A Chromium privaudit started.
struct Launched {
    child: Box<dyn TokioChildWrapper>,
    /// Chromium's process id, which is also its process group's: kept,
    /// because the child forgets its id once it has been waited for.
    group: Option<i32>,
    /// Deleted when the browser is gone.
    _scratch_profile: Option<tempfile::TempDir>,
    /// Removed once the browser is gone; left by a killed run, for the
    /// next one to end its browser (`orphans`).
    _registration: super::orphans::Registration,
    stderr: JoinHandle<()>,
}

impl Browser {
    pub async fn open(source: &Source) -> anyhow::Result<Browser> {
        match source {
            Source::Launch(options) => Browser::launch(options).await,
            Source::Remote { url, timeout, wait } => {
                let endpoint = super::endpoint::parse(url).map_err(super::endpoint::NotABrowser)?;
                let ws = super::endpoint::websocket_url(&endpoint, *wait).await?;
                let (inner, handler, gone) = connect(&ws, *timeout, *wait).await.map_err(|e| match e {
                    Connect::NoAnswer => anyhow!(
                        "no answer from the browser at {} within {} s (--browser-wait): a browser pool leaves a queued connection unanswered until a browser is free",
                        crate::browser::redact_endpoint(url),
                        wait.as_secs()
                    ),
                    Connect::Failed(e) | Connect::Full(e) => e,
                })?;
                Ok(Browser {
                    inner,
                    handler,
                    process: None,
                    timeout: *timeout,
                    gone,
                    contexts: Some(std::sync::Mutex::new(Vec::new())),
                })
            }
        }
    }

    async fn launch(options: &LaunchOptions) -> anyhow::Result<Browser> {
        let scratch = match &options.user_data_dir {
            Some(_) => None,
            None => Some(
                tempfile::Builder::new()
                    .prefix(super::orphans::SCRATCH_PREFIX)
                    .tempdir()
                    .context("cannot create a temporary browser profile directory")?,
            ),
        };
        let profile_dir = options
            .user_data_dir
            .clone()
            .or_else(|| scratch.as_ref().map(|d| d.path().to_path_buf()))
            .ok_or_else(|| anyhow!("no browser profile directory"))?;
        super::profile_lock::ensure_free(&profile_dir)?;
        super::process::adopt_orphans();
        let cleaned = super::orphans::end_orphans();
        if cleaned.browsers > 0 {
            tracing::warn!(
                "ended {} browser(s) left running by a privaudit run that was killed",
                cleaned.browsers
            );
        }
        let args = chromium_args(&profile_dir, options.headed, running_as_root(), options.os_keyring);
        let mut command = TokioCommandWrap::with_new(&options.executable, |c| {
            c.args(&args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
        });
        command.wrap(ProcessGroup::leader()).wrap(KillOnDrop);
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", options.executable.display()))?;
        let group = child.id().and_then(|id| i32::try_from(id).ok());
        let registration = super::orphans::register(group, &profile_dir, scratch.is_some());
        let stderr = child
            .stderr()
            .take()
            .ok_or_else(|| anyhow!("Chromium's error output is not connected"))?;
        let (address, stderr) = match devtools_address(stderr, options.start_wait).await {
            Ok(found) => found,
            Err(e) => {
                super::process::end_group(&mut child, group).await;
                return Err(e.context(format!("{} did not start", options.executable.display())));
            }
        };
        let (inner, handler, gone) = match connect(&address, options.timeout, options.start_wait).await {
            Ok(connected) => connected,
            Err(e) => {
                super::process::end_group(&mut child, group).await;
                return Err(match e {
                    Connect::NoAnswer => anyhow!(
                        "{} started but did not accept a connection within {} s",
                        options.executable.display(),
                        options.start_wait.as_secs()
                    ),
                    Connect::Failed(e) | Connect::Full(e) => e,
                });
            }
        };
        Ok(Browser {
            inner,
            handler,
            process: Some(Launched {
                child,
                group,
                _scratch_profile: scratch,
                _registration: registration,
                stderr,
            }),
            timeout: options.timeout,
            gone,
            contexts: None,
        })
    }

    /// The process id of a Chromium privaudit started.
    pub fn pid(&self) -> Option<u32> {
        self.process
            .as_ref()
            .and_then(|p| p.group)
            .and_then(|g| u32::try_from(g).ok())
    }

    /// Closes Chromium and waits for every process of it to end, so none
    /// outlives the run. Bounded: at most a few seconds whatever state the
    /// browser is in. A remote browser is left running (its tabs are closed).
    /// The browser's product and version (`HeadlessChrome/131.0.6778.85`),
    /// from CDP's `Browser.getVersion`.
    pub async fn product(&self) -> anyhow::Result<String> {
        let version = tokio::time::timeout(self.timeout, self.inner.version())
            .await
            .map_err(|_| anyhow::anyhow!("Chromium did not say its version within {:?}", self.timeout))??;
        Ok(version.product)
    }

    pub async fn shutdown(mut self) {
        let Some(mut launched) = self.process.take() else {
            // The pool's browser stays; what privaudit made in it goes.
            let made: Vec<_> = self
                .contexts
                .as_ref()
                .map(|c| std::mem::take(&mut *c.lock().unwrap_or_else(std::sync::PoisonError::into_inner)))
                .unwrap_or_default();
            // All at once, and 5 s at most in all: a browser that stopped
            // answering must not hold the run for 5 s per platform.
            let inner = &self.inner;
            let disposals = made.into_iter().map(|context| inner.dispose_browser_context(context));
            let _ = tokio::time::timeout(
                Duration::from_secs(5).min(self.timeout),
                futures::future::join_all(disposals),
            )
            .await;
            self.handler.abort();
            return;
        };
        // A graceful close lets Chromium write the session's cookies to
        // the profile; then the group goes, stragglers included.
        let _ = tokio::time::timeout(Duration::from_secs(5), self.inner.close()).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), Box::into_pin(launched.child.wait())).await;
        super::process::end_group(&mut launched.child, launched.group).await;
        launched.stderr.abort();
        self.handler.abort();
    }
}

fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_has_exactly_two_dashes() {
        let args = chromium_args(Path::new("/tmp/p"), false, true, false);
        for a in args.iter().filter(|a| a.starts_with('-')) {
            assert!(a.starts_with("--") && !a.starts_with("---"), "{a}");
        }
        for wanted in [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--headless=new",
            "--no-sandbox",
        ] {
            assert!(args.iter().any(|a| a == wanted), "{wanted} missing from {args:?}");
        }
        assert!(args.contains(&"--user-data-dir=/tmp/p".to_string()));
    }

    #[test]
    fn headed_and_unprivileged_runs_keep_the_window_and_the_sandbox() {
        let args = chromium_args(Path::new("/tmp/p"), true, false, false);
        assert!(!args.iter().any(|a| a.starts_with("--headless")));
        assert!(!args.iter().any(|a| a == "--no-sandbox"));
    }
}
