//! Datasets a journalist can publish: one row per account × setting, what
//! was observed against what the rules document, with the evidence and a
//! manifest of every file's SHA-256 (optionally signed with minisign).
//! Made by `privaudit survey` or exported from a recorded run; read back
//! by `dataset verify`, `defaults --observed` and `report --html`.
//!
//! Layout (format version 1; README "For journalists"):
//! `data.json`, `data.csv`, `accounts.json`, `evidence/`, `README.md`,
//! `MANIFEST.sha256` (`sha256sum -c` reads it), and, when signed,
//! `MANIFEST.sha256.minisig`.

pub mod manifest;
pub mod sign;
pub mod verify;
pub mod write;

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The format these files follow; `verify` refuses others.
pub const FORMAT_VERSION: u32 = 1;

pub const DATA_JSON: &str = "data.json";
pub const DATA_CSV: &str = "data.csv";
pub const ACCOUNTS_JSON: &str = "accounts.json";
pub const README: &str = "README.md";
pub const EVIDENCE: &str = "evidence";
pub const MANIFEST: &str = "MANIFEST.sha256";
pub const SIGNATURE: &str = "MANIFEST.sha256.minisig";

/// A test account, as the person surveying described it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// A short name, unique in the dataset (`eu-free`).
    pub label: String,
    /// Where the account is registered (`EU`, `US`, `UK`…), as given.
    pub region: Option<String>,
    /// Its plan or tier (`free`, `plus`, `business`…), as given.
    pub plan: Option<String>,
    /// When the account was created (YYYY-MM-DD), as given.
    pub created: Option<String>,
    pub note: Option<String>,
}

/// One setting of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The account's label (see `accounts.json`).
    pub account: String,
    pub platform: String,
    pub setting: String,
    pub label: String,
    pub category: String,
    /// The value read on the account's page; null when it was not read.
    pub observed: Option<String>,
    /// privaudit's status for the reading (`ok`, `drift`, `unreadable`,
    /// `login-required`, `error`…); with the survey's strict profile,
    /// `drift` means not private.
    pub status: String,
    /// Why it was not read, when it was not.
    pub message: Option<String>,
    /// The value that keeps the data private.
    pub private_value: String,
    /// The default the rules document, and where (free text from the rule).
    pub documented_default: Option<String>,
    pub documented_regions: Vec<String>,
    /// True when observed and documented agree; null when either is missing.
    pub agrees: Option<bool>,
    /// When the account's run started (RFC 3339, UTC).
    pub read_at: String,
    pub rules_version: String,
    /// The page the value was read on (query and fragment removed).
    pub url: Option<String>,
    /// Paths inside the dataset: the outlined screenshot band and the JSON
    /// record (accessibility node, DOM excerpt), when evidence was taken.
    pub evidence_screenshot: Option<String>,
    pub evidence_record: Option<String>,
    /// SHA-256 of the screenshot, hex (also in the manifest).
    pub screenshot_sha256: Option<String>,
}

/// `data.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// The dataset format (see README "For journalists"); bumped on
    /// incompatible changes.
    pub format_version: u32,
    /// How it was made: `survey` or `export`.
    pub made_by: String,
    pub privaudit_version: String,
    pub rules_version: String,
    /// When the dataset was written (RFC 3339, UTC).
    pub created_at: String,
    pub rows: Vec<Row>,
}

/// `accounts.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    pub format_version: u32,
    pub accounts: Vec<Account>,
}

/// A dataset read back from its folder (not verified: see `verify`).
#[derive(Debug, Clone)]
pub struct Dataset {
    pub data: Data,
    pub accounts: Vec<Account>,
}

impl Dataset {
    /// Reads `data.json` and `accounts.json` strictly: an unknown field or
    /// another format version is an error naming the file.
    pub fn load(dir: &Path) -> anyhow::Result<Dataset> {
        let data: Data = read_json(&dir.join(DATA_JSON))?;
        if data.format_version != FORMAT_VERSION {
            anyhow::bail!(
                "{} is dataset format {}; this privaudit reads format {FORMAT_VERSION}",
                dir.join(DATA_JSON).display(),
                data.format_version
            );
        }
        let accounts: Accounts = read_json(&dir.join(ACCOUNTS_JSON))?;
        if accounts.format_version != FORMAT_VERSION {
            anyhow::bail!(
                "{} is dataset format {}; this privaudit reads format {FORMAT_VERSION}",
                dir.join(ACCOUNTS_JSON).display(),
                accounts.format_version
            );
        }
        let mut dataset = Dataset {
            data,
            accounts: accounts.accounts,
        };
        dataset.escape_text();
        Ok(dataset)
    }

    /// A dataset is text nobody here wrote: whatever shows it (a terminal,
    /// a table file, a page) gets no control character from it.
    fn escape_text(&mut self) {
        use crate::output::untrusted::escape;
        let text = |s: &mut String| *s = escape(s);
        let maybe = |s: &mut Option<String>| {
            if let Some(v) = s {
                *v = escape(v);
            }
        };
        for a in &mut self.accounts {
            text(&mut a.label);
            maybe(&mut a.region);
            maybe(&mut a.plan);
            maybe(&mut a.created);
            maybe(&mut a.note);
        }
        for r in &mut self.data.rows {
            for field in [
                &mut r.account,
                &mut r.platform,
                &mut r.setting,
                &mut r.label,
                &mut r.category,
                &mut r.status,
                &mut r.private_value,
                &mut r.read_at,
                &mut r.rules_version,
            ] {
                text(field);
            }
            for field in [
                &mut r.observed,
                &mut r.message,
                &mut r.documented_default,
                &mut r.url,
                &mut r.evidence_screenshot,
                &mut r.evidence_record,
                &mut r.screenshot_sha256,
            ] {
                maybe(field);
            }
            r.documented_regions.iter_mut().for_each(text);
        }
    }

    pub fn account(&self, label: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.label == label)
    }

    /// The day the observations were made (the earliest reading), YYYY-MM-DD.
    pub fn observed_on(&self) -> String {
        self.data
            .rows
            .iter()
            .map(|r| r.read_at.as_str())
            .min()
            .unwrap_or(self.data.created_at.as_str())
            .chars()
            .take(10)
            .collect()
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = crate::textfile::read_text(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} does not follow the dataset format (line {}, column {}): {}",
            path.display(),
            e.line(),
            e.column(),
            // serde's message names the field or type, never a whole value.
            crate::output::untrusted::one_line(&e.to_string())
        )
    })
}

/// Whether an observed value agrees with a documented default (`on`/`off`
/// and option names compare as the rules do).
pub fn agrees(observed: Option<&str>, documented: Option<&str>) -> Option<bool> {
    Some(crate::rules::same_value(observed?, documented?))
}
