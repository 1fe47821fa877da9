//! `privaudit --version`: the release, the git commit it was built from, and
//! the built-in rules' version, so a report or a bug names exactly what
//! produced it. `-V` stays the one-line release.

use crate::rules::load;

/// The long version text, e.g. `0.1.0 (commit 4cdf881a2b3c)\nrules: …`.
pub fn long_version() -> String {
    let rules = load::collect_sources(None, &[])
        .ok()
        .and_then(|texts| load::load_catalogue(&texts, chrono::Utc::now().date_naive()).ok())
        .map(|c| {
            let settings: usize = c.platforms.iter().map(|p| p.settings.len()).sum();
            format!("{} ({} platforms, {settings} settings)", c.version, c.platforms.len())
        })
        .unwrap_or_else(|| "the built-in rules do not load: a bug to report".into());
    format!(
        "{} (commit {})\nbuilt-in rules: {rules}",
        env!("CARGO_PKG_VERSION"),
        env!("PRIVAUDIT_GIT_COMMIT")
    )
}
