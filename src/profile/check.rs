//! A profile checked against the rules it will be used with: every wanted
//! value must be one the setting can take, and every override must name a
//! setting the rules have. A typo here would otherwise be reported as drift
//! every night (`ai-training = "privat"`), or silently do nothing.

use std::ops::Range;

use super::{Profile, Wanted};
use crate::diag::{Diagnostic, LintCode, SourceFiles};
use crate::rules::{Catalogue, SettingKind};

/// What a toggle, or a whole category, may be set to.
const TOGGLE_VALUES: [&str; 4] = ["private", "ignore", "on", "off"];
/// What any setting may be set to.
const KEYWORDS: [&str; 2] = ["private", "ignore"];

/// The problems of a profile file, ready to render; empty when it is fine
/// or is a built-in preset.
pub struct Problems {
    pub diagnostics: Vec<Diagnostic>,
    pub files: SourceFiles,
}

impl Problems {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks `profile` against `catalogue`. Unknown platforms are warnings (the
/// rules in use may be a subset); everything else is an error.
pub fn against(profile: &Profile, catalogue: &Catalogue) -> Problems {
    let mut files = SourceFiles::default();
    let mut diagnostics = Vec::new();
    let Some(written) = &profile.written else {
        return Problems { diagnostics, files };
    };
    let file = files.add(profile.source.to_string(), written.text.clone());
    // A value no setting can take, and one a terminal would act on when
    // `profile show` prints it.
    diagnostics.extend(crate::rules::lint::check_control_characters(file, &written.text));

    // A plan the rules do not know would silently fall back to the general
    // default: say so where it is written.
    for (platform, span) in &written.plans {
        let plan = profile
            .accounts
            .get(platform)
            .and_then(|a| a.plan.clone())
            .unwrap_or_default();
        match catalogue.platform(platform) {
            Some(rules) if !rules.plans.iter().any(|p| p.eq_ignore_ascii_case(&plan)) => diagnostics.push(
                Diagnostic::warning(
                    LintCode::UnknownPlan,
                    file,
                    span.clone(),
                    format!("{} has no plan `{plan}` in its rules", rules.name),
                )
                .help(if rules.plans.is_empty() {
                    format!("{}'s defaults do not differ by plan: the plan can go", rules.name)
                } else {
                    format!("use one of: {}", rules.plans.join(", "))
                }),
            ),
            Some(_) => {}
            None => diagnostics.push(
                Diagnostic::warning(
                    LintCode::UnknownSetting,
                    file,
                    span.clone(),
                    format!("no rules for platform `{platform}`"),
                )
                .help({
                    let ids: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
                    match closest(&platform.to_ascii_lowercase(), &ids) {
                        Some(id) => format!("did you mean `{id}`? (platform ids are lower-case)"),
                        None => "`privaudit rules list` shows the platforms".to_string(),
                    }
                }),
            ),
        }
    }

    for (category, span) in &written.categories {
        if let Some(Wanted::Value(v)) = profile.categories.get(category) {
            let choices: Vec<String> = catalogue
                .platforms
                .iter()
                .flat_map(|p| p.settings.iter().map(move |s| (p, s)))
                .filter(|(p, s)| {
                    s.category == *category
                        && matches!(s.kind, SettingKind::Control { .. })
                        && !crate::plan::is_toggle(s)
                        && !profile.settings.contains_key(&format!("{}.{}", p.id, s.id))
                })
                .map(|(p, s)| format!("{}.{}", p.id, s.id))
                .collect();
            if is_toggle_value(v) && !choices.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        LintCode::InvalidValue,
                        file,
                        span.clone(),
                        format!(
                            "`{v}` sets the switches of {}; its {} choice setting{} ({}) are not audited",
                            category.as_str(),
                            choices.len(),
                            if choices.len() == 1 { "" } else { "s" },
                            choices.join(", ")
                        ),
                    )
                    .help("use \"private\" for the category, or give each choice an option's name under [settings]"),
                );
            }
            if !TOGGLE_VALUES.contains(&v.to_ascii_lowercase().as_str()) {
                diagnostics.push(
                    bad_value(file, span.clone(), v, &TOGGLE_VALUES)
                        .help(format!("a category takes {}", list(&TOGGLE_VALUES))),
                );
            }
        }
    }

    let known: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
    for (platform, span) in &written.platforms {
        if catalogue.platform(platform).is_none() {
            let d = Diagnostic::warning(
                LintCode::UnknownSetting,
                file,
                span.clone(),
                format!("no rule defines platform `{platform}`"),
            );
            diagnostics.push(match closest(platform, &known) {
                Some(near) => d.help(format!("did you mean `{near}`?")),
                None => d.help("`privaudit rules list` shows the platforms"),
            });
        }
    }

    for (key, (key_span, value_span)) in &written.settings {
        let Some((platform_id, setting_id)) = key.split_once('.') else {
            diagnostics.push(
                Diagnostic::error(
                    LintCode::UnknownSetting,
                    file,
                    key_span.clone(),
                    format!("`{key}` is not `platform.setting`"),
                )
                .help(if ["region", "preset", "platforms"].contains(&key.as_str()) {
                    format!("`{key}` belongs at the top of the file, before any [table]: under [settings] it reads as a setting")
                } else {
                    "write the key as `\"platform.setting\"`, e.g. `\"x.personalized-ads\"`".to_string()
                }),
            );
            continue;
        };
        let Some(platform) = catalogue.platform(platform_id) else {
            let known: Vec<&str> = catalogue.platforms.iter().map(|p| p.id.as_str()).collect();
            let mut d = Diagnostic::warning(
                LintCode::UnknownSetting,
                file,
                key_span.clone(),
                format!("no rule defines platform `{platform_id}`; this override does nothing"),
            );
            d = match closest(platform_id, &known) {
                Some(near) => d.help(format!("did you mean `{near}.{setting_id}`?")),
                None => d.help("`privaudit rules list` shows the platforms"),
            };
            diagnostics.push(d);
            continue;
        };
        let Some(setting) = platform.settings.iter().find(|s| s.id == setting_id) else {
            let ids: Vec<&str> = platform.settings.iter().map(|s| s.id.as_str()).collect();
            let help = match closest(setting_id, &ids) {
                Some(near) => format!("did you mean `{platform_id}.{near}`?"),
                None => format!("{}'s settings: {}", platform.name, ids.join(", ")),
            };
            diagnostics.push(
                Diagnostic::error(
                    LintCode::UnknownSetting,
                    file,
                    key_span.clone(),
                    format!("{} has no setting `{setting_id}`", platform.name),
                )
                .help(help),
            );
            continue;
        };
        let Some(Wanted::Value(v)) = profile.settings.get(key) else {
            continue;
        };
        let lower = v.to_ascii_lowercase();
        if let SettingKind::Control { private_value, .. } = &setting.kind {
            if !is_toggle_value(private_value) {
                // A choice: any option's name is valid, and the rule knows
                // only some of them; catch what is clearly a slip.
                if is_toggle_value(&lower) {
                    diagnostics.push(
                        Diagnostic::error(
                            LintCode::InvalidValue,
                            file,
                            value_span.clone(),
                            format!(
                                "`{v}` is not an option of {} (it is a choice, not a switch)",
                                setting.label
                            ),
                        )
                        .help(format!(
                            "use {}, or an option's name as the page shows it, e.g. \"{private_value}\"",
                            list(&KEYWORDS)
                        )),
                    );
                } else if let Some(near) = closest(&lower, &KEYWORDS) {
                    diagnostics.push(bad_value(file, value_span.clone(), v, &[near]));
                }
                continue;
            }
        }
        if !TOGGLE_VALUES.contains(&lower.as_str()) {
            diagnostics.push(bad_value(file, value_span.clone(), v, &TOGGLE_VALUES).help(format!(
                "{} is a switch: {}",
                setting.label,
                list(&TOGGLE_VALUES)
            )));
        }
    }
    Problems { diagnostics, files }
}

fn is_toggle_value(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "on" | "off")
}

/// An error for value `v`, suggesting the nearest of `allowed` (the help
/// line lists them unless a caller replaces it).
fn bad_value(file: usize, span: Range<usize>, v: &str, allowed: &[&str]) -> Diagnostic {
    let message = match closest(&v.to_ascii_lowercase(), allowed) {
        Some(near) => format!("`{v}` is not a value privaudit knows; did you mean \"{near}\"?"),
        None => format!("`{v}` is not a value privaudit knows"),
    };
    Diagnostic::error(LintCode::InvalidValue, file, span, message).help(format!("use {}", list(allowed)))
}

/// The candidate nearest to `word`, if it is near enough to be a typo
/// (Jaro-Winkler similarity, as clap uses for its suggestions).
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn list(values: &[&str]) -> String {
    values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_words_are_suggested_and_far_ones_are_not() {
        assert_eq!(closest("privat", &TOGGLE_VALUES), Some("private"));
        assert_eq!(closest("ignroe", &TOGGLE_VALUES), Some("ignore"));
        assert_eq!(closest("Don't share", &TOGGLE_VALUES), None);
        assert_eq!(closest("of", &TOGGLE_VALUES), Some("off"));
    }
}
