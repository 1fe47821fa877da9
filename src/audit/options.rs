//! What every part of an audit run needs to know.

use std::time::Duration;

/// How a run reads and changes platforms.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub jobs: usize,
    pub timeout: Duration,
    /// Where to save screenshots and records of what was read, if anywhere.
    pub evidence: Option<std::sync::Arc<crate::evidence::Evidence>>,
    /// Blur what shows the account's identity before evidence screenshots,
    /// and keep query strings out of evidence records.
    pub redact: bool,
    /// Stored credentials by platform, for signing in when a session expired.
    pub credentials: std::sync::Arc<std::collections::BTreeMap<String, crate::secrets::Credentials>>,
    /// Saved sessions by platform: seeded into each platform's tab and
    /// written back after it was read signed in.
    pub sessions: std::sync::Arc<std::collections::BTreeMap<String, crate::sessions::Session>>,
}
