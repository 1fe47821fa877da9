//! Checks on locators, apply steps and private values.

use toml::Spanned;

use crate::diag::{Diagnostic, LintCode};
use crate::rules::model::{Locator, PrivateValue, Step};
use crate::rules::roles::{self, CHOICE_ROLES, TOGGLE_ROLES};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum LocatorUse {
    Control,
    Open,
    Probe,
}

pub(super) fn check_locator(file: usize, locator: &Spanned<Locator>, usage: LocatorUse, out: &mut Vec<Diagnostic>) {
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
    let blank_name = l
        .name
        .as_ref()
        .is_some_and(|n| n.all().is_empty() || n.all().iter().any(|s| s.trim().is_empty()));
    if l.is_empty() || blank(&l.role) || blank_name || blank(&l.name_regex) || blank(&l.css) || blank(&l.frame) {
        out.push(
            Diagnostic::error(
                LintCode::EmptyLocator,
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
                LintCode::AmbiguousLocator,
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
                LintCode::AmbiguousLocator,
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
                LintCode::UnnamedControl,
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
                    LintCode::BadRegex,
                    file,
                    span.clone(),
                    format!("`name_regex` is not a valid regular expression: {e}"),
                )
                .help("the syntax is Rust's regex crate (https://docs.rs/regex)"),
            );
        }
    }
    if let Some(role) = &l.role {
        let known = roles::is_known(role);
        if !known {
            out.push(
                Diagnostic::warning(LintCode::UnknownRole, file, span.clone(), format!("`{role}` is not an ARIA role privaudit knows"))
                    .help("use the role the accessibility tree shows (e.g. checkbox, switch, radio, combobox, button, link, tab)"),
            );
        } else if usage == LocatorUse::Control
            && !TOGGLE_ROLES.contains(&role.as_str())
            && !CHOICE_ROLES.contains(&role.as_str())
        {
            out.push(
                Diagnostic::error(
                    LintCode::UnreadableRole,
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

pub(super) fn check_step(file: usize, step: &Spanned<Step>, manual: bool, toggle: bool, out: &mut Vec<Diagnostic>) {
    let st = step.get_ref();
    let span = step.span();
    if manual {
        out.push(
            Diagnostic::error(
                LintCode::ManualWithApply,
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
            Diagnostic::error(
                LintCode::BadStep,
                file,
                span.clone(),
                format!("a step names {count} actions"),
            )
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
                    LintCode::SecretFill,
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
                LintCode::SelectOnToggle,
                file,
                span,
                "`select` needs a radio group or a select control",
            )
            .help("for a checkbox or switch use `check`, `uncheck` or `click = \"control\"`"),
        );
    }
}

/// An early warning only: `fill` checks the element itself at run time.
fn looks_secret(l: &Locator) -> bool {
    let names = l.names();
    [l.name_regex.as_deref(), l.css.as_deref()]
        .into_iter()
        .flatten()
        .chain(names)
        .any(crate::rules::secret_fields::looks_secret)
}

pub(super) fn check_private_value(
    file: usize,
    control: &Locator,
    value: &Spanned<PrivateValue>,
    out: &mut Vec<Diagnostic>,
) {
    let toggle = control.role.as_deref().is_some_and(roles::is_toggle);
    match value.get_ref() {
        PrivateValue::Text(text) => {
            let v = text.trim().to_ascii_lowercase();
            if toggle && v != "on" && v != "off" {
                out.push(
                    Diagnostic::error(
                        LintCode::InvalidPrivateValue,
                        file,
                        value.span(),
                        format!("a toggle is `on` or `off`, not `{text}`"),
                    )
                    .help("write the value the user should see in the UI: \"off\" for an unchecked box or switch"),
                );
            }
            if v.is_empty() {
                out.push(
                    Diagnostic::error(
                        LintCode::InvalidPrivateValue,
                        file,
                        value.span(),
                        "`private_value` is empty",
                    )
                    .help("write the option's visible name"),
                );
            }
        }
        PrivateValue::Option { name, .. } => {
            if toggle {
                out.push(
                    Diagnostic::error(
                        LintCode::InvalidPrivateValue,
                        file,
                        value.span(),
                        "a toggle's private value is `on` or `off`, not an option",
                    )
                    .help("write private_value = \"off\" (or \"on\")"),
                );
            }
            if name.all().iter().any(|n| n.trim().is_empty()) {
                out.push(
                    Diagnostic::error(
                        LintCode::InvalidPrivateValue,
                        file,
                        value.span(),
                        "an option name is empty",
                    )
                    .help("write the option's visible name in each language"),
                );
            }
        }
    }
}
