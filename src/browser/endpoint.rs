//! Browser endpoints (`--browser-ws`) as they may be shown: a pool's URL
//! carries its secret (`?token=…`, or `user:password@`), and what privaudit
//! shows or stores must not.

/// `url` with its user name, password and every query value replaced by
/// `***` (the keys stay, so a person can see which were given). Text that
/// is not a URL is replaced whole: it may be a token pasted on its own.
pub fn redact_endpoint(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "<browser endpoint>".to_string();
    };
    if !parsed.username().is_empty() {
        let _ = parsed.set_username("***");
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        let keys: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let query = keys.iter().map(|k| format!("{k}=***")).collect::<Vec<_>>().join("&");
        parsed.set_query(Some(&query));
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_an_endpoint_are_never_shown() {
        assert_eq!(
            redact_endpoint("ws://127.0.0.1:3000/?token=s3cret&launch=%7B%7D"),
            "ws://127.0.0.1:3000/?token=***&launch=***"
        );
        assert_eq!(
            redact_endpoint("wss://me:pw@pool.example/chromium"),
            "wss://***:***@pool.example/chromium"
        );
        assert_eq!(
            redact_endpoint("ws://127.0.0.1:9222/devtools/browser/abc"),
            "ws://127.0.0.1:9222/devtools/browser/abc"
        );
        assert_eq!(redact_endpoint("s3cret"), "<browser endpoint>");
    }
}
