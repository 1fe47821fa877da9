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

/// The JSON Schema of one of privaudit's JSON outputs, as privaudit writes
/// them (fields it leaves out when empty are optional).
pub fn json_schema(output: SchemaName) -> schemars::Schema {
    fn of<T: schemars::JsonSchema>() -> schemars::Schema {
        schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<T>()
    }
    match output {
        SchemaName::Run => of::<crate::audit::Run>(),
        SchemaName::Defaults => of::<crate::defaults::Matrix>(),
        SchemaName::History => of::<crate::history::Timeline>(),
        SchemaName::RulesList => of::<crate::rules::listing::Listing>(),
        SchemaName::RulesTest => of::<crate::conformance::Results>(),
        SchemaName::Lint => of::<Vec<crate::diag::Located>>(),
        SchemaName::RulesShow => of::<crate::rules::listing::PlatformDetail>(),
        SchemaName::Profile => of::<crate::profile::ProfileView>(),
        SchemaName::Auth => of::<crate::secrets::StoredView>(),
        SchemaName::Policy => of::<crate::policy::Outcome>(),
        SchemaName::Login => of::<crate::sessions::LoginView>(),
        SchemaName::LoginAll => of::<crate::sessions::LoginAll>(),
        SchemaName::Doctor => of::<crate::doctor::Report>(),
        SchemaName::PolicyList => of::<crate::policy::PolicyList>(),
        SchemaName::PolicyShow => of::<crate::policy::PolicyShown>(),
        SchemaName::Sessions => of::<crate::doctor::sessions::Sessions>(),
        SchemaName::Dataset => of::<crate::dataset::Data>(),
        SchemaName::DatasetAccounts => of::<crate::dataset::Accounts>(),
        SchemaName::DatasetVerify => of::<crate::dataset::verify::Verified>(),
        SchemaName::DefaultsObserved => of::<crate::defaults::observed::ObservedMatrix>(),
    }
}
