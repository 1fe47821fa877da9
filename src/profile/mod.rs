//! The user's profile: which value they want for each category of setting,
//! per-setting overrides, and which platforms to audit.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::diag::{self, Diagnostic, SourceFiles};
use crate::rules::Category;

pub mod check;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Every category private: AI training, ads, third-party sharing, other.
    Strict,
    /// AI training and third-party sharing private; ad personalisation and
    /// other settings left as they are.
    Balanced,
}

impl Preset {
    pub fn wanted(self, category: Category) -> Wanted {
        match (self, category) {
            (Preset::Strict, _) => Wanted::Private,
            (Preset::Balanced, Category::AiTraining | Category::ThirdPartySharing) => Wanted::Private,
            (Preset::Balanced, Category::AdPersonalisation | Category::Other) => Wanted::Ignore,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Strict => "strict",
            Preset::Balanced => "balanced",
        }
    }
}

/// What the user wants for a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// The rule's `private_value`.
    Private,
    /// Not audited.
    Ignore,
    /// A specific value as the UI shows it (`on`, `off`, an option name).
    Value(String),
}

impl Wanted {
    fn parse(s: &str) -> Wanted {
        match s.trim().to_ascii_lowercase().as_str() {
            "private" => Wanted::Private,
            "ignore" => Wanted::Ignore,
            _ => Wanted::Value(s.trim().to_string()),
        }
    }

    pub fn as_text(&self) -> String {
        match self {
            Wanted::Private => "private".into(),
            Wanted::Ignore => "ignore".into(),
            Wanted::Value(v) => v.clone(),
        }
    }
}

/// The file format. Every key is optional so a profile can say only what
/// differs from its preset.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    preset: Option<Preset>,
    #[serde(default)]
    platforms: Vec<toml::Spanned<String>>,
    #[serde(default)]
    categories: BTreeMap<Category, toml::Spanned<String>>,
    #[serde(default)]
    settings: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    /// Where the user's accounts are (ISO 3166-1 alpha-2), for regional
    /// defaults and settings that exist only in some regions.
    region: Option<toml::Spanned<String>>,
    /// Per platform: the account's plan and, where it differs, its region.
    #[serde(default)]
    accounts: BTreeMap<String, AccountFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { plan = \"plus\", region = \"GB\" }"
)]
struct AccountFile {
    plan: Option<toml::Spanned<String>>,
    region: Option<toml::Spanned<String>>,
}

/// What the user says about their account on one platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AccountFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Where the effective profile came from, for messages and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSource {
    File(PathBuf),
    /// No profile file exists; the named preset is used as is.
    BuiltIn(Preset),
}

impl std::fmt::Display for ProfileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileSource::File(p) => write!(f, "{}", p.display()),
            ProfileSource::BuiltIn(preset) => write!(f, "built-in {} preset", preset.as_str()),
        }
    }
}

/// `profile show --format json`: the effective profile.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ProfileView {
    /// Version of this JSON shape; bumped on incompatible changes.
    pub schema_version: u32,
    /// The profile file, or the built-in preset used when there is none.
    pub source: String,
    pub preset: String,
    /// Empty: every platform the rules know.
    pub platforms: Vec<String>,
    /// Category → `private`, `ignore`, or a value.
    pub categories: BTreeMap<Category, String>,
    /// `platform.setting` → its override.
    pub settings: BTreeMap<String, String>,
    /// Where the accounts are, if said (ISO 3166-1 alpha-2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Platform → its account's plan and region.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub accounts: BTreeMap<String, AccountFacts>,
}

impl Profile {
    pub fn view(&self) -> ProfileView {
        ProfileView {
            schema_version: 1,
            source: self.source.to_string(),
            preset: self.preset.as_str().to_string(),
            platforms: self.platforms.clone(),
            categories: self.categories.iter().map(|(c, w)| (*c, w.as_text())).collect(),
            settings: self.settings.iter().map(|(k, w)| (k.clone(), w.as_text())).collect(),
            region: self.region.clone(),
            accounts: self.accounts.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub source: ProfileSource,
    pub preset: Preset,
    /// Empty: every platform the rules know.
    pub platforms: Vec<String>,
    pub categories: BTreeMap<Category, Wanted>,
    /// `platform.setting` → wanted value.
    pub settings: BTreeMap<String, Wanted>,
    /// Where the accounts are (canonical ISO 3166-1 alpha-2), if said.
    pub region: Option<String>,
    /// Platform → its account's plan and region, as said.
    pub accounts: BTreeMap<String, AccountFacts>,
    /// Where each value stands in the file, for diagnostics; None for a preset.
    pub written: Option<Written>,
}

/// A profile file's text and the byte ranges of what it says.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub text: String,
    /// Category → its value's range.
    pub categories: BTreeMap<Category, Range<usize>>,
    /// `platform.setting` → (the key's range, the value's range).
    pub settings: BTreeMap<String, (Range<usize>, Range<usize>)>,
    /// Each entry of `platforms`, with its range.
    pub platforms: Vec<(String, Range<usize>)>,
    /// Platform → the range of its account's `plan`.
    pub plans: BTreeMap<String, Range<usize>>,
}

/// A profile file that does not parse: the diagnostic and its text.
pub struct ProfileError {
    pub diagnostic: Diagnostic,
    pub files: SourceFiles,
}

impl Profile {
    pub fn preset(preset: Preset) -> Profile {
        Profile {
            source: ProfileSource::BuiltIn(preset),
            preset,
            platforms: Vec::new(),
            categories: Category::ALL.iter().map(|c| (*c, preset.wanted(*c))).collect(),
            settings: BTreeMap::new(),
            region: None,
            accounts: BTreeMap::new(),
            written: None,
        }
    }

    pub fn parse(name: &Path, text: &str) -> Result<Profile, Box<ProfileError>> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| {
            let mut files = SourceFiles::default();
            let id = files.add(name.display().to_string(), text.to_string());
            let diagnostic = diag::from_toml_error(id, text, &e);
            Box::new(ProfileError { diagnostic, files })
        })?;
        let preset = file.preset.unwrap_or(Preset::Strict);
        let mut profile = Profile::preset(preset);
        profile.source = ProfileSource::File(name.to_path_buf());
        profile.platforms = file.platforms.iter().map(|p| p.get_ref().clone()).collect();
        let mut written = Written {
            text: text.to_string(),
            platforms: file.platforms.iter().map(|p| (p.get_ref().clone(), p.span())).collect(),
            ..Written::default()
        };
        for (category, wanted) in file.categories {
            profile.categories.insert(category, Wanted::parse(wanted.get_ref()));
            written.categories.insert(category, wanted.span());
        }
        for (key, wanted) in file.settings {
            profile
                .settings
                .insert(key.get_ref().clone(), Wanted::parse(wanted.get_ref()));
            written
                .settings
                .insert(key.get_ref().clone(), (key.span(), wanted.span()));
        }
        let region_of = |r: &toml::Spanned<String>| {
            crate::rules::regions::parse(r.get_ref()).map_err(|hint| {
                let mut files = SourceFiles::default();
                let id = files.add(name.display().to_string(), text.to_string());
                let diagnostic = Diagnostic::error(
                    crate::diag::LintCode::BadRegion,
                    id,
                    r.span(),
                    format!("`{}` is not a country code", r.get_ref()),
                )
                .help(hint);
                Box::new(ProfileError { diagnostic, files })
            })
        };
        profile.region = file.region.as_ref().map(region_of).transpose()?;
        for (platform, account) in file.accounts {
            if let Some(plan) = &account.plan {
                written.plans.insert(platform.clone(), plan.span());
            }
            let facts = AccountFacts {
                plan: account.plan.map(|p| p.get_ref().trim().to_ascii_lowercase()),
                region: account.region.as_ref().map(region_of).transpose()?,
            };
            profile.accounts.insert(platform, facts);
        }
        profile.written = Some(written);
        Ok(profile)
    }

    /// The account on `platform` as the profile describes it: its plan, and
    /// its region (the platform's own, else the profile's).
    pub fn account(&self, platform: &str) -> AccountFacts {
        let own = self.accounts.get(platform).cloned().unwrap_or_default();
        AccountFacts {
            plan: own.plan,
            region: own.region.or_else(|| self.region.clone()),
        }
    }

    pub fn wanted(&self, platform: &str, setting: &str, category: Category) -> Wanted {
        if let Some(w) = self.settings.get(&format!("{platform}.{setting}")) {
            return w.clone();
        }
        self.categories
            .get(&category)
            .cloned()
            .unwrap_or_else(|| self.preset.wanted(category))
    }
}

/// Loads `path`, or says that it falls back to `strict` when there is none.
pub enum Loaded {
    Found(Profile),
    Missing(Profile),
}

pub fn load(path: &Path) -> anyhow::Result<Result<Loaded, Box<ProfileError>>> {
    match crate::textfile::read_text(path) {
        Ok(text) => Ok(Profile::parse(path, &text).map(Loaded::Found)),
        Err(e) if e.is_not_found() => Ok(Ok(Loaded::Missing(Profile::preset(Preset::Strict)))),
        Err(e) => Err(e).with_context(|| format!("cannot read profile {}", path.display())),
    }
}

/// The text `profile init` writes: every key present and explained, so the
/// file is its own documentation.
pub fn template(preset: Preset) -> String {
    let mut out = String::new();
    out.push_str("# privaudit profile: the values you want for your privacy settings.\n");
    out.push_str("# Values: \"private\" (the rule's protective value), \"ignore\" (not audited),\n");
    out.push_str("# or a value as the platform shows it (\"on\", \"off\", an option's name).\n\n");
    out.push_str(&format!("preset = \"{}\"\n\n", preset.as_str()));
    out.push_str("# Platforms to audit; empty means every platform privaudit has rules for.\n");
    out.push_str("platforms = []\n\n[categories]\n");
    for c in Category::ALL {
        out.push_str(&format!("{} = \"{}\"\n", c.as_str(), preset.wanted(c).as_text()));
    }
    out.push_str("\n# Where your accounts are registered (ISO 3166-1 alpha-2, e.g. \"DE\", \"GB\", \"US\"):\n");
    out.push_str("# some defaults differ by region, and some settings exist only in some regions.\n");
    out.push_str("# region = \"DE\"\n");
    out.push_str("\n# Per-setting overrides, keyed `platform.setting` (see `privaudit rules list`).\n");
    out.push_str("[settings]\n# \"x.personalized-ads\" = \"on\"\n");
    out.push_str("\n# Per platform, your account's plan (see `privaudit rules show PLATFORM`) and,\n");
    out.push_str("# if it differs from `region`, where it is registered; defaults are compared for it.\n");
    out.push_str("[accounts]\n# chatgpt = { plan = \"plus\" }\n# linkedin = { region = \"GB\" }\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_makes_everything_private() {
        let p = Profile::preset(Preset::Strict);
        for c in Category::ALL {
            assert_eq!(p.wanted("x", "s", c), Wanted::Private);
        }
    }

    #[test]
    fn balanced_leaves_ads_alone() {
        let p = Profile::preset(Preset::Balanced);
        assert_eq!(p.wanted("x", "s", Category::AiTraining), Wanted::Private);
        assert_eq!(p.wanted("x", "s", Category::AdPersonalisation), Wanted::Ignore);
    }

    #[test]
    fn setting_overrides_beat_categories_which_beat_the_preset() {
        let text = r#"
preset = "strict"
[categories]
ad-personalisation = "ignore"
[settings]
"x.grok" = "on"
"#;
        let p = Profile::parse(Path::new("p.toml"), text)
            .map_err(|e| e.diagnostic.message)
            .unwrap();
        assert_eq!(p.wanted("x", "grok", Category::AiTraining), Wanted::Value("on".into()));
        assert_eq!(p.wanted("x", "ads", Category::AdPersonalisation), Wanted::Ignore);
        assert_eq!(p.wanted("x", "other", Category::AiTraining), Wanted::Private);
    }

    #[test]
    fn template_parses_back_to_its_preset() {
        for preset in [Preset::Strict, Preset::Balanced] {
            let p = Profile::parse(Path::new("p.toml"), &template(preset))
                .map_err(|e| e.diagnostic.message)
                .unwrap();
            for c in Category::ALL {
                assert_eq!(p.wanted("a", "b", c), preset.wanted(c));
            }
        }
    }

    #[test]
    fn broken_profile_points_at_line_and_column() {
        let text = "preset = \"strict\"\n[categories]\nai-trainin = \"private\"\n";
        let err = Profile::parse(Path::new("p.toml"), text).err().unwrap();
        let (line, col) = err.files.line_col(err.diagnostic.file, err.diagnostic.span.start);
        assert_eq!((line, col), (3, 1));
        assert!(
            err.diagnostic.message.contains("ai-trainin"),
            "{}",
            err.diagnostic.message
        );
    }
}
