//! One timestamp format everywhere privaudit writes or prints a time:
//! RFC 3339 in UTC with `Z`, to the second (`2026-12-01T03:17:00Z`).
//! Also the parser for `--since` and `--keep` (a duration back from now,
//! a day, or a time).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Now, as privaudit records it.
pub fn now() -> String {
    format(Utc::now())
}

pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// For `#[serde(serialize_with)]`: a time in the one format.
pub fn serialize<S: serde::Serializer>(t: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*t))
}

/// A stored RFC 3339 time (older stores wrote `+00:00` and nanoseconds) in
/// the one format; anything else unchanged.
pub fn normalise(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| format(t.with_timezone(&Utc)))
        .unwrap_or_else(|_| stored.to_string())
}

/// A moment given on the command line: a duration back from `now` (`7d`,
/// `12h`, `2weeks`, as humantime reads them), a day (`2026-11-24`, from its
/// start in UTC), or an RFC 3339 time.
pub fn parse_moment(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    let back = parse_duration(text)?;
    now.checked_sub_signed(back)
        .ok_or_else(|| format!("`{text}` reaches back before any date privaudit can record"))
}

/// The longest length of time privaudit takes (a thousand years): longer
/// ones overflow date arithmetic, and mean "forever" anyway.
const LONGEST: chrono::TimeDelta = chrono::TimeDelta::days(365_000);

/// A length of time: `90d`, `12h`, `2weeks`.
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let parsed = humantime::parse_duration(text.trim())
        .ok()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .ok_or_else(|| {
            format!("`{text}` is neither a duration (7d, 12h, 2weeks) nor a day (2026-11-24) nor a time (2026-11-24T03:17:00Z)")
        })?;
    if parsed > LONGEST {
        return Err(format!("`{text}` is longer than a thousand years"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn one_format_with_z() {
        assert_eq!(format(at("2026-12-01T03:17:00.123456+00:00")), "2026-12-01T03:17:00Z");
        assert_eq!(normalise("2026-12-01T04:17:00+01:00"), "2026-12-01T03:17:00Z");
        assert_eq!(normalise("not a time"), "not a time");
    }

    #[test]
    fn moments_are_durations_days_or_times() {
        let now = at("2026-12-08T12:00:00Z");
        assert_eq!(parse_moment("7d", now).unwrap(), at("2026-12-01T12:00:00Z"));
        assert_eq!(parse_moment("12h", now).unwrap(), at("2026-12-08T00:00:00Z"));
        assert_eq!(parse_moment("2026-11-24", now).unwrap(), at("2026-11-24T00:00:00Z"));
        assert_eq!(
            parse_moment("2026-11-24T03:17:00+01:00", now).unwrap(),
            at("2026-11-24T02:17:00Z")
        );
        let err = parse_moment("last tuesday", now).unwrap_err();
        assert!(err.contains("7d"), "{err}");
    }
}
