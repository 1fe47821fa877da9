//! What several commands' arguments share: value parsers and the output
//! format flag.

use clap::{Args, ValueEnum};

use crate::output::Format;

pub fn parse_category(s: &str) -> Result<crate::rules::Category, String> {
    use crate::rules::Category;
    Category::ALL.iter().copied().find(|c| c.as_str() == s).ok_or_else(|| {
        let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown category `{s}`; the categories are {}", known.join(", "))
    })
}

pub fn parse_base_url(s: &str) -> Result<(String, String), String> {
    let (platform, url) = s.split_once('=').ok_or("expected PLATFORM=URL")?;
    let parsed = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{url}` is not an http(s) URL"));
    }
    Ok((platform.to_string(), url.to_string()))
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table, env = "PRIVAUDIT_FORMAT")]
    pub format: Format,
}

pub fn parse_moment(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    crate::timestamp::parse_moment(s, chrono::Utc::now())
}

pub fn parse_keep(s: &str) -> Result<chrono::Duration, String> {
    crate::timestamp::parse_duration(s)
}

/// Table for people, or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}
