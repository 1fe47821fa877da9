//! Checks on a setting's documented defaults and where it exists: known
//! plans, real regions, dates that have passed, and no entry that can never
//! be an account's default.

use std::ops::Range;

use crate::diag::{Diagnostic, LintCode};
use crate::rules::model::{Default as Entry, Platform, Setting};
use crate::rules::regions;

fn check_region(file: usize, term: &str, at: Range<usize>, out: &mut Vec<Diagnostic>) {
    if regions::canonical(term).is_none() {
        out.push(
            Diagnostic::error(LintCode::BadRegion, file, at, format!("`{term}` is not a region privaudit knows"))
                .help("use ISO 3166-1 alpha-2 country codes (\"US\", \"GB\", \"DE\"), \"EU\" or \"EEA\"; leave the list out for everywhere"),
        );
    }
}

pub(super) fn check_defaults_and_regions(
    file: usize,
    platform: &Platform,
    s: &Setting,
    header: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    for r in s.regions.iter().chain(&s.regions_except) {
        check_region(file, r.get_ref(), r.span(), out);
    }
    if !s.regions.is_empty() && !s.regions_except.is_empty() {
        out.push(
            Diagnostic::error(
                LintCode::InvalidValue,
                file,
                s.regions_except[0].span(),
                "`regions` and `regions_except` together",
            )
            .help("say where the setting exists, or where it does not, not both"),
        );
    }
    let plans: Vec<&str> = platform.plans.iter().map(|p| p.get_ref().as_str()).collect();
    for plan in &s.plans {
        if !plans.iter().any(|p| p.eq_ignore_ascii_case(plan.get_ref())) {
            out.push(
                Diagnostic::error(
                    LintCode::UnknownPlan,
                    file,
                    plan.span(),
                    format!(
                        "setting names plan `{}`, which `[platform] plans` does not list",
                        plan.get_ref()
                    ),
                )
                .help("declare the platform's plans in `[platform] plans`"),
            );
        }
    }
    let Some(default) = &s.default else {
        return;
    };
    let spanned = default.get_ref().spanned_entries(default.span());
    let entries: Vec<Entry> = spanned.iter().map(|(e, _)| e.clone()).collect();
    let at = |i: usize| spanned.get(i).map_or_else(|| default.span(), |(_, span)| span.clone());
    if entries.is_empty() {
        out.push(
            Diagnostic::error(
                LintCode::InvalidValue,
                file,
                default.span(),
                "`default = []` documents no default",
            )
            .help("give at least one `{ value = … }`, or leave `default` out and list \"default\" in `unverified`"),
        );
    }
    let setting_plans: Vec<&str> = s.plans.iter().map(|p| p.get_ref().as_str()).collect();
    let only: Vec<String> = s.regions.iter().map(|r| r.get_ref().clone()).collect();
    let except: Vec<String> = s.regions_except.iter().map(|r| r.get_ref().clone()).collect();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(why) = never_applies(entry, &entries[..i], &setting_plans, &only, &except) {
            out.push(
                Diagnostic::warning(
                    LintCode::UnreachableDefault,
                    file,
                    at(i),
                    format!("the default of `{}` for {} never applies: {why}", s.id.get_ref(), who(entry)),
                )
                .help("put the entries for particular plans and regions first (the first that holds wins), and only for plans and regions that have the setting"),
            );
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        for plan in &entry.plans {
            if !plans.iter().any(|p| p.eq_ignore_ascii_case(plan)) {
                out.push(
                    Diagnostic::error(
                        LintCode::UnknownPlan,
                        file,
                        at(i),
                        format!("default names plan `{plan}`, which `[platform] plans` does not list"),
                    )
                    .help(if plans.is_empty() {
                        "declare the platform's plans, e.g. `plans = [\"free\", \"pro\", \"business\"]`".to_string()
                    } else {
                        format!("use one of: {}", plans.join(", "))
                    }),
                );
            }
        }
        for r in &entry.regions {
            check_region(file, r, at(i), out);
        }
        if let Some(date) = &entry.as_of {
            let ok = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
                || chrono::NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d").is_ok();
            if !ok {
                out.push(
                    Diagnostic::error(LintCode::BadDate, file, at(i), format!("as_of `{date}` is not a date"))
                        .help("write YYYY-MM-DD, or YYYY-MM when the source gives only the month"),
                );
            } else if date.as_str() > chrono::Utc::now().format("%Y-%m-%d").to_string().as_str() {
                out.push(
                    Diagnostic::error(
                        LintCode::BadDate,
                        file,
                        at(i),
                        format!("as_of `{date}` is in the future"),
                    )
                    .help("as_of is when a source documented the default: a day that has passed"),
                );
            }
        }
    }
    let _ = header;
}

/// Why a default entry can never be the one an account gets: an earlier
/// entry already holds for every account it names, or it names only plans
/// or regions that do not have the setting. None: it can apply.
fn never_applies(
    entry: &Entry,
    earlier: &[Entry],
    setting_plans: &[&str],
    only: &[String],
    except: &[String],
) -> Option<String> {
    let plans_within = |outer: &[String]| {
        outer.is_empty()
            || (!entry.plans.is_empty()
                && entry
                    .plans
                    .iter()
                    .all(|p| outer.iter().any(|o| o.eq_ignore_ascii_case(p))))
    };
    let regions_within = |outer: &[String]| {
        outer.is_empty() || (!entry.regions.is_empty() && entry.regions.iter().all(|r| regions::any_contains(outer, r)))
    };
    if let Some(cover) = earlier
        .iter()
        .find(|e| plans_within(&e.plans) && regions_within(&e.regions))
    {
        return Some(format!("the earlier entry for {} already holds for it", who(cover)));
    }
    if !setting_plans.is_empty()
        && !entry.plans.is_empty()
        && !entry
            .plans
            .iter()
            .any(|p| setting_plans.iter().any(|s| s.eq_ignore_ascii_case(p)))
    {
        return Some(format!("the setting exists only on {}", setting_plans.join(", ")));
    }
    // An entry for a group applies wherever it overlaps the setting's
    // regions (an EEA default reaches a setting that exists only in DE).
    let absent = |r: &String| {
        (!only.is_empty() && !only.iter().any(|o| regions::overlaps(o, r))) || regions::any_contains(except, r)
    };
    if !entry.regions.is_empty() && entry.regions.iter().all(absent) {
        return Some("the setting does not exist there".into());
    }
    None
}

/// The accounts a default entry names, in a few words.
fn who(entry: &Entry) -> String {
    let mut parts = Vec::new();
    if !entry.plans.is_empty() {
        parts.push(format!("plans {}", entry.plans.join(", ")));
    }
    if !entry.regions.is_empty() {
        parts.push(format!("regions {}", entry.regions.join(", ")));
    }
    if parts.is_empty() {
        "every account".into()
    } else {
        parts.join(" in ")
    }
}
