//! Private files and directories: profiles, sessions and evidence hold
//! personal data, so they are created 0700 (directories) and 0600 (files).

use std::path::Path;

use anyhow::Context;

pub fn create_private_dir(path: &Path) -> anyhow::Result<()> {
    if let Err(e) = std::fs::create_dir_all(path) {
        // "File exists" or "Not a directory" hide which file is in the way.
        if let Some(file) = path.ancestors().find(|a| a.exists() && !a.is_dir()) {
            anyhow::bail!(
                "cannot create directory {}: {} is a file, not a directory; move it away, or choose another place",
                path.display(),
                file.display()
            );
        }
        return Err(e).with_context(|| format!("cannot create directory {}", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", path.display()))?;
    }
    Ok(())
}

/// Writes `contents` to a new file readable only by its owner.
pub fn write_private_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    write_private_bytes(path, contents.as_bytes())
}

pub fn write_private_bytes(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot make {} private", path.display()))?;
    }
    file.write_all(contents)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Replaces `path` with `contents` all at once (a temporary file in the
/// same directory, renamed over it): a run killed half way leaves the old
/// file, never half of the new one. The file is readable only by its owner.
pub fn replace_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    // tempfile creates the file 0600.
    let mut file =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    file.write_all(contents)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|e| anyhow::Error::new(e.error).context(format!("cannot write {}", path.display())))?;
    Ok(())
}

/// Writes a file the person named with `-o`: a new or existing regular
/// file only. A link, a device or a FIFO is refused, so that neither its
/// target's mode is changed nor a write blocks.
pub fn write_output_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_file() {
            anyhow::bail!(
                "{} is not a regular file (a link, directory, device or FIFO): give -o a file path",
                path.display()
            );
        }
    }
    write_private_bytes(path, contents)
}

/// Makes an existing file readable only by its owner.
pub fn make_private_file(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot make {} private", path.display()))?;
    }
    Ok(())
}
