//! The survey file (`privaudit survey FILE`): the test accounts to read,
//! each a data directory whose saved sessions `privaudit login` made
//! (`PRIVAUDIT_DATA_DIR=DIR privaudit login PLATFORM`), with what the
//! person knows of it: region, plan, creation date, a note.
//!
//! ```toml
//! [[account]]
//! label = "eu-free"
//! data_dir = "~/survey/eu-free"
//! region = "EU"
//! plan = "free"
//! created = "2026-11-02"
//! note = "made that day, nothing changed"
//! # base_url = { linkedin = "http://127.0.0.1:8080/linkedin" }   # a replica or mirror
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::dataset::Account;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    account: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    label: String,
    data_dir: String,
    region: Option<String>,
    plan: Option<String>,
    created: Option<String>,
    note: Option<String>,
    #[serde(default)]
    base_url: BTreeMap<String, String>,
}

/// One account to survey.
#[derive(Debug, Clone)]
pub struct SurveyAccount {
    pub account: Account,
    /// Its privaudit data directory: `sessions/`, run lock.
    pub data_dir: PathBuf,
    /// Platforms reached somewhere else than their real site, for this
    /// account (a replica per account, in tests).
    pub base_urls: Vec<(String, String)>,
}

/// Reads and checks a survey file. Errors say which account and field.
pub fn load(path: &Path) -> anyhow::Result<Vec<SurveyAccount>> {
    let text = crate::textfile::read_text(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let (line, col) = line_col(&text, s.start);
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        anyhow::anyhow!("{}{at}: {}", path.display(), e.message())
    })?;
    if file.account.is_empty() {
        anyhow::bail!("{} lists no [[account]]", path.display());
    }
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let mut seen = std::collections::BTreeSet::new();
    let mut dirs = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for entry in file.account {
        let label = entry.label.trim().to_string();
        if !is_label(&label) {
            anyhow::bail!(
                "{}: account label `{}` must be 1–64 lowercase letters, digits, `-` or `_` (it names a folder)",
                path.display(),
                crate::output::untrusted::one_line(&label)
            );
        }
        if !seen.insert(label.clone()) {
            anyhow::bail!("{}: account `{label}` is listed twice", path.display());
        }
        if let Some(created) = &entry.created {
            if chrono::NaiveDate::parse_from_str(created, "%Y-%m-%d").is_err() {
                anyhow::bail!(
                    "{}: account `{label}`: created = \"{}\" is not a date (YYYY-MM-DD)",
                    path.display(),
                    crate::output::untrusted::one_line(created)
                );
            }
        }
        let data_dir = expand_home(&entry.data_dir, base);
        if data_dir.exists() && !data_dir.is_dir() {
            anyhow::bail!(
                "{}: account `{label}`: data_dir {} is a file, not a privaudit data directory",
                path.display(),
                data_dir.display()
            );
        }
        if !data_dir.is_dir() {
            anyhow::bail!(
                "{}: account `{label}`: data_dir {} does not exist; sign the account in first with `PRIVAUDIT_DATA_DIR={} privaudit login PLATFORM`",
                path.display(),
                data_dir.display(),
                data_dir.display()
            );
        }
        let canonical = std::fs::canonicalize(&data_dir).unwrap_or_else(|_| data_dir.clone());
        if !dirs.insert(canonical) {
            anyhow::bail!(
                "{}: account `{label}`: data_dir {} is another account's too; each account needs its own",
                path.display(),
                data_dir.display()
            );
        }
        for (platform, url) in &entry.base_url {
            if let Err(why) = check_base_url(url) {
                anyhow::bail!("{}: account `{label}`: base_url for {platform}: {why}", path.display());
            }
        }
        let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        // The region picks each account's documented default: a typo would
        // compare it with the wrong one.
        let region = match text(entry.region) {
            Some(given) => Some(crate::rules::regions::parse(&given).map_err(|hint| {
                anyhow::anyhow!(
                    "{}: account `{label}`: region `{given}` is not a region: {hint}",
                    path.display()
                )
            })?),
            None => None,
        };
        out.push(SurveyAccount {
            account: Account {
                label,
                region,
                plan: text(entry.plan).map(|p| p.to_ascii_lowercase()),
                created: text(entry.created),
                note: text(entry.note),
            },
            data_dir,
            base_urls: entry.base_url.into_iter().collect(),
        });
    }
    Ok(out)
}

/// A base URL as `--base-url` takes it: http(s), a host, no credentials
/// (the error never repeats the URL: it may hold a token).
fn check_base_url(given: &str) -> Result<(), &'static str> {
    let url = url::Url::parse(given).map_err(|_| "not a URL")?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("not an http:// or https:// URL with a host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password; give the URL without them");
    }
    Ok(())
}

/// Whether a label can name an account's folder: 1–64 lowercase letters,
/// digits, `-` or `_`.
pub fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `~/x` is under the home directory; a relative path is relative to the
/// survey file.
fn expand_home(given: &str, base: &Path) -> PathBuf {
    if given == "~" || given.starts_with("~/") {
        let rest = given.trim_start_matches('~').trim_start_matches('/');
        if let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()) {
            return home.join(rest);
        }
    }
    let path = PathBuf::from(given);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> anyhow::Result<Vec<SurveyAccount>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        let file = dir.path().join("survey.toml");
        std::fs::write(&file, text).unwrap();
        load(&file)
    }

    #[test]
    fn accounts_are_read_with_their_metadata() {
        let accounts = load_text(
            "[[account]]\nlabel = \"eu-free\"\ndata_dir = \"a\"\nregion = \"EU\"\nplan = \"free\"\ncreated = \"2026-11-02\"\n",
        )
        .unwrap();
        assert_eq!(accounts[0].account.label, "eu-free");
        assert_eq!(accounts[0].account.region.as_deref(), Some("EU"));
        assert!(accounts[0].data_dir.ends_with("a"));
    }

    #[test]
    fn a_bad_survey_file_says_where() {
        let e = load_text("[[account]]\nlabel = \"x\"\ndata_dir = \"a\"\nregoin = \"EU\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":4:1") && e.contains("regoin"), "{e}");
        let e = load_text("[[account]]\nlabel = \"../x\"\ndata_dir = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("names a folder"), "{e}");
        let e = load_text("[[account]]\nlabel = \"x\"\ndata_dir = \"missing\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("privaudit login"), "{e}");
        let e = load_text("[[account]]\nlabel = \"x\"\ndata_dir = \"a\"\ncreated = \"yesterday\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a date"), "{e}");
        let e =
            load_text("[[account]]\nlabel = \"x\"\ndata_dir = \"a\"\n[[account]]\nlabel = \"x\"\ndata_dir = \"a\"\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("twice"), "{e}");
        assert!(load_text("").unwrap_err().to_string().contains("no [[account]]"));
    }
}
