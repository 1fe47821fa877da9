//! Where text goes: results to stdout (a closed pipe is not an error), notes
//! and errors to stderr, logs through `tracing`.

use std::io::Write;

use crate::context::Context;

pub fn init_logging(ctx: &Context) {
    let level = if ctx.quiet {
        "error"
    } else {
        match ctx.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    };
    // chromiumoxide logs every CDP message it does not know at error level;
    // those are noise unless someone is debugging the driver.
    let default = format!(
        "{level},chromiumoxide={}",
        if ctx.verbose >= 2 { "warn" } else { "off" }
    );
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("PRIVAUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // The CDP messages that type a password into a sign-in form carry it as
    // an argument: the driver and websocket layers never log below warn,
    // whatever PRIVAUDIT_LOG asks for, so a secret cannot reach a log.
    for directive in ["chromiumoxide=warn", "tungstenite=warn", "async_tungstenite=warn"] {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ctx.stderr_color)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Writes a command's result. Returns false when stdout is closed (e.g.
/// `privaudit check | head`), which callers treat as done, not failed.
pub fn print(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_ok()
}

/// A note for the person running the command (not part of the result).
pub fn note(ctx: &Context, message: &str) {
    if !ctx.quiet {
        let _ = writeln!(std::io::stderr(), "{}{message}", prefix(ctx, "note", "\x1b[1;36m"));
    }
}

pub fn warn(ctx: &Context, message: &str) {
    if !ctx.quiet {
        let _ = writeln!(std::io::stderr(), "{}{message}", prefix(ctx, "warning", "\x1b[1;33m"));
    }
}

pub fn error(ctx: &Context, message: &str, hint: Option<&str>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}{message}", prefix(ctx, "error", "\x1b[1;31m"));
    if let Some(hint) = hint {
        let _ = writeln!(err, "{}{hint}", prefix(ctx, "  help", "\x1b[1;32m"));
    }
}

fn prefix(ctx: &Context, word: &str, color: &str) -> String {
    if ctx.stderr_color {
        format!("{color}{word}\x1b[0m: ")
    } else {
        format!("{word}: ")
    }
}
