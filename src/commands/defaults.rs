//! `privaudit defaults`: the cross-platform matrix of documented defaults.

use crate::cli::Context;
use crate::cli::{DefaultsArgs, DefaultsFormat};
use crate::defaults::{self, html};
use crate::exit::Exit;
use crate::failure::Failure;

pub fn run(ctx: &Context, args: DefaultsArgs) -> anyhow::Result<Exit> {
    let catalogue = super::load_rules(ctx)?;
    let matrix = defaults::build(&catalogue);
    let text = match args.format {
        DefaultsFormat::Table => matrix.table(ctx.console.stdout_color),
        DefaultsFormat::Markdown => matrix.markdown(),
        DefaultsFormat::Csv => matrix.csv()?,
        DefaultsFormat::Json => serde_json::to_string_pretty(&matrix)? + "\n",
        DefaultsFormat::Html => html::render(&matrix, &super::today().to_string()),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
            ctx.console.note(&format!("wrote {}", path.display()));
        }
        None => {
            ctx.console.print(&text);
        }
    }
    Ok(Exit::Ok)
}
