//! History: every check and apply run in SQLite, and the policy versions
//! `policy check` fetched. This module only reads and writes; what a change
//! means is decided by `transitions`.

mod policy_pages;
pub mod records;
pub mod store;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use records::{Change, Entry, Filter, PolicyPageRow, PolicyVersion, Previous, Pruned, RunRow};
pub use store::Store;

use crate::audit::finding::Run;

/// What the history knows before a run: each setting's last record, and
/// the platforms audited before.
#[derive(Debug, Default)]
pub struct Before {
    /// `(platform, setting)` → the last finished record.
    pub records: BTreeMap<(String, String), Previous>,
    /// Platforms with any finished record.
    pub platforms: BTreeSet<String>,
    /// No finished run at all: everything is a baseline, drift is news.
    pub first_run: bool,
}

/// A run being recorded: started before the browser opens, finished with
/// the findings.
pub struct Recorder {
    store: Store,
    run_id: i64,
}

impl Recorder {
    /// Opens the store at `path` and records that a run has started.
    pub fn start(path: &Path, command: &str, rules_version: &str, profile: &str) -> anyhow::Result<Recorder> {
        let store = Store::open(path)?;
        let run_id = store.start_run(command, rules_version, profile)?;
        Ok(Recorder { store, run_id })
    }

    /// What the history knew before this run about the run's settings.
    pub fn before(&self, run: &Run) -> anyhow::Result<Before> {
        let mut before = Before {
            first_run: self
                .store
                .runs()?
                .iter()
                .all(|r| r.id == self.run_id || r.finished_at.is_none()),
            ..Before::default()
        };
        for f in &run.findings {
            if let Some(previous) = self.store.previous(&f.platform, &f.setting, self.run_id)? {
                before.records.insert((f.platform.clone(), f.setting.clone()), previous);
            }
            if !before.platforms.contains(&f.platform) && self.store.platform_seen(&f.platform, self.run_id)? {
                before.platforms.insert(f.platform.clone());
            }
        }
        Ok(before)
    }

    /// Forgets a run that read nothing (no browser, a configuration error):
    /// otherwise it would stay in the history as a run that was killed.
    pub fn abandon(self) -> anyhow::Result<()> {
        self.store.delete_run(self.run_id)
    }

    /// Stores the run's findings, then drops runs older than `keep` (None:
    /// keep everything). A prune that fails is only a warning: the run
    /// itself is recorded.
    pub fn finish(mut self, run: &Run, exit_code: u8, keep: Option<chrono::Duration>) -> anyhow::Result<()> {
        let id = self.run_id;
        self.store.finish_run(id, run, exit_code)?;
        if let Some(keep) = keep {
            let cutoff = crate::timestamp::format(chrono::Utc::now() - keep);
            match self.store.prune(&cutoff) {
                Ok(pruned) if pruned.runs + pruned.policy_versions > 0 => {
                    tracing::info!(runs = pruned.runs, policy_versions = pruned.policy_versions, %cutoff, "history pruned")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("the history could not be pruned: {e:#}"),
            }
        }
        Ok(())
    }
}

/// How long the history keeps runs unless told otherwise
/// (`PRIVAUDIT_HISTORY_KEEP`): a year of nightly runs and a season more.
pub const DEFAULT_KEEP_DAYS: i64 = 400;

/// What `privaudit history` shows: the recorded findings the filter
/// selects, oldest first per setting, and the runs that never finished.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    /// The history file.
    pub history: PathBuf,
    pub entries: Vec<Entry>,
    pub unfinished_runs: Vec<RunRow>,
}

impl Timeline {
    pub const SCHEMA_VERSION: u32 = 1;

    /// The timeline of a store that does not exist yet.
    pub fn empty(path: &Path) -> Timeline {
        Timeline {
            schema_version: Self::SCHEMA_VERSION,
            history: path.to_path_buf(),
            entries: Vec::new(),
            unfinished_runs: Vec::new(),
        }
    }

    /// The timeline of the store at `path`, as `filter` selects it.
    pub fn read(path: &Path, filter: &Filter) -> anyhow::Result<Timeline> {
        let store = Store::open(path)?;
        Ok(Timeline {
            schema_version: Self::SCHEMA_VERSION,
            history: path.to_path_buf(),
            entries: store.timeline(filter)?,
            unfinished_runs: store
                .runs()?
                .into_iter()
                .filter(|r| r.finished_at.is_none() && filter.run.is_none_or(|id| id == r.id))
                .collect(),
        })
    }
}
