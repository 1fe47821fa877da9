//! The saved sessions as `doctor` and `privaudit sessions` show them: each
//! one's age and its last signed-in read, and the check that warns about
//! those not read for a while.

use std::path::Path;

use serde::Serialize;

use super::health::{Check, Health};
use crate::history::Store;

/// A session not read signed in for this long gets a warning: a nightly
/// run that has been failing quietly, or an account given up.
pub const SESSION_UNREAD_WARN_DAYS: i64 = 14;

/// One saved session.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SessionRow {
    pub platform: String,
    /// When the session was saved (RFC 3339, UTC).
    pub since: Option<String>,
    /// Days since then.
    pub age_days: Option<i64>,
    /// The newest recorded run that read one of its settings signed in.
    pub last_verified_read: Option<String>,
    /// The portable copy a browser pool is given: `ok`, `missing` (saved
    /// before sessions were portable: local runs only), `damaged`, or
    /// `not-private` (readable by other users).
    pub portable_state: String,
}

/// How a session's portable state file is.
fn portable_state(dir: &Path) -> &'static str {
    let file = crate::sessions::state::path(dir);
    let Ok(meta) = std::fs::symlink_metadata(&file) else {
        return "missing";
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return "not-private";
        }
    }
    match crate::sessions::state::load(dir) {
        Ok(Some(_)) if meta.is_file() => "ok",
        _ => "damaged",
    }
}

/// `sessions --format json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sessions {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub sessions: Vec<SessionRow>,
}

/// Every saved session with its age and its last signed-in read.
pub fn list(root: &Path, history: &Path) -> Vec<SessionRow> {
    let saved = crate::sessions::list(root).unwrap_or_default();
    let store = history.exists().then(|| Store::open(history).ok()).flatten();
    let now = chrono::Utc::now();
    saved
        .into_iter()
        .map(|s| {
            let since = s.since.map(chrono::DateTime::<chrono::Utc>::from);
            // The newest of the last recorded read and the last login's proof
            // (RFC 3339 UTC strings in one format compare as times).
            let recorded = store.as_ref().and_then(|st| st.last_read(&s.platform).ok().flatten());
            let last_verified_read = recorded.into_iter().chain(crate::sessions::verified_at(&s.dir)).max();
            SessionRow {
                portable_state: portable_state(&s.dir).to_string(),
                last_verified_read,
                age_days: since.map(|t| (now - t).num_days()),
                since: since.map(crate::timestamp::format),
                platform: s.platform,
            }
        })
        .collect()
}

pub fn check(rows: &[SessionRow]) -> Check {
    if rows.is_empty() {
        return super::health::check(
            "sessions",
            Health::Warn,
            "no saved session: every platform reads as signed out",
            Some("`privaudit login PLATFORM` once per platform"),
        );
    }
    // A damaged or exposed state fails every run of its platform, or
    // shows its cookies to other users: a run would fail, so doctor does.
    let broken: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.portable_state.as_str(), "damaged" | "not-private"))
        .map(|r| format!("{} ({})", r.platform, r.portable_state))
        .collect();
    if !broken.is_empty() {
        return super::health::check(
            "sessions",
            Health::Fail,
            format!("saved session state that cannot be used safely: {}", broken.join(", ")),
            Some("`privaudit login PLATFORM` saves it again (0600); `privaudit logout PLATFORM` removes it"),
        );
    }
    let now = chrono::Utc::now();
    let stale: Vec<String> = rows
        .iter()
        .filter(|r| {
            let last = r
                .last_verified_read
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            last.is_none_or(|t| (now - t.with_timezone(&chrono::Utc)).num_days() > SESSION_UNREAD_WARN_DAYS)
        })
        .map(|r| r.platform.clone())
        .collect();
    if stale.is_empty() {
        super::health::check(
            "sessions",
            Health::Ok,
            format!(
                "{} saved, each read signed in within {SESSION_UNREAD_WARN_DAYS} days",
                rows.len()
            ),
            None,
        )
    } else {
        super::health::check(
            "sessions",
            Health::Warn,
            format!(
                "not read signed in for over {SESSION_UNREAD_WARN_DAYS} days (or never): {}",
                stale.join(", ")
            ),
            Some("`privaudit check PLATFORM` tells why; `privaudit login PLATFORM` renews a session"),
        )
    }
}
