//! Keeps navigation inside a platform's declared domains. Every document
//! request (top frame, iframes, redirects) is paused through CDP's Fetch domain
//! and only continued when its URL is allowed, so a hostile or broken redirect
//! never reaches another site with the user's session.
//!
//! The top frame leaving the domains stops the platform (the page is not the
//! platform's any more). A sub-frame from elsewhere (a help widget, a
//! captcha, an ad) is refused quietly and the audit goes on: the settings
//! are in the platform's own document.

use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams, RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::{ErrorReason, ResourceType};
use chromiumoxide::cdp::browser_protocol::page::FrameId;
use chromiumoxide::Page;
use futures::StreamExt;

use super::network::InFlight;
use crate::rules::host_allowed;

/// What a tab may load.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// Declared domains: reached over https only.
    pub domains: Vec<String>,
    /// An overridden base URL's origin (a replica, a mirror), allowed as is.
    pub extra_origin: Option<url::Origin>,
    /// Kinds of subresource an audit never needs (images, media, fonts),
    /// refused before they are fetched unless the rule allows them.
    pub blocked_types: Vec<ResourceType>,
}

/// Hosts that only track or measure: an audit never needs them, and the
/// user's settings pages should not report the audit to them.
const TRACKERS: &[&str] = &[
    "google-analytics.com",
    "googletagmanager.com",
    "doubleclick.net",
    "googleadservices.com",
    "connect.facebook.net",
    "analytics.twitter.com",
    "ads-twitter.com",
    "px.ads.linkedin.com",
    "snap.licdn.com",
    "bat.bing.com",
    "hotjar.com",
    "scorecardresearch.com",
];

/// The resource kinds a rule may allow again with `allow_resources`.
pub fn resource_type(name: &str) -> Option<ResourceType> {
    match name {
        "image" => Some(ResourceType::Image),
        "media" => Some(ResourceType::Media),
        "font" => Some(ResourceType::Font),
        _ => None,
    }
}

impl Allowed {
    pub fn allows(&self, raw: &str) -> bool {
        if raw == "about:blank" {
            return true;
        }
        let Ok(url) = url::Url::parse(raw) else {
            return false;
        };
        if self.extra_origin.as_ref().is_some_and(|o| *o == url.origin()) {
            return true;
        }
        url.scheme() == "https" && url.host_str().is_some_and(|h| host_allowed(&self.domains, h))
    }
}

/// The first URL the guard refused in a tab, if any.
pub type Violation = Arc<Mutex<Option<String>>>;

/// Starts intercepting on `page`: every document request (checked against
/// the domains), and the requests an audit never needs (refused). Only those
/// are paused; everything else loads untouched. Must run before the first
/// navigation.
pub async fn install(
    page: &Page,
    allowed: Allowed,
    main_frame: Option<FrameId>,
    in_flight: InFlight,
) -> chromiumoxide::error::Result<Violation> {
    let violation: Violation = Arc::new(Mutex::new(None));
    let mut paused = page.event_listener::<EventRequestPaused>().await?;
    let pattern = |url: &str, kind: Option<ResourceType>| {
        let mut p = RequestPattern::builder()
            .url_pattern(url)
            .request_stage(RequestStage::Request);
        if let Some(kind) = kind {
            p = p.resource_type(kind);
        }
        p.build()
    };
    let mut patterns = vec![pattern("*", Some(ResourceType::Document))];
    patterns.extend(
        allowed
            .blocked_types
            .iter()
            .map(|kind| pattern("*", Some(kind.clone()))),
    );
    patterns.extend(TRACKERS.iter().map(|host| pattern(&format!("*://*{host}/*"), None)));
    page.execute(EnableParams::builder().patterns(patterns).build()).await?;
    let page = page.clone();
    let record = violation.clone();
    tokio::spawn(async move {
        while let Some(event) = paused.next().await {
            let url = &event.request.url;
            let document = event.resource_type == ResourceType::Document;
            let tracker = url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .is_some_and(|h| TRACKERS.iter().any(|t| h == *t || h.ends_with(&format!(".{t}"))));
            let top = main_frame.as_ref().is_none_or(|main| *main == event.frame_id);
            let refuse = !document || tracker || !allowed.allows(url);
            if refuse {
                if let Some(id) = &event.network_id {
                    in_flight.forget(id.inner());
                }
            }
            let result = if !document || tracker {
                // Not needed for an audit: refused quietly, before any byte is fetched.
                tracing::debug!(url = %url, "blocked a request an audit does not need");
                page.execute(FailRequestParams::new(
                    event.request_id.clone(),
                    ErrorReason::BlockedByClient,
                ))
                .await
                .map(|_| ())
            } else if allowed.allows(url) {
                page.execute(ContinueRequestParams::new(event.request_id.clone()))
                    .await
                    .map(|_| ())
            } else {
                if top {
                    tracing::warn!(url = %url, "blocked navigation outside the platform's declared domains");
                    if let Ok(mut slot) = record.lock() {
                        slot.get_or_insert_with(|| url.clone());
                    }
                } else {
                    tracing::debug!(url = %url, "blocked a frame from outside the platform's declared domains");
                }
                page.execute(FailRequestParams::new(
                    event.request_id.clone(),
                    ErrorReason::BlockedByClient,
                ))
                .await
                .map(|_| ())
            };
            if result.is_err() {
                // The tab or the browser is gone; nothing left to guard.
                break;
            }
        }
    });
    Ok(violation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(extra: Option<&str>) -> Allowed {
        Allowed {
            domains: vec!["x.com".into(), "*.linkedin.com".into()],
            extra_origin: extra.map(|u| url::Url::parse(u).unwrap().origin()),
            blocked_types: Vec::new(),
        }
    }

    #[test]
    fn declared_domains_over_https_only() {
        let a = allowed(None);
        assert!(a.allows("https://x.com/settings"));
        assert!(a.allows("https://www.linkedin.com/mypreferences"));
        assert!(!a.allows("http://x.com/settings"), "plain http is a downgrade");
        assert!(!a.allows("https://evil.example/x.com"));
        assert!(!a.allows("https://x.com.evil.example/"));
        assert!(!a.allows("javascript:alert(1)"));
        assert!(a.allows("about:blank"));
    }

    #[test]
    fn an_override_allows_exactly_its_origin() {
        let a = allowed(Some("http://127.0.0.1:4000/x"));
        assert!(a.allows("http://127.0.0.1:4000/x/settings"));
        assert!(
            !a.allows("http://127.0.0.1:4001/x/settings"),
            "another port is another origin"
        );
        assert!(
            !a.allows("http://localhost:4000/x/settings"),
            "another host name is another origin"
        );
    }
}
