//! `login --cookies-from-browser BROWSER[:DIR]`: the sessions a person
//! already has in their own browser, for a platform's declared domains only.
//!
//! Chromium-family stores are encrypted (with a fixed key, or one in the OS
//! keyring), so privaudit does not decrypt them itself: it copies the cookie
//! database into a scratch profile, opens that in its own Chromium with the
//! OS keyring allowed, and asks over CDP (`Storage.getCookies`) — Chromium
//! decrypts its own store. Firefox keeps cookies in plain SQLite
//! (`cookies.sqlite`, table `moz_cookies`), read from a copy. The person's
//! browser and its files are never written to.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use crate::browser::{Browser, Cookie, LaunchOptions, Source};
use crate::secrets::Secret;

/// Where to read cookies from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserStore {
    pub kind: Kind,
    /// A Chromium user-data directory or profile directory; a Firefox
    /// profile directory. None: the browser's default on this system.
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Chrome,
    Brave,
    Edge,
    Firefox,
}

impl std::str::FromStr for BrowserStore {
    type Err = String;

    /// `chrome`, `chromium`, `brave`, `edge`, `firefox`, each optionally
    /// `:DIR`.
    fn from_str(s: &str) -> Result<BrowserStore, String> {
        let (name, dir) = match s.split_once(':') {
            Some((n, d)) => (n, Some(PathBuf::from(d))),
            None => (s, None),
        };
        let kind = match name {
            "chromium" => Kind::Chromium,
            "chrome" => Kind::Chrome,
            "brave" => Kind::Brave,
            "edge" => Kind::Edge,
            "firefox" => Kind::Firefox,
            other => {
                return Err(format!(
                "`{other}` is not a browser privaudit reads: chromium, chrome, brave, edge or firefox, optionally :DIR"
            ))
            }
        };
        Ok(BrowserStore { kind, dir })
    }
}

/// The browser's default directory on this system (Linux layout; elsewhere
/// pass `:DIR`).
fn default_dir(kind: Kind) -> Option<PathBuf> {
    let home = directories::BaseDirs::new()?;
    let config = home.config_dir();
    Some(match kind {
        Kind::Chromium => config.join("chromium"),
        Kind::Chrome => config.join("google-chrome"),
        Kind::Brave => config.join("BraveSoftware/Brave-Browser"),
        Kind::Edge => config.join("microsoft-edge"),
        Kind::Firefox => firefox_default_profile(&home.home_dir().join(".mozilla/firefox"))?,
    })
}

/// The default profile named in Firefox's `profiles.ini`: the one an
/// `[Install…]` section names (what Firefox itself opens), else the
/// `[Profile…]` marked `Default=1`, else the first.
fn firefox_default_profile(root: &Path) -> Option<PathBuf> {
    let ini = std::fs::read_to_string(root.join("profiles.ini")).ok()?;
    let sections: Vec<(&str, &str)> = ini.split('[').filter_map(|s| s.split_once(']')).collect();
    let value = |body: &str, key: &str| {
        body.lines()
            .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix('=').map(str::trim))
            .map(String::from)
    };
    let installed = sections
        .iter()
        .filter(|(name, _)| name.starts_with("Install"))
        .find_map(|(_, body)| value(body, "Default"));
    let profiles: Vec<&str> = sections
        .iter()
        .filter(|(name, _)| name.starts_with("Profile"))
        .map(|(_, body)| *body)
        .collect();
    let marked = profiles
        .iter()
        .find(|body| value(body, "Default").as_deref() == Some("1"))
        .and_then(|body| value(body, "Path"));
    let chosen = installed
        .or(marked)
        .or_else(|| profiles.first().and_then(|body| value(body, "Path")))?;
    let path = PathBuf::from(&chosen);
    Some(if path.is_absolute() { path } else { root.join(chosen) })
}

/// Every cookie in `store`; the caller keeps those of the platform.
/// `timeout` bounds each CDP call, `start_wait` Chromium's start.
pub async fn read(
    store: &BrowserStore,
    executable: &Path,
    timeout: Duration,
    start_wait: Duration,
) -> anyhow::Result<Vec<Cookie>> {
    let dir = match &store.dir {
        Some(d) => d.clone(),
        None => default_dir(store.kind)
            .ok_or_else(|| anyhow::anyhow!("cannot find this browser's profile; name it as BROWSER:DIR"))?,
    };
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    match store.kind {
        Kind::Firefox => firefox(&dir),
        _ => chromium_family(&dir, executable, timeout, start_wait).await,
    }
}

/// The profile directory holding the cookie database: DIR itself, or its
/// `Default` profile when DIR is a user-data directory.
fn chromium_profile(dir: &Path) -> Option<PathBuf> {
    [dir.to_path_buf(), dir.join("Default")]
        .into_iter()
        .find(|p| p.join("Network/Cookies").is_file() || p.join("Cookies").is_file())
}

async fn chromium_family(
    dir: &Path,
    executable: &Path,
    timeout: Duration,
    start_wait: Duration,
) -> anyhow::Result<Vec<Cookie>> {
    let profile = chromium_profile(dir)
        .ok_or_else(|| anyhow::anyhow!("{} has no cookie database (Cookies or Network/Cookies)", dir.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix("privaudit-import-")
        .tempdir()
        .context("cannot create a scratch profile")?;
    let copy = scratch.path().join("Default");
    // The key that decrypts the store lives in `Local State` (Windows,
    // newer builds) or the OS keyring; the database and its journal beside
    // it. A copy: the person's browser may be running on the original.
    let user_data = if profile.ends_with("Default") {
        profile.parent()
    } else {
        None
    };
    if let Some(state) = user_data.map(|u| u.join("Local State")).filter(|p| p.is_file()) {
        std::fs::copy(&state, scratch.path().join("Local State")).context("cannot copy Local State")?;
    }
    for file in [
        "Cookies",
        "Cookies-journal",
        "Network/Cookies",
        "Network/Cookies-journal",
    ] {
        let from = profile.join(file);
        if from.is_file() {
            let to = copy.join(file);
            if let Some(parent) = to.parent() {
                crate::fsutil::create_private_dir(parent)?;
            }
            std::fs::copy(&from, &to).with_context(|| format!("cannot copy {}", from.display()))?;
        }
    }
    let browser = Browser::open(&Source::Launch(LaunchOptions {
        executable: executable.to_path_buf(),
        headed: false,
        user_data_dir: Some(scratch.path().to_path_buf()),
        timeout,
        start_wait,
        os_keyring: true,
    }))
    .await?;
    let cookies = browser.all_cookies().await;
    browser.shutdown().await;
    cookies
}

fn firefox(dir: &Path) -> anyhow::Result<Vec<Cookie>> {
    let db = dir.join("cookies.sqlite");
    if !db.is_file() {
        anyhow::bail!(
            "{} has no cookies.sqlite: is it a Firefox profile directory?",
            dir.display()
        );
    }
    // Firefox holds the file open and writes through a WAL: read a copy.
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let copy = scratch.path().join("cookies.sqlite");
    std::fs::copy(&db, &copy).with_context(|| format!("cannot copy {}", db.display()))?;
    let wal = dir.join("cookies.sqlite-wal");
    if wal.is_file() {
        std::fs::copy(&wal, scratch.path().join("cookies.sqlite-wal")).context("cannot copy the cookie journal")?;
    }
    let conn = rusqlite::Connection::open(&copy).with_context(|| format!("cannot open {}", db.display()))?;
    let mut stmt = conn
        .prepare("SELECT host, name, value, path, expiry, isSecure, isHttpOnly FROM moz_cookies")
        .context("not a Firefox cookie database (no moz_cookies table)")?;
    let rows = stmt.query_map([], |r| {
        let expiry: i64 = r.get(4)?;
        Ok(Cookie {
            domain: r.get(0)?,
            name: r.get(1)?,
            value: Secret::from(r.get::<_, String>(2)?),
            path: r.get(3)?,
            // Firefox 131 moved expiry from seconds to milliseconds.
            expires: Some(if expiry > 100_000_000_000 {
                expiry as f64 / 1000.0
            } else {
                expiry as f64
            }),
            secure: r.get::<_, i64>(5)? != 0,
            http_only: r.get::<_, i64>(6)? != 0,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_specs_parse_with_and_without_a_directory() {
        assert_eq!(
            "chromium:/tmp/p".parse::<BrowserStore>(),
            Ok(BrowserStore {
                kind: Kind::Chromium,
                dir: Some("/tmp/p".into())
            })
        );
        assert_eq!("firefox".parse::<BrowserStore>().map(|s| s.kind), Ok(Kind::Firefox));
        assert!("netscape"
            .parse::<BrowserStore>()
            .unwrap_err()
            .contains("chromium, chrome"));
    }

    #[test]
    fn firefox_default_profile_comes_from_profiles_ini() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("profiles.ini"),
            "[Profile1]\nName=work\nIsRelative=1\nPath=abcd.work\n\n[Profile0]\nName=default\nIsRelative=1\nPath=wxyz.default-release\nDefault=1\n",
        )
        .unwrap();
        assert_eq!(
            firefox_default_profile(root.path()),
            Some(root.path().join("wxyz.default-release"))
        );
        std::fs::write(
            root.path().join("profiles.ini"),
            "[Install4F96D1932A9F858E]\nDefault=inst.default-release\nLocked=1\n\n[Profile0]\nName=default\nPath=other\nDefault=1\n",
        )
        .unwrap();
        assert_eq!(
            firefox_default_profile(root.path()),
            Some(root.path().join("inst.default-release"))
        );
    }
}
