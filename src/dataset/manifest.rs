//! `MANIFEST.sha256`: every file of a dataset with its SHA-256, in the
//! format `sha256sum` writes and `sha256sum -c` checks (`<hex>  <path>`),
//! sorted by path, `/`-separated, relative to the dataset folder. The
//! manifest and its signature are the only files it does not list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{MANIFEST, SIGNATURE};

/// Path (relative, `/`-separated) → SHA-256 hex.
pub type Listing = BTreeMap<String, String>;

/// Every file under `dir` but the manifest and its signature, hashed as
/// it is read (a large file is not held in memory). Anything that is not a
/// regular file (a link, a FIFO that would block the read, a device) is
/// not read: it is named in the second list.
pub fn hash_folder(dir: &Path) -> anyhow::Result<(Listing, Vec<String>)> {
    let mut out = Listing::new();
    let mut odd = Vec::new();
    for (file, kind) in entries_under(dir)? {
        let relative = relative_name(dir, &file)?;
        if relative == MANIFEST || relative == SIGNATURE {
            continue;
        }
        if kind != Kind::File {
            odd.push(format!(
                "{}: {}, not a file; a dataset holds only files",
                escape(&relative),
                kind.name()
            ));
            continue;
        }
        out.insert(relative, hash_file(&file)?);
    }
    Ok((out, odd))
}

/// SHA-256 of a file's bytes, streamed.
fn hash_file(path: &Path) -> anyhow::Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A file name from disk, as it may be shown: no control character.
fn escape(name: &str) -> String {
    crate::output::untrusted::escape(name)
}

/// The manifest's text for `listing`.
pub fn render(listing: &Listing) -> String {
    listing.iter().map(|(path, hash)| format!("{hash}  {path}\n")).collect()
}

/// Reads a manifest; an ill-formed line is an error with its number.
pub fn parse(text: &str) -> anyhow::Result<Listing> {
    let mut out = Listing::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((hash, path)) = line.split_once("  ") else {
            anyhow::bail!("{MANIFEST} line {}: not `<sha256>  <path>`", n + 1);
        };
        let well_formed = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed || path.is_empty() {
            anyhow::bail!("{MANIFEST} line {}: not `<sha256>  <path>`", n + 1);
        }
        if !is_inside(path) {
            anyhow::bail!("{MANIFEST} line {}: a path outside the dataset", n + 1);
        }
        if out.insert(path.to_string(), hash.to_ascii_lowercase()).is_some() {
            anyhow::bail!("{MANIFEST} line {}: {path} is listed twice", n + 1);
        }
    }
    Ok(out)
}

/// A manifest path stays inside the folder: relative, no `..`.
fn is_inside(path: &str) -> bool {
    !path.starts_with('/') && !path.contains('\\') && path.split('/').all(|part| !part.is_empty() && part != "..")
}

fn relative_name(root: &Path, file: &Path) -> anyhow::Result<String> {
    let relative = file
        .strip_prefix(root)
        .with_context(|| format!("{} is outside {}", file.display(), root.display()))?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Link,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::File => "a file",
            Kind::Link => "a symbolic link",
            Kind::Other => "a FIFO, socket or device",
        }
    }
}

/// Everything under `dir`, recursively, with what it is; links are never
/// followed.
fn entries_under(dir: &Path) -> anyhow::Result<Vec<(PathBuf, Kind)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_symlink() {
            out.push((path, Kind::Link));
        } else if kind.is_dir() {
            out.extend(entries_under(&path)?);
        } else if kind.is_file() {
            out.push((path, Kind::File));
        } else {
            out.push((path, Kind::Other));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written_and_sha256sum_can_check_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("evidence/a")).unwrap();
        std::fs::write(dir.path().join("data.json"), "{}").unwrap();
        std::fs::write(dir.path().join("evidence/a/x.png"), [1, 2, 3]).unwrap();
        let (listing, odd) = hash_folder(dir.path()).unwrap();
        assert!(odd.is_empty());
        let text = render(&listing);
        assert_eq!(parse(&text).unwrap(), listing);
        assert!(text.contains("  evidence/a/x.png\n"), "{text}");
        // sha256 of "{}".
        assert!(text.contains("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a  data.json"));
    }

    #[test]
    fn a_manifest_cannot_point_outside_the_folder() {
        let hash = "a".repeat(64);
        assert!(parse(&format!("{hash}  ../etc/passwd\n")).is_err());
        assert!(parse(&format!("{hash}  /etc/passwd\n")).is_err());
        assert!(parse(&format!("{hash}  a//b\n")).is_err());
        assert!(parse("zz  data.json\n").is_err());
        assert!(parse(&format!("{hash}  x\n{hash}  x\n")).is_err());
    }
}
