//! `<config>/accounts.toml`: credentials from commands, for people who keep
//! passwords in pass, 1Password CLI, Bitwarden CLI and the like.
//!
//! ```toml
//! [linkedin]
//! username = "me@example.org"
//! password_command = "pass show web/linkedin"
//! totp_command = "pass otp uri web/linkedin | sed 's/.*secret=//;s/&.*//'"   # optional
//! ```

use std::collections::BTreeMap;

use anyhow::Context as _;
use serde::Deserialize;

use super::credentials::{Credentials, Secret};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub username: String,
    pub password_command: String,
    /// Prints the base32 TOTP secret (not a code: privaudit computes codes).
    pub totp_command: Option<String>,
}

/// The accounts in `path` (`<config>/accounts.toml`); none when it does not exist.
pub fn load(path: &std::path::Path) -> anyhow::Result<BTreeMap<String, Account>> {
    let text = match crate::textfile::read_text(path) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))
}

impl Account {
    pub fn resolve(&self, platform: &str) -> anyhow::Result<Credentials> {
        let password = secret_from_command(&self.password_command)
            .with_context(|| format!("the password_command for {platform} in accounts.toml failed"))?;
        let totp = match &self.totp_command {
            Some(cmd) => Some(
                secret_from_command(cmd)
                    .with_context(|| format!("the totp_command for {platform} in accounts.toml failed"))?,
            ),
            None => None,
        };
        Ok(Credentials {
            username: self.username.clone(),
            password,
            totp,
        })
    }
}

/// Runs `sh -c cmd` and takes the first line of its output. The output is
/// a secret: it is never part of an error.
pub fn secret_from_command(cmd: &str) -> anyhow::Result<Secret> {
    let output = crate::external::run(cmd, None, &[], crate::external::timeout())
        .with_context(|| format!("`{cmd}` did not give a password"))?;
    if !output.status.success() {
        // Its own message went to stderr, above this one.
        match output.status.code() {
            Some(code) => anyhow::bail!("`{cmd}` exited with status {code} (its own message, if any, is above)"),
            None => anyhow::bail!("`{cmd}` was ended by a signal ({})", output.status),
        }
    }
    let text = String::from_utf8(output.stdout).map_err(|_| anyhow::anyhow!("`{cmd}` printed something not UTF-8"))?;
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r').to_string();
    if first.is_empty() {
        anyhow::bail!("`{cmd}` printed nothing");
    }
    Ok(Secret::from(first))
}
