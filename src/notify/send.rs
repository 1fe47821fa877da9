//! Alerts: a webhook (generic JSON, Slack, Discord, ntfy) or a command that
//! gets the message on stdin. Nothing secret is ever in a notice: it names
//! platforms, settings and values, never accounts or credentials.

use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

/// What to say: a title, a few lines, and the structured details for JSON
/// receivers.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub source: &'static str,
    pub event: &'static str,
    pub title: String,
    pub lines: Vec<String>,
    pub details: serde_json::Value,
}

impl Notice {
    pub fn text(&self) -> String {
        let mut out = self.title.clone();
        for line in &self.lines {
            out.push_str("\n- ");
            out.push_str(line);
        }
        out.push('\n');
        out
    }
}

/// Where a webhook's message goes, and in which shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Json(String),
    Slack(String),
    Discord(String),
    Ntfy(String),
}

impl Target {
    /// `slack:URL`, `discord:URL`, `ntfy:URL` or `json:URL` pick the shape;
    /// a bare URL is recognised by its host (hooks.slack.com,
    /// discord.com/api/webhooks, ntfy.sh) and is generic JSON otherwise.
    pub fn parse(spec: &str) -> Result<Target, String> {
        let (kind, url) = match spec.split_once(':') {
            Some((k @ ("slack" | "discord" | "ntfy" | "json"), rest)) if rest.contains("://") => (Some(k), rest),
            _ => (None, spec),
        };
        let parsed = url::Url::parse(url).map_err(|e| format!("`{url}` is not a URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("`{url}` is not an http(s) URL"));
        }
        let host = parsed.host_str().unwrap_or_default();
        let kind = kind.unwrap_or(if host == "hooks.slack.com" {
            "slack"
        } else if (host == "discord.com" || host == "discordapp.com") && parsed.path().starts_with("/api/webhooks") {
            "discord"
        } else if host == "ntfy.sh" {
            "ntfy"
        } else {
            "json"
        });
        let url = url.to_string();
        Ok(match kind {
            "slack" => Target::Slack(url),
            "discord" => Target::Discord(url),
            "ntfy" => Target::Ntfy(url),
            _ => Target::Json(url),
        })
    }

    fn url(&self) -> &str {
        match self {
            Target::Json(u) | Target::Slack(u) | Target::Discord(u) | Target::Ntfy(u) => u,
        }
    }

    /// The host, for messages: a webhook URL's path is often its secret.
    pub fn display(&self) -> String {
        let host = url::Url::parse(self.url())
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_default();
        let kind = match self {
            Target::Json(_) => "webhook",
            Target::Slack(_) => "Slack webhook",
            Target::Discord(_) => "Discord webhook",
            Target::Ntfy(_) => "ntfy topic",
        };
        format!("{kind} on {host}")
    }
}

pub fn user_agent() -> String {
    format!(
        "privaudit/{} (privacy-settings auditor; +https://crates.io/crates/privaudit)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Sends the notice to a webhook: 10 s per try, three tries with backoff.
pub fn send(target: &Target, notice: &Notice) -> anyhow::Result<()> {
    let client = reqwest::blocking::Client::builder()
        .user_agent(user_agent())
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut last = None;
    for attempt in 0..3u32 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(500 * 2u64.pow(attempt)));
        }
        let request = match target {
            Target::Json(url) => client.post(url).json(notice),
            Target::Slack(url) => client.post(url).json(&serde_json::json!({ "text": notice.text() })),
            // Discord rejects content over 2000 characters.
            Target::Discord(url) => client
                .post(url)
                .json(&serde_json::json!({ "content": truncate(&notice.text(), 1900) })),
            Target::Ntfy(url) => client
                .post(url)
                .header("Title", &notice.title)
                .header("Tags", "warning")
                .header("Priority", "high")
                .body(notice.lines.join("\n")),
        };
        match request.send() {
            Ok(r) if r.status().is_success() => return Ok(()),
            // A 4xx will not get better by retrying.
            Ok(r) if r.status().is_client_error() => {
                anyhow::bail!("the {} answered {}", target.display(), r.status())
            }
            Ok(r) => last = Some(anyhow::anyhow!("the {} answered {}", target.display(), r.status())),
            Err(e) => {
                last = Some(anyhow::anyhow!(
                    "cannot reach the {}: {}",
                    target.display(),
                    e.without_url()
                ))
            }
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("cannot notify the {}", target.display())))
}

/// Runs `sh -c CMD` with the message on stdin (e.g. `mail -s privaudit me`).
pub fn run_command(cmd: &str, notice: &Notice) -> anyhow::Result<()> {
    let text = notice.text();
    let done = crate::external::run(
        cmd,
        Some(text.as_bytes()),
        &[("PRIVAUDIT_TITLE", notice.title.as_str())],
        crate::external::timeout(),
    )
    .with_context(|| format!("the notify command `{cmd}`"))?;
    if !done.status.success() {
        anyhow::bail!("the notify command `{cmd}` failed ({})", done.status);
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_prefix_or_host() {
        assert_eq!(
            Target::parse("https://hooks.slack.com/services/T/B/x").unwrap(),
            Target::Slack("https://hooks.slack.com/services/T/B/x".into())
        );
        assert_eq!(
            Target::parse("https://discord.com/api/webhooks/1/abc").unwrap(),
            Target::Discord("https://discord.com/api/webhooks/1/abc".into())
        );
        assert_eq!(
            Target::parse("https://ntfy.sh/my-topic").unwrap(),
            Target::Ntfy("https://ntfy.sh/my-topic".into())
        );
        assert_eq!(
            Target::parse("ntfy:http://127.0.0.1:8080/alerts").unwrap(),
            Target::Ntfy("http://127.0.0.1:8080/alerts".into())
        );
        assert_eq!(
            Target::parse("https://example.org/hook").unwrap(),
            Target::Json("https://example.org/hook".into())
        );
        assert!(Target::parse("ftp://example.org").is_err());
        assert!(Target::parse("not a url").is_err());
    }

    #[test]
    fn display_hides_the_secret_path() {
        let t = Target::parse("https://hooks.slack.com/services/T000/B000/SECRET").unwrap();
        assert_eq!(t.display(), "Slack webhook on hooks.slack.com");
    }
}
