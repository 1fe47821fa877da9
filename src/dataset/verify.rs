//! `privaudit dataset verify DIR`: every file is the one the manifest
//! lists (same SHA-256, none missing, none added), `data.json` and
//! `accounts.json` follow the format, every row's evidence is in the
//! manifest with the hash the row gives, and, with a public key, the
//! manifest's signature holds.

use std::path::Path;

use serde::Serialize;

use super::{manifest, sign, Dataset, MANIFEST, SIGNATURE};

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
    let listed = match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => match manifest::parse(&text) {
            Ok(listed) => Some(listed),
            Err(e) => {
                problems.push(format!("{e:#}"));
                None
            }
        },
        Err(_) => {
            problems.push(format!("{MANIFEST} is missing: nothing can be verified"));
            None
        }
    };
    let on_disk = manifest::hash_folder(dir)?;
    if let Some(listed) = &listed {
        for (path, hash) in listed {
            match on_disk.get(path) {
                None => problems.push(format!("{path}: listed in {MANIFEST}, but missing")),
                Some(found) if found != hash => {
                    problems.push(format!("{path}: changed (its SHA-256 is not the one {MANIFEST} lists)"))
                }
                Some(_) => {}
            }
        }
        for path in on_disk.keys().filter(|p| !listed.contains_key(*p)) {
            problems.push(format!("{path}: not in {MANIFEST} (added after the dataset was made)"));
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
    let signed = dir.join(SIGNATURE).exists();
    let signature = match (key, signed) {
        (Some(key), _) => match sign::check(dir, key) {
            Ok(()) => "valid",
            Err(e) => {
                problems.push(format!("{e:#}"));
                "invalid"
            }
        },
        (None, true) => "not-checked",
        (None, false) => "unsigned",
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

/// Rows name known accounts, and their evidence is what the manifest lists.
fn check_rows(dataset: &Dataset, listed: Option<&manifest::Listing>, problems: &mut Vec<String>) {
    for row in &dataset.data.rows {
        let at = format!("data.json, {} {}.{}", row.account, row.platform, row.setting);
        if dataset.account(&row.account).is_none() {
            problems.push(format!("{at}: account `{}` is not in accounts.json", row.account));
        }
        let Some(listed) = listed else { continue };
        for path in [&row.evidence_screenshot, &row.evidence_record].into_iter().flatten() {
            if !listed.contains_key(path) {
                problems.push(format!("{at}: evidence {path} is not in {MANIFEST}"));
            }
        }
        if let (Some(path), Some(hash)) = (&row.evidence_screenshot, &row.screenshot_sha256) {
            if listed.get(path).is_some_and(|h| h != hash) {
                problems.push(format!(
                    "{at}: {path} has another SHA-256 in {MANIFEST} than in the row"
                ));
            }
        }
    }
}
