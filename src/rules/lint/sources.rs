//! Checks on what a setting's facts rest on: every fact has a source or is
//! marked unconfirmed, `first-party` sources are the platform's own pages,
//! and content farms are never cited.

use std::ops::Range;

use super::values::{check_https_url, host_of};
use crate::diag::{Diagnostic, LintCode};
use crate::rules::facts::SOURCED_FACTS;
use crate::rules::model::{Platform, Setting, SourceKind};

/// Sites that publish machine-written or copied how-to pages: they repeat
/// labels from each other, often wrongly, and never count as a source.
/// (The list grows as the research notes name more; see CONTRIBUTING.)
const CONTENT_FARMS: &[&str] = &[
    "allthings.how",
    "askvity.info",
    "b2bgrowthco.com",
    "code-velocity.com",
    "digismak.com",
    "exbulletin.com",
    "findarticles.com",
    "indiaeveningpost.com",
    "legalclarity.org",
    "memx.app",
    "nwslyr.com",
    "palpalnewshub.com",
    "sipoch.com",
    "supergrok.tech",
    "techbriefly.com",
    "techminis.com",
    "techolam.com",
    "tengele.com",
    "tipsmake.com",
    "unanswered.io",
    "wikitechlibrary.com",
    "wirebyte.vercel.app",
];

/// The facts a setting has, each of which needs a source.
pub fn present_facts(s: &Setting) -> Vec<&'static str> {
    let mut facts = vec!["label", "page"];
    if s.control.is_some() {
        facts.push("control");
    }
    if s.default.is_some() {
        facts.push("default");
    }
    if s.since.is_some() {
        facts.push("since");
    }
    facts
}

/// Code, blog and archive hosts where anyone can publish: only an owner's
/// path on them (or the platform's own declared domain) is a platform's own
/// words. (Social networks are left out: a sibling platform's help pages
/// live there, and the platform itself declares its own.)
const SHARED_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "raw.githubusercontent.com",
    "gist.github.com",
    "medium.com",
    "substack.com",
    "wordpress.com",
    "blogspot.com",
    "tumblr.com",
    "sites.google.com",
    "docs.google.com",
    "web.archive.org",
    "archive.org",
];

pub(super) fn is_shared_host(host: &str) -> bool {
    SHARED_HOSTS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host.trim_start_matches("*.")))
}

fn is_under(host: &str, suffix: &str) -> bool {
    let suffix = suffix.trim_start_matches("*.");
    host == suffix || host.ends_with(&format!(".{suffix}"))
}

/// Is `url` on one of the platform's own places? An entry is a host (its
/// sub-domains count) or a host and path prefix, for a platform whose own
/// code lives on a shared host: `github.com/Automattic/`.
fn is_own(url: &str, own: &[String]) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default();
    own.iter().any(|entry| match entry.split_once('/') {
        Some((h, prefix)) => {
            // Whole path segments: `github.com/acme/` is not `github.com/acmecorp-fan/`.
            let prefix = prefix.trim_matches('/').to_ascii_lowercase();
            let path = parsed.path().trim_start_matches('/').to_ascii_lowercase();
            host == h.trim_start_matches("*.")
                && !prefix.is_empty()
                && (path == prefix || path.starts_with(&format!("{prefix}/")))
        }
        None => is_under(host, entry),
    })
}

pub(super) fn check_sources(
    file: usize,
    platform: &Platform,
    s: &Setting,
    header: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let id = s.id.get_ref();
    if s.sources.is_empty() {
        match &s.source {
            None => out.push(
                Diagnostic::error(LintCode::MissingSource, file, header, format!("setting `{id}` has no source"))
                    .help("add `sources = [{ url = \"https://…\", kind = \"first-party\", shows = [\"label\", \"page\", \"default\"] }]`"),
            ),
            Some(src) => {
                check_https_url(file, src, "source", out);
                out.push(
                    Diagnostic::warning(
                        LintCode::LegacySource,
                        file,
                        src.span(),
                        format!("setting `{id}` cites `source` without saying what it shows"),
                    )
                    .help("use `sources = [{ url, kind, shows }]` so `rules list` can grade the setting"),
                );
            }
        }
        for url in &s.see_also {
            check_https_url(file, url, "see_also URL", out);
        }
        return;
    }
    if let Some(src) = &s.source {
        out.push(
            Diagnostic::error(
                LintCode::LegacySource,
                file,
                src.span(),
                "`source` and `sources` together: which one shows what?",
            )
            .help("move this URL into `sources` with its kind and the facts it shows"),
        );
    }
    let own_hosts: Vec<String> = platform
        .domains
        .get_ref()
        .iter()
        .map(|d| d.get_ref().clone())
        .chain(platform.first_party.iter().map(|h| h.get_ref().clone()))
        .collect();
    for source in &s.sources {
        let source = source.get_ref();
        check_https_url(file, &source.url, "source URL", out);
        let host = host_of(source.url.get_ref()).unwrap_or_default();
        if let Some(farm) = CONTENT_FARMS.iter().find(|f| is_under(&host, f)) {
            out.push(
                Diagnostic::error(
                    LintCode::ContentFarm,
                    file,
                    source.url.span(),
                    format!("`{farm}` publishes copied or machine-written how-tos: it is not a source"),
                )
                .help("cite the platform's help page, a reputable outlet or code that automates the setting; if none shows the fact, list it in `unverified`"),
            );
        }
        if *source.kind.get_ref() == SourceKind::FirstParty
            && !host.is_empty()
            && !is_own(source.url.get_ref(), &own_hosts)
        {
            out.push(
                Diagnostic::error(
                    LintCode::NotFirstParty,
                    file,
                    source.url.span(),
                    match own_hosts.iter().filter(|o| o.starts_with(&format!("{host}/"))).collect::<Vec<_>>() {
                        paths if !paths.is_empty() => format!(
                            "`{}` is not under {}'s own places on {host} ({})",
                            source.url.get_ref(),
                            platform.name,
                            paths.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                        _ => format!("`{host}` is not one of {}'s own hosts", platform.name),
                    },
                )
                .help("add the host to `[platform] first_party` if the platform runs it (its help centre, policy site, blog; \"github.com/owner/\" for its code), or give the source kind \"press\", \"code\" or \"secondary\""),
            );
        }
        for fact in &source.shows {
            if !SOURCED_FACTS.contains(&fact.get_ref().as_str()) {
                out.push(
                    Diagnostic::error(
                        LintCode::UnknownFact,
                        file,
                        fact.span(),
                        format!("`{}` is not a fact a source can show", fact.get_ref()),
                    )
                    .help(format!("use one of: {}", SOURCED_FACTS.join(", "))),
                );
            }
        }
    }
    for fact in present_facts(s) {
        let shown = s
            .sources
            .iter()
            .any(|src| src.get_ref().shows.iter().any(|f| f.get_ref() == fact));
        let marked = s.unverified.iter().any(|u| u.get_ref() == fact);
        let shown_first_party = s.sources.iter().any(|src| {
            *src.get_ref().kind.get_ref() == SourceKind::FirstParty
                && src.get_ref().shows.iter().any(|f| f.get_ref() == fact)
        });
        if let Some(mark) = s
            .unverified
            .iter()
            .find(|u| u.get_ref() == fact)
            .filter(|_| shown_first_party)
        {
            out.push(
                Diagnostic::warning(
                    LintCode::ContradictoryFact,
                    file,
                    mark.span(),
                    format!("a first-party source shows the {fact} of `{id}`, and `unverified` lists it"),
                )
                .help(format!(
                    "take \"{fact}\" out of `unverified` if the source confirms it, or out of that source's `shows` if it does not"
                )),
            );
        }
        if !shown && !marked {
            out.push(
                Diagnostic::error(
                    LintCode::UnsourcedFact,
                    file,
                    header.clone(),
                    format!("no source of `{id}` shows its {fact}"),
                )
                .help(format!(
                    "add \"{fact}\" to the `shows` of the source that states it, or list \"{fact}\" in `unverified`"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_places_are_hosts_or_a_host_and_path_prefix() {
        let own = vec!["openai.com".to_string(), "github.com/Automattic/".to_string()];
        assert!(is_own("https://help.openai.com/en/articles/1", &own));
        assert!(!is_own("https://notopenai.com/x", &own));
        assert!(is_own("https://github.com/Automattic/jetpack/blob/x.tsx", &own));
        assert!(!is_own("https://github.com/someone/clone/blob/x.tsx", &own));
        assert!(!is_own("https://github.com/Automatticfan/clone/blob/x.tsx", &own));
        assert!(is_own("https://github.com/automattic", &own));
    }
}
