//! The catalogue as `rules list --format json` prints it.

use serde::Serialize;

use super::facts::{Grade, Source};
use super::model::{Category, Default as DocumentedDefault};

/// `rules list --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Listing {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub rules_version: String,
    pub platforms: Vec<ListedPlatform>,
}

impl Listing {
    pub const SCHEMA_VERSION: u32 = 1;
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ListedPlatform {
    pub id: String,
    pub name: String,
    pub settings: usize,
    pub categories: Vec<Category>,
    pub verified: String,
    pub origin: String,
    pub file: String,
    /// How many settings are verified first-party, secondary, unverified.
    pub grades: GradeCounts,
    /// How sign-in works: `form` (stored credentials can renew the
    /// session), `login-only` (the rule says why it cannot be automated:
    /// sign in with `privaudit login`) or `undescribed`.
    pub sign_in: String,
    /// Each setting with its verification grade.
    pub items: Vec<ListedSetting>,
}

#[derive(Serialize, schemars::JsonSchema, Default)]
pub struct GradeCounts {
    pub first_party: usize,
    pub secondary: usize,
    pub unverified: usize,
}

impl GradeCounts {
    pub fn of<'a>(grades: impl IntoIterator<Item = &'a Grade>) -> GradeCounts {
        let mut c = GradeCounts::default();
        for g in grades {
            match g {
                Grade::FirstParty => c.first_party += 1,
                Grade::Secondary => c.secondary += 1,
                Grade::Unverified => c.unverified += 1,
            }
        }
        c
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ListedSetting {
    pub id: String,
    pub label: String,
    pub category: Category,
    /// A form or an email, not a control privaudit reads.
    pub manual: bool,
    pub grade: Grade,
    /// Facts no source confirms.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
}

impl ListedPlatform {
    pub fn of(p: &super::PlatformRules) -> ListedPlatform {
        let mut categories: Vec<Category> = p.settings.iter().map(|s| s.category).collect();
        categories.sort();
        categories.dedup();
        ListedPlatform {
            id: p.id.clone(),
            name: p.name.clone(),
            settings: p.settings.len(),
            categories,
            verified: p.verified.clone(),
            origin: p.origin.to_string(),
            file: p.file.clone(),
            grades: GradeCounts::of(p.settings.iter().map(|s| &s.grade)),
            sign_in: sign_in(p).to_string(),
            items: p
                .settings
                .iter()
                .map(|s| ListedSetting {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    category: s.category,
                    manual: matches!(s.kind, super::SettingKind::Manual { .. }),
                    grade: s.grade,
                    unverified: s.unverified.clone(),
                })
                .collect(),
        }
    }
}

/// `form`, `login-only` or `undescribed`: see [`ListedPlatform::sign_in`].
/// (Not "manual", which names settings only a form can change.)
pub fn sign_in(p: &super::PlatformRules) -> &'static str {
    match &p.login {
        Some(l) if l.form.is_some() => "form",
        Some(l) if l.cannot_automate.is_some() => "login-only",
        _ => "undescribed",
    }
}

/// `rules show PLATFORM --format json`: one platform's settings with where
/// each lives, how it is changed, its documented default and sources.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PlatformDetail {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    pub rules_version: String,
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub domains: Vec<String>,
    pub verified: String,
    pub file: String,
    pub origin: String,
    pub policy_urls: Vec<String>,
    /// The rule describes its sign-in form: stored credentials can renew
    /// a session unattended (`privaudit auth set`).
    pub can_sign_in: bool,
    /// Why the rule says signing in cannot be automated, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_automate: Option<String>,
    /// Account tiers the defaults distinguish.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<String>,
    pub settings: Vec<SettingDetail>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct SettingDetail {
    /// What profile overrides and `check PLATFORM.SETTING` name.
    pub id: String,
    pub label: String,
    pub category: Category,
    /// The page the control is on (web controls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Steps that reveal the control (a tab, a disclosure).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_value: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apply: Vec<String>,
    /// Settings only a form or an email can change: where, and the steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// The documented default for an account no entry of `defaults` names; None: unknown.
    pub default: Option<DefaultDetail>,
    /// Every documented default by plan and region (first match wins);
    /// present when there are several, or one for particular accounts only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub defaults: Vec<DocumentedDefault>,
    /// Where the setting exists (empty: everywhere), and where it does not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions_except: Vec<String>,
    pub since: Option<String>,
    pub source: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<String>,
    /// Every source with the facts it shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    pub grade: Grade,
    /// Which facts no source confirms yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct DefaultDetail {
    pub value: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PlatformDetail {
    pub const SCHEMA_VERSION: u32 = 1;

    pub fn of(p: &super::PlatformRules, rules_version: &str) -> PlatformDetail {
        PlatformDetail {
            schema_version: Self::SCHEMA_VERSION,
            rules_version: rules_version.to_string(),
            id: p.id.clone(),
            name: p.name.clone(),
            base_url: p.base_url.clone(),
            domains: p.domains.clone(),
            verified: p.verified.clone(),
            file: p.file.clone(),
            origin: p.origin.to_string(),
            policy_urls: p.policy_urls.clone(),
            can_sign_in: p.can_sign_in(),
            cannot_automate: p.login.as_ref().and_then(|l| l.cannot_automate.clone()),
            plans: p.plans.clone(),
            settings: p.settings.iter().map(|s| SettingDetail::of(s)).collect(),
        }
    }
}

impl SettingDetail {
    fn of(s: &super::SettingRule) -> SettingDetail {
        let mut detail = SettingDetail {
            id: s.id.clone(),
            label: s.label.clone(),
            category: s.category,
            page: None,
            open: Vec::new(),
            control: None,
            private_value: None,
            apply: Vec::new(),
            manual_url: None,
            steps: Vec::new(),
            default: s.general_default().map(|d| DefaultDetail {
                value: d.value.clone(),
                regions: d.regions.clone(),
                note: d.note.clone(),
            }),
            // The list whenever one entry is not the whole story: several
            // entries, or one for particular plans or regions only.
            defaults: if s.defaults.len() > 1 || s.general_default().is_none() {
                s.defaults.clone()
            } else {
                Vec::new()
            },
            regions: s.regions.clone(),
            regions_except: s.regions_except.clone(),
            since: s.since.clone(),
            source: s.source.clone(),
            see_also: s.see_also.clone(),
            sources: s.sources.clone(),
            grade: s.grade,
            unverified: s.unverified.clone(),
        };
        match &s.kind {
            super::SettingKind::Control {
                page,
                open,
                control,
                private_value,
                apply,
                ..
            } => {
                detail.page = Some(page.clone());
                detail.open = open.iter().map(|m| m.to_string()).collect();
                detail.control = Some(control.to_string());
                detail.private_value = Some(private_value.clone());
                detail.apply = apply.iter().map(|a| a.to_string()).collect();
            }
            super::SettingKind::Manual { url, steps } => {
                detail.manual_url = Some(url.clone());
                detail.steps = steps.clone();
            }
        }
        detail
    }
}
