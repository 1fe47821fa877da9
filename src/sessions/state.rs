//! A session as portable data: the platform's cookies and its pages' local
//! storage, in one private file (`privaudit-session.json`, 0600, in the
//! session directory, 0700). A browser privaudit did not start — a pool —
//! is given the session from it, and what the platform renewed during a
//! run is written back. Not encrypted: it is protected like the Chromium
//! profile beside it, by file permissions (README, "Scaling out").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::browser::Cookie;
use crate::secrets::Secret;

/// The file's name in a session directory.
pub const FILE: &str = "privaudit-session.json";

/// Bumped on incompatible changes; an unknown version is refused, not guessed.
const VERSION: u32 = 1;

/// Local storage kept per origin, at most this many bytes (keys and
/// values): a page that caches megabytes there is caching, not signing in.
pub const LOCAL_STORAGE_LIMIT: usize = 512 * 1024;

/// What a session holds.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub cookies: Vec<Cookie>,
    /// Origin (`https://www.example.com`) → key → value.
    pub local_storage: BTreeMap<String, BTreeMap<String, Secret>>,
}

// Unknown fields are ignored: a newer privaudit may add some; the version
// says when the format changed incompatibly.
#[derive(Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    /// When it was written (RFC 3339, UTC).
    saved_at: String,
    cookies: Vec<StoredCookie>,
    #[serde(default)]
    local_storage: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Serialize, Deserialize)]
struct StoredCookie {
    name: String,
    value: String,
    domain: String,
    path: String,
    secure: bool,
    http_only: bool,
    /// Seconds since the epoch; absent for a cookie that ends with the browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<f64>,
}

/// Where a session directory keeps its state.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The state saved in `dir`; None when nothing was saved there yet. A
/// damaged file is an error naming it (never its contents: they are
/// secrets).
pub fn load(dir: &Path) -> anyhow::Result<Option<State>> {
    let file = path(dir);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", file.display()))),
    };
    let on_disk: OnDisk = serde_json::from_str(&text).map_err(|e| {
        // serde_json's message may quote a value; only its position is kept.
        anyhow::anyhow!(
            "{} is damaged (line {}, column {}): sign in again with `privaudit login`",
            file.display(),
            e.line(),
            e.column()
        )
    })?;
    if on_disk.version != VERSION {
        anyhow::bail!(
            "{} is version {} of the session format; this privaudit reads version {VERSION}: sign in again with `privaudit login`",
            file.display(),
            on_disk.version
        );
    }
    Ok(Some(State {
        cookies: on_disk
            .cookies
            .into_iter()
            .map(|c| Cookie {
                name: c.name,
                value: Secret::from(c.value),
                domain: c.domain,
                path: c.path,
                secure: c.secure,
                http_only: c.http_only,
                expires: c.expires,
            })
            .collect(),
        local_storage: on_disk
            .local_storage
            .into_iter()
            .map(|(origin, items)| (origin, items.into_iter().map(|(k, v)| (k, Secret::from(v))).collect()))
            .collect(),
    }))
}

/// Replaces the state saved in `dir` (created 0700 if need be) at once: a
/// run killed while writing leaves the previous state.
pub fn save(dir: &Path, state: &State) -> anyhow::Result<()> {
    super::ensure(dir)?;
    let on_disk = OnDisk {
        version: VERSION,
        saved_at: crate::timestamp::now(),
        cookies: state
            .cookies
            .iter()
            .map(|c| StoredCookie {
                name: c.name.clone(),
                value: c.value.expose_secret().to_string(),
                domain: c.domain.clone(),
                path: c.path.clone(),
                secure: c.secure,
                http_only: c.http_only,
                expires: c.expires,
            })
            .collect(),
        local_storage: state
            .local_storage
            .iter()
            .map(|(origin, items)| {
                (
                    origin.clone(),
                    items
                        .iter()
                        .map(|(k, v)| (k.clone(), v.expose_secret().to_string()))
                        .collect(),
                )
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&on_disk).context("cannot encode the session")?;
    crate::fsutil::replace_private_file(&path(dir), text.as_bytes())
}

/// The cookies in `stored` the browser does not have yet (by name, domain
/// and path). A stored cookie never overwrites one the browser holds: the
/// browser's may be newer (a rotated sign-in token), and reusing an old one
/// can sign the account out.
pub fn missing_from<'a>(stored: &'a [Cookie], browser: &[Cookie]) -> Vec<&'a Cookie> {
    let key = |c: &Cookie| {
        (
            c.name.clone(),
            c.domain.trim_start_matches('.').to_ascii_lowercase(),
            c.path.clone(),
        )
    };
    let held: std::collections::BTreeSet<_> = browser.iter().map(key).collect();
    stored.iter().filter(|c| !held.contains(&key(c))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(name: &str, domain: &str, value: &str) -> Cookie {
        Cookie {
            name: name.into(),
            value: Secret::from(value),
            domain: domain.into(),
            path: "/".into(),
            secure: true,
            http_only: true,
            expires: Some(2_000_000_000.0),
        }
    }

    #[test]
    fn a_saved_state_comes_back_as_it_was_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let session = dir.path().join("x");
        let mut state = State {
            cookies: vec![cookie("sid", ".x.com", "s3cret")],
            ..State::default()
        };
        state.local_storage.insert(
            "https://x.com".into(),
            BTreeMap::from([("token".to_string(), Secret::from("t0k"))]),
        );
        save(&session, &state).unwrap();
        let back = load(&session).unwrap().unwrap();
        assert_eq!(back.cookies.len(), 1);
        assert_eq!(back.cookies[0].value.expose_secret(), "s3cret");
        assert_eq!(back.cookies[0].expires, Some(2_000_000_000.0));
        assert_eq!(back.local_storage["https://x.com"]["token"].expose_secret(), "t0k");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path(&session)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(&session).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
    }

    #[test]
    fn no_file_is_no_state_and_a_damaged_one_is_named_without_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none());
        std::fs::write(
            path(dir.path()),
            r#"{"version":1,"cookies":[{"name":"sid","value":"hunter2""#,
        )
        .unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.contains(FILE) && e.contains("damaged"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        std::fs::write(path(dir.path()), r#"{"version":9,"saved_at":"","cookies":[]}"#).unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("version 9"), "{e}");
    }

    #[test]
    fn stored_cookies_only_fill_what_the_browser_lacks() {
        let stored = vec![cookie("sid", ".x.com", "old"), cookie("pref", "x.com", "1")];
        let browser = vec![cookie("sid", "x.com", "rotated")];
        let missing: Vec<&str> = missing_from(&stored, &browser)
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(missing, ["pref"]);
    }
}
