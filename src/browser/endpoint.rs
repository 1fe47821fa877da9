//! Browser endpoints (`--browser-ws`): checked, turned into the WebSocket
//! URL CDP is spoken on, and shown without their secret (a pool's URL
//! carries `?token=…` or `user:password@`, which nothing privaudit shows or
//! stores may repeat).

use std::time::Duration;

/// The endpoint is not a CDP browser (a wrong URL, a web server, a proxy):
/// a configuration problem, not one a later run would not have.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotABrowser(pub String);

/// A browser pool refused the connection for want of room (HTTP 429): a
/// later run may get a browser.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PoolFull(pub String);

/// Checks a `--browser-ws` value: a `ws://` or `http://` URL with a host
/// (TLS endpoints are refused, with the way round it). The error never repeats the value.
pub fn parse(endpoint: &str) -> Result<url::Url, String> {
    // Whatever was given may be a secret in a place no parser expects it:
    // the errors name none of it.
    let url = url::Url::parse(endpoint.trim()).map_err(|e| format!("the --browser-ws value is not a URL ({e})"))?;
    if matches!(url.scheme(), "wss" | "https") {
        // privaudit's CDP connection is built without TLS (tested only on
        // plain WebSockets); saying so beats a handshake error.
        return Err("--browser-ws over TLS (wss://, https://) is not supported: reach the pool over ws:// on loopback or a private network, e.g. through an SSH tunnel (ssh -L 3000:localhost:3000 HOST, then ws://127.0.0.1:3000/?token=…)".into());
    }
    if !matches!(url.scheme(), "ws" | "http") || url.host_str().is_none() {
        return Err("the --browser-ws value is not a ws:// or http:// URL of a browser".into());
    }
    Ok(url)
}

/// The WebSocket URL to speak CDP on. A `ws(s)://` endpoint is used as
/// given (normalised: `ws://h:p?token=t` gains the `/` its request line
/// needs). An `http(s)://` one is asked for `/json/version`, keeping its
/// query (a pool's token) on that request and on the WebSocket URL the
/// answer gives, whose host is replaced by the one asked (a browser behind
/// a proxy or in a container names an address only it can reach).
pub async fn websocket_url(endpoint: &url::Url, wait: Duration) -> anyhow::Result<String> {
    if matches!(endpoint.scheme(), "ws" | "wss") {
        return Ok(endpoint.to_string());
    }
    let mut discovery = endpoint.clone();
    let path = discovery.path().trim_end_matches('/').to_string();
    discovery.set_path(&format!("{path}/json/version"));
    let shown = redact_endpoint(discovery.as_str());
    // A redirect is not a browser's answer: it is not followed.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(wait)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot make an HTTP client: {e}"))?;
    let answer = client
        .get(discovery.clone())
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("no answer from {shown}: {}", root_cause(&e)))?;
    let status = answer.status();
    if !status.is_success() {
        return Err(NotABrowser(format!(
            "{shown} answered {status}: not a browser's DevTools endpoint (or the token is wrong)"
        ))
        .into());
    }
    let version: serde_json::Value = answer
        .json()
        .await
        .map_err(|_| NotABrowser(format!("{shown} did not answer with the JSON a browser gives")))?;
    let Some(ws) = version["webSocketDebuggerUrl"].as_str() else {
        return Err(NotABrowser(format!(
            "{shown} gave no webSocketDebuggerUrl: not a browser's DevTools endpoint"
        ))
        .into());
    };
    let mut ws = url::Url::parse(ws)
        .map_err(|_| NotABrowser(format!("{shown} gave a webSocketDebuggerUrl that is not a URL")))?;
    let secure = endpoint.scheme() == "https";
    let _ = ws.set_scheme(if secure { "wss" } else { "ws" });
    let _ = ws.set_host(endpoint.host_str());
    let _ = ws.set_port(endpoint.port_or_known_default());
    if ws.query().is_none() {
        ws.set_query(endpoint.query());
    }
    Ok(ws.to_string())
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// `url` with its user name, password and every query value replaced by
/// `***` (the keys stay, so a person can see which were given). Text that
/// is not a URL is replaced whole: it may be a token pasted on its own.
pub fn redact_endpoint(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "<browser endpoint>".to_string();
    };
    if !matches!(parsed.scheme(), "ws" | "wss" | "http" | "https") {
        return "<browser endpoint>".to_string();
    }
    // A path may carry a token too (`/token/…`, `;token=…`): only the
    // DevTools paths and single plain words are shown.
    static SHOWN_PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(/|/devtools/(browser|page)/[A-Za-z0-9-]+|/json/version|/[a-z]+/?)$")
            .expect("a valid regex")
    });
    if !SHOWN_PATH.is_match(parsed.path()) {
        parsed.set_path("/***");
    }
    if parsed.fragment().is_some() {
        parsed.set_fragment(Some("***"));
    }
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
    fn only_browser_urls_are_endpoints_and_errors_keep_the_token() {
        assert_eq!(
            parse("ws://127.0.0.1:3000?token=s3cret").map(|u| u.to_string()),
            Ok("ws://127.0.0.1:3000/?token=s3cret".to_string())
        );
        assert!(parse("http://127.0.0.1:9222").is_ok());
        for bad in [
            "garbage?token=s3cret",
            "ftp://h/?token=s3cret",
            "ws://?token=s3cret",
            "file:///tmp/x?token=s3cret",
        ] {
            let e = parse(bad).expect_err(bad);
            assert!(!e.contains("s3cret"), "{e}");
        }
    }

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
        assert_eq!(redact_endpoint("u:s3cret@127.0.0.1:1"), "<browser endpoint>");
        for hidden in [
            "ws://127.0.0.1:1/token/s3cret",
            "ws://127.0.0.1:1/;token=s3cret",
            "ws://127.0.0.1:1/#s3cret",
        ] {
            assert!(!redact_endpoint(hidden).contains("s3cret"), "{hidden}");
        }
        assert_eq!(
            redact_endpoint("ws://127.0.0.1:3000/chromium?token=s"),
            "ws://127.0.0.1:3000/chromium?token=***"
        );
    }
}
