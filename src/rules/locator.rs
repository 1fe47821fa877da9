//! Compiled locators: what a rule's `{ role, name | name_regex | css }` becomes
//! once its regex is built, and the pure matching against accessibility nodes.

use regex::Regex;

use super::model::Locator;

#[derive(Debug, Clone)]
pub enum NameMatch {
    Any,
    Exact(String),
    Pattern(Regex),
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub role: Option<String>,
    pub name: NameMatch,
    pub css: Option<String>,
    /// The locator as written, for messages.
    pub source: Locator,
}

impl Matcher {
    /// Builds a matcher; the linter has already rejected bad regexes, so an
    /// error here means the caller skipped linting.
    pub fn compile(locator: &Locator) -> Result<Matcher, regex::Error> {
        let name = match (&locator.name, &locator.name_regex) {
            (Some(exact), _) => NameMatch::Exact(collapse_whitespace(exact)),
            (None, Some(pattern)) => NameMatch::Pattern(Regex::new(pattern)?),
            (None, None) => NameMatch::Any,
        };
        Ok(Matcher {
            role: locator.role.clone(),
            name,
            css: locator.css.clone(),
            source: locator.clone(),
        })
    }

    /// Does an accessibility node with this role and name match? CSS locators
    /// are resolved through the DOM instead and never match here.
    pub fn matches(&self, role: &str, name: &str) -> bool {
        if self.css.is_some() {
            return false;
        }
        if let Some(want) = &self.role {
            if !want.eq_ignore_ascii_case(role) {
                return false;
            }
        }
        match &self.name {
            NameMatch::Any => true,
            NameMatch::Exact(want) => collapse_whitespace(name) == *want,
            NameMatch::Pattern(re) => re.is_match(name),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.source.fmt(f)
    }
}

/// Accessible names keep the page's line breaks and runs of spaces; labels in
/// rules are written on one line.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locator(role: &str, name: Option<&str>, re: Option<&str>) -> Locator {
        Locator {
            role: Some(role.into()),
            name: name.map(Into::into),
            name_regex: re.map(Into::into),
            css: None,
        }
    }

    #[test]
    fn exact_names_ignore_whitespace_layout_but_not_words() {
        let m = Matcher::compile(&locator("switch", Some("Use my data for training"), None)).unwrap();
        assert!(m.matches("switch", "Use my data\n   for training"));
        assert!(m.matches("Switch", "Use my data for training"));
        assert!(!m.matches("checkbox", "Use my data for training"));
        assert!(!m.matches("switch", "Use my data for training AI"));
    }

    #[test]
    fn regex_names_match_labels_with_help_text() {
        let m = Matcher::compile(&locator("checkbox", None, Some(r"^Allow your posts .* Grok"))).unwrap();
        assert!(m.matches(
            "checkbox",
            "Allow your posts as well as your interactions with Grok to be used"
        ));
        assert!(!m.matches("checkbox", "Personalized ads"));
    }

    #[test]
    fn css_locators_never_match_accessibility_nodes() {
        let m = Matcher::compile(&Locator {
            css: Some("#x".into()),
            ..Locator::default()
        })
        .unwrap();
        assert!(!m.matches("checkbox", "anything"));
    }

    #[test]
    fn bad_regex_is_an_error() {
        assert!(Matcher::compile(&locator("switch", None, Some("("))).is_err());
    }
}
