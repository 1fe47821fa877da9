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

use super::records::{Change, Entry, Filter, Previous, Pruned, RunRow};
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
    // 3: the value each applied setting had before the change, for revert.
    "ALTER TABLE findings ADD COLUMN previous TEXT;",
];

pub struct Store {
    pub(super) conn: Connection,
    path: PathBuf,
}

/// The error for a history file SQLite cannot use; a damaged one says how
/// to start afresh without losing it.
fn unusable(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    let shown = path.display();
    if matches!(e.sqlite_error_code(), Some(NotADatabase | DatabaseCorrupt)) {
        crate::failure::Failure::usage(format!(
            "the history {shown} is damaged or is not a privaudit history ({e})"
        ))
        .hint(format!(
            "move it aside (`mv {shown} {shown}.broken`): the next run starts a new history; or run with --no-history"
        ))
        .into()
    } else {
        anyhow::Error::new(e).context(format!("cannot open the history at {shown}"))
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path`, private to the user,
    /// and brings its schema up to date.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir)?;
        }
        let conn = Connection::open(path).map_err(|e| unusable(path, e))?;
        crate::fsutil::make_private_file(path)?;
        let configured = (|| {
            // Two cron runs may meet here despite the lock (e.g. `history`
            // while a check writes): wait for the other writer, not fail.
            conn.busy_timeout(Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")
        })();
        configured.map_err(|e| unusable(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate().map_err(|e| match e.downcast::<rusqlite::Error>() {
            Ok(sql) => unusable(path, sql),
            Err(e) => e.context(format!("cannot update the history schema in {}", path.display())),
        })?;
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
            params![crate::timestamp::now(), command, rules_version, profile],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stores a finished run's findings, all or nothing.
    /// Deletes a run that was started but read nothing.
    pub fn delete_run(&self, id: i64) -> anyhow::Result<()> {
        self.conn
            .execute("DELETE FROM runs WHERE id = ?1 AND finished_at IS NULL", params![id])
            .context("cannot remove the unfinished run from the history")?;
        Ok(())
    }

    pub fn finish_run(&mut self, id: i64, run: &Run, exit_code: u8) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO findings (run_id, platform, setting, label, category, status, current, wanted, transition, message, previous)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for f in run.findings.iter().filter(|f| !f.not_read_interrupted()) {
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
                    f.previous,
                ])?;
            }
        }
        tx.execute(
            "UPDATE runs SET finished_at = ?2, duration_ms = ?3, interrupted = ?4, exit_code = ?5 WHERE id = ?1",
            params![
                id,
                crate::timestamp::now(),
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
        self.conn
            .query_row(
                "SELECT f.status, f.current, f.wanted, r.started_at FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE f.platform = ?1 AND f.setting = ?2 AND f.run_id < ?3 AND r.finished_at IS NOT NULL
                 ORDER BY f.run_id DESC LIMIT 1",
                params![platform, setting, before],
                |r| {
                    Ok(Previous {
                        status: r.get(0)?,
                        current: r.get(1)?,
                        wanted: r.get(2)?,
                        at: crate::timestamp::normalise(&r.get::<_, String>(3)?),
                        unreadable_since: None,
                    })
                },
            )
            .optional()?
            .map(|mut p| -> anyhow::Result<Previous> {
                p.unreadable_since = self.unreadable_since(platform, setting, before)?;
                Ok(p)
            })
            .transpose()
    }

    /// The start of the first of the finished runs before `before` that
    /// could not read the setting, when none since has: how long it has
    /// gone unread. None when the last record read it.
    fn unreadable_since(&self, platform: &str, setting: &str, before: i64) -> anyhow::Result<Option<String>> {
        let since: Option<String> = self.conn.query_row(
            "SELECT MIN(r.started_at) FROM findings f JOIN runs r ON r.id = f.run_id
             WHERE f.platform = ?1 AND f.setting = ?2 AND f.run_id < ?3 AND r.finished_at IS NOT NULL
               AND f.status IN ('unreadable', 'login-required', 'error')
               AND f.run_id > COALESCE((SELECT MAX(g.run_id) FROM findings g JOIN runs q ON q.id = g.run_id
                     WHERE g.platform = ?1 AND g.setting = ?2 AND g.run_id < ?3 AND q.finished_at IS NOT NULL
                       AND g.status NOT IN ('unreadable', 'login-required', 'error')), 0)",
            params![platform, setting, before],
            |r| r.get(0),
        )?;
        Ok(since.map(|t| crate::timestamp::normalise(&t)))
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

    /// The recorded findings `filter` selects, oldest first per setting.
    pub fn timeline(&self, filter: &Filter) -> anyhow::Result<Vec<Entry>> {
        // Times are compared as UTC instants: older stores wrote `+00:00`,
        // newer ones `Z`, and both sort alike once parsed by SQLite.
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.started_at, r.command, f.platform, f.setting, f.label, f.status, f.current, f.wanted, f.transition, f.previous
             FROM findings f JOIN runs r ON r.id = f.run_id
             WHERE (?1 IS NULL OR f.platform = ?1)
               AND (?2 IS NULL OR julianday(r.started_at) >= julianday(?2))
               AND (?3 IS NULL OR r.id = ?3)
               AND (?4 = 0 OR f.transition IS NOT NULL OR f.previous IS NOT NULL)
               AND (?5 IS NULL OR r.id IN (SELECT id FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?5))
             ORDER BY f.platform, f.setting, r.id",
        )?;
        let rows = stmt.query_map(
            params![
                filter.platform,
                filter.since,
                filter.run,
                filter.changes_only,
                filter.last_runs.map(|n| n as i64)
            ],
            |r| {
                // Rows written by an older privaudit (or by hand) may hold
                // page text as it came: escaped on the way out.
                let text = |i: usize| -> rusqlite::Result<String> {
                    Ok(crate::output::untrusted::escape(&r.get::<_, String>(i)?))
                };
                let maybe = |i: usize| -> rusqlite::Result<Option<String>> {
                    Ok(r.get::<_, Option<String>>(i)?
                        .map(|s| crate::output::untrusted::escape(&s)))
                };
                Ok(Entry {
                    run_id: r.get(0)?,
                    at: crate::timestamp::normalise(&r.get::<_, String>(1)?),
                    command: text(2)?,
                    platform: text(3)?,
                    setting: text(4)?,
                    label: text(5)?,
                    status: text(6)?,
                    current: maybe(7)?,
                    wanted: text(8)?,
                    transition: maybe(9)?,
                    previous: maybe(10)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When `platform` was last read signed in: the start of the newest
    /// finished run with a value read from one of its pages.
    pub fn last_read(&self, platform: &str) -> anyhow::Result<Option<String>> {
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT MAX(r.started_at) FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE f.platform = ?1 AND r.finished_at IS NOT NULL
                   AND f.status IN ('ok', 'drift', 'fixed', 'failed', 're-enabled')",
                params![platform],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(at.map(|t| crate::timestamp::normalise(&t)))
    }

    /// One recorded run.
    pub fn run(&self, id: i64) -> anyhow::Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, started_at, finished_at, command, exit_code FROM runs WHERE id = ?1",
                params![id],
                run_row,
            )
            .optional()?)
    }

    /// The newest finished `apply` that changed at least one setting.
    pub fn last_changing_apply(&self) -> anyhow::Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, started_at, finished_at, command, exit_code FROM runs r
                 WHERE r.command = 'apply' AND r.finished_at IS NOT NULL
                   AND EXISTS (SELECT 1 FROM findings f WHERE f.run_id = r.id AND f.status = 'fixed' AND f.previous IS NOT NULL)
                 ORDER BY r.id DESC LIMIT 1",
                [],
                run_row,
            )
            .optional()?)
    }

    /// The settings run `id` changed and confirmed, with their values before.
    pub fn changes(&self, id: i64) -> anyhow::Result<Vec<Change>> {
        let mut stmt = self.conn.prepare(
            "SELECT platform, setting, label, previous, current FROM findings
             WHERE run_id = ?1 AND status = 'fixed' AND previous IS NOT NULL AND current IS NOT NULL
             ORDER BY platform, setting",
        )?;
        let rows = stmt.query_map(params![id], |r| {
            Ok(Change {
                platform: r.get(0)?,
                setting: r.get(1)?,
                label: r.get(2)?,
                previous: r.get(3)?,
                current: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes the runs started before `cutoff` and the policy versions
    /// fetched before it, except what later runs compare against: each
    /// setting's newest record and each page's newest version stay, so
    /// pruning never turns a re-enabled setting into a "new" one.
    pub fn prune(&mut self, cutoff: &str) -> anyhow::Result<Pruned> {
        let tx = self.conn.transaction()?;
        let runs = tx.execute(
            "DELETE FROM runs WHERE julianday(started_at) < julianday(?1)
               AND id NOT IN (SELECT MAX(run_id) FROM findings GROUP BY platform, setting)
               AND id <> (SELECT MAX(id) FROM runs)",
            params![cutoff],
        )?;
        let policy_versions = tx.execute(
            "DELETE FROM policy_versions WHERE julianday(fetched_at) < julianday(?1)
               AND id NOT IN (SELECT MAX(id) FROM policy_versions GROUP BY url)",
            params![cutoff],
        )?;
        tx.commit()?;
        Ok(Pruned { runs, policy_versions })
    }

    pub fn runs(&self) -> anyhow::Result<Vec<RunRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, started_at, finished_at, command, exit_code FROM runs ORDER BY id")?;
        let rows = stmt.query_map([], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn run_row(r: &rusqlite::Row) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        started_at: crate::timestamp::normalise(&r.get::<_, String>(1)?),
        finished_at: r.get::<_, Option<String>>(2)?.map(|t| crate::timestamp::normalise(&t)),
        command: r.get(3)?,
        exit_code: r.get(4)?,
    })
}
