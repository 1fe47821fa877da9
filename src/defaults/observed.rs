//! `defaults --observed DIR…`: what the rules document against what test
//! accounts showed, merged across datasets. Accounts are grouped by region
//! and plan; within a group, datasets of different dates make a timeline,
//! so a default that changed shows when ("on since 2026-09-14"). Pure:
//! datasets in, matrix out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dataset::Dataset;
use crate::rules::same_value;

/// `defaults --observed … --format json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ObservedMatrix {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub datasets: Vec<DatasetInfo>,
    pub settings: Vec<ObservedSetting>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DatasetInfo {
    /// The folder it was read from, as given.
    pub path: String,
    /// The day its readings were made (YYYY-MM-DD).
    pub observed_on: String,
    pub rules_version: String,
    pub accounts: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ObservedSetting {
    pub platform: String,
    pub setting: String,
    pub label: String,
    pub category: String,
    pub private_value: String,
    /// What the rules say a new account has, as the newest dataset recorded
    /// it for its first account; each group has its own (plans and regions
    /// differ), in `groups[].documented_default`.
    pub documented_default: Option<String>,
    pub documented_regions: Vec<String>,
    pub groups: Vec<Group>,
}

/// The accounts of one region and plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Group {
    pub region: Option<String>,
    pub plan: Option<String>,
    /// The default the rules document for this region and plan, as the
    /// newest dataset recorded it.
    pub documented_default: Option<String>,
    /// Every reading, oldest first.
    pub observations: Vec<Observation>,
    /// The value the newest readings agree on; None when they disagree
    /// with each other or none was read.
    pub latest: Option<String>,
    /// Since when the readings show `latest` without a break (YYYY-MM-DD).
    pub since: Option<String>,
    /// The value before `since`, when an earlier dataset saw another one.
    pub before: Option<String>,
    /// `latest` is not the documented default.
    pub disagrees: bool,
    /// `latest` is not the private value.
    pub exposed: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Observation {
    pub date: String,
    pub account: String,
    /// None: not read (see the dataset for why).
    pub value: Option<String>,
}

/// Merges datasets (`paths` as given, for the report).
pub fn build(datasets: &[(String, Dataset)]) -> ObservedMatrix {
    let mut infos = Vec::new();
    type Key = (String, String);
    let mut settings: BTreeMap<Key, ObservedSetting> = BTreeMap::new();
    type Readings = (Vec<Observation>, Option<String>);
    let mut groups: BTreeMap<(Key, Option<String>, Option<String>), Readings> = BTreeMap::new();
    // Oldest dataset first, so the newest one's documented default wins;
    // datasets of one day in the order of their folders, not of the
    // arguments, so the result never depends on how they were listed.
    let mut ordered: Vec<&(String, Dataset)> = datasets.iter().collect();
    ordered.sort_by(|(pa, a), (pb, b)| a.observed_on().cmp(&b.observed_on()).then_with(|| pa.cmp(pb)));
    for (path, dataset) in ordered {
        infos.push(DatasetInfo {
            path: path.clone(),
            observed_on: dataset.observed_on(),
            rules_version: dataset.data.rules_version.clone(),
            accounts: dataset.accounts.len(),
        });
        for row in &dataset.data.rows {
            let key = (row.platform.clone(), row.setting.clone());
            settings.insert(
                key.clone(),
                ObservedSetting {
                    platform: row.platform.clone(),
                    setting: row.setting.clone(),
                    label: row.label.clone(),
                    category: row.category.clone(),
                    private_value: row.private_value.clone(),
                    documented_default: row.documented_default.clone(),
                    documented_regions: row.documented_regions.clone(),
                    groups: Vec::new(),
                },
            );
            let account = dataset.account(&row.account);
            let region = account.and_then(|a| a.region.clone());
            let plan = account.and_then(|a| a.plan.clone());
            let group = groups.entry((key, region, plan)).or_default();
            group.0.push(Observation {
                date: row.read_at.chars().take(10).collect(),
                account: row.account.clone(),
                value: row.observed.clone(),
            });
            group.1 = row.documented_default.clone();
        }
    }
    for ((key, region, plan), (mut observations, documented_default)) in groups {
        observations.sort_by(|a, b| a.date.cmp(&b.date).then(a.account.cmp(&b.account)));
        let Some(setting) = settings.get_mut(&key) else {
            continue;
        };
        let (latest, since, before) = timeline(&observations);
        let disagrees = match (&latest, &documented_default) {
            (Some(l), Some(d)) => !same_value(l, d),
            _ => false,
        };
        let exposed = latest
            .as_deref()
            .is_some_and(|l| !same_value(l, &setting.private_value));
        setting.groups.push(Group {
            region,
            plan,
            documented_default,
            observations,
            latest,
            since,
            before,
            disagrees,
            exposed,
        });
    }
    ObservedMatrix {
        schema_version: 1,
        datasets: infos,
        settings: settings.into_values().collect(),
    }
}

/// The newest agreed value, since when it holds, and what came before.
fn timeline(observations: &[Observation]) -> (Option<String>, Option<String>, Option<String>) {
    // One value per date: the date's readings, if they agree.
    let mut by_date: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in observations {
        if let Some(v) = &o.value {
            by_date.entry(&o.date).or_default().push(v);
        }
    }
    let agreed: Vec<(&str, Option<&str>)> = by_date
        .into_iter()
        .map(|(date, values)| {
            let first = values[0];
            (date, values.iter().all(|v| same_value(v, first)).then_some(first))
        })
        .collect();
    let Some((_, Some(latest))) = agreed.last().copied() else {
        return (None, None, None);
    };
    let mut since = None;
    let mut before = None;
    for (date, value) in agreed.iter().rev() {
        match value {
            Some(v) if same_value(v, latest) => since = Some(date.to_string()),
            other => {
                before = other.map(str::to_string);
                break;
            }
        }
    }
    (Some(latest.to_string()), since, before)
}

impl Group {
    /// "EU · free", or "any region".
    pub fn name(&self) -> String {
        match (&self.region, &self.plan) {
            (Some(r), Some(p)) => format!("{r} · {p}"),
            (Some(r), None) => r.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => "unspecified".into(),
        }
    }

    /// "on since 2026-09-14 (was off)", "on", or "not read".
    pub fn observed_text(&self) -> String {
        match (&self.latest, &self.since, &self.before) {
            (Some(l), Some(s), Some(b)) => format!("{l} since {s} (was {b})"),
            (Some(l), _, _) => l.clone(),
            (None, _, _) if self.observations.iter().any(|o| o.value.is_some()) => "accounts differ".into(),
            (None, _, _) => "not read".into(),
        }
    }
}

impl ObservedMatrix {
    /// One row per setting and group; cells clipped to 300 characters (a
    /// dataset's text is nobody's here, and a table has to fit it).
    fn lines(&self) -> Vec<[String; 6]> {
        self.full_lines()
            .into_iter()
            .map(|line| line.map(|cell| clip(&cell, 300)))
            .collect()
    }

    fn full_lines(&self) -> Vec<[String; 6]> {
        let mut out = Vec::new();
        for s in &self.settings {
            for g in &s.groups {
                let flag = match (g.disagrees, g.before.is_some()) {
                    (true, true) => "differs from documented; changed",
                    (true, false) => "differs from documented",
                    (false, true) => "changed",
                    (false, false) => "",
                };
                out.push([
                    format!("{} · {}", s.platform, s.label),
                    g.documented_default.clone().unwrap_or_else(|| "not documented".into()),
                    g.name(),
                    g.observed_text(),
                    if g.exposed { "yes".into() } else { "no".into() },
                    flag.into(),
                ]);
            }
        }
        out
    }

    const HEADER: [&'static str; 6] = ["Setting", "Documented", "Accounts", "Observed", "Shares data", "Flag"];

    fn summary(&self) -> String {
        let groups: Vec<&Group> = self.settings.iter().flat_map(|s| s.groups.iter()).collect();
        format!(
            "{} datasets ({}), {} settings: {} of {} observed groups differ from the documented default, {} changed over time",
            self.datasets.len(),
            self.datasets
                .iter()
                .map(|d| d.observed_on.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            self.settings.len(),
            groups.iter().filter(|g| g.disagrees).count(),
            groups.len(),
            groups.iter().filter(|g| g.before.is_some()).count()
        )
    }

    pub fn table(&self) -> String {
        let mut table = crate::output::table(
            Self::HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
            crate::output::TableStyle::Wrapped,
        );
        for line in self.lines() {
            table.add_row(line.to_vec());
        }
        crate::output::keep_words_whole(&mut table, &[]);
        format!("{table}\n{}\n", self.summary())
    }

    pub fn markdown(&self) -> String {
        let esc = crate::output::escape_cell;
        let mut out = format!("| {} |\n|---|---|---|---|---|---|\n", Self::HEADER.join(" | "));
        for line in self.lines() {
            let cells: Vec<String> = line.iter().map(|c| esc(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out.push_str(&format!("\n{}\n", self.summary()));
        out
    }

    pub fn csv(&self) -> anyhow::Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "platform",
            "setting",
            "label",
            "documented_default",
            "region",
            "plan",
            "observed",
            "since",
            "before",
            "disagrees",
            "exposed",
        ])?;
        for s in &self.settings {
            for g in &s.groups {
                crate::output::untrusted::csv_row(
                    &mut w,
                    [
                        s.platform.as_str(),
                        &s.setting,
                        &s.label,
                        g.documented_default.as_deref().unwrap_or(""),
                        g.region.as_deref().unwrap_or(""),
                        g.plan.as_deref().unwrap_or(""),
                        g.latest.as_deref().unwrap_or(""),
                        g.since.as_deref().unwrap_or(""),
                        g.before.as_deref().unwrap_or(""),
                        if g.disagrees { "true" } else { "false" },
                        if g.exposed { "true" } else { "false" },
                    ],
                )?;
            }
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }

    /// One self-contained page a newsroom can embed (no script, no loads).
    pub fn html(&self, generated: &str) -> String {
        use maud::{html, PreEscaped, DOCTYPE};
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { "Documented and observed privacy defaults — privaudit" }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    h1 { "Documented and observed privacy defaults" }
                    p.lede { (self.summary()) "." }
                    p.meta { "Documented: what each platform's own sources say a new account has. Observed: what test accounts showed, read by privaudit from the settings pages. Generated " (generated) "." }
                    table {
                        thead { tr { @for h in Self::HEADER { th { (h) } } } }
                        tbody {
                            @for line in self.lines() {
                                tr class=(if line[5].contains("differs") { "differs" } else { "" }) {
                                    @for cell in &line { td { (cell) } }
                                }
                            }
                        }
                    }
                    h2 { "Datasets" }
                    ul { @for d in &self.datasets {
                        li { code { (d.path) } ": observed " (d.observed_on) ", " (d.accounts) " accounts, rules " (d.rules_version) }
                    } }
                }
            }
        }
        .into_string()
            + "\n"
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    text.chars().take(max).chain(std::iter::once('…')).collect()
}

const STYLE: &str = r#"
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; }
  .lede { font-size: 1.05rem; } .meta { color: #5b6670; font-size: .9rem; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d5dbe0; padding: .35rem .55rem; text-align: left; vertical-align: top; }
  tr.differs td { background: hsl(0 70% 95%); } tr.differs td:last-child { color: hsl(0 65% 40%); font-weight: 700; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn o(date: &str, value: Option<&str>) -> Observation {
        Observation {
            date: date.into(),
            account: "a".into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn a_value_that_changed_says_since_when_and_what_it_was() {
        let (latest, since, before) = timeline(&[
            o("2026-08-01", Some("off")),
            o("2026-09-14", Some("on")),
            o("2026-10-01", Some("on")),
        ]);
        assert_eq!(latest.as_deref(), Some("on"));
        assert_eq!(since.as_deref(), Some("2026-09-14"));
        assert_eq!(before.as_deref(), Some("off"));
    }

    #[test]
    fn unread_readings_are_skipped_and_disagreeing_accounts_give_no_value() {
        let (latest, since, before) = timeline(&[o("2026-08-01", Some("on")), o("2026-09-01", None)]);
        assert_eq!(
            (latest.as_deref(), since.as_deref(), before),
            (Some("on"), Some("2026-08-01"), None)
        );
        let mut two = vec![o("2026-09-01", Some("on")), o("2026-09-01", Some("off"))];
        two[1].account = "b".into();
        assert_eq!(timeline(&two).0, None);
    }
}
