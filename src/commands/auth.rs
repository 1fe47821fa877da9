//! `privaudit auth set|show|rm`: credentials for unattended sign-in, kept in
//! the OS keyring. Nothing here ever prints a secret.

use std::io::{BufRead, IsTerminal};

use crate::cli::{AuthCommand, Context, ListFormat};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::secrets::{self, Credentials, Origin, Secret, SecretsError, StoredView};

pub fn run(ctx: &Context, command: AuthCommand) -> anyhow::Result<Exit> {
    match command {
        AuthCommand::Set {
            platform,
            username,
            stdin,
            totp,
        } => set(ctx, &platform, username, stdin, totp),
        AuthCommand::Show { platform, format } => show(ctx, &platform, format),
        AuthCommand::Rm { platform } => rm(ctx, &platform),
    }
}

/// Whether PLATFORM's rule can type stored credentials: None when it can,
/// else the reason it cannot.
fn known_platform(ctx: &Context, platform: &str) -> anyhow::Result<Option<String>> {
    let catalogue = super::load_rules(ctx)?;
    let Some(rule) = catalogue.platform(platform) else {
        return Err(Failure::usage(format!("no rules for platform `{platform}`"))
            .hint("`privaudit rules list` shows the platforms")
            .into());
    };
    Ok(match &rule.login {
        Some(login) if login.form.is_some() => None,
        Some(login) if login.cannot_automate.is_some() => Some(format!(
            "{} sign-in cannot be automated honestly: {}",
            rule.name,
            login.cannot_automate.as_deref().unwrap_or_default()
        )),
        _ => Some(format!(
            "the rules for {} do not describe its sign-in form, so privaudit never signs in to it by itself",
            rule.name
        )),
    })
}

fn keyring_failure(e: SecretsError) -> anyhow::Error {
    let hint = e.hint();
    Failure::usage(e.to_string()).hint(hint).into()
}

fn set(ctx: &Context, platform: &str, username: String, from_stdin: bool, ask_totp: bool) -> anyhow::Result<Exit> {
    if let Some(why) = known_platform(ctx, platform)? {
        // Stored credentials nothing will use would only be a secret at risk.
        return Err(Failure::usage(format!("not storing credentials: {why}"))
            .hint(format!(
                "sign in once with `privaudit login {platform}` (a window, or --cookies FILE); check and apply keep using that session"
            ))
            .into());
    }
    let (password, totp) = if from_stdin {
        let mut lines = std::io::stdin().lock().lines();
        let password = lines.next().transpose()?.unwrap_or_default();
        let totp = lines.next().transpose()?.filter(|l| !l.trim().is_empty());
        (Secret::from(password), totp.map(Secret::from))
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage("no terminal to ask for the password on")
                .hint("pipe the password (and optionally the TOTP secret on a second line) with --stdin")
                .into());
        }
        let password = Secret::from(rpassword::prompt_password(format!(
            "{platform} password for {username}: "
        ))?);
        let totp = if ask_totp {
            Some(Secret::from(rpassword::prompt_password(
                "TOTP secret (base32, from the authenticator setup page): ",
            )?))
        } else {
            None
        };
        (password, totp)
    };
    if secrecy::ExposeSecret::expose_secret(&password).is_empty() {
        return Err(Failure::usage("the password is empty")
            .hint("nothing was stored")
            .into());
    }
    if let Some(secret) = &totp {
        // Refuse a secret that cannot produce codes now, not at 3 a.m.
        secrets::totp::code_now(secret)
            .map_err(|e| Failure::usage(e.to_string()).hint("copy the secret again from the platform's setup page"))?;
    }
    let credentials = Credentials {
        username,
        password,
        totp,
    };
    secrets::store(platform, &credentials).map_err(keyring_failure)?;
    secrets::keyring_index::mark(&ctx.data_dir, platform, true)?;
    ctx.console.print(&format!(
        "Stored {platform} credentials for {} in the OS keyring{}.\ncheck and apply will sign in by themselves when {platform}'s session has expired.\n",
        credentials.username,
        if credentials.totp.is_some() { " (with a TOTP secret)" } else { "" }
    ));
    Ok(Exit::Ok)
}

fn show(ctx: &Context, platform: &str, format: ListFormat) -> anyhow::Result<Exit> {
    let unusable = known_platform(ctx, platform)?;
    let stored = match secrets::lookup(&ctx.accounts_path(), platform) {
        Ok(stored) => stored,
        // Where credentials are never used, an unreachable keyring is no news.
        Err(_) if unusable.is_some() => None,
        Err(e) => return Err(keyring_failure(e)),
    };
    let view = StoredView {
        schema_version: 1,
        platform: platform.to_string(),
        username: stored.as_ref().map(|(c, _)| c.username.clone()),
        password_stored: stored.is_some(),
        totp_stored: stored.as_ref().is_some_and(|(c, _)| c.totp.is_some()),
        from: stored.as_ref().map(|(_, origin)| match origin {
            Origin::Keyring => "keyring".to_string(),
            Origin::Commands => "commands".to_string(),
        }),
        usable: unusable.is_none(),
        unusable_reason: unusable.clone(),
    };
    if format == ListFormat::Json {
        ctx.console.print(&(serde_json::to_string_pretty(&view)? + "\n"));
        return Ok(Exit::Ok);
    }
    match stored {
        None => {
            match &unusable {
                Some(why) => ctx.console.print(&format!(
                    "No credentials for {platform}, and none are needed: {}.\nSign in with `privaudit login {platform}`.\n",
                    why.trim_end_matches('.')
                )),
                None => ctx.console.print(&format!(
                    "No credentials for {platform}. Store them with `privaudit auth set {platform} --username NAME`.\n"
                )),
            };
            Ok(Exit::Ok)
        }
        Some((c, origin)) => {
            let from = match origin {
                Origin::Keyring => "the OS keyring".to_string(),
                Origin::Commands => format!("commands in {}", ctx.accounts_path().display()),
            };
            ctx.console.print(&format!(
                "platform: {platform}\nusername: {}\npassword: stored (not shown)\ntotp:     {}\nfrom:     {from}\n",
                c.username,
                if c.totp.is_some() { "stored (not shown)" } else { "none" }
            ));
            if let Some(why) = unusable {
                let how = match origin {
                    Origin::Keyring => format!("`privaudit auth rm {platform}`"),
                    Origin::Commands => format!("the [{platform}] table of {}", ctx.accounts_path().display()),
                };
                ctx.console
                    .note(&format!("these credentials are never used: {why}; remove {how}"));
            }
            Ok(Exit::Ok)
        }
    }
}

fn rm(ctx: &Context, platform: &str) -> anyhow::Result<Exit> {
    known_platform(ctx, platform)?;
    let removed = secrets::remove(platform).map_err(keyring_failure)?;
    secrets::keyring_index::mark(&ctx.data_dir, platform, false)?;
    if removed {
        ctx.console
            .print(&format!("Removed the {platform} credentials from the OS keyring.\n"));
    } else {
        ctx.console
            .print(&format!("There were no {platform} credentials in the OS keyring.\n"));
    }
    Ok(Exit::Ok)
}
