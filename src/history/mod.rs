//! History: every check and apply run in SQLite, and what changed since the
//! previous one (a setting switched back on, a new setting, one that can no
//! longer be read).

pub mod store;
pub mod transitions;

use std::path::PathBuf;

pub use store::Store;
pub use transitions::Transition;

use crate::audit::finding::{Finding, Run, Status, Summary};
use crate::context::Context;

pub fn path(ctx: &Context) -> PathBuf {
    ctx.data_dir.join("history.sqlite")
}

/// A run being recorded: started before the browser opens, finished with
/// the findings.
pub struct Recorder {
    store: Store,
    run_id: i64,
    /// True when no earlier run was recorded at all: everything is a baseline.
    first: bool,
}

impl Recorder {
    pub fn start(ctx: &Context, command: &str, rules_version: &str, profile: &str) -> anyhow::Result<Recorder> {
        let store = Store::open(&path(ctx))?;
        let first = store.runs()?.iter().all(|r| r.finished_at.is_none());
        let run_id = store.start_run(command, rules_version, profile)?;
        Ok(Recorder { store, run_id, first })
    }

    /// Marks each finding with its transition since the last run; in a
    /// check, a drift that was private last time becomes `re-enabled`.
    pub fn annotate(&self, run: &mut Run, is_check: bool) -> anyhow::Result<()> {
        for f in &mut run.findings {
            let previous = self.store.previous(&f.platform, &f.setting, self.run_id)?;
            let seen = self.store.platform_seen(&f.platform, self.run_id)?;
            f.transition = transitions::classify(f, previous.as_ref(), seen);
            if is_check && f.transition == Some(Transition::ReEnabled) && f.status == Status::Drift {
                f.status = Status::ReEnabled;
                f.message = Some(format!(
                    "{} switched this back since the last run (it was {}): run `privaudit apply {}`",
                    f.platform_name, f.wanted, f.platform
                ));
            }
        }
        run.summary = Summary::of(&run.findings);
        Ok(())
    }

    pub fn finish(mut self, run: &Run, exit_code: u8) -> anyhow::Result<()> {
        let id = self.run_id;
        self.store.finish_run(id, run, exit_code)
    }

    pub fn is_first(&self) -> bool {
        self.first
    }
}

/// The findings worth telling someone about: every transition, and on the
/// very first recorded run, every drift (there is nothing to compare yet).
pub fn news(run: &Run, first_run: bool) -> Vec<&Finding> {
    run.findings
        .iter()
        .filter(|f| {
            f.transition.is_some()
                || (first_run && matches!(f.status, Status::Drift | Status::ReEnabled | Status::Failed))
        })
        .collect()
}
