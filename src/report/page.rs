//! `privaudit report --html`: one self-contained page (inline CSS, no
//! script, images embedded as `data:` URLs, and a Content-Security-Policy
//! that forbids any other load) of a recorded run or of a dataset, with a
//! section on how to verify it. Built with `maud`, which escapes every
//! value it is given; prints cleanly to PDF.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::dataset::{Dataset, Row};
use crate::history::{Entry, RunRow};

/// Nothing but the page itself, its inline style and embedded images.
const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// An evidence image, read from the dataset, with its hash.
pub struct Image {
    pub base64: String,
    pub sha256: String,
}

/// A recorded run (check, apply or revert): what was found, what changed.
pub fn run_page(run: &RunRow, entries: &[Entry], generated: &str) -> String {
    let changed: Vec<&Entry> = entries.iter().filter(|e| e.previous.is_some()).collect();
    let not_private: Vec<&Entry> = entries
        .iter()
        .filter(|e| matches!(e.status.as_str(), "drift" | "re-enabled" | "failed"))
        .collect();
    let body = html! {
        header {
            h1 { "privaudit " (run.command) " of " (run.started_at) }
            p.lede {
                (entries.len()) " settings: "
                strong { (not_private.len()) " not as wanted" } ", "
                (changed.len()) " changed by this run."
            }
            p.meta { "Run #" (run.id) " in the local history; report generated " (generated) " by privaudit " (env!("CARGO_PKG_VERSION")) "." }
        }
        @if !changed.is_empty() {
            section {
                h2 { "What was changed" }
                table {
                    thead { tr { th { "Platform" } th { "Setting" } th { "Before" } th { "After" } th { "Status" } } }
                    tbody { @for e in &changed {
                        tr { td { (e.platform) } td { (e.label) } td { (e.previous.as_deref().unwrap_or("")) }
                             td { (e.current.as_deref().unwrap_or("not read")) } td.status { (e.status) } }
                    } }
                }
            }
        }
        section {
            h2 { "Every setting" }
            table {
                thead { tr { th { "Platform" } th { "Setting" } th { "Value" } th { "Wanted" } th { "Status" } } }
                tbody { @for e in entries {
                    tr class=(e.status) {
                        td { (e.platform) } td { (e.label) } td { (e.current.as_deref().unwrap_or("not read")) }
                        td { (e.wanted) } td.status { (e.status) }
                    }
                } }
            }
        }
        section.verify {
            h2 { "How to verify this report" }
            p { "It was made from run #" (run.id) " of the history on the machine that ran it. There, "
                code { "privaudit history --run " (run.id) } " shows the same records, and "
                code { "privaudit check" } " reads every setting again. For evidence a reader can check, run with "
                code { "--evidence DIR" } " (screenshots and records of each control) or survey test accounts into a dataset ("
                code { "privaudit survey" } ")." }
        }
    };
    page(&format!("privaudit {} #{}", run.command, run.id), body)
}

/// A dataset: accounts, observed against documented, with the evidence.
pub fn dataset_page(
    dataset: &Dataset,
    manifest_sha256: &str,
    signature: &str,
    image: &dyn Fn(&str) -> Option<Image>,
    generated: &str,
) -> String {
    let rows = &dataset.data.rows;
    let differ: Vec<&Row> = rows.iter().filter(|r| r.agrees == Some(false)).collect();
    let read = rows.iter().filter(|r| r.observed.is_some()).count();
    let body = html! {
        header {
            h1 { "Observed privacy defaults" }
            p.lede {
                (dataset.accounts.len()) " test account" @if dataset.accounts.len() != 1 { "s" } ", "
                (rows.len()) " readings, " (read) " read; "
                strong { (differ.len()) @if differ.len() == 1 { " differs" } @else { " differ" } " from the documented default" } "."
            }
            p.meta {
                "Observed " (dataset.observed_on()) " with privaudit " (dataset.data.privaudit_version)
                " and rules " (dataset.data.rules_version) " (" (dataset.data.made_by) "); report generated " (generated) "."
            }
        }
        section {
            h2 { "Accounts" }
            table {
                thead { tr { th { "Account" } th { "Region" } th { "Plan" } th { "Created" } th { "Note" } } }
                tbody { @for a in &dataset.accounts {
                    tr { td { (a.label) } td { (a.region.as_deref().unwrap_or("")) } td { (a.plan.as_deref().unwrap_or("")) }
                         td { (a.created.as_deref().unwrap_or("")) } td { (a.note.as_deref().unwrap_or("")) } }
                } }
            }
        }
        @if !differ.is_empty() {
            section {
                h2 { "Where observation and documentation disagree" }
                table {
                    thead { tr { th { "Account" } th { "Setting" } th { "Documented" } th { "Observed" } } }
                    tbody { @for r in &differ {
                        tr.differ { td { (r.account) } td { (r.platform) " · " (r.label) }
                            td { (r.documented_default.as_deref().unwrap_or("")) } td { strong { (r.observed.as_deref().unwrap_or("")) } } }
                    } }
                }
            }
        }
        section {
            h2 { "Every reading, with its evidence" }
            @for r in rows {
                article.reading {
                    h3 { (r.platform) " · " (r.label) " — " (r.account) }
                    p {
                        "Observed " strong { (r.observed.as_deref().unwrap_or("not read")) }
                        "; documented default " (r.documented_default.as_deref().unwrap_or("none"))
                        @match r.agrees { Some(true) => { " (agrees)" } Some(false) => { " " span.flag { "(differs)" } } None => {} }
                        "; private value " (r.private_value) ". Read " (r.read_at) "."
                        @if let Some(m) = &r.message { br; span.meta { (m) } }
                    }
                    @if let Some(img) = r.evidence_screenshot.as_deref().and_then(image) {
                        figure {
                            img src={ "data:image/png;base64," (img.base64) } alt={ "The " (r.label) " control, outlined" };
                            figcaption { code { (r.evidence_screenshot.as_deref().unwrap_or("")) } " SHA-256 " code.hash { (img.sha256) } }
                        }
                    }
                }
            }
        }
        section.verify {
            h2 { "How to verify this report" }
            p { "Every figure above comes from the dataset's files. Its manifest, " code { "MANIFEST.sha256" }
                ", lists the SHA-256 of every file; the manifest's own SHA-256 is " code.hash { (manifest_sha256) }
                ". Its signature: " strong { (signature) } "." }
            ol {
                li { "Get the dataset folder from the publisher, and check that " code { "sha256sum MANIFEST.sha256" } " prints the hash above." }
                li { "Run " code { "sha256sum -c MANIFEST.sha256" } " (or " code { "privaudit dataset verify DIR" } "): every file is checked; one changed byte fails, naming the file." }
                li { "If signed, check the signature with the publisher's public key: " code { "minisign -Vm MANIFEST.sha256 -P KEY" } "." }
                li { "Compare each screenshot's SHA-256 above with the manifest's line for that file." }
            }
        }
    };
    page("Observed privacy defaults — privaudit", body)
}

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) footer { p { "Made with privaudit (" (env!("CARGO_PKG_VERSION")) "). This page loads nothing from anywhere." } } }
        }
    }
    .into_string()
        + "\n"
}

const STYLE: &str = r#"
  :root { --fg: #1d2329; --muted: #5b6670; --line: #d5dbe0; --bg: #fff; --bad: hsl(0 65% 45%); }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); max-width: 1000px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.8rem; margin: 0 0 .4rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); } h3 { font-size: 1rem; margin: 1.2rem 0 .2rem; }
  .lede { font-size: 1.1rem; } .meta { color: var(--muted); font-size: .9rem; }
  table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
  th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
  tr.drift td.status, tr.re-enabled td.status, tr.failed td.status, .flag, tr.differ strong { color: var(--bad); font-weight: 700; }
  figure { margin: .4rem 0 1rem; } figure img { max-width: 100%; border: 1px solid var(--line); }
  figcaption { color: var(--muted); font-size: .8rem; word-break: break-all; }
  code.hash { font-size: .8rem; word-break: break-all; }
  .reading { break-inside: avoid; page-break-inside: avoid; }
  .verify { background: #f4f6f8; padding: .2rem 1rem 1rem; border-radius: .4rem; }
  @media print { body { margin: 0; max-width: none; } .verify { background: none; border: 1px solid var(--line); } }
"#;
