//! Which platforms have credentials in the OS keyring: platform ids only,
//! never a secret, in `<data dir>/keyring-platforms` (0600). A run that
//! cannot reach the keyring (cron has no D-Bus session) learns from it that
//! credentials exist and says so, instead of silently not signing in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("keyring-platforms")
}

fn read(data_dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path(data_dir))
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn write(data_dir: &Path, ids: &BTreeSet<String>) -> anyhow::Result<()> {
    crate::fsutil::create_private_dir(data_dir)?;
    let text: String = ids.iter().map(|id| format!("{id}\n")).collect();
    crate::fsutil::write_private_file(&path(data_dir), &text)
}

/// Records that `platform`'s credentials are (`true`) or are no longer in
/// the keyring.
pub fn mark(data_dir: &Path, platform: &str, stored: bool) -> anyhow::Result<()> {
    let mut ids = read(data_dir);
    let changed = if stored {
        ids.insert(platform.to_string())
    } else {
        ids.remove(platform)
    };
    if changed {
        write(data_dir, &ids)?;
    }
    Ok(())
}

pub fn contains(data_dir: &Path, platform: &str) -> bool {
    read(data_dir).contains(platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_kept_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!contains(dir.path(), "x"));
        mark(dir.path(), "x", true).unwrap();
        mark(dir.path(), "linkedin", true).unwrap();
        assert!(contains(dir.path(), "x") && contains(dir.path(), "linkedin"));
        mark(dir.path(), "x", false).unwrap();
        assert!(!contains(dir.path(), "x") && contains(dir.path(), "linkedin"));
    }
}
