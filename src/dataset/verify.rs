//! `privaudit dataset verify DIR`: every file is the one the manifest
//! lists (same SHA-256, none missing, none added), `data.json` and
//! `accounts.json` follow the format, every row's evidence is in the
//! manifest with the hash the row gives, and, with a public key, the
//! manifest's signature holds.

use std::path::Path;

use serde::Serialize;

use super::{manifest, sign, Dataset, MANIFEST};

/// What `verify` found (`--format json`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Verified {
    pub schema_version: u32,
    /// True when nothing below is wrong.
    pub ok: bool,
    pub files: usize,
    pub rows: usize,
    pub accounts: usize,
    /// `valid`, `not-checked` (signed, but no public key given),
    /// `unsigned`, or `invalid`.
    pub signature: String,
    /// Each problem, naming its file.
    pub problems: Vec<String>,
}

pub fn verify(dir: &Path, key: Option<&minisign::PublicKey>) -> anyhow::Result<Verified> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a dataset folder", dir.display());
    }
    let mut problems = Vec::new();
    let manifest_file = dir.join(MANIFEST);
    let listed = match std::fs::symlink_metadata(&manifest_file) {
        Ok(meta) if meta.is_file() => match std::fs::read(&manifest_file).map(String::from_utf8) {
            Ok(Ok(text)) => match manifest::parse(&text) {
                Ok(listed) => Some(listed),
                Err(e) => {
                    problems.push(format!("{e:#}"));
                    None
                }
            },
            _ => {
                problems.push(format!("{MANIFEST} is not UTF-8 text"));
                None
            }
        },
        Ok(_) => {
            problems.push(format!("{MANIFEST} is not a file"));
            None
        }
        Err(_) => {
            // Not a dataset: nothing under it is read (it may be a home
            // directory given by mistake).
            problems.push(format!("{MANIFEST} is missing: nothing can be verified"));
            return Ok(Verified {
                schema_version: 1,
                ok: false,
                files: 0,
                rows: 0,
                accounts: 0,
                signature: "unsigned".into(),
                problems,
            });
        }
    };
    let (on_disk, odd) = manifest::hash_folder(dir)?;
    problems.extend(odd);
    if let Some(listed) = &listed {
        for (path, hash) in listed {
            match on_disk.get(path) {
                None => problems.push(format!("{}: listed in {MANIFEST}, but missing", shown(path))),
                Some(found) if found != hash => problems.push(format!(
                    "{}: changed (its SHA-256 is not the one {MANIFEST} lists)",
                    shown(path)
                )),
                Some(_) => {}
            }
        }
        for path in on_disk.keys().filter(|p| !listed.contains_key(*p)) {
            problems.push(format!(
                "{}: not in {MANIFEST} (added after the dataset was made)",
                shown(path)
            ));
        }
    }
    let (rows, accounts) = match Dataset::load(dir) {
        Ok(dataset) => {
            check_rows(&dataset, listed.as_ref(), &mut problems);
            (dataset.data.rows.len(), dataset.accounts.len())
        }
        Err(e) => {
            problems.push(format!("{e:#}"));
            (0, 0)
        }
    };
    let signature = match (key, sign::present(dir)) {
        (_, Err(why)) => {
            problems.push(why);
            "invalid"
        }
        (Some(key), Ok(_)) => match sign::check(dir, key) {
            Ok(()) => "valid",
            Err(e) => {
                problems.push(format!("{e:#}"));
                "invalid"
            }
        },
        (None, Ok(true)) => "not-checked",
        (None, Ok(false)) => "unsigned",
    };
    Ok(Verified {
        schema_version: 1,
        ok: problems.is_empty(),
        files: on_disk.len(),
        rows,
        accounts,
        signature: signature.into(),
        problems,
    })
}

/// A path from a manifest or the disk, as it may be shown.
fn shown(path: &str) -> String {
    crate::output::untrusted::escape(path)
}

/// The rows hold together: known, unique accounts; one row per account and
/// setting; times that are times; `agrees` that says what the values say;
/// and evidence that is what the manifest lists.
fn check_rows(dataset: &Dataset, listed: Option<&manifest::Listing>, problems: &mut Vec<String>) {
    let mut labels = std::collections::BTreeSet::new();
    for a in &dataset.accounts {
        if !labels.insert(a.label.as_str()) {
            problems.push(format!("accounts.json: account `{}` is listed twice", shown(&a.label)));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for row in &dataset.data.rows {
        let at = format!(
            "data.json, {} {}.{}",
            shown(&row.account),
            shown(&row.platform),
            shown(&row.setting)
        );
        if dataset.account(&row.account).is_none() {
            problems.push(format!(
                "{at}: account `{}` is not in accounts.json",
                shown(&row.account)
            ));
        }
        if !seen.insert((&row.account, &row.platform, &row.setting)) {
            problems.push(format!("{at}: a second row for the same account and setting"));
        }
        if chrono::DateTime::parse_from_rfc3339(&row.read_at).is_err() {
            problems.push(format!("{at}: read_at is not an RFC 3339 time"));
        }
        let expected = super::agrees(row.observed.as_deref(), row.documented_default.as_deref());
        if row.agrees != expected {
            problems.push(format!(
                "{at}: agrees does not match the observed and documented values"
            ));
        }
        let Some(listed) = listed else { continue };
        for path in [&row.evidence_screenshot, &row.evidence_record].into_iter().flatten() {
            if !listed.contains_key(path) {
                problems.push(format!("{at}: evidence {} is not in {MANIFEST}", shown(path)));
            }
        }
        if let (Some(path), Some(hash)) = (&row.evidence_screenshot, &row.screenshot_sha256) {
            if listed.get(path).is_some_and(|h| h != hash) {
                problems.push(format!(
                    "{at}: {} has another SHA-256 in {MANIFEST} than in the row",
                    shown(path)
                ));
            }
        }
    }
}
