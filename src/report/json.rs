//! JSON output: the [`Run`] as is. Its shape is the documented, versioned
//! schema (`schema_version`).

use anyhow::Context;

use crate::audit::Run;

pub fn render(run: &Run) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(run).context("could not encode the report as JSON")?;
    text.push('\n');
    Ok(text)
}
