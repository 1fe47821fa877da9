//! Evidence: for each setting read, a screenshot of the band of the page
//! around its control and a JSON record of what was read, where and with
//! which rules. A journalist can publish from it; a user can prove a change.
//! Files are private (0600) in a private directory (0700), one per run.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::fsutil;

#[derive(Debug)]
pub struct Evidence {
    dir: PathBuf,
    rules_version: String,
}

#[derive(Serialize)]
struct Record<'a> {
    platform: &'a str,
    setting: &'a str,
    label: &'a str,
    /// `read` for check; `before` and `after` for apply.
    phase: &'a str,
    url: &'a str,
    time: String,
    rules_version: &'a str,
    locator: &'a str,
    value: Option<&'a str>,
    screenshot: Option<String>,
    /// SHA-256 of the screenshot file, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    screenshot_sha256: Option<String>,
    /// The control's accessibility node, as Chromium gave it over CDP.
    #[serde(skip_serializing_if = "Option::is_none")]
    accessibility: Option<&'a serde_json::Value>,
    /// The control's markup with its label, at most 2,000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    dom: Option<&'a str>,
}

/// What was captured of a control besides its value.
#[derive(Default)]
pub struct Captured<'a> {
    /// The band of the page around the control, outlined (PNG).
    pub png: Option<&'a [u8]>,
    pub accessibility: Option<serde_json::Value>,
    pub dom: Option<String>,
}

/// SHA-256 of `bytes`, lowercase hex (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What one evidence record is about.
pub struct Subject<'a> {
    pub platform: &'a str,
    pub setting: &'a str,
    pub label: &'a str,
    pub url: &'a str,
    pub locator: &'a str,
}

impl Evidence {
    /// Makes `<base>/<UTC time>/` for this run.
    pub fn create(base: &Path, rules_version: &str) -> anyhow::Result<Evidence> {
        fsutil::create_private_dir(base)?;
        let dir = base.join(chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string());
        fsutil::create_private_dir(&dir)?;
        Ok(Evidence {
            dir,
            rules_version: rules_version.to_string(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn record(
        &self,
        subject: &Subject,
        phase: &str,
        value: Option<&str>,
        captured: &Captured,
    ) -> anyhow::Result<()> {
        let stem = format!("{}.{}.{phase}", subject.platform, subject.setting);
        let screenshot = match captured.png {
            Some(bytes) => {
                let name = format!("{stem}.png");
                fsutil::write_private_bytes(&self.dir.join(&name), bytes)?;
                Some(name)
            }
            None => None,
        };
        let record = Record {
            platform: subject.platform,
            setting: subject.setting,
            label: subject.label,
            phase,
            url: subject.url,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            rules_version: &self.rules_version,
            locator: subject.locator,
            value,
            screenshot,
            screenshot_sha256: captured.png.map(sha256_hex),
            accessibility: captured.accessibility.as_ref(),
            dom: captured.dom.as_deref(),
        };
        let json = serde_json::to_string_pretty(&record).context("could not encode an evidence record")?;
        fsutil::write_private_file(&self.dir.join(format!("{stem}.json")), &(json + "\n"))
    }
}
