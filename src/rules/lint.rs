//! Semantic checks on a parsed rule file. Every problem is collected (not just
//! the first), each with a stable code, a position and a hint.

use std::collections::HashMap;

use chrono::NaiveDate;
use toml::Spanned;

use super::model::{Locator, RuleFile, Step};
use crate::diag::Diagnostic;

/// After this many days a rule's `verified` date earns a warning: platforms
/// move their switches often enough that a half-year-old rule is suspect.
pub const STALE_AFTER_DAYS: i64 = 180;

/// Roles whose state privaudit can read, and what their values look like.
pub const TOGGLE_ROLES: &[&str] = &[
    "checkbox",
    "switch",
    "radio",
    "menuitemcheckbox",
    "menuitemradio",
    "button",
];
pub const CHOICE_ROLES: &[&str] = &["combobox", "radiogroup", "listbox"];

/// Other ARIA roles that make sense for `open` steps and sign-in probes.
const OTHER_ROLES: &[&str] = &[
    "link",
    "tab",
    "menuitem",
    "heading",
    "img",
    "region",
    "dialog",
    "alertdialog",
    "group",
    "navigation",
    "main",
    "banner",
    "textbox",
    "option",
    "treeitem",
    "article",
    "list",
    "listitem",
    "status",
    "alert",
    "searchbox",
    "form",
    "tabpanel",
    "complementary",
];

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
                "file-name-mismatch",
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
            Diagnostic::error("no-domains", file, platform.domains.span(), "`domains` is empty")
                .help("list every host the platform's settings pages use, e.g. [\"www.linkedin.com\"]"),
        );
    }
    for d in platform.domains.get_ref() {
        let value = d.get_ref();
        if value.is_empty() || value.contains('/') || value.contains(':') || value.contains(' ') {
            out.push(
                Diagnostic::error("bad-domain", file, d.span(), format!("`{value}` is not a host name"))
                    .help("write bare host names such as \"www.x.com\", or \"*.x.com\" for sub-domains"),
            );
        }
    }

    check_https_url(file, &platform.base_url, "base_url", &mut out);
    if let Some(host) = host_of(platform.base_url.get_ref()) {
        if !domains.is_empty() && !super::host_allowed(&domains, &host) {
            out.push(
                Diagnostic::error(
                    "base-url-outside-domains",
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
    for kind in &platform.allow_resources {
        if !["image", "media", "font"].contains(&kind.get_ref().as_str()) {
            out.push(
                Diagnostic::error(
                    "invalid-value",
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
                    "empty-locator",
                    file,
                    selector.span(),
                    "an empty `redact` selector hides nothing",
                )
                .help("give the CSS selector of the element that shows the account's name"),
            );
        }
    }

    if let Some(login) = &rule.login {
        check_relative_path(file, &login.url, "login url", &mut out);
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
        let core = [&login.username, &login.password, &login.submit];
        let given = core.iter().filter(|f| f.is_some()).count();
        if given > 0 && given < 3 {
            let at = core
                .into_iter()
                .flatten()
                .next()
                .map(|f| f.span())
                .unwrap_or_else(|| login.url.span());
            out.push(
                Diagnostic::error(
                    "incomplete-login-form",
                    file,
                    at,
                    "a sign-in form needs `username`, `password` and `submit` together",
                )
                .help("add the missing locators, or remove the form to never sign in unattended"),
            );
        }
    }

    if rule.settings.is_empty() {
        out.push(
            Diagnostic::warning(
                "no-settings",
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
                    "duplicate-setting-id",
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
        match &s.source {
            None => out.push(
                Diagnostic::error("missing-source", file, header.clone(), format!("setting `{id}` has no source"))
                    .help("add `source = \"https://…\"`: the help page, policy or article that shows the label, the place and the default"),
            ),
            Some(src) => check_https_url(file, src, "source", &mut out),
        }
        for url in &s.see_also {
            check_https_url(file, url, "see_also URL", &mut out);
        }
        for fact in &s.unverified {
            if !FACTS.contains(&fact.get_ref().as_str()) {
                out.push(
                    Diagnostic::error(
                        "unknown-fact",
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
                            "manual-without-steps",
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
                            Diagnostic::error("manual-with-control", file, header.clone(), format!("manual setting `{id}` also has `{what}`"))
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
                                "incomplete-setting",
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
            .is_some_and(|r| TOGGLE_ROLES.contains(&r));
        for step in &s.apply {
            check_step(file, step, s.manual.is_some(), toggle, &mut out);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum LocatorUse {
    Control,
    Open,
    Probe,
}

fn check_locator(file: usize, locator: &Spanned<Locator>, usage: LocatorUse, out: &mut Vec<Diagnostic>) {
    check_locator_at(file, locator.get_ref(), locator.span(), usage, out);
}

fn check_locator_at(
    file: usize,
    l: &Locator,
    span: std::ops::Range<usize>,
    usage: LocatorUse,
    out: &mut Vec<Diagnostic>,
) {
    let blank = |v: &Option<String>| v.as_deref().is_some_and(|s| s.trim().is_empty());
    if l.is_empty() || blank(&l.role) || blank(&l.name) || blank(&l.name_regex) || blank(&l.css) {
        out.push(
            Diagnostic::error(
                "empty-locator",
                file,
                span,
                "this locator matches nothing in particular",
            )
            .help("give `role` and `name` (preferred), `role` and `name_regex`, or `css`"),
        );
        return;
    }
    if l.name.is_some() && l.name_regex.is_some() {
        out.push(
            Diagnostic::error(
                "ambiguous-locator",
                file,
                span.clone(),
                "both `name` and `name_regex` are set",
            )
            .help("keep one: `name` for an exact label, `name_regex` for a pattern"),
        );
    }
    if l.css.is_some() && (l.role.is_some() || l.name.is_some() || l.name_regex.is_some()) {
        out.push(
            Diagnostic::error(
                "ambiguous-locator",
                file,
                span.clone(),
                "`css` cannot be combined with `role` or a name",
            )
            .help("use role + name (preferred), or css alone as a fallback"),
        );
    }
    if l.css.is_none() && l.name.is_none() && l.name_regex.is_none() && usage == LocatorUse::Control {
        out.push(
            Diagnostic::error(
                "unnamed-control",
                file,
                span.clone(),
                "a control needs a `name` or `name_regex`",
            )
            .help("a role alone matches every control of that kind on the page"),
        );
    }
    if let Some(re) = &l.name_regex {
        if let Err(e) = regex::Regex::new(re) {
            out.push(
                Diagnostic::error(
                    "bad-regex",
                    file,
                    span.clone(),
                    format!("`name_regex` is not a valid regular expression: {e}"),
                )
                .help("the syntax is Rust's regex crate (https://docs.rs/regex)"),
            );
        }
    }
    if let Some(role) = &l.role {
        let known = TOGGLE_ROLES.contains(&role.as_str())
            || CHOICE_ROLES.contains(&role.as_str())
            || OTHER_ROLES.contains(&role.as_str());
        if !known {
            out.push(
                Diagnostic::warning("unknown-role", file, span.clone(), format!("`{role}` is not an ARIA role privaudit knows"))
                    .help("use the role the accessibility tree shows (e.g. checkbox, switch, radio, combobox, button, link, tab)"),
            );
        } else if usage == LocatorUse::Control
            && !TOGGLE_ROLES.contains(&role.as_str())
            && !CHOICE_ROLES.contains(&role.as_str())
        {
            out.push(
                Diagnostic::error(
                    "unreadable-role",
                    file,
                    span,
                    format!("a `{role}` has no on/off state or value to read"),
                )
                .help(format!(
                    "controls are one of: {}, {}",
                    TOGGLE_ROLES.join(", "),
                    CHOICE_ROLES.join(", ")
                )),
            );
        }
    }
}

fn check_step(file: usize, step: &Spanned<Step>, manual: bool, toggle: bool, out: &mut Vec<Diagnostic>) {
    let st = step.get_ref();
    let span = step.span();
    if manual {
        out.push(
            Diagnostic::error(
                "manual-with-apply",
                file,
                span.clone(),
                "a manual setting has no apply steps",
            )
            .help("privaudit never changes manual settings; remove `apply`"),
        );
    }
    let count = st.action_count();
    if count != 1 {
        out.push(
            Diagnostic::error("bad-step", file, span.clone(), format!("a step names {count} actions"))
                .help("give exactly one of: click, check, uncheck, select, fill, wait_for, confirm, expect, save"),
        );
    }
    for locator in st.locators() {
        check_locator_at(file, locator, span.clone(), LocatorUse::Open, out);
    }
    if let Some(fill) = &st.fill {
        if looks_secret(&fill.target) {
            out.push(
                Diagnostic::error(
                    "secret-fill",
                    file,
                    span.clone(),
                    "`fill` targets what looks like a password or code field",
                )
                .help("rules never type secrets; sign-in is handled by privaudit's login support"),
            );
        }
    }
    if st.select.is_some() && toggle {
        out.push(
            Diagnostic::error(
                "select-on-toggle",
                file,
                span,
                "`select` needs a radio group or a select control",
            )
            .help("for a checkbox or switch use `check`, `uncheck` or `click = \"control\"`"),
        );
    }
}

fn looks_secret(l: &Locator) -> bool {
    let re = regex::Regex::new(r"(?i)pass(word|code)|\bpin\b|one-time|otp|2fa|security code|totp|secret")
        .expect("valid regex");
    [&l.name, &l.name_regex, &l.css]
        .into_iter()
        .flatten()
        .any(|t| re.is_match(t))
}

fn check_private_value(file: usize, control: &Locator, value: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    let v = value.get_ref().trim().to_ascii_lowercase();
    let toggle = control.role.as_deref().is_some_and(|r| TOGGLE_ROLES.contains(&r));
    if toggle && v != "on" && v != "off" {
        out.push(
            Diagnostic::error(
                "invalid-private-value",
                file,
                value.span(),
                format!("a toggle is `on` or `off`, not `{}`", value.get_ref()),
            )
            .help("write the value the user should see in the UI: \"off\" for an unchecked box or switch"),
        );
    }
    if v.is_empty() {
        out.push(
            Diagnostic::error("invalid-private-value", file, value.span(), "`private_value` is empty")
                .help("write the option's visible name"),
        );
    }
}

fn check_id(file: usize, id: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    let value = id.get_ref();
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-');
    if !ok {
        out.push(
            Diagnostic::error(
                "bad-id",
                file,
                id.span(),
                format!("{what} id `{value}` is not kebab-case"),
            )
            .help("use lowercase letters, digits and dashes: profiles refer to settings as `platform.setting-id`"),
        );
    }
}

fn check_https_url(file: usize, url: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    match url::Url::parse(url.get_ref()) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
        Ok(_) => out.push(
            Diagnostic::error("bad-url", file, url.span(), format!("{what} must be an https:// URL"))
                .help("privaudit only cites and visits platforms over https"),
        ),
        Err(e) => out.push(Diagnostic::error(
            "bad-url",
            file,
            url.span(),
            format!("{what} is not a URL: {e}"),
        )),
    }
}

/// A setting's page: a path on `base_url`, or an `https://` URL on another
/// of the platform's declared hosts (settings spread over several hosts).
fn check_page(file: usize, page: &Spanned<String>, domains: &[String], out: &mut Vec<Diagnostic>) {
    if !page.get_ref().starts_with("https://") {
        return check_relative_path(file, page, "page", out);
    }
    let host = url::Url::parse(page.get_ref())
        .ok()
        .and_then(|u| u.host_str().map(String::from));
    if !host.is_some_and(|h| super::host_allowed(domains, &h)) {
        out.push(
            Diagnostic::error(
                "page-outside-domains",
                file,
                page.span(),
                "this page is not on one of the platform's declared domains",
            )
            .help("add its host to `domains`, or use a path relative to base_url"),
        );
    }
}

fn check_relative_path(file: usize, path: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    if !path.get_ref().starts_with('/') || path.get_ref().starts_with("//") {
        out.push(
            Diagnostic::error(
                "page-not-relative",
                file,
                path.span(),
                format!(
                    "{what} must be a path starting with `/` (or, for a page, an https:// URL on a declared domain)"
                ),
            )
            .help("pages are relative to base_url, so tests can point the rule at a replica"),
        );
    }
}

fn check_verified(file: usize, verified: &Spanned<String>, today: NaiveDate, out: &mut Vec<Diagnostic>) {
    match NaiveDate::parse_from_str(verified.get_ref(), "%Y-%m-%d") {
        Err(_) => out.push(
            Diagnostic::error(
                "bad-date",
                file,
                verified.span(),
                format!("`{}` is not a YYYY-MM-DD date", verified.get_ref()),
            )
            .help("write the day someone last checked the rule against the live site, e.g. \"2026-11-20\""),
        ),
        Ok(date) if (today - date).num_days() > STALE_AFTER_DAYS => out.push(
            Diagnostic::warning(
                "stale-verified",
                file,
                verified.span(),
                format!("last verified {} days ago", (today - date).num_days()),
            )
            .help("check every setting against the live site and its sources, then update `verified`"),
        ),
        Ok(date) if date > today => out.push(
            Diagnostic::error("bad-date", file, verified.span(), "`verified` is in the future")
                .help("use the day the rule was checked"),
        ),
        Ok(_) => {}
    }
}

pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(str::to_string)
}
