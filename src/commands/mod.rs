//! One module per subcommand. Each takes the resolved [`Context`] and its own
//! arguments and returns the exit code; errors carry their own.

pub mod apply;
pub mod auth;
pub mod check;
pub mod conformance;
pub mod defaults;
pub mod demo;
pub mod history;
pub mod login;
pub mod notify;
pub mod policy;
pub mod profile;
pub mod rules;

use crate::context::Context;
use crate::diag::{Diagnostic, SourceFiles};
use crate::failure::Failure;
use crate::rules::{load, Catalogue};

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Loads the rules in use (built-in, config dir, `--rules`). Broken rules stop
/// the command with every diagnostic shown: auditing with half a rule set
/// would silently skip settings.
pub fn load_rules(ctx: &Context) -> anyhow::Result<Catalogue> {
    let texts = load::collect_sources(Some(&ctx.rules_dir()), &ctx.extra_rules)
        .map_err(|e| Failure::usage(format!("{e:#}")).hint("check the --rules path and the files' permissions"))?;
    load::load_catalogue(&texts, today()).map_err(|e| {
        show_diagnostics(ctx, &e.files, &e.diagnostics);
        let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
        Failure::usage(format!(
            "{errors} error{} in the rule files",
            if errors == 1 { "" } else { "s" }
        ))
        .hint("fix the rules above (`privaudit rules lint` checks them), or remove the overriding file")
        .into()
    })
}

pub fn show_diagnostics(ctx: &Context, files: &SourceFiles, diagnostics: &[Diagnostic]) {
    let text = files.render(diagnostics, ctx.stderr_color);
    eprint!("{text}");
}
