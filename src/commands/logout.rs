//! `privaudit logout PLATFORM`: forget a platform's saved session (its
//! Chromium profile directory). Stored credentials are the keyring's and
//! stay: `privaudit auth rm` removes those.

use crate::cli::Context;
use crate::exit::Exit;
use crate::failure::Failure;

pub fn run(ctx: &Context, platform: &str) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    if catalogue.platform(platform).is_none() {
        let known: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "no rules for platform `{platform}`; known platforms: {}",
            known.join(", ")
        ))
        .hint("`privaudit sessions` lists the saved sessions")
        .into());
    }
    // A run may be using the session right now.
    let _lock = crate::lock::acquire(&ctx.data_dir, ctx.lock_wait)?;
    if crate::sessions::remove(&ctx.sessions_dir(), platform)? {
        ctx.console.print(&format!(
            "Removed the saved {platform} session (its cookies and browser profile). If it was signed in, the platform may list it as a device until it expires; sign out there too to end it.\n"
        ));
    } else {
        ctx.console.print(&format!("There was no saved {platform} session.\n"));
    }
    Ok(Exit::Ok)
}
