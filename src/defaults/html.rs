//! The defaults matrix as one self-contained HTML page (inline CSS, no
//! scripts, no external assets): a heat map a journalist can publish, with
//! every claim linked to its source.

use super::{Cell, Exposure, Matrix};

pub fn render(matrix: &Matrix, generated: &str) -> String {
    let mut out = String::new();
    out.push_str(HEAD);
    let totals = matrix.totals();
    out.push_str(&format!(
        "<header><h1>Privacy defaults across platforms</h1>\n<p class=\"lede\">For each platform and kind of data use, how many of the settings privaudit knows <strong>share your data unless you act</strong>: their documented default is not the private value. {}</p>\n<p class=\"meta\">Generated {} by privaudit {} from rules {}. Defaults are as documented by the cited sources (help pages, policies, reporting), not measured on live accounts; <span class=\"unv\">unverified</span> marks a default no source confirmed.</p></header>\n",
        esc(&totals),
        esc(generated),
        env!("CARGO_PKG_VERSION"),
        esc(&matrix.rules_version)
    ));

    out.push_str("<section><h2>Matrix</h2>\n<table class=\"matrix\"><thead><tr><th scope=\"col\">Platform</th>");
    for c in &matrix.categories {
        out.push_str(&format!("<th scope=\"col\">{}</th>", esc(&title(c.as_str()))));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &matrix.rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"#{}\">{}</a></th>",
            esc(&row.platform),
            esc(&row.name)
        ));
        for cell in &row.cells {
            out.push_str(&heat_cell(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out.push_str("<p class=\"legend\"><span class=\"swatch\" style=\"background:hsl(120 55% 85%)\"></span> all private by default <span class=\"swatch\" style=\"background:hsl(60 70% 80%)\"></span> some shared <span class=\"swatch\" style=\"background:hsl(0 70% 80%)\"></span> all shared by default <span class=\"swatch none\"></span> no setting known, or no default documented. Cells read <em>shared by default / settings</em>, with the regions the defaults apply to.</p></section>\n");

    for row in &matrix.rows {
        out.push_str(&format!(
            "<section id=\"{}\"><h2>{}</h2>\n<p class=\"meta\">Rule verified {}.",
            esc(&row.platform),
            esc(&row.name),
            esc(&row.verified)
        ));
        if !row.policy_urls.is_empty() {
            out.push_str(" Policies: ");
            let links: Vec<String> = row
                .policy_urls
                .iter()
                .map(|u| format!("<a href=\"{}\">{}</a>", esc(u), esc(u)))
                .collect();
            out.push_str(&links.join(", "));
            out.push('.');
        }
        out.push_str("</p>\n<table class=\"settings\"><thead><tr><th>Setting</th><th>Kind</th><th>Default</th><th>Private value</th><th>Where</th><th>Since</th><th>Source</th></tr></thead><tbody>\n");
        for cell in &row.cells {
            for s in &cell.settings {
                let class = match s.exposure {
                    Exposure::SharedByDefault => "shared",
                    Exposure::PrivateByDefault => "private",
                    Exposure::Unknown => "unknown",
                };
                let mut default = esc(s.default.as_deref().unwrap_or("not documented"));
                if s.default_unverified {
                    default.push_str(" <span class=\"unv\">unverified</span>");
                }
                if let Some(note) = &s.note {
                    default.push_str(&format!("<div class=\"note\">{}</div>", esc(note)));
                }
                out.push_str(&format!(
                    "<tr class=\"{class}\"><td>{}{}</td><td>{}</td><td>{default}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">source</a></td></tr>\n",
                    esc(&s.label),
                    if s.manual { " <span class=\"form\">form</span>" } else { "" },
                    esc(&title(cell.category.as_str())),
                    esc(s.private_value.as_deref().unwrap_or("object via the form")),
                    esc(&s.regions.join(", ")),
                    esc(s.since.as_deref().unwrap_or("")),
                    esc(&s.source),
                ));
            }
        }
        out.push_str("</tbody></table></section>\n");
    }
    out.push_str("<footer><p>Made with privaudit, which reads and changes these settings on your own accounts: <code>privaudit check</code>.</p></footer>\n</body></html>\n");
    out
}

fn heat_cell(cell: &Cell) -> String {
    if cell.settings.is_empty() {
        return "<td class=\"none\">—</td>".into();
    }
    let style = match cell.ratio() {
        // Green (all private) through yellow to red (all shared).
        Some(r) => format!(" style=\"background:hsl({:.0} 65% 82%)\"", 120.0 * (1.0 - r)),
        None => String::new(),
    };
    let regions = cell.shared_regions();
    let labels: Vec<String> = cell.settings.iter().map(|s| s.label.clone()).collect();
    format!(
        "<td{style} title=\"{}\"><span class=\"count\">{}/{}</span>{}</td>",
        esc(&labels.join("\n")),
        cell.shared(),
        cell.settings.len(),
        if regions.is_empty() {
            String::new()
        } else {
            format!("<span class=\"regions\">{}</span>", esc(&regions.join("; ")))
        }
    )
}

fn title(category: &str) -> String {
    match category {
        "ai-training" => "AI training".into(),
        "ad-personalisation" => "Ad personalisation".into(),
        "third-party-sharing" => "Third-party sharing".into(),
        "other" => "Other".into(),
        other => other.replace('-', " "),
    }
}

/// Escapes text for HTML element content and double-quoted attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Privacy defaults across platforms — privaudit</title>
<style>
  :root { color-scheme: light dark; --fg: #1d2329; --muted: #5b6670; --line: #d5dbe0; --bg: #fff; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --muted: #a3acb4; --line: #3a4148; --bg: #16191c; } td[style] { color: #1d2329; } }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.9rem; margin: 0 0 .5rem; } h2 { margin-top: 2.2rem; }
  .lede { font-size: 1.1rem; } .meta, .legend, .note { color: var(--muted); font-size: .9rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { border: 1px solid var(--line); padding: .45rem .6rem; text-align: left; vertical-align: top; }
  .matrix td { text-align: center; min-width: 8rem; }
  .matrix .count { display: block; font-size: 1.3rem; font-weight: 700; }
  .matrix .regions { display: block; font-size: .75rem; }
  .matrix td.none { color: var(--muted); }
  .settings tr.shared td:first-child { border-left: 4px solid hsl(0 65% 55%); }
  .settings tr.private td:first-child { border-left: 4px solid hsl(120 45% 45%); }
  .settings tr.unknown td:first-child { border-left: 4px solid var(--line); }
  .unv, .form { font-size: .75rem; padding: 0 .3rem; border-radius: .25rem; border: 1px solid currentColor; }
  .unv { color: hsl(30 80% 40%); } .form { color: var(--muted); }
  .swatch { display: inline-block; width: 1rem; height: 1rem; vertical-align: middle; border: 1px solid var(--line); margin: 0 .2rem 0 .6rem; }
  .swatch.none { background: transparent; }
  a { color: inherit; }
  @media print { body { margin: 0; max-width: none; } a { text-decoration: none; } }
</style>
</head>
<body>
"#;
