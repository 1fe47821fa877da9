//! The plan: which settings of which platforms to audit, with the value the
//! user wants for each. Pure: rules + profile + filters in, plan out.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::profile::{Profile, Wanted};
use crate::rules::{Catalogue, PlatformRules, SettingKind, SettingRule};

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub platforms: Vec<PlatformPlan>,
    /// Settings the account's region or plan does not have, per the rules.
    pub not_offered: Vec<NotOffered>,
}

/// A setting the rules say the account lacks: left out, or read anyway
/// because the user named it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct NotOffered {
    /// `platform.setting`.
    pub setting: String,
    /// Why, e.g. "not offered in DE" or "not on the free plan".
    pub why: String,
    /// True when the user named it, so it was read anyway.
    pub read_anyway: bool,
}

#[derive(Debug, Clone)]
pub struct PlatformPlan {
    pub platform: Arc<PlatformRules>,
    /// Where this run reaches the platform: `base_url`, or an override
    /// (a replica, a mirror).
    pub base_url: String,
    pub items: Vec<PlanItem>,
}

#[derive(Debug, Clone)]
pub struct PlanItem {
    pub setting: Arc<SettingRule>,
    /// The concrete value wanted, as the UI shows it; for manual settings,
    /// the rule's intent ("private").
    pub wanted: String,
    /// Every name the wanted option goes by (one per language the rule
    /// knows); for toggles just `on` or `off`.
    pub wanted_names: Vec<String>,
    /// The wanted option's `value` attribute, when the rule gives it.
    pub wanted_value: Option<String>,
    /// The platform's documented default for this account's plan and
    /// region (as the profile describes the account), if documented.
    pub default: Option<crate::rules::DocumentedDefault>,
}

impl PlanItem {
    /// Does a value read from the page (its name, and for native options
    /// its `value` attribute) equal the wanted one?
    pub fn is_wanted(&self, name: &str, option_value: Option<&str>) -> bool {
        if let (Some(want), Some(got)) = (&self.wanted_value, option_value) {
            return want == got;
        }
        let name = crate::rules::locator::normalise_name(name);
        self.wanted_names
            .iter()
            .any(|w| crate::rules::locator::normalise_name(w).eq_ignore_ascii_case(&name))
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error("unknown platform `{name}`; known platforms: {known}")]
    UnknownPlatform { name: String, known: String },
    #[error("--base-url names unknown platform `{0}`")]
    UnknownOverride(String),
    #[error("{platform} has no setting `{setting}`; its settings: {known}")]
    UnknownSetting {
        platform: String,
        setting: String,
        known: String,
    },
    /// A wanted value the control cannot take: `apply` would otherwise act
    /// on a guess (a toggle "moved" to `privat` is a click that turns it on).
    #[error("{platform}.{setting} is a switch: it can be `on` or `off` (or \"private\"/\"ignore\" in the profile), not `{wanted}`")]
    InvalidWanted {
        platform: String,
        setting: String,
        wanted: String,
    },
}

impl PlatformPlan {
    /// The settings grouped by page, in rule order, so each page is loaded
    /// once, and only settings that are opened the same way (the same
    /// `open` steps) share a load: two tabs of one page cannot both be open.
    pub fn pages(&self) -> Vec<(String, Vec<&PlanItem>)> {
        let opens = |item: &PlanItem| match &item.setting.kind {
            crate::rules::SettingKind::Control { open, .. } => {
                open.iter().map(|m| m.source.to_string()).collect::<Vec<_>>()
            }
            crate::rules::SettingKind::Manual { .. } => Vec::new(),
        };
        let mut pages: Vec<(String, Vec<String>, Vec<&PlanItem>)> = Vec::new();
        for item in &self.items {
            if let Some(page) = item.setting.page() {
                let open = opens(item);
                match pages.iter_mut().find(|(p, o, _)| p == page && *o == open) {
                    Some((_, _, items)) => items.push(item),
                    None => pages.push((page.to_string(), open, vec![item])),
                }
            }
        }
        pages.into_iter().map(|(p, _, items)| (p, items)).collect()
    }

    /// The URL of a page: a path on the base URL, or an absolute page on
    /// another of the platform's hosts. When the base URL is overridden (a
    /// replica, a mirror), an absolute page moves there too, under its host
    /// name: `https://myadcenter.google.com/x` → `<base>/myadcenter.google.com/x`.
    pub fn url(&self, page: &str) -> String {
        match url::Url::parse(page) {
            Ok(absolute) if page.starts_with("https://") => {
                if self.base_url == self.platform.base_url {
                    page.to_string()
                } else {
                    let mut rest = absolute.path().to_string();
                    if let Some(q) = absolute.query() {
                        rest.push('?');
                        rest.push_str(q);
                    }
                    format!("{}/{}{}", self.base_url, absolute.host_str().unwrap_or_default(), rest)
                }
            }
            _ => format!("{}{}", self.base_url, page),
        }
    }
}

/// Builds the plan. `only` is the command line's platform list (empty: the
/// profile's list, or every platform); `base_urls` maps platform ids to
/// replacement base URLs.
pub fn build(
    catalogue: &Catalogue,
    profile: &Profile,
    only: &[String],
    base_urls: &BTreeMap<String, String>,
) -> Result<Plan, PlanError> {
    let known = || {
        catalogue
            .platforms
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for id in base_urls.keys() {
        if catalogue.platform(id).is_none() {
            return Err(PlanError::UnknownOverride(id.clone()));
        }
    }
    // `PLATFORM` selects a whole platform, `PLATFORM.SETTING` one setting.
    let selection: &[String] = if only.is_empty() { &profile.platforms } else { only };
    let mut whole: Vec<&str> = Vec::new();
    let mut picked: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for entry in selection {
        let (name, setting) = match entry.split_once('.') {
            Some((p, s)) => (p, Some(s)),
            None => (entry.as_str(), None),
        };
        let Some(platform) = catalogue.platform(name) else {
            return Err(PlanError::UnknownPlatform {
                name: name.to_string(),
                known: known(),
            });
        };
        match setting {
            None => whole.push(name),
            Some(setting) if platform.settings.iter().any(|s| s.id == setting) => {
                picked.entry(name).or_default().push(setting);
            }
            Some(setting) => {
                return Err(PlanError::UnknownSetting {
                    platform: platform.id.clone(),
                    setting: setting.to_string(),
                    known: platform
                        .settings
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }

    let mut platforms = Vec::new();
    let mut not_offered = Vec::new();
    let mut invalid = None;
    for platform in &catalogue.platforms {
        let id = platform.id.as_str();
        if !selection.is_empty() && !whole.contains(&id) && !picked.contains_key(id) {
            continue;
        }
        let only_settings = if whole.contains(&id) { None } else { picked.get(id) };
        let account = profile.account(id);
        let facts = crate::rules::Account {
            plan: account.plan.as_deref(),
            region: account.region.as_deref(),
        };
        let offered = |setting: &SettingRule| {
            setting.available_in(facts.region) != Some(false) && setting.offered_on(facts.plan) != Some(false)
        };
        not_offered.extend(
            platform
                .settings
                .iter()
                .filter(|s| !offered(s) && only_settings.is_none_or(|only| only.contains(&s.id.as_str())))
                .map(|s| NotOffered {
                    setting: s.key(&platform.id),
                    why: match (facts.region, facts.plan) {
                        (Some(region), _) if s.available_in(Some(region)) == Some(false) => {
                            format!("not offered in {region}")
                        }
                        (_, Some(plan)) => format!("not on the {plan} plan"),
                        _ => "not offered to this account".to_string(),
                    },
                    read_anyway: only_settings.is_some(),
                }),
        );
        let items: Vec<PlanItem> = platform
            .settings
            .iter()
            .filter(|setting| only_settings.is_none_or(|only| only.contains(&setting.id.as_str())))
            // A setting the platform does not offer in the account's region
            // has nothing to read, unless the user asked for it by name.
            .filter(|setting| only_settings.is_some() || offered(setting))
            .filter_map(|setting| {
                let (mut wanted, mut wanted_names, wanted_value) =
                    match profile.wanted(&platform.id, &setting.id, setting.category) {
                        Wanted::Ignore => return None,
                        Wanted::Private => match &setting.kind {
                            SettingKind::Control {
                                private_value,
                                private_names,
                                private_option_value,
                                ..
                            } => (
                                private_value.clone(),
                                private_names.clone(),
                                private_option_value.clone(),
                            ),
                            SettingKind::Manual { .. } => ("private".to_string(), Vec::new(), None),
                        },
                        // `on`/`off` for a whole category sets its switches;
                        // a choice has no such option (profile::check warns).
                        Wanted::Value(v)
                            if !is_toggle(setting)
                                && is_on_off(&v)
                                && !profile
                                    .settings
                                    .contains_key(&format!("{}.{}", platform.id, setting.id)) =>
                        {
                            return None
                        }
                        Wanted::Value(v) => (v.clone(), vec![v], None),
                    };
                let written = wanted.clone();
                if is_toggle(setting) {
                    wanted = wanted.to_ascii_lowercase();
                    if wanted == "on" || wanted == "off" {
                        wanted_names = vec![wanted.clone()];
                    }
                }
                if is_toggle(setting) && wanted != "on" && wanted != "off" {
                    invalid.get_or_insert(PlanError::InvalidWanted {
                        platform: platform.id.clone(),
                        setting: setting.id.clone(),
                        wanted: written,
                    });
                    return None;
                }
                Some(PlanItem {
                    setting: setting.clone(),
                    wanted,
                    wanted_names,
                    wanted_value,
                    default: setting.default_for(facts).cloned(),
                })
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let base_url = base_urls
            .get(&platform.id)
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| platform.base_url.clone());
        platforms.push(PlatformPlan {
            platform: platform.clone(),
            base_url,
            items,
        });
    }

    // Overrides that name no setting are the profile check's to report
    // (`profile::check`), with line and column; so are bad values, which are
    // refused here too, whatever path the profile took.
    match invalid {
        Some(e) => Err(e),
        None => Ok(Plan { platforms, not_offered }),
    }
}

fn is_on_off(value: &str) -> bool {
    value.eq_ignore_ascii_case("on") || value.eq_ignore_ascii_case("off")
}

/// Is `setting` an on/off control? Its private value says so: lint only
/// lets a toggle role have `on` or `off`.
pub fn is_toggle(setting: &SettingRule) -> bool {
    matches!(&setting.kind, SettingKind::Control { private_value, control, .. }
        if private_value == "on" || private_value == "off" || control.role.as_deref().is_some_and(crate::rules::roles::is_toggle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Preset;
    use crate::rules::load::{load_catalogue, RuleText};
    use crate::rules::RuleOrigin;

    const RULE: &str = r#"
[platform]
id = "demo"
name = "Demo"
domains = ["www.example.com", "ads.example.com"]
base_url = "https://www.example.com"
verified = "2026-11-20"

[[setting]]
id = "ai"
label = "AI"
category = "ai-training"
page = "/a"
control = { role = "switch", name = "AI" }
private_value = "off"
source = "https://www.example.com/help"

[[setting]]
id = "ads"
label = "Ads"
category = "ad-personalisation"
page = "/b"
control = { role = "checkbox", name = "Ads" }
private_value = "off"
source = "https://www.example.com/help"

[[setting]]
id = "ads2"
label = "More ads"
category = "ad-personalisation"
page = "/a"
control = { role = "checkbox", name = "More ads" }
private_value = "off"
source = "https://www.example.com/help"

[[setting]]
id = "object"
label = "Objection"
category = "ai-training"
manual = { url = "https://www.example.com/form", steps = ["Fill in the form"] }
source = "https://www.example.com/help"
"#;

    fn catalogue() -> Catalogue {
        let texts = vec![RuleText {
            name: "demo.toml".into(),
            origin: RuleOrigin::Builtin,
            text: RULE.into(),
        }];
        load_catalogue(&texts, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap()
    }

    fn ids(plan: &Plan) -> Vec<String> {
        plan.platforms[0]
            .items
            .iter()
            .map(|i| format!("{}={}", i.setting.id, i.wanted))
            .collect()
    }

    #[test]
    fn strict_plans_every_setting_with_its_private_value() {
        let plan = build(&catalogue(), &Profile::preset(Preset::Strict), &[], &BTreeMap::new()).unwrap();
        assert_eq!(ids(&plan), ["ai=off", "ads=off", "ads2=off", "object=private"]);
        assert_eq!(plan.platforms[0].base_url, "https://www.example.com");
    }

    #[test]
    fn ignored_categories_are_left_out() {
        let plan = build(&catalogue(), &Profile::preset(Preset::Balanced), &[], &BTreeMap::new()).unwrap();
        assert_eq!(ids(&plan), ["ai=off", "object=private"]);
    }

    #[test]
    fn a_setting_override_wins() {
        let mut profile = Profile::preset(Preset::Strict);
        profile.settings.insert("demo.ads".into(), Wanted::Value("on".into()));
        profile.settings.insert("demo.nope".into(), Wanted::Private);
        let plan = build(&catalogue(), &profile, &[], &BTreeMap::new()).unwrap();
        assert!(ids(&plan).contains(&"ads=on".to_string()));
    }

    #[test]
    fn a_value_a_switch_cannot_take_refuses_the_plan() {
        for typo in ["privat", "maybe", "Off ", ""] {
            let mut profile = Profile::preset(Preset::Strict);
            profile.settings.insert("demo.ai".into(), Wanted::Value(typo.into()));
            let err = build(&catalogue(), &profile, &[], &BTreeMap::new()).unwrap_err();
            assert!(
                matches!(err, PlanError::InvalidWanted { ref wanted, .. } if wanted == typo),
                "{typo}: {err}"
            );
        }
        let mut profile = Profile::preset(Preset::Strict);
        profile
            .categories
            .insert(crate::rules::Category::AdPersonalisation, Wanted::Value("maybe".into()));
        assert!(build(&catalogue(), &profile, &[], &BTreeMap::new()).is_err());
        let mut profile = Profile::preset(Preset::Strict);
        profile.settings.insert("demo.ai".into(), Wanted::Value("OFF".into()));
        let plan = build(&catalogue(), &profile, &[], &BTreeMap::new()).unwrap();
        assert_eq!(plan.platforms[0].items[0].wanted, "off");
    }

    #[test]
    fn pages_group_settings_so_each_page_loads_once() {
        let plan = build(&catalogue(), &Profile::preset(Preset::Strict), &[], &BTreeMap::new()).unwrap();
        let pages: Vec<(String, Vec<String>)> = plan.platforms[0]
            .pages()
            .into_iter()
            .map(|(p, items)| (p, items.iter().map(|i| i.setting.id.clone()).collect()))
            .collect();
        assert_eq!(
            pages,
            [
                ("/a".to_string(), vec!["ai".to_string(), "ads2".to_string()]),
                ("/b".to_string(), vec!["ads".to_string()])
            ]
        );
    }

    #[test]
    fn unknown_platforms_are_refused() {
        let err = build(
            &catalogue(),
            &Profile::preset(Preset::Strict),
            &["nope".into()],
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::UnknownPlatform { .. }));
        let overrides = BTreeMap::from([("nope".to_string(), "http://127.0.0.1:1".to_string())]);
        assert!(build(&catalogue(), &Profile::preset(Preset::Strict), &[], &overrides).is_err());
    }

    #[test]
    fn a_base_url_override_replaces_the_real_site() {
        let overrides = BTreeMap::from([("demo".to_string(), "http://127.0.0.1:9/demo/".to_string())]);
        let plan = build(&catalogue(), &Profile::preset(Preset::Strict), &[], &overrides).unwrap();
        assert_eq!(plan.platforms[0].url("/a"), "http://127.0.0.1:9/demo/a");
    }

    #[test]
    fn absolute_pages_stay_on_their_host_or_move_under_an_override() {
        let cat = catalogue();
        let real = build(&cat, &Profile::preset(Preset::Strict), &[], &BTreeMap::new()).unwrap();
        let pp = &real.platforms[0];
        assert_eq!(pp.url("/a"), "https://www.example.com/a");
        assert_eq!(pp.url("https://ads.example.com/p?x=1"), "https://ads.example.com/p?x=1");
        let overridden: BTreeMap<String, String> = [("demo".to_string(), "http://127.0.0.1:9/demo".to_string())].into();
        let replica = build(&cat, &Profile::preset(Preset::Strict), &[], &overridden).unwrap();
        let pp = &replica.platforms[0];
        assert_eq!(pp.url("/a"), "http://127.0.0.1:9/demo/a");
        assert_eq!(
            pp.url("https://ads.example.com/p?x=1"),
            "http://127.0.0.1:9/demo/ads.example.com/p?x=1"
        );
    }
}
