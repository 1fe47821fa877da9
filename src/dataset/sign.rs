//! Signing a dataset's manifest with a minisign key the person holds, and
//! checking it: `MANIFEST.sha256.minisig` beside the manifest, the same
//! file `minisign -Sm MANIFEST.sha256` writes, so `minisign -Vm` checks it
//! too. The manifest holds every other file's hash, so the signature
//! covers the whole dataset.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{anyhow, Context};
use minisign::{PublicKey, PublicKeyBox, SecretKeyBox, SignatureBox};

use super::{MANIFEST, SIGNATURE};

/// Signs `<dir>/MANIFEST.sha256` with the minisign secret key in
/// `secret_key`. An encrypted key's password is asked on the terminal;
/// without one, `password` (from `--password-command`) gives it.
pub fn sign(dir: &Path, secret_key: &Path, password: Option<String>) -> anyhow::Result<()> {
    let manifest = dir.join(MANIFEST);
    let data = std::fs::read(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    let text = crate::textfile::read_text(secret_key)
        .map_err(|e| anyhow!("cannot read the secret key {}: {e}", secret_key.display()))?;
    let key = match SecretKeyBox::from_string(&text).and_then(|b| b.into_unencrypted_secret_key()) {
        Ok(key) => key,
        Err(_) => {
            // Encrypted (minisign's default): the password, from a command or
            // the terminal, never from the command line.
            if password.is_none() && !std::io::stdin().is_terminal() {
                anyhow::bail!(
                    "{} is protected by a password, and there is no terminal to ask it on: give --password-command",
                    secret_key.display()
                );
            }
            SecretKeyBox::from_string(&text)
                .and_then(|b| b.into_secret_key(password))
                .map_err(|e| anyhow!("cannot open the secret key {}: {e}", secret_key.display()))?
        }
    };
    // A fixed comment: the folder's local name is nobody's business, and
    // minisign trims what it signs in a comment.
    let trusted = format!("privaudit dataset manifest, signed {}", crate::timestamp::now());
    let signature = minisign::sign(None, &key, std::io::Cursor::new(data.clone()), Some(&trusted), None)
        .map_err(|e| anyhow!("cannot sign: {e}"))?;
    let text = signature.into_string();
    // What a reader will check, checked before it is written.
    let reread =
        SignatureBox::from_string(&text).map_err(|e| anyhow!("the signature made cannot be read back: {e}"))?;
    let public = PublicKey::from_secret_key(&key).map_err(|e| anyhow!("cannot derive the public key: {e}"))?;
    minisign::verify(&public, &reread, std::io::Cursor::new(data), true, false, false)
        .map_err(|e| anyhow!("the signature made does not verify: {e}"))?;
    crate::fsutil::replace_private_file(&dir.join(SIGNATURE), text.as_bytes())?;
    Ok(())
}

/// A minisign public key: a `.pub` file, or the key's base64 line itself.
pub fn public_key(given: &str) -> anyhow::Result<PublicKey> {
    let path = Path::new(given);
    if path.is_file() {
        let text = crate::textfile::read_text(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
        return PublicKeyBox::from_string(&text)
            .and_then(|b| b.into_public_key())
            .map_err(|e| anyhow!("{} is not a minisign public key: {e}", path.display()));
    }
    PublicKey::from_base64(given.trim())
        .map_err(|_| anyhow!("the public key is neither a file nor a minisign key (`RW…`, 56 characters)"))
}

/// Whether `<dir>` holds a signature file that parses as one (checked or
/// not, a file that is no signature is never called one).
pub fn present(dir: &Path) -> Result<bool, String> {
    let file = dir.join(SIGNATURE);
    match std::fs::symlink_metadata(&file) {
        Err(_) => Ok(false),
        Ok(meta) if !meta.is_file() => Err(format!("{SIGNATURE} is not a file")),
        Ok(_) => {
            let text = std::fs::read_to_string(&file).map_err(|_| format!("{SIGNATURE} is not text"))?;
            SignatureBox::from_string(&text)
                .map(|_| true)
                .map_err(|_| format!("{SIGNATURE} is not a minisign signature"))
        }
    }
}

/// Checks the signature of `<dir>/MANIFEST.sha256` with `key`.
pub fn check(dir: &Path, key: &PublicKey) -> anyhow::Result<()> {
    let file = dir.join(SIGNATURE);
    let text =
        std::fs::read_to_string(&file).map_err(|_| anyhow!("the dataset is not signed: {SIGNATURE} is missing"))?;
    let signature =
        SignatureBox::from_string(&text).map_err(|e| anyhow!("{SIGNATURE} is not a minisign signature: {e}"))?;
    let data = std::fs::read(dir.join(MANIFEST)).with_context(|| format!("cannot read {MANIFEST}"))?;
    minisign::verify(key, &signature, std::io::Cursor::new(data), true, false, false)
        .map_err(|_| anyhow!("{SIGNATURE} does not match {MANIFEST} with this public key: the manifest was changed, or another key signed it"))
}
