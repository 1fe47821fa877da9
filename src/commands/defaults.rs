//! `privaudit defaults`: the cross-platform matrix of documented defaults,
//! and with `--observed DIR…` documented against observed.

use crate::cli::Context;
use crate::cli::{DefaultsArgs, DefaultsFormat};
use crate::defaults::{self, html};
use crate::exit::Exit;
use crate::failure::Failure;

pub fn run(ctx: &Context, args: DefaultsArgs) -> anyhow::Result<Exit> {
    let text = if args.observed.is_empty() {
        documented(ctx, &args)?
    } else {
        observed(&args)?
    };
    match &args.output {
        Some(path) => {
            // A file is read later, in a terminal too: only what the
            // console would print reaches it.
            let text = crate::output::untrusted::for_terminal(&text, false);
            crate::fsutil::write_output_file(path, text.as_bytes()).map_err(|e| Failure::usage(format!("{e:#}")))?;
            ctx.console.note(&format!("wrote {}", path.display()));
        }
        None => {
            ctx.console.print(&text);
        }
    }
    Ok(Exit::Ok)
}

/// Documented against observed, from datasets (each verified first: a
/// matrix is only as good as the files it comes from).
fn observed(args: &DefaultsArgs) -> anyhow::Result<String> {
    let mut datasets = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for dir in &args.observed {
        // The same folder twice would count its readings twice.
        if !seen.insert(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())) {
            continue;
        }
        let verified = crate::dataset::verify::verify(dir, None).map_err(|e| Failure::usage(format!("{e:#}")))?;
        if !verified.ok {
            return Err(Failure::usage(format!(
                "{} does not verify: {}",
                dir.display(),
                verified.problems.join("; ")
            ))
            .hint("`privaudit dataset verify DIR` lists what is wrong")
            .into());
        }
        let dataset = crate::dataset::Dataset::load(dir).map_err(|e| Failure::usage(format!("{e:#}")))?;
        // The folder's name, not where it sits on this machine: the page is
        // for publishing.
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string());
        datasets.push((name, dataset));
    }
    let matrix = crate::defaults::observed::build(&datasets);
    Ok(match args.format {
        DefaultsFormat::Table => matrix.table(),
        DefaultsFormat::Markdown => matrix.markdown(),
        DefaultsFormat::Csv => matrix.csv()?,
        DefaultsFormat::Json => serde_json::to_string_pretty(&matrix)? + "\n",
        DefaultsFormat::Html => matrix.html(&super::today().to_string()),
    })
}

fn documented(ctx: &Context, args: &DefaultsArgs) -> anyhow::Result<String> {
    let catalogue = super::load_rules(ctx)?;
    let matrix = defaults::build(&catalogue);
    let text = match args.format {
        DefaultsFormat::Table => matrix.table(ctx.console.stdout_color),
        DefaultsFormat::Markdown => matrix.markdown(),
        DefaultsFormat::Csv => matrix.csv()?,
        DefaultsFormat::Json => serde_json::to_string_pretty(&matrix)? + "\n",
        DefaultsFormat::Html => html::render(&matrix, &super::today().to_string()),
    };
    Ok(text)
}
