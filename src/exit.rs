//! Exit codes, so cron jobs and scripts can act on a run.

use crate::audit::finding::{Finding, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything matches the profile.
    Ok = 0,
    /// Drift found: some setting differs from the profile.
    Drift = 1,
    /// Usage or configuration error (bad flag, broken rule or profile, no browser).
    Usage = 2,
    /// Incomplete: some setting could not be read (login needed, rule stale,
    /// site down).
    Incomplete = 3,
    /// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted = 130,
}

impl Exit {
    /// Drift wins over incompleteness: it is the news the user can act on, and
    /// the report still lists what could not be read.
    pub fn for_findings(findings: &[Finding]) -> Exit {
        if findings.iter().any(|f| f.status == Status::Drift) {
            Exit::Drift
        } else if findings.iter().any(|f| f.status.is_incomplete()) {
            Exit::Incomplete
        } else {
            Exit::Ok
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}
