//! Small pieces of text every report format shares.

/// The current value as shown in reports: `—` when nothing was read.
pub fn current_text(current: &Option<String>) -> &str {
    current.as_deref().unwrap_or("—")
}
