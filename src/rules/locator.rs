//! Compiled locators: what a rule's `{ role, name | name_regex | css, frame }`
//! becomes once its regex is built, and the pure matching against the names
//! the accessibility tree computes.
//!
//! Names are normalised once, the same way on both sides, before exact and
//! regex matching ([`normalise_name`]): Unicode NFKC (a no-break space
//! becomes a space, ligatures split), invisible characters removed (soft
//! hyphen, zero-width space/joiners, word joiner, BOM), typographic quotes
//! made plain (’ → ', “ ” → "), runs of whitespace collapsed and the ends
//! trimmed. So a label written `Don't share` in a rule matches the page's
//! `Don’t share`, and an anchored `^Use my…` matches a label whose text node
//! starts with a space.

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::model::Locator;

#[derive(Debug, Clone)]
pub enum NameMatch {
    Any,
    /// Any of these names (one per language the rule knows), normalised.
    Exact(Vec<String>),
    Pattern(Regex),
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub role: Option<String>,
    pub name: NameMatch,
    pub css: Option<String>,
    /// The accessible name (title) of the iframe the element is in, if the
    /// rule names one; any same-origin frame is searched otherwise.
    pub frame: Option<String>,
    /// The locator as written, for messages.
    pub source: Locator,
}

impl Matcher {
    /// Builds a matcher; the linter has already rejected bad regexes, so an
    /// error here means the caller skipped linting.
    pub fn compile(locator: &Locator) -> Result<Matcher, regex::Error> {
        let names = locator.names();
        let name = match (&locator.name_regex, names.is_empty()) {
            (_, false) => NameMatch::Exact(names.iter().map(|n| normalise_name(n)).collect()),
            (Some(pattern), true) => NameMatch::Pattern(Regex::new(pattern)?),
            (None, true) => NameMatch::Any,
        };
        Ok(Matcher {
            role: locator.role.clone(),
            name,
            css: locator.css.clone(),
            frame: locator.frame.as_ref().map(|f| normalise_name(f)),
            source: locator.clone(),
        })
    }

    /// Does an accessibility node with this role and name match? CSS locators
    /// are resolved through the DOM instead and never match here.
    pub fn matches(&self, role: &str, name: &str) -> bool {
        self.css.is_none() && self.matches_role(role) && self.matches_name(name)
    }

    pub fn matches_role(&self, role: &str) -> bool {
        self.role.as_deref().is_none_or(|want| want.eq_ignore_ascii_case(role))
    }

    /// Does `name` (as the page computes it) match, after normalisation?
    pub fn matches_name(&self, name: &str) -> bool {
        match &self.name {
            NameMatch::Any => true,
            NameMatch::Exact(wants) => {
                let name = normalise_name(name);
                wants.contains(&name)
            }
            NameMatch::Pattern(re) => re.is_match(&normalise_name(name)),
        }
    }

    /// The one exact name a CDP query can be narrowed to, if there is one.
    pub fn exact_name(&self) -> Option<&str> {
        match &self.name {
            NameMatch::Exact(names) if names.len() == 1 => names.first().map(String::as_str),
            _ => None,
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.source.fmt(f)
    }
}

/// Characters that change nothing a person sees: soft hyphen, zero-width
/// space, non-joiner and joiner, left-to-right and right-to-left marks, word
/// joiner, invisible operators, combining grapheme joiner, BOM.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// The one normalisation applied to every accessible name and every name in
/// a rule (see the module comment).
pub fn normalise_name(s: &str) -> String {
    let plain: String = s
        .nfkc()
        .filter(|c| !invisible(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            other => other,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model::Names;

    fn locator(role: &str, name: Option<&str>, re: Option<&str>) -> Locator {
        Locator {
            role: Some(role.into()),
            name: name.map(|n| Names::One(n.into())),
            name_regex: re.map(Into::into),
            ..Locator::default()
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
    fn invisible_characters_and_typographic_quotes_do_not_matter() {
        let m = Matcher::compile(&locator("checkbox", Some("Don't delete my voice recordings"), None)).unwrap();
        assert!(m.matches("checkbox", "Don\u{2019}t delete my voice recordings"));
        let ads = Matcher::compile(&locator("checkbox", Some("Personalised ads"), None)).unwrap();
        assert!(ads.matches("checkbox", "Personalised\u{00A0}ads"));
        assert!(ads.matches("checkbox", "Person\u{00AD}alised ads"));
        assert!(ads.matches("checkbox", "Personalised\u{200B} ads"));
        assert!(ads.matches("checkbox", "\u{FEFF}Personalised ads"));
    }

    #[test]
    fn anchored_regexes_see_the_normalised_name() {
        let m = Matcher::compile(&locator("checkbox", None, Some("^Use my watch history"))).unwrap();
        assert!(m.matches("checkbox", " Use my watch history for recommendations"));
        assert!(m.matches("checkbox", "Use\u{00A0}my watch history"));
    }

    #[test]
    fn a_rule_may_name_a_control_in_several_languages() {
        let mut l = locator("checkbox", None, None);
        l.name = Some(Names::Many(vec![
            "Personalised ads".into(),
            "Personalisierte Werbung".into(),
        ]));
        let m = Matcher::compile(&l).unwrap();
        assert!(m.matches("checkbox", "Personalisierte Werbung"));
        assert!(m.matches("checkbox", "Personalised ads"));
        assert!(!m.matches("checkbox", "Werbung"));
        assert_eq!(m.exact_name(), None);
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
