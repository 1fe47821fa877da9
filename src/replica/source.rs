//! Where replica pages come from: the built-in ones (`rules/replicas`,
//! inside the binary) or a folder (tests, or a rule author's work in
//! progress with `rules test --replicas DIR`), and each replica's manifest.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    Directory(PathBuf),
}

impl Source {
    /// A file of a replica, by its path under the replicas folder. Paths
    /// that climb out (`..`) or name hidden files are never served.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        if path.split('/').any(|part| part == ".." || part.starts_with('.')) {
            return None;
        }
        match self {
            Source::Embedded => crate::rules::embedded::replicas()?
                .get_file(format!("replicas/{path}"))
                .map(|f| f.contents().to_vec()),
            Source::Directory(root) => std::fs::read(root.join(path)).ok(),
        }
    }

    /// The replica's `replica.toml`, or the defaults when it has none.
    pub fn manifest(&self, platform: &str) -> Manifest {
        self.read(&format!("{platform}/replica.toml"))
            .and_then(|bytes| toml::from_str::<Manifest>(&String::from_utf8_lossy(&bytes)).ok())
            .unwrap_or_default()
    }

    /// The platforms this source has replicas for.
    pub fn platforms(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Source::Embedded => crate::rules::embedded::replicas()
                .map(|dir| {
                    dir.dirs()
                        .filter_map(|d| d.path().file_name()?.to_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            Source::Directory(root) => std::fs::read_dir(root)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        names
    }
}

/// `<platform>/replica.toml`: how the replica behaves.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Where a signed-out session is sent (default `/login`).
    login_path: Option<String>,
    /// Settings the server keeps, with the platform's defaults. Pages show
    /// them through `{{checked:KEY}}`, `{{aria-checked:KEY}}` and
    /// `{{value:KEY}}`, and change them with `POST /__replica/<platform>/state/<KEY>`.
    #[serde(default)]
    pub state: BTreeMap<String, String>,
}

impl Manifest {
    pub fn login_path(&self) -> String {
        self.login_path.clone().unwrap_or_else(|| "/login".to_string())
    }
}
