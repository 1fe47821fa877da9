//! A browser cookie as privaudit carries it: from a cookie export into the
//! session's profile. The value is a secret and never printed.

use crate::secrets::Secret;

#[derive(Debug, Clone)]
pub struct Cookie {
    pub name: String,
    pub value: Secret,
    /// As exported: `.example.com` (with sub-domains) or `www.example.com`.
    pub domain: String,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    /// Seconds since the epoch; None for a session cookie.
    pub expires: Option<f64>,
}

/// How long an imported session cookie (one without an expiry) is kept:
/// Chromium drops session cookies when it closes, which would make the
/// import useless for the next run.
pub const SESSION_COOKIE_DAYS: u64 = 30;

impl Cookie {
    /// The expiry to store: the exported one, or SESSION_COOKIE_DAYS from now.
    pub fn persistent_expiry(&self) -> f64 {
        self.expires.unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            (now + SESSION_COOKIE_DAYS * 86_400) as f64
        })
    }

    /// Whether a browser would send this cookie to one of `hosts` (the
    /// platform's declared domains, `*.x.com` for sub-domains, or a
    /// replica's host), by RFC 6265 domain matching (`cookie_store`). A
    /// cookie set for a public suffix (`.com`, `.co.uk`) belongs to no
    /// platform, whatever it matches (`psl`).
    pub fn belongs_to(&self, hosts: &[String]) -> bool {
        use cookie_store::CookieDomain;
        let Ok(domain) = CookieDomain::try_from(self.domain.as_str()) else {
            return false;
        };
        let Some(name) = domain.as_cow().map(|d| d.to_ascii_lowercase()) else {
            return false;
        };
        if is_public_suffix(&name) {
            return false;
        }
        hosts.iter().any(|declared| {
            let host = declared.trim_start_matches("*.").to_ascii_lowercase();
            let sent_to_host = url::Url::parse(&format!("https://{host}/")).is_ok_and(|u| domain.matches(&u));
            // `*.x.com`: a cookie of any sub-domain of x.com is the platform's.
            let under_wildcard = declared.starts_with("*.") && name.ends_with(&format!(".{host}"));
            sent_to_host || under_wildcard
        })
    }
}

/// Is `domain` itself a public suffix (one under which anyone can register)?
pub fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.trim_start_matches('.').trim_end_matches('.');
    psl::suffix(domain.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(domain: &str) -> Cookie {
        Cookie {
            name: "n".into(),
            value: Secret::from("v"),
            domain: domain.into(),
            path: "/".into(),
            secure: true,
            http_only: false,
            expires: None,
        }
    }

    #[test]
    fn only_the_platforms_own_cookies_belong() {
        let hosts = vec!["www.linkedin.com".to_string()];
        assert!(cookie(".linkedin.com").belongs_to(&hosts));
        assert!(cookie("www.linkedin.com").belongs_to(&hosts));
        assert!(!cookie(".evil.com").belongs_to(&hosts));
        assert!(!cookie("linkedin.com.evil.com").belongs_to(&hosts));
        assert!(
            !cookie("api.linkedin.com").belongs_to(&hosts),
            "another host of the platform, not declared"
        );
        let wildcard = vec!["*.linkedin.com".to_string()];
        assert!(cookie("api.linkedin.com").belongs_to(&wildcard));
    }

    #[test]
    fn a_cookie_for_a_public_suffix_belongs_to_nobody() {
        let hosts = vec!["www.example.com".to_string(), "www.example.co.uk".to_string()];
        assert!(!cookie(".com").belongs_to(&hosts));
        assert!(!cookie("com").belongs_to(&hosts));
        assert!(!cookie(".co.uk").belongs_to(&hosts));
        assert!(cookie(".example.co.uk").belongs_to(&hosts));
    }

    #[test]
    fn a_replica_host_matches_exactly() {
        let hosts = vec!["127.0.0.1".to_string()];
        assert!(cookie("127.0.0.1").belongs_to(&hosts));
        assert!(!cookie("127.0.0.2").belongs_to(&hosts));
    }
}
