//! CSV output: one row per finding, for spreadsheets.

use anyhow::Context;

use crate::audit::Run;

pub fn render(run: &Run) -> anyhow::Result<String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "platform", "setting", "label", "category", "status", "current", "wanted", "url", "message", "source",
        ])
        .context("could not write CSV")?;
    for f in &run.findings {
        crate::output::untrusted::csv_row(
            &mut writer,
            [
                f.platform.as_str(),
                f.setting.as_str(),
                f.label.as_str(),
                f.category.as_str(),
                f.status.as_str(),
                f.current.as_deref().unwrap_or(""),
                f.wanted.as_str(),
                f.url.as_deref().unwrap_or(""),
                f.message.as_deref().unwrap_or(""),
                f.source.as_str(),
            ],
        )
        .context("could not write CSV")?;
    }
    let bytes = writer.into_inner().context("could not write CSV")?;
    String::from_utf8(bytes).context("CSV output is not UTF-8")
}
