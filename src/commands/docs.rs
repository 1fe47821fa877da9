//! `privaudit completions SHELL`, `privaudit man` and `privaudit schema
//! OUTPUT`: the command line and the JSON outputs, described by the code
//! that defines them (clap_complete, clap_mangen, schemars), never by hand.

use clap::CommandFactory;

use crate::cli::{Cli, Context, SchemaName};
use crate::exit::Exit;

pub fn completions(ctx: &Context, shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "privaudit", &mut buffer);
    ctx.console.print(&String::from_utf8_lossy(&buffer));
    Ok(Exit::Ok)
}

pub fn man(ctx: &Context) -> anyhow::Result<Exit> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buffer)?;
    ctx.console.print(&String::from_utf8_lossy(&buffer));
    Ok(Exit::Ok)
}

pub fn schema(ctx: &Context, output: SchemaName) -> anyhow::Result<Exit> {
    let schema = json_schema(output);
    ctx.console.print(&(serde_json::to_string_pretty(&schema)? + "\n"));
    Ok(Exit::Ok)
}

/// The JSON Schema of one of privaudit's JSON outputs.
pub fn json_schema(output: SchemaName) -> schemars::Schema {
    match output {
        SchemaName::Run => schemars::schema_for!(crate::audit::Run),
        SchemaName::Defaults => schemars::schema_for!(crate::defaults::Matrix),
        SchemaName::History => schemars::schema_for!(crate::history::Timeline),
        SchemaName::RulesList => schemars::schema_for!(crate::rules::listing::Listing),
        SchemaName::RulesTest => schemars::schema_for!(crate::conformance::Results),
        SchemaName::Lint => schemars::schema_for!(Vec<crate::diag::Located>),
    }
}
