//! `privaudit report --html|--pdf [RUN|DIR] -o FILE`: one page a person can
//! keep or publish, of a recorded run or of a dataset.

use std::path::Path;

use crate::browser::{Allowed, Browser, LaunchOptions, Source};
use crate::cli::{Context, ReportArgs};
use crate::dataset::{self, Dataset};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::history::{Filter, Store};
use crate::report::page::{self, Image};

pub fn run(ctx: &Context, args: ReportArgs) -> anyhow::Result<Exit> {
    let pdf = args.pdf || (!args.html && args.output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")));
    let generated = crate::timestamp::now();
    let is_run = |s: &str| {
        let digits = s.trim_start_matches('#');
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    let html = match args.source.as_deref() {
        // `#3` or `3` is a run; a folder is a dataset.
        Some(given) if is_run(given) => run_html(ctx, Some(given), &generated)?,
        Some(given) if Path::new(given).is_dir() => dataset_html(Path::new(given), &generated)?,
        Some(given) => {
            return Err(Failure::usage(format!(
                "`{}` is neither a run number nor a dataset folder",
                crate::output::untrusted::one_line(given)
            ))
            .hint("`privaudit history` lists the runs")
            .into())
        }
        None => run_html(ctx, None, &generated)?,
    };
    if !pdf && args.output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
        ctx.console.warn("writing HTML into a .pdf file: --pdf prints a PDF");
    }
    let bytes = if pdf { print(ctx, &html)? } else { html.into_bytes() };
    crate::fsutil::write_output_file(&args.output, &bytes).map_err(|e| Failure::usage(format!("{e:#}")))?;
    ctx.console.note(&format!("wrote {}", args.output.display()));
    Ok(Exit::Ok)
}

fn dataset_html(dir: &Path, generated: &str) -> anyhow::Result<String> {
    let verified = dataset::verify::verify(dir, None).map_err(|e| Failure::usage(format!("{e:#}")))?;
    if !verified.ok {
        return Err(Failure::usage(format!(
            "{} does not verify, so no report is made of it: {}",
            dir.display(),
            verified.problems.join("; ")
        ))
        .hint("`privaudit dataset verify DIR` lists what is wrong")
        .into());
    }
    let loaded = Dataset::load(dir).map_err(|e| Failure::usage(format!("{e:#}")))?;
    let manifest = std::fs::read(dir.join(dataset::MANIFEST))?;
    let image = |relative: &str| -> Option<Image> {
        let bytes = std::fs::read(dir.join(relative)).ok()?;
        use base64::Engine;
        Some(Image {
            sha256: crate::evidence::sha256_hex(&bytes),
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        })
    };
    let signature = match verified.signature.as_str() {
        "not-checked" => {
            "a signature file is present but was NOT checked here; check it with the publisher's public key"
        }
        _ => "not signed",
    };
    Ok(page::dataset_page(
        &loaded,
        &crate::evidence::sha256_hex(&manifest),
        signature,
        &image,
        generated,
    ))
}

fn run_html(ctx: &Context, given: Option<&str>, generated: &str) -> anyhow::Result<String> {
    let path = ctx.history_path();
    if !path.exists() {
        return Err(
            Failure::usage("no run is recorded yet, and no dataset folder was given")
                .hint("give a dataset folder, or run `privaudit check` first")
                .into(),
        );
    }
    let store = Store::open(&path)?;
    let run = match given {
        Some(text) => {
            let id = text.trim_start_matches('#').parse::<i64>().map_err(|_| {
                Failure::usage(format!("`{text}` is neither a run number nor a dataset folder"))
                    .hint("`privaudit history` lists the runs")
            })?;
            store.run(id)?
        }
        None => store.runs()?.into_iter().rev().find(|r| r.finished_at.is_some()),
    }
    .ok_or_else(|| Failure::usage("no such run in the history").hint("`privaudit history` lists the runs"))?;
    let entries = store.timeline(&Filter {
        run: Some(run.id),
        ..Filter::default()
    })?;
    Ok(page::run_page(&run, &entries, generated))
}

/// Prints the page with a local Chromium (or `--browser-ws`).
fn print(ctx: &Context, html: &str) -> anyhow::Result<Vec<u8>> {
    let source = match &ctx.browser_ws {
        Some(url) => Source::Remote {
            url: url.clone(),
            timeout: ctx.timeout,
            wait: ctx.browser_wait,
        },
        None => Source::Launch(LaunchOptions {
            executable: crate::browser::find::find_browser(ctx.browser.as_deref())
                .map_err(|e| Failure::usage(e.to_string()).hint(e.hint()))?,
            headed: false,
            user_data_dir: None,
            timeout: ctx.timeout,
            start_wait: ctx.browser_wait,
            os_keyring: false,
        }),
    };
    let runtime = crate::runtime::new()?;
    runtime.block_on(async {
        let browser = Browser::open(&source)
            .await
            .map_err(|e| Failure::usage(format!("Chromium could not start to print the PDF: {e:#}")))?;
        // The page goes nowhere: no domain is allowed.
        let printed = match browser
            .open_tab(Allowed {
                domains: Vec::new(),
                extra_origin: None,
                blocked_types: Vec::new(),
            })
            .await
        {
            Ok(tab) => {
                let pdf = tab.print_pdf(html).await;
                tab.close().await;
                pdf
            }
            Err(e) => Err(e),
        };
        browser.shutdown().await;
        printed.map_err(|e| Failure::incomplete(format!("{e:#}")).into())
    })
}
