//! Declared domains: the hosts a platform's pages may be loaded from.

/// Is `host` one of the declared domains? Entries are exact host names;
/// `*.example.com` allows sub-domains of example.com (not example.com itself).
pub fn host_allowed(domains: &[String], host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    domains.iter().any(|d| {
        let d = d.to_ascii_lowercase();
        match d.strip_prefix("*.") {
            Some(parent) => host.ends_with(&format!(".{parent}")),
            None => host == d,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_exactly_unless_wildcarded() {
        let domains = vec!["x.com".to_string(), "*.linkedin.com".to_string()];
        assert!(host_allowed(&domains, "x.com"));
        assert!(host_allowed(&domains, "X.COM."));
        assert!(!host_allowed(&domains, "evil-x.com"));
        assert!(!host_allowed(&domains, "x.com.evil.net"));
        assert!(!host_allowed(&domains, "api.x.com"));
        assert!(host_allowed(&domains, "www.linkedin.com"));
        assert!(!host_allowed(&domains, "linkedin.com"));
        assert!(!host_allowed(&domains, "wwwlinkedin.com"));
    }
}
