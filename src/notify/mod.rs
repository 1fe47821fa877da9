//! Alerts: what to say about a run or a policy change (`alert`), and how to
//! say it (`send`: webhooks and commands).

pub mod alert;
pub mod send;

pub use alert::{run_notice, targets};
pub use send::{run_command, send, user_agent, Notice, Target};

/// When an alert last reached someone (`<data dir>/last-alert`), for
/// `--heartbeat`; None before the first.
pub fn last_sent(data_dir: &std::path::Path) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = std::fs::read_to_string(data_dir.join("last-alert")).ok()?;
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// Records that an alert reached someone just now.
pub fn mark_sent(data_dir: &std::path::Path) -> anyhow::Result<()> {
    crate::fsutil::create_private_dir(data_dir)?;
    crate::fsutil::write_private_file(&data_dir.join("last-alert"), &(crate::timestamp::now() + "\n"))
}
