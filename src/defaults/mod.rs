//! The cross-platform matrix of documented defaults, for journalists: per
//! platform and category, how many settings share the user's data by
//! default, where, and on whose word. Pure: rules in, matrix out.

pub mod html;
pub mod observed;

use serde::Serialize;

use crate::rules::{same_value, Catalogue, Category, DocumentedDefault, Grade, SettingKind};

/// What a setting does to a new account, by the rule's documented default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// The default is not the private value: data is shared unless the user acts.
    SharedByDefault,
    /// The default is already the private value.
    PrivateByDefault,
    /// No documented default.
    Unknown,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SettingDefault {
    pub id: String,
    pub label: String,
    pub exposure: Exposure,
    pub default: Option<String>,
    pub private_value: Option<String>,
    pub regions: Vec<String>,
    pub note: Option<String>,
    pub since: Option<String>,
    pub source: String,
    /// Every source of the setting, with its kind and the facts it shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::rules::Source>,
    /// True when the rule lists its default as unverified.
    pub default_unverified: bool,
    pub manual: bool,
    /// How strongly the rule's sources verify the setting.
    pub grade: Grade,
    /// Every documented default, by plan and region, first match first;
    /// `default` is the one for an account no entry names, or one that holds
    /// wherever and on whatever plan the setting exists, or else the first
    /// that shares data; null when every entry is private but some accounts
    /// have none (the split says which).
    pub by_account: Vec<DocumentedDefault>,
    /// Where the setting exists at all (empty: everywhere), and where not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_in: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_in: Vec<String>,
}

impl SettingDefault {
    /// The plan and region split in a few words, e.g. "on; off for
    /// business, enterprise; off in EEA, GB"; empty when there is none.
    pub fn split_text(&self) -> String {
        if self.by_account.len() < 2
            && self
                .by_account
                .iter()
                .all(|d| d.plans.is_empty() && d.regions.is_empty())
        {
            return String::new();
        }
        self.by_account
            .iter()
            .map(|d| {
                let mut part = d.value.clone();
                if !d.plans.is_empty() {
                    part.push_str(&format!(" for {}", d.plans.join(", ")));
                }
                if !d.regions.is_empty() {
                    part.push_str(&format!(" in {}", d.regions.join(", ")));
                }
                if d.plans.is_empty() && d.regions.is_empty() {
                    part.push_str(" otherwise");
                }
                part
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Whether where the setting exists, or its default, depends on the country.
    pub fn varies_by_region(&self) -> bool {
        // A default documented for one country only is not a difference.
        let split = self.by_account.len() > 1 && self.by_account.iter().any(|d| !d.regions.is_empty());
        !self.only_in.is_empty() || !self.not_in.is_empty() || split
    }

    /// Where the setting exists, in a few words; empty: everywhere.
    pub fn where_text(&self) -> String {
        match (self.only_in.is_empty(), self.not_in.is_empty()) {
            (false, _) => format!("only in {}", self.only_in.join(", ")),
            (true, false) => format!("not in {}", self.not_in.join(", ")),
            (true, true) => String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Cell {
    pub category: Category,
    pub settings: Vec<SettingDefault>,
}

impl Cell {
    pub fn shared(&self) -> usize {
        self.count(Exposure::SharedByDefault)
    }

    pub fn known(&self) -> usize {
        self.settings.len() - self.count(Exposure::Unknown)
    }

    /// How many of the shared-by-default settings exist, or default, one
    /// way in some countries and another way elsewhere: their regions are
    /// not one list to show (some exclude each other), so the cell says how
    /// many vary and the CSV says where.
    pub fn shared_varying_by_region(&self) -> usize {
        self.settings
            .iter()
            .filter(|s| s.exposure == Exposure::SharedByDefault && s.varies_by_region())
            .count()
    }

    fn count(&self, e: Exposure) -> usize {
        self.settings.iter().filter(|s| s.exposure == e).count()
    }

    /// Share of documented defaults that expose data, 0.0–1.0; None when no
    /// default is documented.
    pub fn ratio(&self) -> Option<f64> {
        (self.known() > 0).then(|| self.shared() as f64 / self.known() as f64)
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Row {
    pub platform: String,
    pub name: String,
    pub verified: String,
    pub policy_urls: Vec<String>,
    pub cells: Vec<Cell>,
}

/// `defaults --format json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Matrix {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub rules_version: String,
    pub categories: Vec<Category>,
    pub rows: Vec<Row>,
}

pub fn build(catalogue: &Catalogue) -> Matrix {
    let categories: Vec<Category> = Category::ALL.to_vec();
    let rows = catalogue
        .platforms
        .iter()
        .map(|p| Row {
            platform: p.id.clone(),
            name: p.name.clone(),
            verified: p.verified.clone(),
            policy_urls: p.policy_urls.clone(),
            cells: categories
                .iter()
                .map(|c| Cell {
                    category: *c,
                    settings: p
                        .settings
                        .iter()
                        .filter(|s| s.category == *c)
                        .map(|s| {
                            let (private_value, manual) = match &s.kind {
                                SettingKind::Control { private_value, .. } => (Some(private_value.clone()), false),
                                SettingKind::Manual { .. } => (None, true),
                            };
                            // An account nobody described gets the general
                            // entry. Where no entry holds for every account,
                            // the headline is the first that shares data, so a
                            // default that is private only for some plans or
                            // regions never reads as private for all.
                            let general = headline_default(s, private_value.as_deref());
                            SettingDefault {
                                id: s.id.clone(),
                                label: s.label.clone(),
                                exposure: exposure(general.map(|d| d.value.as_str()), private_value.as_deref()),
                                default: general.map(|d| d.value.clone()),
                                private_value,
                                regions: general.map(|d| d.regions.clone()).unwrap_or_default(),
                                note: general.and_then(|d| d.note.clone()),
                                since: s.since.clone(),
                                source: s.source.clone(),
                                sources: s.sources.clone(),
                                default_unverified: s.unverified.iter().any(|u| u == "default"),
                                manual,
                                grade: s.grade,
                                by_account: s.defaults.clone(),
                                only_in: s.regions.clone(),
                                not_in: s.regions_except.clone(),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Matrix {
        schema_version: 1,
        rules_version: catalogue.version.clone(),
        categories,
        rows,
    }
}

/// Manual settings (objection forms) have no private value to compare: their
/// default says whether the user is included until they object.
/// The default the matrix headlines: the one for an account nobody
/// described, or one that holds wherever and on whatever plan the setting
/// exists. Failing both, the first that shares data, so a default private
/// only for some accounts never reads as private for all; None (unknown)
/// when every documented default is private but some accounts have none.
fn headline_default<'s>(
    s: &'s crate::rules::SettingRule,
    private_value: Option<&str>,
) -> Option<&'s DocumentedDefault> {
    let covers_every_account = |d: &DocumentedDefault| {
        let plans = d.plans.is_empty()
            || (!s.plans.is_empty()
                && s.plans
                    .iter()
                    .all(|p| d.plans.iter().any(|x| x.eq_ignore_ascii_case(p))));
        let regions = d.regions.is_empty()
            || (!s.regions.is_empty()
                && s.regions
                    .iter()
                    .all(|r| crate::rules::regions::any_contains(&d.regions, r)));
        plans && regions
    };
    s.general_default()
        .or_else(|| s.defaults.iter().find(|d| covers_every_account(d)))
        .or_else(|| {
            s.defaults
                .iter()
                .find(|d| exposure(Some(&d.value), private_value) == Exposure::SharedByDefault)
        })
}

fn exposure(default: Option<&str>, private_value: Option<&str>) -> Exposure {
    match (default, private_value) {
        (None, _) => Exposure::Unknown,
        (Some(d), Some(p)) if same_value(d, p) => Exposure::PrivateByDefault,
        (Some(_), Some(_)) => Exposure::SharedByDefault,
        (Some(d), None) => {
            let d = d.trim().to_ascii_lowercase();
            if ["excluded", "not included", "off", "opted out", "private"].contains(&d.as_str()) {
                Exposure::PrivateByDefault
            } else {
                Exposure::SharedByDefault
            }
        }
    }
}

impl Matrix {
    /// One cell's summary, e.g. "2/3 shared by default (1 vary by country)".
    pub fn cell_text(cell: &Cell) -> String {
        if cell.settings.is_empty() {
            return "—".into();
        }
        let mut text = format!("{}/{} shared by default", cell.shared(), cell.settings.len());
        let varying = cell.shared_varying_by_region();
        if varying > 0 {
            text.push_str(&format!(" ({varying} vary by country)"));
        }
        text
    }

    pub fn table(&self, _color: bool) -> String {
        let mut header = vec!["Platform".to_string()];
        header.extend(self.categories.iter().map(|c| c.to_string()));
        let mut table = crate::output::table(header, crate::output::TableStyle::Wrapped);
        for row in &self.rows {
            let mut cells = vec![row.name.clone()];
            cells.extend(row.cells.iter().map(Self::cell_text));
            table.add_row(cells);
        }
        crate::output::keep_words_whole(&mut table, &[]);
        format!(
            "{table}\n{}\n\"Vary by country\": the setting exists, or defaults, differently by country; --format csv says where.\nSources: `privaudit rules show PLATFORM`, or --format html for a page with each setting's sources.\n",
            self.totals()
        )
    }

    pub(super) fn totals(&self) -> String {
        let all: Vec<&SettingDefault> = self
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().flat_map(|c| c.settings.iter()))
            .collect();
        let shared = all.iter().filter(|s| s.exposure == Exposure::SharedByDefault).count();
        let first_party = all.iter().filter(|s| s.grade == Grade::FirstParty).count();
        format!(
            "{} platforms, {} settings: {shared} share your data unless you act; {first_party} verified first-party (rules {})",
            self.rows.len(),
            all.len(),
            self.rules_version
        )
    }

    pub fn markdown(&self) -> String {
        let esc = crate::output::escape_cell;
        let mut out = String::from("| Platform |");
        for c in &self.categories {
            out.push_str(&format!(" {c} |"));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(self.categories.len()));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&format!("| {} |", esc(&row.name)));
            for cell in &row.cells {
                out.push_str(&format!(" {} |", esc(&Self::cell_text(cell))));
            }
            out.push('\n');
        }
        out.push_str(&format!("\n{}\n\n", self.totals()));
        out.push_str("| Platform | Setting | Category | Default | By plan and region | Private | Where | Since | Verified | Source |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for row in &self.rows {
            for cell in &row.cells {
                for s in &cell.settings {
                    out.push_str(&format!(
                        "| {} | {} | {} | {}{} | {} | {} | {} | {} | {} | {} |\n",
                        esc(&row.name),
                        esc(&s.label),
                        cell.category,
                        esc(s.default.as_deref().unwrap_or("unknown")),
                        if s.default_unverified { " (unverified)" } else { "" },
                        esc(&s.split_text()),
                        esc(s.private_value.as_deref().unwrap_or("form")),
                        esc(&s.where_text()),
                        esc(s.since.as_deref().unwrap_or("")),
                        s.grade,
                        s.source
                    ));
                }
            }
        }
        out
    }

    pub fn csv(&self) -> anyhow::Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "platform",
            "setting",
            "label",
            "category",
            "exposure",
            "default",
            "default_unverified",
            "private_value",
            "regions",
            "since",
            "source",
            "grade",
            "by_plan_and_region",
            "where",
        ])?;
        for row in &self.rows {
            for cell in &row.cells {
                for s in &cell.settings {
                    let exposure = serde_json::to_value(s.exposure)?;
                    crate::output::untrusted::csv_row(
                        &mut w,
                        [
                            row.platform.as_str(),
                            &s.id,
                            &s.label,
                            cell.category.as_str(),
                            exposure.as_str().unwrap_or(""),
                            s.default.as_deref().unwrap_or(""),
                            if s.default_unverified { "true" } else { "false" },
                            s.private_value.as_deref().unwrap_or(""),
                            &s.regions.join("; "),
                            s.since.as_deref().unwrap_or(""),
                            &s.source,
                            s.grade.as_str(),
                            &s.split_text(),
                            &s.where_text(),
                        ],
                    )?;
                }
            }
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }
}

impl crate::output::Render for Matrix {
    fn table(&self, color: bool) -> String {
        Matrix::table(self, color)
    }

    fn markdown(&self) -> String {
        Matrix::markdown(self)
    }

    fn csv(&self) -> anyhow::Result<String> {
        Matrix::csv(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A default that is private only for business plans must not make the
    /// setting read as private for everyone (Perplexity, Claude, Canva).
    #[test]
    fn a_default_private_only_for_some_plans_reads_as_shared() {
        let toml = r#"
[platform]
id = "p"
name = "P"
domains = ["p.example"]
base_url = "https://p.example"
verified = "2026-11-20"
plans = ["free", "enterprise"]

[[setting]]
id = "s"
label = "Retention"
category = "ai-training"
page = "/s"
control = { role = "switch", name = "Retention" }
private_value = "off"
default = [
  { value = "off", plans = ["enterprise"] },
  { value = "on", plans = ["free"] },
]
sources = [{ url = "https://p.example/help", kind = "first-party", shows = ["label", "page", "control", "default"] }]

[[setting]]
id = "t"
label = "Training"
category = "ai-training"
page = "/t"
control = { role = "switch", name = "Training" }
private_value = "off"
default = [{ value = "off", plans = ["enterprise"] }]
sources = [{ url = "https://p.example/help", kind = "first-party", shows = ["label", "page", "control", "default"] }]
"#;
        let text = crate::rules::load::RuleText {
            name: "p.toml".into(),
            origin: crate::rules::catalogue::RuleOrigin::RulesFlag,
            text: toml.into(),
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let catalogue = crate::rules::load::load_catalogue(&[text], today).expect("valid rule");
        let matrix = build(&catalogue);
        let s = &matrix.rows[0].cells[0].settings[0];
        assert_eq!(s.exposure, Exposure::SharedByDefault);
        assert_eq!(s.default.as_deref(), Some("on"));
        assert_eq!(s.split_text(), "off for enterprise; on for free");
        // Private for Enterprise, undocumented for everyone else: unknown.
        let t = &matrix.rows[0].cells[0].settings[1];
        assert_eq!((t.exposure, t.default.as_deref()), (Exposure::Unknown, None));
        assert_eq!(t.split_text(), "off for enterprise");
    }

    #[test]
    fn exposure_compares_the_default_with_the_private_value() {
        assert_eq!(exposure(Some("on"), Some("off")), Exposure::SharedByDefault);
        assert_eq!(exposure(Some(" Off "), Some("off")), Exposure::PrivateByDefault);
        assert_eq!(exposure(None, Some("off")), Exposure::Unknown);
        // Objection forms: included until the user objects.
        assert_eq!(exposure(Some("included"), None), Exposure::SharedByDefault);
        assert_eq!(exposure(Some("excluded"), None), Exposure::PrivateByDefault);
    }
}
