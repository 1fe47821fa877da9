//! Text files the user edits (rules, profile, accounts, cookie exports),
//! read with errors an editor can jump to.

use std::path::Path;

/// Why a file privaudit reads as text could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadTextError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Line and column (1-based, the column in bytes) of the first byte that
    /// is not UTF-8, so an editor can jump to it.
    #[error("{path}:{line}:{column}: not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8")]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
        byte: u8,
    },
}

impl ReadTextError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadTextError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Reads a UTF-8 text file; a byte that is not UTF-8 is reported with its
/// line and column rather than `stream did not contain valid UTF-8`.
pub fn read_text(path: &Path) -> Result<String, ReadTextError> {
    let bytes = std::fs::read(path)?;
    // A byte-order mark (some Windows editors write one) is not content.
    let bytes = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        ReadTextError::NotUtf8 {
            path: path.display().to_string(),
            line,
            column: at - line_start + 1,
            byte: bytes[at],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_utf8_is_located() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.toml");
        std::fs::write(&path, b"a = 1\nb = \"x\xff\"\n").expect("write");
        let err = read_text(&path).expect_err("not UTF-8");
        assert!(
            err.to_string()
                .ends_with("r.toml:2:7: not valid UTF-8 (byte 0xff); save the file as UTF-8"),
            "{err}"
        );
        assert!(read_text(&dir.path().join("none")).expect_err("missing").is_not_found());
    }
}
