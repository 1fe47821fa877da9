//! `privaudit defaults`: the documented-defaults matrix, for journalists.

use crate::support::{json, Env};

fn platform_count(env: &Env) -> usize {
    let out = env
        .cmd()
        .args(["rules", "list", "--format", "json"])
        .output()
        .expect("rules list");
    json(&out.stdout)["platforms"].as_array().expect("platforms").len()
}

#[test]
fn html_is_self_contained_and_links_every_source() {
    let env = Env::new();
    let out = env.cmd().args(["defaults", "--format", "html"]).assert().success();
    let html = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["<script", "<link", " src=", "@import", "url("] {
        assert!(!html.contains(external), "the page loads something ({external})");
    }
    let data = env.cmd().args(["defaults", "--format", "json"]).output().unwrap();
    let matrix = json(&data.stdout);
    let rows = matrix["rows"].as_array().unwrap();
    assert_eq!(rows.len(), platform_count(&env));
    let mut sources = 0;
    for row in rows {
        assert!(
            html.contains(&format!("id=\"{}\"", row["platform"].as_str().unwrap())),
            "{row}"
        );
        for cell in row["cells"].as_array().unwrap() {
            for s in cell["settings"].as_array().unwrap() {
                let mut urls = vec![s["source"].as_str().unwrap().to_string()];
                for src in s["sources"].as_array().into_iter().flatten() {
                    urls.push(src["url"].as_str().unwrap().to_string());
                }
                for url in urls {
                    let url = url.replace('&', "&amp;");
                    assert!(html.contains(&format!("href=\"{url}\"")), "no link to {url}");
                    sources += 1;
                }
            }
        }
    }
    assert!(sources > 0);
}

#[test]
fn the_matrix_counts_what_the_rules_say() {
    let env = Env::new();
    let out = env.cmd().args(["defaults", "--format", "json"]).output().unwrap();
    let matrix = json(&out.stdout);
    let x = matrix["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["platform"] == "x")
        .unwrap();
    // rules/x.toml: Grok training on by default, private value off.
    let ai = x["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "ai-training")
        .unwrap();
    let grok = ai["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "grok-training")
        .unwrap();
    assert_eq!(grok["exposure"], "shared-by-default");
    assert_eq!(grok["default"], "on");
    // CSV: one line per setting, plus the header.
    let csv = env.cmd().args(["defaults", "--format", "csv"]).output().unwrap();
    let settings: usize = matrix["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap().iter())
        .map(|c| c["settings"].as_array().unwrap().len())
        .sum();
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    assert_eq!(reader.records().count(), settings);
}

#[test]
fn output_file_is_written() {
    let env = Env::new();
    let path = env.data.path().join("defaults.md");
    env.cmd()
        .args(["defaults", "--format", "markdown", "-o"])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("| Platform |"), "{text}");
}

/// Off a terminal the matrix fits `COLUMNS` (else 120): at 80 it stays
/// inside the edge and no category name is broken across lines.
#[test]
fn the_matrix_fits_80_columns_without_breaking_a_category() {
    let out = Env::new().cmd().arg("defaults").env("COLUMNS", "80").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let table: Vec<&str> = text.lines().take_while(|l| !l.starts_with('└')).collect();
    let widest = table.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 80, "{widest} columns:\n{text}");
    for category in ["ai-training", "ad-personalisation", "third-party-sharing"] {
        assert!(text.contains(category), "{category} broken:\n{text}");
    }
    let wide = Env::new().cmd().arg("defaults").env_remove("COLUMNS").output().unwrap();
    let widest = String::from_utf8_lossy(&wide.stdout)
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(widest <= 120, "off a terminal without COLUMNS: {widest} columns");
}
