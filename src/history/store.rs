//! The history store: every check and apply run, in SQLite in the data dir.
//!
//! WAL journal, one transaction per write, a versioned schema
//! (`PRAGMA user_version`) migrated forward on open. A run is recorded as
//! "started" before the browser opens and its findings land in a single
//! transaction at the end, so a run killed at any point leaves a store that
//! opens, with every earlier run intact and the killed one marked unfinished.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::audit::finding::Run;

/// Schema migrations, in order; `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: runs and the findings of each.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        command TEXT NOT NULL,
        rules_version TEXT NOT NULL,
        profile TEXT NOT NULL,
        duration_ms INTEGER,
        interrupted INTEGER NOT NULL DEFAULT 0,
        exit_code INTEGER
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        setting TEXT NOT NULL,
        label TEXT NOT NULL,
        category TEXT NOT NULL,
        status TEXT NOT NULL,
        current TEXT,
        wanted TEXT NOT NULL,
        transition TEXT,
        message TEXT,
        PRIMARY KEY (run_id, platform, setting)
    );
    CREATE INDEX findings_by_setting ON findings(platform, setting, run_id);",
    // 2: policy pages fetched by `policy check`.
    "CREATE TABLE policy_versions (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        sha256 TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX policy_by_url ON policy_versions(url, id);",
];

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The last recorded finding of one setting, for transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub status: String,
    pub current: Option<String>,
    pub wanted: String,
}

/// One row of `privaudit history`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Entry {
    pub run_id: i64,
    pub at: String,
    pub command: String,
    pub platform: String,
    pub setting: String,
    pub label: String,
    pub status: String,
    pub current: Option<String>,
    pub wanted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<String>,
}

/// A run as the store knows it (killed runs have no end).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RunRow {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub command: String,
    pub exit_code: Option<i64>,
}

/// A stored version of a policy page.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    pub fetched_at: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: String,
    pub text: String,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, private to the user,
    /// and brings its schema up to date.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir)?;
        }
        let conn = Connection::open(path).with_context(|| format!("cannot open the history at {}", path.display()))?;
        crate::fsutil::make_private_file(path)?;
        // Two cron runs may meet here despite the lock (e.g. `history` while
        // a check writes): wait for the other writer rather than fail.
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store
            .migrate()
            .with_context(|| format!("cannot update the history schema in {}", path.display()))?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> anyhow::Result<()> {
        let version: usize = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() {
            anyhow::bail!(
                "the history was written by a newer privaudit (schema {version}, this one knows {}); upgrade privaudit",
                MIGRATIONS.len()
            );
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Records that a run has started; its findings come with [`finish_run`].
    pub fn start_run(&self, command: &str, rules_version: &str, profile: &str) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (started_at, command, rules_version, profile) VALUES (?1, ?2, ?3, ?4)",
            params![chrono::Utc::now().to_rfc3339(), command, rules_version, profile],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stores a finished run's findings, all or nothing.
    pub fn finish_run(&mut self, id: i64, run: &Run, exit_code: u8) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO findings (run_id, platform, setting, label, category, status, current, wanted, transition, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for f in &run.findings {
                insert.execute(params![
                    id,
                    f.platform,
                    f.setting,
                    f.label,
                    f.category.as_str(),
                    f.status.as_str(),
                    f.current,
                    f.wanted,
                    f.transition.map(|t| t.as_str()),
                    f.message,
                ])?;
            }
        }
        tx.execute(
            "UPDATE runs SET finished_at = ?2, duration_ms = ?3, interrupted = ?4, exit_code = ?5 WHERE id = ?1",
            params![
                id,
                chrono::Utc::now().to_rfc3339(),
                run.duration_ms as i64,
                run.interrupted,
                exit_code
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The last finished record of each setting of `platform` before run
    /// `before`, or None when the platform was never audited.
    pub fn previous(&self, platform: &str, setting: &str, before: i64) -> anyhow::Result<Option<Previous>> {
        Ok(self
            .conn
            .query_row(
                "SELECT f.status, f.current, f.wanted FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE f.platform = ?1 AND f.setting = ?2 AND f.run_id < ?3 AND r.finished_at IS NOT NULL
                 ORDER BY f.run_id DESC LIMIT 1",
                params![platform, setting, before],
                |r| {
                    Ok(Previous {
                        status: r.get(0)?,
                        current: r.get(1)?,
                        wanted: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether any finished run before `before` audited `platform`.
    pub fn platform_seen(&self, platform: &str, before: i64) -> anyhow::Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE f.platform = ?1 AND f.run_id < ?2 AND r.finished_at IS NOT NULL LIMIT 1",
                params![platform, before],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Every recorded finding, oldest first, optionally for one platform and
    /// from a date on (RFC 3339 or YYYY-MM-DD prefix compare).
    pub fn timeline(&self, platform: Option<&str>, since: Option<&str>) -> anyhow::Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.started_at, r.command, f.platform, f.setting, f.label, f.status, f.current, f.wanted, f.transition
             FROM findings f JOIN runs r ON r.id = f.run_id
             WHERE (?1 IS NULL OR f.platform = ?1) AND (?2 IS NULL OR r.started_at >= ?2)
             ORDER BY f.platform, f.setting, r.id",
        )?;
        let rows = stmt.query_map(params![platform, since], |r| {
            Ok(Entry {
                run_id: r.get(0)?,
                at: r.get(1)?,
                command: r.get(2)?,
                platform: r.get(3)?,
                setting: r.get(4)?,
                label: r.get(5)?,
                status: r.get(6)?,
                current: r.get(7)?,
                wanted: r.get(8)?,
                transition: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn runs(&self) -> anyhow::Result<Vec<RunRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, started_at, finished_at, command, exit_code FROM runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(RunRow {
                id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                command: r.get(3)?,
                exit_code: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn latest_policy(&self, url: &str) -> anyhow::Result<Option<PolicyVersion>> {
        Ok(self
            .conn
            .query_row(
                "SELECT fetched_at, etag, last_modified, sha256, text FROM policy_versions WHERE url = ?1 ORDER BY id DESC LIMIT 1",
                params![url],
                |r| {
                    Ok(PolicyVersion {
                        fetched_at: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        sha256: r.get(3)?,
                        text: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn add_policy(&self, platform: &str, url: &str, version: &PolicyVersion) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO policy_versions (platform, url, fetched_at, etag, last_modified, sha256, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                platform,
                url,
                version.fetched_at,
                version.etag,
                version.last_modified,
                version.sha256,
                version.text
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_refuse_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite");
        drop(Store::open(&path).unwrap());
        // Reopening runs no migration twice (CREATE TABLE would fail).
        let store = Store::open(&path).unwrap();
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        let err = Store::open(&path).err().unwrap();
        assert!(format!("{err:#}").contains("newer privaudit"), "{err:#}");
    }
}
