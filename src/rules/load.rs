//! Reading rule files from their three layers (built-in, config dir, `--rules`),
//! parsing, linting and validating them into a [`Catalogue`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::catalogue::{
    Action, Aim, Catalogue, LoginForm, LoginProbe, PlatformRules, RuleOrigin, SettingKind, SettingRule,
};
use super::facts::{self, Source};
use super::locator::Matcher;
use super::model::{PrivateValue, RuleFile};
use super::{embedded, lint, regions, roles};
use crate::diag::{self, Diagnostic, LintCode, SourceFiles};

/// One rule file's text, before parsing.
#[derive(Debug, Clone)]
pub struct RuleText {
    pub name: String,
    pub origin: RuleOrigin,
    pub text: String,
}

/// Rule files that did not pass: every diagnostic, with the texts to show them.
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    pub files: SourceFiles,
}

impl std::fmt::Debug for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadError({} diagnostics)", self.diagnostics.len())
    }
}

/// The built-in files, then `<config>/rules/*.toml`, then each `--rules` path
/// (a directory of `*.toml` or a single file).
pub fn collect_sources(config_rules_dir: Option<&Path>, extra: &[PathBuf]) -> anyhow::Result<Vec<RuleText>> {
    let mut out: Vec<RuleText> = embedded::embedded()
        .into_iter()
        .map(|(name, text)| RuleText {
            name: format!("rules/{name}"),
            origin: RuleOrigin::Builtin,
            text: text.to_string(),
        })
        .collect();
    if let Some(dir) = config_rules_dir {
        if dir.is_dir() {
            out.extend(read_path(dir, RuleOrigin::ConfigDir)?);
        }
    }
    for path in extra {
        if !path.exists() {
            anyhow::bail!("--rules {}: no such file or directory", path.display());
        }
        out.extend(read_path(path, RuleOrigin::RulesFlag)?);
    }
    Ok(out)
}

/// Reads named files as given (for `rules lint FILE...`).
pub fn read_files(paths: &[PathBuf]) -> anyhow::Result<Vec<RuleText>> {
    let mut out = Vec::new();
    for path in paths {
        out.extend(read_path(path, RuleOrigin::RulesFlag)?);
    }
    Ok(out)
}

fn read_path(path: &Path, origin: RuleOrigin) -> anyhow::Result<Vec<RuleText>> {
    let mut files = Vec::new();
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).with_context(|| format!("cannot list rule directory {}", path.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list rule directory {}", path.display()))?;
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| {
            let text =
                crate::textfile::read_text(&p).with_context(|| format!("cannot read rule file {}", p.display()))?;
            Ok(RuleText {
                // A file name is shown in every diagnostic: escaped once.
                name: crate::output::untrusted::escape(&p.display().to_string()),
                origin,
                text,
            })
        })
        .collect()
}

/// Parses and lints each text independently: what `rules lint` reports.
pub fn lint_texts(texts: &[RuleText], today: NaiveDate) -> (SourceFiles, Vec<Diagnostic>, Vec<(usize, RuleFile)>) {
    let mut files = SourceFiles::default();
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for t in texts {
        // Diagnostics quote the file: the copy they quote has URL
        // credentials masked, the same length so positions still hold.
        let id = files.add(t.name.clone(), mask_url_credentials(&t.text));
        diagnostics.extend(lint::check_credentials_in_urls(id, &t.text));
        diagnostics.extend(lint::check_control_characters(id, &t.text));
        match toml::from_str::<RuleFile>(&t.text) {
            Err(e) => diagnostics.push(diag::from_toml_error(id, &t.text, &e)),
            Ok(rule) => {
                diagnostics.extend(lint::lint(id, &t.name, &rule, today));
                parsed.push((id, rule));
            }
        }
    }

    // Duplicate platform ids within one layer are a mistake; across layers
    // they are how overrides work.
    let mut by_layer: BTreeMap<(RuleOrigin, String), usize> = BTreeMap::new();
    for (file, rule) in &parsed {
        let origin = texts[*file].origin;
        let key = (origin, rule.platform.id.get_ref().clone());
        if let Some(first) = by_layer.get(&key) {
            diagnostics.push(
                Diagnostic::error(
                    LintCode::DuplicatePlatform,
                    *file,
                    rule.platform.id.span(),
                    format!("platform `{}` is also defined in {}", key.1, files.name(*first)),
                )
                .help("keep one file per platform in each rules directory"),
            );
        } else {
            by_layer.insert(key, *file);
        }
    }
    (files, diagnostics, parsed)
}

/// `text` with the user name and password of every URL replaced by `*`.
fn mask_url_credentials(text: &str) -> String {
    let mut masked = text.to_string();
    for d in lint::check_credentials_in_urls(0, text) {
        let span = d.span.clone();
        let stars = "*".repeat(text[span.clone()].len().saturating_sub(1));
        masked.replace_range(span.start..span.end - 1, &stars);
    }
    masked
}

/// Parses, lints and layers the rule texts. Any error refuses the whole load:
/// half a rule set would audit the wrong things silently.
pub fn load_catalogue(texts: &[RuleText], today: NaiveDate) -> Result<Catalogue, LoadError> {
    let (files, mut diagnostics, parsed) = lint_texts(texts, today);

    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadError { diagnostics, files });
    }

    let mut effective: BTreeMap<String, (RuleOrigin, usize, &RuleFile)> = BTreeMap::new();
    for (file, rule) in &parsed {
        let origin = texts[*file].origin;
        let id = rule.platform.id.get_ref().clone();
        let replace = effective.get(&id).is_none_or(|(o, _, _)| *o <= origin);
        if replace {
            effective.insert(id, (origin, *file, rule));
        }
    }

    let mut hasher = Sha256::new();
    let mut platforms = Vec::new();
    for (origin, file, rule) in effective.values() {
        hasher.update(texts[*file].text.as_bytes());
        match validate(rule, *origin, &files.name(*file)) {
            Ok(p) => platforms.push(Arc::new(p)),
            Err(e) => diagnostics.push(Diagnostic::error(LintCode::InvalidRule, *file, 0..0, e.to_string())),
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadError { diagnostics, files });
    }
    let newest = platforms
        .iter()
        .map(|p| p.verified.as_str())
        .max()
        .unwrap_or("0000-00-00")
        .to_string();
    let digest = hasher.finalize();
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    Ok(Catalogue {
        platforms,
        version: format!("{newest}.{hash}"),
        warnings: diagnostics,
        files,
    })
}

fn validate(rule: &RuleFile, origin: RuleOrigin, file: &str) -> Result<PlatformRules, regex::Error> {
    let p = &rule.platform;
    let login = match &rule.login {
        Some(l) => Some(LoginProbe {
            url: l.url.get_ref().clone(),
            signed_in: l
                .signed_in
                .as_ref()
                .map(|m| Matcher::compile(m.get_ref()))
                .transpose()?,
            form: match (&l.username, &l.password, &l.submit) {
                (u, Some(p), Some(s)) => Some(LoginForm {
                    username: u.as_ref().map(|u| Matcher::compile(u.get_ref())).transpose()?,
                    password: Matcher::compile(p.get_ref())?,
                    submit: Matcher::compile(s.get_ref())?,
                    next: l.next.as_ref().map(|m| Matcher::compile(m.get_ref())).transpose()?,
                    totp: l.totp.as_ref().map(|m| Matcher::compile(m.get_ref())).transpose()?,
                }),
                _ => None,
            },
            cannot_automate: l.cannot_automate.as_ref().map(|r| r.get_ref().trim().to_string()),
        }),
        None => None,
    };
    let mut settings = Vec::new();
    for s in &rule.settings {
        let s = s.get_ref();
        let kind = match (&s.manual, &s.page, &s.control, &s.private_value) {
            (Some(m), _, _, _) => SettingKind::Manual {
                url: m.url.get_ref().clone(),
                steps: m.steps.clone(),
            },
            (None, Some(page), Some(control), Some(private)) => {
                let role = control.get_ref().role.as_deref();
                let (private_value, private_names, private_option_value) = match private.get_ref() {
                    PrivateValue::Text(text) => {
                        let v = normalise_private_value(text, role);
                        (v.clone(), vec![v], None)
                    }
                    PrivateValue::Option { name, value } => (
                        name.first().trim().to_string(),
                        name.all().iter().map(|n| n.trim().to_string()).collect(),
                        value.clone(),
                    ),
                };
                SettingKind::Control {
                    page: page.get_ref().clone(),
                    open: s
                        .open
                        .iter()
                        .map(|l| Matcher::compile(l.get_ref()))
                        .collect::<Result<_, _>>()?,
                    control: Matcher::compile(control.get_ref())?,
                    private_value,
                    private_names,
                    private_option_value,
                    state: s.state.as_ref().map(|x| x.get_ref().clone()),
                    controlled_by: s.controlled_by.as_ref().map(|x| x.get_ref().clone()),
                    apply: s
                        .apply
                        .iter()
                        .filter_map(|step| compile_step(step.get_ref()).transpose())
                        .collect::<Result<_, _>>()?,
                }
            }
            // The linter reports incomplete settings as errors before we get here.
            _ => continue,
        };
        let sources: Vec<Source> = s
            .sources
            .iter()
            .map(|x| {
                let x = x.get_ref();
                Source {
                    url: x.url.get_ref().clone(),
                    kind: *x.kind.get_ref(),
                    shows: x.shows.iter().map(|f| f.get_ref().clone()).collect(),
                    note: x.note.clone(),
                }
            })
            .collect();
        let mut urls: Vec<String> = sources.iter().map(|x| x.url.clone()).collect();
        urls.extend(s.source.iter().map(|x| x.get_ref().clone()));
        urls.extend(s.see_also.iter().map(|x| x.get_ref().clone()));
        let unverified: Vec<String> = s.unverified.iter().map(|x| x.get_ref().clone()).collect();
        let grade = facts::grade(&lint::present_facts(s), &sources, &unverified);
        settings.push(Arc::new(SettingRule {
            id: s.id.get_ref().clone(),
            label: s.label.clone(),
            category: s.category,
            kind,
            defaults: s.default.as_ref().map(|d| d.get_ref().entries()).unwrap_or_default(),
            since: s.since.clone(),
            regions: s
                .regions
                .iter()
                .filter_map(|r| regions::canonical(r.get_ref()))
                .collect(),
            regions_except: s
                .regions_except
                .iter()
                .filter_map(|r| regions::canonical(r.get_ref()))
                .collect(),
            plans: s.plans.iter().map(|p| p.get_ref().to_ascii_lowercase()).collect(),
            sources,
            source: urls.first().cloned().unwrap_or_default(),
            see_also: urls.into_iter().skip(1).collect(),
            unverified,
            grade,
        }));
    }
    Ok(PlatformRules {
        id: p.id.get_ref().clone(),
        name: p.name.clone(),
        domains: p.domains.get_ref().iter().map(|d| d.get_ref().clone()).collect(),
        base_url: p.base_url.get_ref().trim_end_matches('/').to_string(),
        policy_urls: p.policy_urls.iter().map(|u| u.get_ref().clone()).collect(),
        verified: p.verified.get_ref().clone(),
        redact: p.redact.iter().map(|r| r.get_ref().clone()).collect(),
        allow_resources: p.allow_resources.iter().map(|r| r.get_ref().clone()).collect(),
        plans: p.plans.iter().map(|r| r.get_ref().clone()).collect(),
        dismiss: p
            .dismiss
            .iter()
            .map(|l| Matcher::compile(l.get_ref()))
            .collect::<Result<_, _>>()?,
        login,
        settings,
        origin,
        file: file.to_string(),
    })
}

/// Turns a linted step into an action (`None` cannot happen after lint).
fn compile_step(step: &super::model::Step) -> Result<Option<Action>, regex::Error> {
    use super::model::Target;
    let aim = |t: &Target| -> Result<Aim, regex::Error> {
        Ok(match t {
            Target::Control => Aim::Control,
            Target::Element(l) => Aim::Element(Matcher::compile(l)?),
        })
    };
    Ok(Some(if let Some(t) = &step.click {
        Action::Click(aim(t)?)
    } else if let Some(t) = &step.check {
        Action::Check(aim(t)?)
    } else if let Some(t) = &step.uncheck {
        Action::Uncheck(aim(t)?)
    } else if let Some(o) = &step.select {
        Action::Select(o.clone())
    } else if let Some(f) = &step.fill {
        Action::Fill(Matcher::compile(&f.target)?, f.value.clone())
    } else if let Some(l) = &step.wait_for {
        Action::WaitFor(Matcher::compile(l)?)
    } else if let Some(l) = &step.confirm {
        Action::Confirm(Matcher::compile(l)?)
    } else if let Some(l) = &step.expect {
        Action::Expect(Matcher::compile(l)?)
    } else if let Some(l) = &step.save {
        Action::Save(Matcher::compile(l)?)
    } else if let Some(answer) = step.dialog {
        Action::Dialog(answer)
    } else {
        return Ok(None);
    }))
}

/// `On`/`OFF` are normalised for toggles; option names keep their case
/// because they are shown to the user as written.
fn normalise_private_value(value: &str, role: Option<&str>) -> String {
    let value = value.trim();
    if role.is_some_and(roles::is_toggle) {
        value.to_ascii_lowercase()
    } else {
        value.to_string()
    }
}
