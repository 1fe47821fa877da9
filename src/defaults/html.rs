//! The defaults matrix as one self-contained HTML page (inline CSS, no
//! scripts, no external assets): a heat map a journalist can publish, with
//! every claim linked to its source. Built with `maud`, which escapes every
//! value it is given.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{Cell, Exposure, Matrix};

pub fn render(matrix: &Matrix, generated: &str) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Privacy defaults across platforms — privaudit" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Privacy defaults across platforms" }
                    p.lede {
                        "For each platform and kind of data use, how many of the settings privaudit knows "
                        strong { "share your data unless you act" }
                        ": their documented default is not the private value. "
                        (matrix.totals())
                    }
                    p.meta {
                        "Generated " (generated) " by privaudit " (env!("CARGO_PKG_VERSION")) " from rules " (matrix.rules_version)
                        ". Defaults are as documented by the cited sources (help pages, policies, reporting), not measured on live accounts; "
                        span.unv { "unverified" }
                        " marks a default no source confirmed. The Verified column grades each setting: "
                        strong { "first-party" } " (label, page and default each shown by the platform's own help pages, policy or code), "
                        strong { "secondary" } " (all three sourced, not all by the platform, or no default documented) or "
                        strong { "unverified" } " (the label, page or default unconfirmed)."
                    }
                }
                section {
                    h2 { "Matrix" }
                    table.matrix {
                        thead { tr {
                            th scope="col" { "Platform" }
                            @for c in &matrix.categories { th scope="col" { (title(c.as_str())) } }
                        } }
                        tbody {
                            @for row in &matrix.rows {
                                tr {
                                    th scope="row" { a href={ "#" (row.platform) } { (row.name) } }
                                    @for cell in &row.cells { (heat_cell(cell)) }
                                }
                            }
                        }
                    }
                    p.legend {
                        span.swatch style="background:hsl(120 55% 85%)" {} " all private by default "
                        span.swatch style="background:hsl(60 70% 80%)" {} " some shared "
                        span.swatch style="background:hsl(0 70% 80%)" {} " all shared by default "
                        span.swatch.none {} " no setting known, or no default documented. Cells read "
                        em { "shared by default / settings" }
                        ", with the regions the defaults apply to."
                    }
                }
                @for row in &matrix.rows {
                    section id=(row.platform) {
                        h2 { (row.name) }
                        p.meta {
                            "Rule verified " (row.verified) "."
                            @if !row.policy_urls.is_empty() {
                                " Policies: "
                                @for (i, u) in row.policy_urls.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href=(u) { (u) }
                                }
                                "."
                            }
                        }
                        table.settings {
                            thead { tr {
                                th { "Setting" } th { "Kind" } th { "Default" } th { "Private value" }
                                th { "Where" } th { "Since" } th { "Verified" } th { "Sources" }
                            } }
                            tbody {
                                @for cell in &row.cells {
                                    @for s in &cell.settings {
                                        tr class=(match s.exposure {
                                            Exposure::SharedByDefault => "shared",
                                            Exposure::PrivateByDefault => "private",
                                            Exposure::Unknown => "unknown",
                                        }) {
                                            td { (s.label) @if s.manual { " " span.form { "form" } } }
                                            td { (title(cell.category.as_str())) }
                                            td {
                                                (s.default.as_deref().unwrap_or("not documented"))
                                                @if s.default_unverified { " " span.unv { "unverified" } }
                                                @if !s.split_text().is_empty() {
                                                    ul.split {
                                                        @for d in &s.by_account {
                                                            li {
                                                                strong { (d.value) }
                                                                @if !d.plans.is_empty() { " — plans: " (d.plans.join(", ")) }
                                                                @if !d.regions.is_empty() { " — in " (d.regions.join(", ")) }
                                                                @if d.plans.is_empty() && d.regions.is_empty() { " — every other account" }
                                                                @if let Some(at) = &d.as_of { " (as of " (at) ")" }
                                                            }
                                                        }
                                                    }
                                                }
                                                @if let Some(note) = &s.note { div.note { (note) } }
                                            }
                                            td { (s.private_value.as_deref().unwrap_or("object via the form")) }
                                            td { (if s.where_text().is_empty() { "everywhere".to_string() } else { s.where_text() }) }
                                            td { (s.since.as_deref().unwrap_or("")) }
                                            td { span class={ "grade " (s.grade.as_str()) } { (s.grade.as_str()) } }
                                            td {
                                                @if s.sources.is_empty() {
                                                    a href=(s.source) { "source" }
                                                } @else {
                                                    ul.sources {
                                                        @for src in &s.sources {
                                                            li {
                                                                a href=(src.url) { (src.kind.as_str()) }
                                                                @if !src.shows.is_empty() { " — " (src.shows.join(", ")) }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                footer { p {
                    "Made with privaudit, which reads and changes these settings on your own accounts: "
                    code { "privaudit check" } "."
                } }
            }
        }
    };
    page.into_string() + "\n"
}

fn heat_cell(cell: &Cell) -> Markup {
    if cell.settings.is_empty() {
        return html! { td.none { "—" } };
    }
    // Green (all private) through yellow to red (all shared).
    let style = cell
        .ratio()
        .map(|r| format!("background:hsl({:.0} 65% 82%)", 120.0 * (1.0 - r)));
    let varying = cell.shared_varying_by_region();
    let labels: Vec<&str> = cell.settings.iter().map(|s| s.label.as_str()).collect();
    html! {
        td style=[style] title=(labels.join(" · ")) {
            span.count { (cell.shared()) "/" (cell.settings.len()) }
            @if varying > 0 { span.regions { (varying) " vary by country" } }
        }
    }
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

const STYLE: &str = r#"
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
  .grade { font-size: .75rem; padding: 0 .3rem; border-radius: .25rem; white-space: nowrap; }
  .grade.first-party { background: hsl(120 45% 85%); color: #1d2329; }
  .grade.secondary { background: hsl(50 70% 82%); color: #1d2329; }
  .grade.unverified { background: hsl(0 60% 88%); color: #1d2329; }
  ul.split { margin: .25rem 0 0; padding-left: 1.1rem; font-size: .85rem; }
  ul.sources { margin: 0; padding-left: 1rem; font-size: .85rem; }
  .unv, .form { font-size: .75rem; padding: 0 .3rem; border-radius: .25rem; border: 1px solid currentColor; }
  .unv { color: hsl(30 80% 40%); } .form { color: var(--muted); }
  .swatch { display: inline-block; width: 1rem; height: 1rem; vertical-align: middle; border: 1px solid var(--line); margin: 0 .2rem 0 .6rem; }
  .swatch.none { background: transparent; }
  a { color: inherit; }
  @media print { body { margin: 0; max-width: none; } a { text-decoration: none; } }
"#;
