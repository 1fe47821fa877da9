//! Credentials for unattended sign-in: the OS keyring (through `keyring`),
//! or commands from `<config>/accounts.toml` for users of pass, 1Password
//! CLI, Bitwarden CLI and the like. Secrets are `secrecy` strings: their
//! Debug output is redacted and they cannot be serialised by accident, so
//! they cannot reach a log, a report or an error.

pub mod accounts;
mod credentials;
pub mod keyring_index;
pub mod totp;

use std::path::Path;

use secrecy::ExposeSecret;
use serde::Serialize;

pub use credentials::{Credentials, Secret};

const SERVICE: &str = "privaudit";

/// The keyring entry's JSON: the only place a secret is written out, and
/// only into the OS keyring.
#[derive(Serialize)]
struct KeyringEntry<'a> {
    username: &'a str,
    password: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    totp: Option<&'a str>,
}

/// `auth show --format json`: what is stored for a platform, never a secret.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct StoredView {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub platform: String,
    pub username: Option<String>,
    pub password_stored: bool,
    pub totp_stored: bool,
    /// `keyring` or `commands` (accounts.toml); None when nothing is stored.
    pub from: Option<String>,
    /// Whether the platform's rule can type credentials at all.
    pub usable: bool,
    /// Why not, when it cannot.
    pub unusable_reason: Option<String>,
}

/// Where credentials came from, for `auth show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Keyring,
    Commands,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("the OS keyring is not available ({0})")]
    NoKeyring(String),
    #[error("the keyring entry for {platform} is not valid: {why}")]
    Corrupt { platform: String, why: String },
    /// accounts.toml or one of its commands, with every cause, so a
    /// command's timeout or exit status is not lost.
    #[error("{0:#}")]
    Accounts(#[from] anyhow::Error),
}

impl SecretsError {
    pub fn hint(&self) -> &'static str {
        match self {
            SecretsError::NoKeyring(_) => "on Linux the keyring is the Secret Service over D-Bus (GNOME Keyring, KeePassXC): start a desktop session or `gnome-keyring-daemon --unlock`, or put a password_command in <config>/accounts.toml instead",
            SecretsError::Corrupt { .. } => "store the credentials again with `privaudit auth set PLATFORM`",
            SecretsError::Accounts(_) => "fix <config>/accounts.toml (see the README, \"Accounts\")",
        }
    }
}

fn entry(platform: &str) -> Result<keyring::Entry, SecretsError> {
    keyring::Entry::new(SERVICE, platform).map_err(|e| SecretsError::NoKeyring(e.to_string()))
}

/// Stores credentials in the OS keyring, replacing what was there.
pub fn store(platform: &str, credentials: &Credentials) -> Result<(), SecretsError> {
    let entry_json = KeyringEntry {
        username: &credentials.username,
        password: credentials.password.expose_secret(),
        totp: credentials.totp.as_ref().map(|t| t.expose_secret()),
    };
    let json = serde_json::to_string(&entry_json).map_err(|e| SecretsError::Accounts(e.into()))?;
    entry(platform)?
        .set_password(&json)
        .map_err(|e| SecretsError::NoKeyring(e.to_string()))
}

/// Removes a platform's keyring entry; false when there was none.
pub fn remove(platform: &str) -> Result<bool, SecretsError> {
    match entry(platform)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(SecretsError::NoKeyring(e.to_string())),
    }
}

fn from_keyring(platform: &str) -> Result<Option<Credentials>, SecretsError> {
    match entry(platform)?.get_password() {
        Ok(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| SecretsError::Corrupt {
                platform: platform.to_string(),
                // serde's message may quote the input: say only where it broke.
                why: format!(
                    "not the JSON privaudit writes (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            }),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(SecretsError::NoKeyring(e.to_string())),
    }
}

/// The credentials for `platform`: `accounts` (the user's accounts.toml,
/// chosen explicitly) first, then the keyring.
pub fn lookup(accounts: &Path, platform: &str) -> Result<Option<(Credentials, Origin)>, SecretsError> {
    if let Some(account) = accounts::load(accounts)?.remove(platform) {
        return Ok(Some((account.resolve(platform)?, Origin::Commands)));
    }
    Ok(from_keyring(platform)?.map(|c| (c, Origin::Keyring)))
}

/// Whether the OS keyring answers: a lookup of an entry nobody stores is
/// "no entry" from a working keyring, an error from a missing one.
pub fn probe() -> Result<(), SecretsError> {
    match entry("privaudit-doctor-probe")?.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(SecretsError::NoKeyring(e.to_string())),
    }
}

/// Whether credentials are configured for `platform`, without running any
/// password command or reading a secret (for deciding on sessions).
pub fn configured(accounts: &Path, platform: &str) -> bool {
    if accounts::load(accounts).is_ok_and(|a| a.contains_key(platform)) {
        return true;
    }
    matches!(from_keyring(platform), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let c = Credentials {
            username: "me@example.org".into(),
            password: Secret::from("hunter2"),
            totp: Some(Secret::from("JBSWY3DPEHPK3PXP")),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("JBSWY3DP"), "{shown}");
        assert!(shown.contains("me@example.org"));
    }
}
