//! Fetching a platform's policy page politely (conditional requests, an
//! honest User-Agent, timeouts, retries with backoff through `backon`),
//! reducing it to readable text, and diffing it against the stored version.

use std::time::Duration;

use backon::{BlockingRetryable, ExponentialBuilder};

use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::history::PolicyVersion;

pub enum Fetched {
    /// 304: the server says nothing changed since the stored version.
    NotModified,
    Page(PolicyVersion),
}

pub fn client() -> anyhow::Result<Client> {
    Ok(Client::builder()
        .user_agent(crate::notify::user_agent())
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(10))
        .build()?)
}

/// Fetches `url`, sending the stored version's validators so an unchanged
/// page costs the platform a 304. Retries network errors, 429 and 5xx
/// three times with exponential backoff.
pub fn fetch(client: &Client, url: &str, stored: Option<&PolicyVersion>, backoff: Duration) -> anyhow::Result<Fetched> {
    let once = || -> Result<Fetched, Attempt> {
        let mut request = client.get(url);
        if let Some(v) = stored {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        let response = request
            .send()
            .map_err(|e| Attempt::Retry(anyhow::anyhow!("cannot fetch {url}: {}", cause(e))))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && stored.is_some() {
            return Ok(Fetched::NotModified);
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(Attempt::Retry(anyhow::anyhow!("{url} answered {status}")));
        }
        if !status.is_success() {
            return Err(Attempt::Fatal(anyhow::anyhow!("{url} answered {status}")));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let body = response
            .bytes()
            .map_err(|e| Attempt::Retry(anyhow::anyhow!("cannot read {url}: {}", cause(e))))?;
        let text = readable_text(&body).map_err(Attempt::Fatal)?;
        Ok(Fetched::Page(PolicyVersion {
            fetched_at: crate::timestamp::now(),
            etag,
            last_modified,
            sha256: digest(&text),
            text,
        }))
    };
    // Three tries in all: network errors, 429 and 5xx are worth another.
    once.retry(
        ExponentialBuilder::default()
            .with_min_delay(backoff)
            .with_factor(2.0)
            .with_max_times(2),
    )
    .when(|e| matches!(e, Attempt::Retry(_)))
    .call()
    .map_err(|e| match e {
        Attempt::Retry(e) | Attempt::Fatal(e) => e,
    })
}

/// A request error with its causes (reqwest's own message is only "error
/// sending request"; the DNS, connection or TLS failure is in its sources),
/// without repeating the URL.
fn cause(e: reqwest::Error) -> String {
    let e = e.without_url();
    let kind = if e.is_timeout() {
        "timed out: "
    } else if e.is_connect() {
        "no connection: "
    } else {
        ""
    };
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    format!("{kind}{}", parts.join(": "))
}

/// Whether a failed fetch is worth trying again.
enum Attempt {
    Retry(anyhow::Error),
    Fatal(anyhow::Error),
}

/// The page as text a person reads: markup, scripts and styles gone, lines
/// wrapped at a fixed width so a diff shows the sentences that changed.
pub fn readable_text(html: &[u8]) -> anyhow::Result<String> {
    let text = html2text::config::plain()
        .string_from_read(html, 100)
        .map_err(|e| anyhow::anyhow!("cannot read the page as HTML: {e}"))?;
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    Ok(lines.join("\n").trim().to_string() + "\n")
}

pub fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A unified diff of two versions, with a little context.
pub fn diff(old: &PolicyVersion, new: &PolicyVersion, url: &str) -> String {
    similar::TextDiff::from_lines(&old.text, &new.text)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{url} ({})", old.fetched_at),
            &format!("{url} ({})", new.fetched_at),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> PolicyVersion {
        PolicyVersion {
            fetched_at: "t".into(),
            etag: None,
            last_modified: None,
            sha256: digest(text),
            text: text.into(),
        }
    }

    #[test]
    fn text_drops_markup_and_scripts() {
        let text = readable_text(
            b"<html><head><style>p{color:red}</style><script>var x=1;</script></head>\
              <body><h1>Privacy Policy</h1><p>We use your posts to train AI.</p></body></html>",
        )
        .unwrap();
        assert!(text.contains("Privacy Policy"), "{text}");
        assert!(text.contains("We use your posts to train AI."), "{text}");
        assert!(!text.contains("var x") && !text.contains("color:red"), "{text}");
    }

    #[test]
    fn diff_shows_the_changed_sentence() {
        let d = diff(
            &version("Intro\nWe do not sell data.\nEnd\n"),
            &version("Intro\nWe share data with partners.\nEnd\n"),
            "https://example.org/privacy",
        );
        assert!(d.contains("-We do not sell data."), "{d}");
        assert!(d.contains("+We share data with partners."), "{d}");
        assert!(d.starts_with("--- https://example.org/privacy"), "{d}");
    }
}
