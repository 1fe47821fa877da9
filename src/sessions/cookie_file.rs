//! Cookie exports for `privaudit login --cookies FILE`: the Netscape
//! cookies.txt format (curl, yt-dlp, "Get cookies.txt" extensions) and the
//! JSON arrays that cookie-editor extensions export. Values are secrets and
//! never printed, not even in a parse error.

use serde::Deserialize;

use crate::browser::Cookie;
use crate::secrets::Secret;

/// Parses either format, told apart by the first non-blank character.
pub fn parse(text: &str) -> anyhow::Result<Vec<Cookie>> {
    let text = text.trim_start_matches('\u{feff}');
    let start = text.trim_start();
    if start.starts_with('[') {
        parse_json(text)
    } else if start.starts_with('{') {
        anyhow::bail!("a JSON object, not an export: a JSON cookie export is an array of {{name, value, domain, …}} (if the cookies are under a key, export them again as an array)")
    } else {
        parse_netscape(text)
    }
}

fn parse_netscape(text: &str) -> anyhow::Result<Vec<Cookie>> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let (line, http_only) = match raw.strip_prefix("#HttpOnly_") {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 7 {
            // Never echo the line: it holds a cookie value.
            anyhow::bail!(
                "line {} is not a cookies.txt line (7 tab-separated fields expected, found {})",
                n + 1,
                fields.len()
            );
        }
        let expires = fields[4]
            .parse::<f64>()
            .ok()
            .filter(|e| e.is_finite())
            .ok_or_else(|| anyhow::anyhow!("line {}: the expiry (field 5) is not a number of seconds", n + 1))?;
        out.push(Cookie {
            domain: fields[0].to_string(),
            path: fields[2].to_string(),
            secure: fields[3].eq_ignore_ascii_case("TRUE"),
            expires: (expires > 0.0).then_some(expires),
            name: fields[5].to_string(),
            value: Secret::from(fields[6].trim_end_matches('\r')),
            http_only,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonCookie {
    name: String,
    value: String,
    domain: String,
    #[serde(default = "root_path")]
    path: String,
    #[serde(default)]
    secure: bool,
    #[serde(default)]
    http_only: bool,
    expiration_date: Option<f64>,
    expires: Option<f64>,
}

fn root_path() -> String {
    "/".into()
}

fn parse_json(text: &str) -> anyhow::Result<Vec<Cookie>> {
    let cookies: Vec<JsonCookie> = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "not a JSON cookie export (line {}, column {}): expected an array of {{name, value, domain, …}}",
            e.line(),
            e.column()
        )
    })?;
    Ok(cookies
        .into_iter()
        .map(|c| Cookie {
            expires: c.expiration_date.or(c.expires).filter(|e| *e > 0.0),
            name: c.name,
            value: Secret::from(c.value),
            domain: c.domain,
            path: c.path,
            secure: c.secure,
            http_only: c.http_only,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netscape_format_with_http_only_lines() {
        let text = "# Netscape HTTP Cookie File\n\n.linkedin.com\tTRUE\t/\tTRUE\t1893456000\tli_at\tAQEDsecret\n#HttpOnly_www.linkedin.com\tFALSE\t/\tTRUE\t0\tJSESSIONID\t\"ajax:1\"\n";
        let c = parse(text).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "li_at");
        assert_eq!(secrecy::ExposeSecret::expose_secret(&c[0].value), "AQEDsecret");
        assert_eq!(c[0].expires, Some(1893456000.0));
        assert!(c[1].http_only && c[1].expires.is_none());
    }

    #[test]
    fn json_export() {
        let text = r#"[{"name":"auth_token","value":"abc","domain":".x.com","path":"/","secure":true,"httpOnly":true,"expirationDate":1893456000.5}]"#;
        let c = parse(text).unwrap();
        assert_eq!(c[0].name, "auth_token");
        assert!(c[0].http_only && c[0].secure);
    }

    #[test]
    fn an_expiry_that_is_not_a_finite_number_is_located() {
        for bad in ["inf", "NaN", "-inf", "soon"] {
            let text = format!("# Netscape HTTP Cookie File\n.x.com\tTRUE\t/\tTRUE\t{bad}\tauth\tv\n");
            let e = parse(&text).expect_err(bad).to_string();
            assert!(e.starts_with("line 2:"), "{bad}: {e}");
        }
    }

    #[test]
    fn errors_never_quote_a_value() {
        let err = parse(".x.com\tTRUE\t/\tsupersecretvalue\n").unwrap_err().to_string();
        assert!(!err.contains("supersecret"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }
}
