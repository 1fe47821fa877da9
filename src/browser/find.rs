//! Finding a Chromium to drive: `--browser`, then `PRIVAUDIT_BROWSER` (clap
//! folds the two), then the usual names on PATH (`which`), then where the
//! installers put it on macOS and Windows.

use std::path::{Path, PathBuf};

/// Names Chromium-family browsers install under, most likely first.
const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// Where installers put the browser when it is not on PATH.
const INSTALLED: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files\Chromium\Application\chrome.exe",
];

#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("the browser {0} does not exist or is not executable")]
    NotExecutable(PathBuf),
    #[error("no Chromium found on PATH (looked for {})", CANDIDATES.join(", "))]
    NotOnPath,
}

impl FindError {
    pub fn hint(&self) -> &'static str {
        match self {
            FindError::NotExecutable(_) => "pass the path of a Chromium or Chrome binary with --browser PATH (or PRIVAUDIT_BROWSER)",
            FindError::NotOnPath => {
                "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`; macOS: `brew install --cask chromium`), or pass --browser PATH"
            }
        }
    }
}

pub fn find_browser(explicit: Option<&Path>) -> Result<PathBuf, FindError> {
    if let Some(path) = explicit {
        // A bare name is looked up on PATH; anything else must be a file.
        let resolved = if path.components().count() == 1 {
            which::which(path).ok()
        } else {
            None
        };
        let path = resolved.unwrap_or_else(|| path.to_path_buf());
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(FindError::NotExecutable(path))
        };
    }
    CANDIDATES
        .iter()
        .find_map(|name| which::which(name).ok())
        .or_else(|| INSTALLED.iter().map(PathBuf::from).find(|p| is_executable(p)))
        .ok_or(FindError::NotOnPath)
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_path_that_does_not_exist_is_refused() {
        let err = find_browser(Some(Path::new("/nonexistent/chromium"))).unwrap_err();
        assert!(matches!(err, FindError::NotExecutable(_)));
        assert!(err.to_string().contains("/nonexistent/chromium"));
    }

    #[test]
    fn a_non_executable_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("chromium");
        std::fs::write(&file, "").unwrap();
        assert!(find_browser(Some(&file)).is_err());
    }
}
