//! History: every check and apply run in SQLite, and the policy versions
//! `policy check` fetched. This module only reads and writes; what a change
//! means is decided by `transitions`.

pub mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use store::{Entry, PolicyVersion, Previous, RunRow, Store};

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

    pub fn finish(mut self, run: &Run, exit_code: u8) -> anyhow::Result<()> {
        let id = self.run_id;
        self.store.finish_run(id, run, exit_code)
    }
}

/// What `privaudit history` shows: every recorded finding, oldest first per
/// setting, and the runs that never finished.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Timeline {
    /// The history file.
    pub history: PathBuf,
    pub entries: Vec<Entry>,
    pub unfinished_runs: Vec<RunRow>,
}

impl Timeline {
    /// The timeline of a store that does not exist yet.
    pub fn empty(path: &Path) -> Timeline {
        Timeline {
            history: path.to_path_buf(),
            entries: Vec::new(),
            unfinished_runs: Vec::new(),
        }
    }

    /// The timeline of the store at `path`, optionally for one platform and
    /// from a day on (YYYY-MM-DD).
    pub fn read(path: &Path, platform: Option<&str>, since: Option<&str>) -> anyhow::Result<Timeline> {
        let store = Store::open(path)?;
        Ok(Timeline {
            history: path.to_path_buf(),
            entries: store.timeline(platform, since)?,
            unfinished_runs: store.runs()?.into_iter().filter(|r| r.finished_at.is_none()).collect(),
        })
    }
}
