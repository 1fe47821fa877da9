//! Where a platform's tab may go: its declared domains, or exactly the
//! origin of an overridden base URL (a replica, a mirror).

use crate::browser::guard::{self, Allowed};
use crate::plan::PlatformPlan;

/// The navigation guard for a platform as planned.
pub fn allowed(pp: &PlatformPlan) -> Allowed {
    Allowed {
        domains: pp.platform.domains.clone(),
        extra_origin: (pp.base_url != pp.platform.base_url)
            .then(|| url::Url::parse(&pp.base_url).ok().map(|u| u.origin()))
            .flatten(),
        blocked_types: ["image", "media", "font"]
            .into_iter()
            .filter(|kind| !pp.platform.allow_resources.iter().any(|a| a == kind))
            .filter_map(guard::resource_type)
            .collect(),
    }
}

/// The hosts whose cookies are the platform's: its declared domains, and
/// the host it is reached at when its base URL is overridden (a replica).
pub fn cookie_hosts(pp: &PlatformPlan) -> Vec<String> {
    let mut hosts = pp.platform.domains.clone();
    if let Some(host) = url::Url::parse(&pp.base_url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
    {
        hosts.push(host);
    }
    hosts
}

/// Same page, ignoring query and fragment: a sign-in redirect usually adds
/// a `?next=` parameter.
pub fn same_path(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin() && a.path().trim_end_matches('/') == b.path().trim_end_matches('/'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_redirect_is_the_same_page_whatever_its_query() {
        assert!(same_path("https://x.com/login?next=/a", "https://x.com/login"));
        assert!(same_path("https://x.com/login/", "https://x.com/login#top"));
        assert!(!same_path("https://x.com/login", "https://y.com/login"));
    }
}
