//! Declared domains: the hosts a platform's pages may be loaded from.

/// Is `host` one of the declared domains? Entries are exact host names;
/// `*.example.com` allows sub-domains of example.com (not example.com itself).
pub fn host_allowed(domains: &[String], host: &str) -> bool {
    let host = ascii(host.trim_end_matches('.'));
    domains.iter().any(|d| {
        let d = match d.strip_prefix("*.") {
            Some(parent) => format!("*.{}", ascii(parent)),
            None => ascii(d),
        };
        match d.strip_prefix("*.") {
            Some(parent) => host.ends_with(&format!(".{parent}")),
            None => host == d,
        }
    })
}

/// A host name as URLs carry it: lower case, internationalised names in
/// their ASCII (punycode) form, so `münchen.de` is `xn--mnchen-3ya.de`.
fn ascii(host: &str) -> String {
    match url::Host::parse(host) {
        Ok(url::Host::Domain(d)) => d,
        _ => host.to_ascii_lowercase(),
    }
}

/// Names reserved for documentation and testing (RFC 2606, RFC 6761): the
/// replicas and test rules use them, and no real platform can.
const RESERVED_SUFFIXES: [&str; 4] = ["test", "example", "invalid", "localhost"];

/// Why a `domains` entry may not widen where privaudit navigates and types
/// credentials, or `None` when it is a host name of one site. Checked
/// against the public suffix list, so `*.com`, `co.uk` or `*.github.io`
/// (a whole registry's worth of sites) are refused, as are IP addresses.
pub fn domain_problem(entry: &str) -> Option<String> {
    let host = entry.strip_prefix("*.").unwrap_or(entry);
    if host.is_empty()
        || host.contains(['/', ':', ' ', '@', '?', '#', '\\'])
        || host.starts_with('.')
        || host.ends_with('.')
        || host.contains("..")
    {
        return Some(format!("`{entry}` is not a host name"));
    }
    if host.contains('*') {
        return Some(format!(
            "`{entry}`: a wildcard may only stand first, as `*.` before a site's own domain"
        ));
    }
    if host.parse::<std::net::IpAddr>().is_ok() || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok() {
        return Some(format!(
            "`{entry}` is an IP address; a platform is declared by its host names (replicas are reached with --base-url)"
        ));
    }
    let lower = match url::Host::parse(host) {
        Ok(url::Host::Domain(d)) => d,
        Ok(_) => {
            return Some(format!(
                "`{entry}` is an IP address; a platform is declared by its host names"
            ))
        }
        Err(_) => return Some(format!("`{entry}` is not a host name")),
    };
    // Letters, digits and hyphens, no label starting or ending with one
    // (RFC 1123); international names are checked in their ASCII form.
    let ldh = lower.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !ldh {
        return Some(format!(
            "`{entry}` is not a host name (letters, digits and inner hyphens only)"
        ));
    }
    let tld = lower.rsplit('.').next().unwrap_or_default();
    if RESERVED_SUFFIXES.contains(&tld) {
        return (!lower.contains('.')).then(|| format!("`{entry}` is a whole reserved top-level domain"));
    }
    let suffix = psl::suffix(lower.as_bytes());
    match suffix {
        Some(s) if s.is_known() && s.as_bytes() == lower.as_bytes() => Some(format!(
            "`{entry}` is a public suffix: it would cover every site registered under it"
        )),
        Some(s) if s.is_known() => None,
        _ => Some(format!(
            "`{entry}` does not end in a known public suffix (top-level domain)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hosts_of_one_site_are_domains() {
        for ok in [
            "x.com",
            "www.linkedin.com",
            "*.substack.com",
            "www.bbc.co.uk",
            "zoo.invalid",
            "settings.field02.example",
            "münchen.de",
            "WWW.X.COM",
        ] {
            assert_eq!(domain_problem(ok), None, "{ok}");
        }
        for bad in [
            "*.com",
            "com",
            "co.uk",
            "*.co.uk",
            "github.io",
            "*.github.io",
            "*",
            "*.",
            "x.*.com",
            "a*.x.com",
            "10.0.0.1",
            "::1",
            "[::1]",
            "127.0.0.1",
            "user@x.com",
            "x.com/path",
            "x.com:443",
            "invalid",
            "localhost",
            "x..com",
            "www.-acme.com",
            "www.ac_me.com",
            ".x.com",
            "x.com.",
            "x.notatld",
            "",
        ] {
            assert!(domain_problem(bad).is_some(), "{bad} should be refused");
        }
    }

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
        assert!(host_allowed(&["münchen.de".to_string()], "xn--mnchen-3ya.de"));
    }
}
