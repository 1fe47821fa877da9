//! Credentials for unattended sign-in: the OS keyring (through `keyring`),
//! or commands from `<config>/accounts.toml` for users of pass, 1Password
//! CLI, Bitwarden CLI and the like. Secrets live in [`Secret`], whose Debug
//! and Display never show the value, so they cannot reach a log or an error.

pub mod accounts;
pub mod totp;

use serde::{Deserialize, Serialize};

use crate::context::Context;

const SERVICE: &str = "privaudit";

/// A value that must never be printed.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for typing into the platform's own sign-in page only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What is stored for one platform.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
    /// The base32 TOTP secret of the account's authenticator app (RFC 6238).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<Secret>,
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
    #[error(transparent)]
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
    let json = serde_json::to_string(credentials).map_err(|e| SecretsError::Accounts(e.into()))?;
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

/// The credentials for `platform`: accounts.toml commands first (the user
/// chose them explicitly), then the keyring.
pub fn lookup(ctx: &Context, platform: &str) -> Result<Option<(Credentials, Origin)>, SecretsError> {
    if let Some(account) = accounts::load(ctx)?.remove(platform) {
        return Ok(Some((account.resolve(platform)?, Origin::Commands)));
    }
    Ok(from_keyring(platform)?.map(|c| (c, Origin::Keyring)))
}

/// Whether credentials are configured for `platform`, without running any
/// password command or reading a secret (for deciding on sessions).
pub fn configured(ctx: &Context, platform: &str) -> bool {
    if accounts::load(ctx).is_ok_and(|a| a.contains_key(platform)) {
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
            password: Secret::new("hunter2"),
            totp: Some(Secret::new("JBSWY3DPEHPK3PXP")),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("JBSWY3DP"), "{shown}");
        assert!(shown.contains("me@example.org"));
    }
}
