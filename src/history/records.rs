//! The records the history store reads and writes: one row of the
//! timeline, a run, a change, a policy version, and what to select.

use serde::Serialize;

/// The last recorded finding of one setting, for transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub status: String,
    pub current: Option<String>,
    pub wanted: String,
    /// When that run started (RFC 3339, UTC).
    pub at: String,
    /// When the setting was last read, if the records since then are all
    /// failures to read it: the start of the run that first failed.
    pub unreadable_since: Option<String>,
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
    /// For a setting an apply or a revert changed: its value before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// What `privaudit history` selects.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub platform: Option<&'a str>,
    /// Runs started at or after this time (RFC 3339, UTC).
    pub since: Option<String>,
    pub run: Option<i64>,
    /// Only records that changed something: a transition, or a setting
    /// apply/revert changed.
    pub changes_only: bool,
    /// The newest N runs only.
    pub last_runs: Option<usize>,
}

/// A setting a run changed, with its value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub platform: String,
    pub setting: String,
    pub label: String,
    pub previous: String,
    pub current: String,
}

/// What `history prune` removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Pruned {
    pub runs: usize,
    pub policy_versions: usize,
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

/// A watched policy page and its stored versions (`policy list`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PolicyPageRow {
    pub platform: String,
    pub url: String,
    /// Stored versions: a new one only when the text changed.
    pub versions: usize,
    /// When the first version was stored (RFC 3339, UTC).
    pub first_stored: String,
    /// When the newest version was stored: the last change seen.
    pub last_changed: String,
}
