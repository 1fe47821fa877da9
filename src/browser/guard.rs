//! Keeps navigation inside a platform's declared domains. Every document
//! request (top frame, iframes, redirects) is paused through CDP's Fetch domain
//! and only continued when its URL is allowed, so a hostile or broken redirect
//! never reaches another site with the user's session.

use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams, RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::{ErrorReason, ResourceType};
use chromiumoxide::Page;
use futures::StreamExt;

use crate::rules::host_allowed;

/// What a tab may load.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// Declared domains: reached over https only.
    pub domains: Vec<String>,
    /// An overridden base URL's origin (a replica, a mirror), allowed as is.
    pub extra_origin: Option<url::Origin>,
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

/// Starts intercepting document requests on `page`. Must run before the first
/// navigation.
pub async fn install(page: &Page, allowed: Allowed) -> chromiumoxide::error::Result<Violation> {
    let violation: Violation = Arc::new(Mutex::new(None));
    let mut paused = page.event_listener::<EventRequestPaused>().await?;
    page.execute(
        EnableParams::builder()
            .pattern(
                RequestPattern::builder()
                    .url_pattern("*")
                    .resource_type(ResourceType::Document)
                    .request_stage(RequestStage::Request)
                    .build(),
            )
            .build(),
    )
    .await?;
    let page = page.clone();
    let record = violation.clone();
    tokio::spawn(async move {
        while let Some(event) = paused.next().await {
            let url = &event.request.url;
            let result = if allowed.allows(url) {
                page.execute(ContinueRequestParams::new(event.request_id.clone()))
                    .await
                    .map(|_| ())
            } else {
                tracing::warn!(url = %url, "blocked navigation outside the platform's declared domains");
                if let Ok(mut slot) = record.lock() {
                    slot.get_or_insert_with(|| url.clone());
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
