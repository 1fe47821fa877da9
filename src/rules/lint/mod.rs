//! Semantic checks on a parsed rule file. Every problem is collected (not just
//! the first), each with a stable code, a position and a hint.

use std::collections::HashMap;

use chrono::NaiveDate;

mod defaults;
mod locator;
mod sources;
mod values;

use defaults::check_defaults_and_regions;
use locator::{check_locator, check_private_value, check_step, LocatorUse};
use sources::check_sources;
pub use sources::present_facts;
pub use values::{check_control_characters, check_credentials_in_urls, STALE_AFTER_DAYS};
use values::{check_https_url, check_id, check_page, check_verified, host_of};

use super::model::RuleFile;
use super::roles;
use crate::diag::{Diagnostic, LintCode};

/// Facts a rule may flag as unconfirmed with `unverified = [...]`.
pub const FACTS: &[&str] = &[
    "label",
    "page",
    "control",
    "private_value",
    "default",
    "since",
    "manual",
    "apply",
];

pub fn lint(file: usize, file_name: &str, rule: &RuleFile, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let platform = &rule.platform;
    let domains: Vec<String> = platform.domains.get_ref().iter().map(|d| d.get_ref().clone()).collect();

    check_id(file, &platform.id, "platform", &mut out);
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !stem.is_empty() && stem != platform.id.get_ref() {
        out.push(
            Diagnostic::warning(
                LintCode::FileNameMismatch,
                file,
                platform.id.span(),
                format!(
                    "platform id `{}` differs from the file name `{stem}`",
                    platform.id.get_ref()
                ),
            )
            .help(format!(
                "name the file `{}.toml` so people find it",
                platform.id.get_ref()
            )),
        );
    }

    if domains.is_empty() {
        out.push(
            Diagnostic::error(LintCode::NoDomains, file, platform.domains.span(), "`domains` is empty")
                .help("list every host the platform's settings pages use, e.g. [\"www.linkedin.com\"]"),
        );
    }
    for d in platform.domains.get_ref() {
        if let Some(problem) = super::domains::domain_problem(d.get_ref()) {
            out.push(Diagnostic::error(LintCode::BadDomain, file, d.span(), problem).help(
                "write the host names of this platform, such as \"www.x.com\", or \"*.x.com\" for its sub-domains",
            ));
        }
    }

    check_https_url(file, &platform.base_url, "base_url", &mut out);
    if let Some(host) = host_of(platform.base_url.get_ref()) {
        if !domains.is_empty() && !super::host_allowed(&domains, &host) {
            out.push(
                Diagnostic::error(
                    LintCode::BaseUrlOutsideDomains,
                    file,
                    platform.base_url.span(),
                    format!("base_url host `{host}` is not one of the declared domains"),
                )
                .help(format!("add \"{host}\" to `domains`, or fix the base_url")),
            );
        }
    }
    for url in &platform.policy_urls {
        check_https_url(file, url, "policy URL", &mut out);
    }
    check_verified(file, &platform.verified, today, &mut out);
    for host in &platform.first_party {
        let (bare, path) = host.get_ref().split_once('/').unwrap_or((host.get_ref(), ""));
        if let Some(problem) = super::domains::domain_problem(bare) {
            out.push(Diagnostic::error(LintCode::BadDomain, file, host.span(), problem).help(
                "write a host the platform runs, such as \"help.openai.com\" or \"openai.com\" (its sub-domains count too)",
            ));
        } else if path.trim_matches('/').is_empty()
            && sources::is_shared_host(bare)
            && !platform.domains.get_ref().iter().any(|d| {
                let d = d.get_ref().trim_start_matches("*.");
                d == bare || d.ends_with(&format!(".{bare}"))
            })
        {
            out.push(
                Diagnostic::error(
                    LintCode::NotFirstParty,
                    file,
                    host.span(),
                    format!(
                        "anyone can publish on `{bare}`: all of it is not {}'s own words",
                        platform.name
                    ),
                )
                .help(format!("name the platform's own account on it, e.g. \"{bare}/owner/\"")),
            );
        }
    }
    for plan in &platform.plans {
        check_id(file, plan, "plan", &mut out);
    }
    for kind in &platform.allow_resources {
        if !["image", "media", "font"].contains(&kind.get_ref().as_str()) {
            out.push(
                Diagnostic::error(
                    LintCode::InvalidValue,
                    file,
                    kind.span(),
                    format!("`{}` is not a resource kind privaudit blocks", kind.get_ref()),
                )
                .help("use \"image\", \"media\" or \"font\""),
            );
        }
    }
    for selector in &platform.redact {
        if selector.get_ref().trim().is_empty() {
            out.push(
                Diagnostic::error(
                    LintCode::EmptyLocator,
                    file,
                    selector.span(),
                    "an empty `redact` selector hides nothing",
                )
                .help("give the CSS selector of the element that shows the account's name"),
            );
        }
    }

    if let Some(login) = &rule.login {
        // The sign-in page may be on another of the platform's hosts
        // (Accounts Center sends a signed-out visitor to www.facebook.com).
        check_page(file, &login.url, &domains, &mut out);
        if let Some(probe) = &login.signed_in {
            check_locator(file, probe, LocatorUse::Probe, &mut out);
        }
        let form = [
            &login.username,
            &login.password,
            &login.submit,
            &login.next,
            &login.totp,
        ];
        for field in form.into_iter().flatten() {
            check_locator(file, field, LocatorUse::Open, &mut out);
        }
        // A form is a password and a button to send it; a username field
        // is optional (some sign-in pages ask for a password or token only).
        let core = [&login.password, &login.submit];
        let given = core.iter().filter(|f| f.is_some()).count() + usize::from(login.username.is_some());
        let complete = login.password.is_some() && login.submit.is_some();
        if let Some(reason) = &login.cannot_automate {
            if given > 0 || login.next.is_some() || login.totp.is_some() {
                out.push(
                    Diagnostic::error(
                        LintCode::CannotAutomateWithForm,
                        file,
                        reason.span(),
                        "`cannot_automate` and a sign-in form together",
                    )
                    .help("either describe the form, or say why it cannot be automated"),
                );
            }
            if reason.get_ref().trim().is_empty() {
                out.push(
                    Diagnostic::error(
                        LintCode::InvalidValue,
                        file,
                        reason.span(),
                        "`cannot_automate` gives no reason",
                    )
                    .help("say why, e.g. \"signs in with an emailed link only: there is no password to store\""),
                );
            }
        }
        if given > 0 && !complete {
            let at = [&login.username, &login.password, &login.submit]
                .into_iter()
                .flatten()
                .next()
                .map(|f| f.span())
                .unwrap_or_else(|| login.url.span());
            out.push(
                Diagnostic::error(
                    LintCode::IncompleteLoginForm,
                    file,
                    at,
                    "a sign-in form needs `password` and `submit` (and `username` where the page asks for one)",
                )
                .help("add the missing locators, or remove the form to never sign in unattended"),
            );
        }
    }

    if rule.settings.is_empty() {
        out.push(
            Diagnostic::warning(
                LintCode::NoSettings,
                file,
                platform.id.span(),
                "this platform has no [[setting]]",
            )
            .help("add at least one [[setting]] table"),
        );
    }

    let mut seen: HashMap<&str, std::ops::Range<usize>> = HashMap::new();
    for setting in &rule.settings {
        let s = setting.get_ref();
        let id = s.id.get_ref();
        check_id(file, &s.id, "setting", &mut out);
        if let Some(first) = seen.get(id.as_str()) {
            out.push(
                Diagnostic::error(
                    LintCode::DuplicateSettingId,
                    file,
                    s.id.span(),
                    format!("setting id `{id}` is used twice"),
                )
                .related(first.clone(), "first used here")
                .help("give each [[setting]] of a platform its own id"),
            );
        } else {
            seen.insert(id, s.id.span());
        }

        let header = setting.span().start..setting.span().start + "[[setting]]".len().min(setting.span().len());
        check_sources(file, platform, s, header.clone(), &mut out);
        check_defaults_and_regions(file, platform, s, header.clone(), &mut out);
        for fact in &s.unverified {
            if !FACTS.contains(&fact.get_ref().as_str()) {
                out.push(
                    Diagnostic::error(
                        LintCode::UnknownFact,
                        file,
                        fact.span(),
                        format!("`{}` is not a fact of a setting", fact.get_ref()),
                    )
                    .help(format!("use one of: {}", FACTS.join(", "))),
                );
            }
        }

        match &s.manual {
            Some(manual) => {
                check_https_url(file, &manual.url, "manual url", &mut out);
                if manual.steps.is_empty() {
                    out.push(
                        Diagnostic::error(
                            LintCode::ManualWithoutSteps,
                            file,
                            manual.url.span(),
                            format!("manual setting `{id}` has no steps"),
                        )
                        .help("add `steps = [\"…\"]`: what the person must do on that page"),
                    );
                }
                for (present, what) in [
                    (s.control.is_some(), "control"),
                    (s.page.is_some(), "page"),
                    (s.private_value.is_some(), "private_value"),
                ] {
                    if present {
                        out.push(
                            Diagnostic::error(LintCode::ManualWithControl, file, header.clone(), format!("manual setting `{id}` also has `{what}`"))
                                .help("a setting is either read in the browser (page, control, private_value) or manual, not both"),
                        );
                    }
                }
            }
            None => {
                for (missing, what) in [
                    (s.page.is_none(), "page"),
                    (s.control.is_none(), "control"),
                    (s.private_value.is_none(), "private_value"),
                ] {
                    if missing {
                        out.push(
                            Diagnostic::error(
                                LintCode::IncompleteSetting,
                                file,
                                header.clone(),
                                format!("setting `{id}` has no `{what}`"),
                            )
                            .help("a setting needs `page`, `control` and `private_value`, or a `manual` table"),
                        );
                    }
                }
            }
        }
        if let Some(page) = &s.page {
            check_page(file, page, &domains, &mut out);
        }
        for step in &s.open {
            check_locator(file, step, LocatorUse::Open, &mut out);
        }
        if let Some(control) = &s.control {
            check_locator(file, control, LocatorUse::Control, &mut out);
            if let Some(private) = &s.private_value {
                check_private_value(file, control.get_ref(), private, &mut out);
            }
        }
        let toggle = s
            .control
            .as_ref()
            .and_then(|c| c.get_ref().role.as_deref())
            .is_some_and(roles::is_toggle);
        for step in &s.apply {
            check_step(file, step, s.manual.is_some(), toggle, &mut out);
        }
    }
    out
}
