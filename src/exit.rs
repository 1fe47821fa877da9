//! Exit codes, so cron jobs and scripts can act on a run. This is the one
//! place they are defined: `--help`, the man page and the README's table are
//! rendered from [`Exit::ALL`] (a docs test keeps the README in step).

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
    /// site down, blocked page).
    Incomplete = 3,
    /// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted = 130,
}

impl Exit {
    /// Every exit code, in numeric order.
    pub const ALL: [Exit; 5] = [Exit::Ok, Exit::Drift, Exit::Usage, Exit::Incomplete, Exit::Interrupted];

    /// What the code means, in one line (help, man page, README).
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "everything matches the profile (`manual` settings do not count)",
            Exit::Drift => "drift or `re-enabled` found (after `apply`: something still drifted or `failed`; for `policy check`: a policy changed); wins over 3, and the report still lists what could not be read",
            Exit::Usage => "usage or configuration error: bad flag, broken rule or profile, no browser",
            Exit::Incomplete => "incomplete: some setting could not be read (failure class `rule-stale`, `signed-out`, `blocked`, `unreachable` or `driver`), or another privaudit run held the lock",
            Exit::Interrupted => "interrupted (Ctrl-C or SIGTERM); the browser is closed first",
        }
    }

    /// The exit-code section of `--help`.
    pub fn help_text() -> String {
        let mut text = String::from("Exit codes:\n");
        for e in Exit::ALL {
            text.push_str(&format!("  {:<4}{}\n", e.code(), e.meaning().replace('`', "")));
        }
        text.trim_end().to_string()
    }

    /// The README's exit-code table (Markdown).
    pub fn markdown_table() -> String {
        let mut text = String::from("| Exit code | Meaning |\n|---|---|\n");
        for e in Exit::ALL {
            text.push_str(&format!("| {} | {} |\n", e.code(), e.meaning()));
        }
        text
    }

    /// Drift wins over incompleteness: it is the news the user can act on, and
    /// the report still lists what could not be read.
    pub fn for_findings(findings: &[Finding]) -> Exit {
        if findings
            .iter()
            .any(|f| matches!(f.status, Status::Drift | Status::ReEnabled | Status::Failed))
        {
            Exit::Drift
        } else if findings.iter().any(|f| f.status.is_incomplete()) {
            Exit::Incomplete
        } else {
            Exit::Ok
        }
    }

    /// The exit code for two outcomes of one run: an interrupt wins, then
    /// news the user can act on (drift), then incompleteness.
    pub fn max_with(self, other: Exit) -> Exit {
        let rank = |e: Exit| match e {
            Exit::Interrupted => 4,
            Exit::Usage => 3,
            Exit::Drift => 2,
            Exit::Incomplete => 1,
            Exit::Ok => 0,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Category;

    fn f(status: Status) -> Finding {
        Finding {
            platform: "p".into(),
            platform_name: "P".into(),
            setting: "s".into(),
            label: "S".into(),
            category: Category::AiTraining,
            status,
            current: None,
            previous: None,
            wanted: "off".into(),
            default: None,
            url: None,
            message: None,
            class: None,
            notes: vec![],
            steps: vec![],
            source: String::new(),
            transition: None,
            unreadable_since: None,
        }
    }

    #[test]
    fn exit_codes_follow_the_design() {
        assert_eq!(Exit::for_findings(&[f(Status::Ok), f(Status::Manual)]), Exit::Ok);
        assert_eq!(
            Exit::for_findings(&[f(Status::Ok), f(Status::Unreadable)]),
            Exit::Incomplete
        );
        assert_eq!(Exit::for_findings(&[f(Status::LoginRequired)]), Exit::Incomplete);
        assert_eq!(Exit::for_findings(&[f(Status::Error)]), Exit::Incomplete);
        // Drift is the news the user can act on: it wins over incompleteness.
        assert_eq!(Exit::for_findings(&[f(Status::Drift), f(Status::Error)]), Exit::Drift);
        assert_eq!(Exit::for_findings(&[]), Exit::Ok);
        // After apply: fixed is done, failed is still drift.
        assert_eq!(Exit::for_findings(&[f(Status::Fixed)]), Exit::Ok);
        assert_eq!(Exit::for_findings(&[f(Status::Fixed), f(Status::Failed)]), Exit::Drift);
    }

    #[test]
    fn every_code_is_in_the_help_text() {
        let text = Exit::help_text();
        for e in Exit::ALL {
            assert!(text.contains(&format!("  {:<4}", e.code())), "{text}");
        }
    }
}
