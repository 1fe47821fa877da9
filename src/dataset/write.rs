//! Writing a dataset folder: `data.json`, `data.csv`, `accounts.json`, a
//! generated `README.md` (method, dates, rules version, how to verify), and
//! last `MANIFEST.sha256` over everything, evidence included.

use std::path::Path;

use anyhow::Context;

use super::{Account, Accounts, Data, Row, ACCOUNTS_JSON, DATA_CSV, DATA_JSON, FORMAT_VERSION, MANIFEST, README};
use crate::fsutil;
use crate::output::untrusted::{csv_row, markdown};

/// Refuses a folder that already holds files: a dataset is written once,
/// and nothing already recorded is overwritten.
pub fn prepare(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{} already holds files: a dataset is written into a new or empty folder",
                dir.display()
            );
        }
    }
    fsutil::create_private_dir(dir)
}

/// Writes the dataset's files into `dir` (its evidence already there) and
/// the manifest over all of them. Returns the number of files listed.
pub fn finish(
    dir: &Path,
    made_by: &str,
    rules_version: &str,
    accounts: &[Account],
    rows: Vec<Row>,
) -> anyhow::Result<usize> {
    let data = Data {
        format_version: FORMAT_VERSION,
        made_by: made_by.to_string(),
        privaudit_version: env!("CARGO_PKG_VERSION").to_string(),
        rules_version: rules_version.to_string(),
        created_at: crate::timestamp::now(),
        rows,
    };
    write(dir, DATA_JSON, &(serde_json::to_string_pretty(&data)? + "\n"))?;
    write(dir, DATA_CSV, &csv(&data.rows)?)?;
    let accounts_file = Accounts {
        format_version: FORMAT_VERSION,
        accounts: accounts.to_vec(),
    };
    write(
        dir,
        ACCOUNTS_JSON,
        &(serde_json::to_string_pretty(&accounts_file)? + "\n"),
    )?;
    write(dir, README, &readme(&data, accounts))?;
    let (listing, odd) = super::manifest::hash_folder(dir)?;
    if !odd.is_empty() {
        anyhow::bail!("{} holds what a dataset may not: {}", dir.display(), odd.join("; "));
    }
    write(dir, MANIFEST, &super::manifest::render(&listing))?;
    Ok(listing.len())
}

fn write(dir: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    fsutil::write_private_file(&dir.join(name), text)
}

/// The CSV columns, in order (README "For journalists" explains each).
pub const CSV_COLUMNS: [&str; 18] = [
    "account",
    "platform",
    "setting",
    "label",
    "category",
    "observed",
    "status",
    "message",
    "private_value",
    "documented_default",
    "documented_regions",
    "agrees",
    "read_at",
    "rules_version",
    "url",
    "evidence_screenshot",
    "evidence_record",
    "screenshot_sha256",
];

fn csv(rows: &[Row]) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    csv_row(&mut w, CSV_COLUMNS)?;
    for r in rows {
        let agrees = match r.agrees {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let regions = r.documented_regions.join("; ");
        let cells: [&str; 18] = [
            &r.account,
            &r.platform,
            &r.setting,
            &r.label,
            &r.category,
            r.observed.as_deref().unwrap_or(""),
            &r.status,
            r.message.as_deref().unwrap_or(""),
            &r.private_value,
            r.documented_default.as_deref().unwrap_or(""),
            &regions,
            agrees,
            &r.read_at,
            &r.rules_version,
            r.url.as_deref().unwrap_or(""),
            r.evidence_screenshot.as_deref().unwrap_or(""),
            r.evidence_record.as_deref().unwrap_or(""),
            r.screenshot_sha256.as_deref().unwrap_or(""),
        ];
        csv_row(&mut w, cells)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("cannot write CSV: {e}"))?;
    String::from_utf8(bytes).context("CSV is not UTF-8")
}

fn readme(data: &Data, accounts: &[Account]) -> String {
    let observed: Vec<&Row> = data.rows.iter().filter(|r| r.observed.is_some()).collect();
    let disagree = observed.iter().filter(|r| r.agrees == Some(false)).count();
    let dates: Vec<&str> = data.rows.iter().map(|r| r.read_at.as_str()).collect();
    let first = dates.iter().min().copied().unwrap_or(&data.created_at);
    let last = dates.iter().max().copied().unwrap_or(&data.created_at);
    let mut out = String::new();
    out.push_str("# privaudit dataset\n\n");
    out.push_str(&format!(
        "Observed privacy settings of {} test account{}: {} readings of {} settings, {} read, {} of them not the documented default.\n\n",
        accounts.len(),
        if accounts.len() == 1 { "" } else { "s" },
        data.rows.len(),
        data.rows
            .iter()
            .map(|r| (&r.platform, &r.setting))
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        observed.len(),
        disagree
    ));
    out.push_str("## Method\n\n");
    out.push_str(&format!(
        "Made by `privaudit {}` (privaudit {}, rules {}) on {}. privaudit opened each account's saved session in Chromium, \
         loaded each setting's page, and read the control by its accessibility role and name, without changing anything. \
         Each reading was made between {first} and {last} (UTC). `documented_default` is what the cited source in the rules \
         says a new account has; `agrees` compares it with what was observed.\n\n",
        data.made_by, data.privaudit_version, data.rules_version, data.created_at
    ));
    out.push_str("Evidence (`evidence/`): for each reading, a screenshot of the band of the page around the control, with the control outlined in red, \
                  and a JSON record with the control's accessibility node as Chromium reported it and a small excerpt of its markup. \
                  What shows the account's identity is blurred, and query strings are removed from addresses.\n\n");
    out.push_str("## Accounts\n\n| Label | Region | Plan | Created | Note |\n|---|---|---|---|---|\n");
    for a in accounts {
        let cell = |v: &Option<String>| v.as_deref().map(markdown).unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            markdown(&a.label),
            cell(&a.region),
            cell(&a.plan),
            cell(&a.created),
            cell(&a.note)
        ));
    }
    out.push_str(&format!(
        "\n## Files\n\n- `data.json`, `data.csv`: one row per account and setting (format {FORMAT_VERSION}; the JSON Schemas are `privaudit schema dataset` and `privaudit schema dataset-accounts`).\n\
         - `accounts.json`: the accounts above.\n- `evidence/`: screenshots (PNG) and records (JSON), per account.\n\
         - `{MANIFEST}`: the SHA-256 of every other file; `{MANIFEST}.minisig`, if present, its minisign signature.\n\n"
    ));
    out.push_str(&format!(
        "## How to verify\n\n```sh\nsha256sum -c {MANIFEST}             # every file is the one listed\nprivaudit dataset verify .          # the same, and the format\nminisign -Vm {MANIFEST} -P KEY    # if signed: the publisher's public key\n```\n\n\
         A file changed, added or removed after the dataset was made fails the check, naming the file.\n"
    ));
    out
}
