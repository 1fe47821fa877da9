//! What is stored for a platform: a username and secrets that cannot be
//! printed or serialised by accident.

use serde::Deserialize;

pub use secrecy::SecretString as Secret;

/// What is stored for one platform.
#[derive(Debug, Clone, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
    /// The base32 TOTP secret of the account's authenticator app (RFC 6238).
    #[serde(default)]
    pub totp: Option<Secret>,
}
