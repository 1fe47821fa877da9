//! Where a default or a setting holds: ISO 3166-1 alpha-2 country codes
//! (checked with `celes`) and the two groups platforms name most, the EU and
//! the EEA. "UK" is accepted for GB because platforms' help pages say UK.

/// EU member states (27 since 2020-02-01), ISO 3166-1 alpha-2.
const EU: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The EEA adds Iceland, Liechtenstein and Norway to the EU.
const EEA_ONLY: &[&str] = &["IS", "LI", "NO"];

/// A region term as written (`de`, `UK`, `eea`) in its canonical form
/// (`DE`, `GB`, `EEA`), or None when it is neither a group nor a country code.
pub fn canonical(term: &str) -> Option<String> {
    let upper = term.trim().to_ascii_uppercase();
    match upper.as_str() {
        "EU" | "EEA" => Some(upper),
        "UK" => Some("GB".into()),
        code if code.len() == 2 && celes::Country::from_alpha2(code).is_ok() => Some(upper),
        _ => None,
    }
}

/// Does `region` (a country code) fall in `term` (a country code or group)?
pub fn contains(term: &str, region: &str) -> bool {
    let (Some(term), Some(region)) = (canonical(term), canonical(region)) else {
        return false;
    };
    match term.as_str() {
        "EU" => EU.contains(&region.as_str()) || region == "EU",
        "EEA" => {
            EU.contains(&region.as_str()) || EEA_ONLY.contains(&region.as_str()) || region == "EU" || region == "EEA"
        }
        _ => term == region,
    }
}

/// A region as a person gave it (profile, survey file, `--region`): its
/// canonical form, or what to write instead.
pub fn parse(given: &str) -> Result<String, String> {
    canonical(given).ok_or_else(|| match code_for_name(given) {
        Some(code) => format!("did you mean \"{code}\"? Regions are ISO 3166-1 alpha-2 codes, EU or EEA"),
        None => "write an ISO 3166-1 alpha-2 country code, EU or EEA, e.g. \"DE\", \"GB\" (UK is accepted), \"US\""
            .to_string(),
    })
}

/// The alpha-2 code of a country written by name or alpha-3 code
/// ("Germany", "DEU"), for a "did you mean" hint.
fn code_for_name(name: &str) -> Option<String> {
    use std::str::FromStr;
    celes::Country::from_str(name.trim()).ok().map(|c| c.alpha2.to_string())
}

/// Do two terms share a country? Groups nest (EU within EEA) and countries
/// are single, so they do exactly when one holds the other.
pub fn overlaps(a: &str, b: &str) -> bool {
    contains(a, b) || contains(b, a)
}

/// Does `region` fall in any of `terms`?
pub fn any_contains(terms: &[String], region: &str) -> bool {
    terms.iter().any(|t| contains(t, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_and_groups_are_recognised_in_any_case() {
        assert_eq!(canonical("de").as_deref(), Some("DE"));
        assert_eq!(canonical("UK").as_deref(), Some("GB"));
        assert_eq!(canonical("eea").as_deref(), Some("EEA"));
        assert_eq!(canonical("worldwide"), None);
        assert_eq!(canonical("XX"), None);
    }

    #[test]
    fn groups_contain_their_members_only() {
        assert!(contains("EU", "FR"));
        assert!(!contains("EU", "NO"));
        assert!(contains("EEA", "NO"));
        assert!(!contains("EEA", "GB"));
        assert!(!contains("EEA", "CH"));
        assert!(contains("UK", "gb"));
        assert!(!contains("US", "CA"));
    }

    #[test]
    fn a_country_written_by_name_or_alpha_3_finds_its_code() {
        assert_eq!(code_for_name("Germany").as_deref(), Some("DE"));
        assert_eq!(code_for_name("DEU").as_deref(), Some("DE"));
        assert_eq!(code_for_name("Atlantis"), None);
    }

    #[test]
    fn terms_overlap_when_one_holds_the_other() {
        assert!(overlaps("DE", "EEA"));
        assert!(overlaps("EEA", "EU"));
        assert!(overlaps("EU", "FR"));
        assert!(!overlaps("EU", "NO"));
        assert!(!overlaps("GB", "EEA"));
    }
}
