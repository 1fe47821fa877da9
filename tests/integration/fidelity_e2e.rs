//! How privaudit acts on a page, one fault kind each, on small pages under
//! `tests/fixtures/fidelity/`: what a careful person at a real browser would
//! see and do. (The field cases and the real apps prove the same on pages
//! nobody here wrote.)

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{finding, json, repo, require_chromium, Env, Replica};

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/fidelity")
}

fn server() -> Replica {
    Replica::serve_dir(fixtures().join("site"))
}

/// Runs `check` (or `apply --yes`) of fixture platform `p`; returns the
/// exit code and the JSON report.
fn run(replica: &Replica, p: &str, apply: bool) -> (Option<i32>, serde_json::Value) {
    let mut cmd = Env::new().cmd();
    cmd.arg("--rules")
        .arg(fixtures().join(format!("rules/{p}.toml")))
        .args(["--timeout", "15"]);
    if apply {
        cmd.args(["apply", p, "--yes"]);
    } else {
        cmd.args(["check", p]);
    }
    let out = cmd
        .args(["--no-history", "--format", "json"])
        .args(replica.base_url_args(&[p]))
        .output()
        .expect("test harness");
    let report = json(&out.stdout);
    (out.status.code(), report)
}

/// `check` of fixture platform `p` reads setting `id` as the account has it
/// ("on"), not as the page's placeholder shows it first ("off"): reading the
/// placeholder would be a false "ok".
fn reads_the_real_value(replica: &Replica, p: &str, id: &str) {
    let (code, report) = run(replica, p, false);
    let f = finding(&report, &format!("{p}.{id}"));
    assert_eq!(f["status"], "drift", "{f:#}");
    assert_eq!(f["current"], "on");
    assert_eq!(code, Some(1));
}

#[test]
fn a_value_that_arrives_late_is_read_once_it_arrived() {
    require_chromium();
    let replica = server();
    replica.fakes.delay("/placeholder/api/", Duration::from_millis(1500));
    reads_the_real_value(&replica, "placeholder", "ai-training");
}

/// The real value is rendered by a script the page loads after it is ready
/// (code-split apps): while that script is in flight the placeholder "off"
/// is not the account's value, and reading it would say "ok" for a setting
/// that is on.
#[test]
fn a_value_rendered_by_a_script_loaded_late_is_read_once_it_ran() {
    require_chromium();
    let replica = server();
    replica.fakes.delay("/latescript/chunk.js", Duration::from_millis(1500));
    reads_the_real_value(&replica, "latescript", "ads");
}

/// A page that declares a refresh (`<meta http-equiv="refresh">`) shows a
/// placeholder until the browser replaces it: the page it is replaced with
/// is the one read.
#[test]
fn a_page_that_declares_a_refresh_is_read_after_it() {
    require_chromium();
    let replica = server();
    reads_the_real_value(&replica, "metarefresh", "ads");
}

/// A page whose script leaves the platform's domains after it loaded is
/// blocked (the README's word for a redirect outside them), not a stale
/// rule: the control went away because the guard stopped the page leaving.
#[test]
fn a_page_that_leaves_the_platforms_domains_after_loading_is_blocked() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "leaves", false);
    let f = finding(&report, "leaves.ads");
    assert_eq!(f["class"], "blocked", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("outside the platform's declared domains"),
        "{f:#}"
    );
    assert_ne!(code, Some(0));
}

#[test]
fn a_control_replaced_while_acting_is_located_again() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "detach", true);
    let f = finding(&report, "detach.ads");
    assert_eq!(f["status"], "fixed", "{f:#}");
    assert_eq!(replica.server.state("detach", "ads").as_deref(), Some("off"));
    assert_eq!(code, Some(0));
}

#[test]
fn pages_that_differ_only_in_the_fragment_are_one_document() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "fragment", false);
    for key in ["fragment.ads", "fragment.ai-training"] {
        let f = finding(&report, key);
        assert_eq!(f["status"], "drift", "{f:#}");
        assert_eq!(f["current"], "on");
    }
}

#[test]
fn a_mixed_control_is_never_clicked_and_a_disabled_one_says_so() {
    require_chromium();
    let replica = server();
    let (_, checked) = run(&replica, "tristate", false);
    assert_eq!(finding(&checked, "tristate.partners-all")["current"], "mixed");
    let (_, applied) = run(&replica, "tristate", true);
    let all = finding(&applied, "tristate.partners-all");
    assert_eq!(all["status"], "drift", "{all:#}");
    assert!(all["message"].as_str().unwrap().contains("mixed"), "{all:#}");
    // One click on "all" would have shared with every partner.
    assert_eq!(replica.server.state("tristate", "advertising").as_deref(), Some("off"));
    assert_eq!(replica.server.state("tristate", "analytics").as_deref(), Some("on"));
    let history = finding(&applied, "tristate.location-history");
    assert_eq!(history["class"], "disabled", "{history:#}");
    assert!(
        history["message"].as_str().unwrap().contains("Use my location"),
        "{history:#}"
    );
    assert_ne!(history["status"], "failed", "{history:#}");
}

#[test]
fn a_save_that_takes_seconds_is_waited_for() {
    require_chromium();
    let replica = server();
    replica
        .fakes
        .delay("/__replica/slowsave/state/", Duration::from_millis(2500));
    let (code, report) = run(&replica, "slowsave", true);
    let f = finding(&report, "slowsave.ads");
    assert_eq!(f["status"], "fixed", "{f:#}");
    assert_eq!(replica.server.state("slowsave", "ads").as_deref(), Some("off"));
    assert_eq!(code, Some(0));
}

#[test]
fn a_control_in_a_virtualised_list_is_found_by_scrolling() {
    require_chromium();
    let replica = server();
    let (_, checked) = run(&replica, "virtual", false);
    assert_eq!(finding(&checked, "virtual.app-150")["status"], "drift", "{checked:#}");
    let (_, applied) = run(&replica, "virtual", true);
    assert_eq!(finding(&applied, "virtual.app-150")["status"], "fixed", "{applied:#}");
    assert_eq!(replica.server.state("virtual", "app-150").as_deref(), Some("off"));
}

#[test]
fn an_app_that_routes_itself_to_sign_in_is_signed_out_not_a_stale_rule() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "spasignout", false);
    let f = finding(&report, "spasignout.ads");
    assert_eq!(f["status"], "login-required", "{f:#}");
    assert_eq!(f["class"], "signed-out");
    assert_eq!(code, Some(3));
}

#[test]
fn a_bot_wall_is_blocked_not_a_stale_rule() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "wall", false);
    let f = finding(&report, "wall.ads");
    assert_eq!(f["class"], "blocked", "{f:#}");
    assert_eq!(code, Some(3));
}

#[test]
fn controls_in_open_and_closed_shadow_roots_are_read_and_changed() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "shadow", true);
    for key in ["ads", "ai-training"] {
        assert_eq!(
            finding(&report, &format!("shadow.{key}"))["status"],
            "fixed",
            "{report:#}"
        );
        assert_eq!(replica.server.state("shadow", key).as_deref(), Some("off"));
    }
}

#[test]
fn a_rule_can_name_the_attribute_that_holds_the_state() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "declared", true);
    let f = finding(&report, "declared.ai-training");
    assert_eq!(f["status"], "fixed", "{f:#}");
    assert_eq!(f["previous"], "on");
    assert_eq!(
        replica.server.state("declared", "ai-training").as_deref(),
        Some("unchecked")
    );
}

#[test]
fn an_option_is_recognised_by_its_value_in_any_language() {
    require_chromium();
    let replica = server();
    let (_, checked) = run(&replica, "optionvalue", false);
    let f = finding(&checked, "optionvalue.partners");
    assert_eq!(f["status"], "drift", "{f:#}");
    assert_eq!(f["current"], "Teilen");
    let (_, applied) = run(&replica, "optionvalue", true);
    assert_eq!(
        finding(&applied, "optionvalue.partners")["status"],
        "fixed",
        "{applied:#}"
    );
    assert_eq!(replica.server.state("optionvalue", "partners").as_deref(), Some("dont"));
}

#[test]
fn a_rule_may_accept_the_sites_own_confirm_dialog() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "confirmdialog", true);
    let f = finding(&report, "confirmdialog.ads");
    assert_eq!(f["status"], "fixed", "{f:#}");
    assert!(
        f["notes"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n.as_str().unwrap_or("").contains("confirm"))),
        "{f:#}"
    );
    assert_eq!(replica.server.state("confirmdialog", "ads").as_deref(), Some("off"));
}

#[test]
fn a_declared_overlay_is_dismissed_the_private_way() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "overlay", true);
    assert_eq!(finding(&report, "overlay.ads")["status"], "fixed", "{report:#}");
    assert_eq!(replica.server.state("overlay", "consent").as_deref(), Some("necessary"));
}

#[test]
fn a_fill_step_never_types_into_a_secret_field_however_it_was_located() {
    require_chromium();
    let replica = server();
    let (_, report) = run(&replica, "secretfill", true);
    // Five fields take a secret (type, a label in German, masked text,
    // autocomplete, a French placeholder): nothing typed, nothing changed.
    for n in 1..=5 {
        let f = finding(&report, &format!("secretfill.s{n}"));
        assert_eq!(f["status"], "failed", "{f:#}");
        assert!(
            f["message"]
                .as_str()
                .unwrap_or("")
                .contains("password or a one-time code"),
            "{f:#}"
        );
        assert_eq!(
            replica.server.state("secretfill", &format!("typed{n}")).as_deref(),
            Some("nothing"),
            "field {n} was typed into"
        );
        assert_eq!(
            replica.server.state("secretfill", &format!("s{n}")).as_deref(),
            Some("on")
        );
    }
    // The plain field proves the step runs at all.
    assert_eq!(finding(&report, "secretfill.s6")["status"], "fixed", "{report:#}");
    assert_eq!(
        replica.server.state("secretfill", "typed6").as_deref(),
        Some("typed-by-the-rule")
    );
}

/// Page text is untrusted: an option's name reaches the report, but never as
/// a terminal control sequence, an HTML tag, a Markdown link or a formula.
#[test]
fn hostile_page_text_is_shown_never_obeyed() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "hostiletext", false);
    assert_eq!(code, Some(1), "{report:#}");
    // The JSON report carries the value as read, its control characters
    // escaped where the page text entered (so history and evidence have no
    // raw escape either).
    let current = finding(&report, "hostiletext.audience")["current"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        current.contains("Everyone\\u001b]0;pwned") && current.contains("<script>"),
        "{current:?}"
    );
    assert!(!current.contains('\x1b'), "{current:?}");
    let colour = regex::Regex::new("\x1b\\[[0-9;]*m").expect("regex");
    for format in ["table", "markdown", "csv"] {
        let out = Env::new()
            .cmd()
            .arg("--rules")
            .arg(fixtures().join("rules/hostiletext.toml"))
            .args([
                "--timeout",
                "15",
                "--color",
                "always",
                "check",
                "hostiletext",
                "--no-history",
                "--format",
                format,
            ])
            .args(replica.base_url_args(&["hostiletext"]))
            .output()
            .expect("test harness");
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {shown}");
        assert!(shown.contains("HYPERLINK"), "{format}: the value is shown: {shown}");
        // Colour is on, yet the only escape sequences are colours.
        let without_colour = colour.replace_all(&shown, "");
        assert!(!without_colour.contains('\x1b'), "{format}: {shown:?}");
        assert!(
            !shown.contains('\x07') && !shown.contains('\u{202e}'),
            "{format}: {shown:?}"
        );
        match format {
            "markdown" => {
                assert!(!shown.contains("<script>") && !shown.contains("<img"), "{shown}");
                assert!(!shown.contains("[x](javascript"), "{shown}");
            }
            "csv" => assert!(shown.contains("\"'=HYPERLINK"), "{shown}"),
            _ => {}
        }
    }
}

/// A page that greets with `alert()` before it has loaded, and asks "leave
/// site?" once changed, is read and changed; both dialogs are noted, and
/// neither is reported as a page that did not load.
#[test]
fn native_dialogs_on_load_and_on_leaving_do_not_pass_for_an_unreachable_page() {
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "greeting", false);
    let f = finding(&report, "greeting.ads");
    assert_eq!((code, f["status"].as_str()), (Some(1), Some("drift")), "{report:#}");
    let (code, report) = run(&replica, "greeting", true);
    let f = finding(&report, "greeting.ads");
    assert_eq!((code, f["status"].as_str()), (Some(0), Some("fixed")), "{report:#}");
    assert_eq!(replica.server.state("greeting", "ads").as_deref(), Some("off"));
    let text = f.to_string();
    assert!(!text.contains("did not load"), "{f:#}");
}

/// A page that never stops opening dialogs is blocked by them, and the
/// message says so: not "did not load, check that it is reachable".
#[test]
fn a_page_that_keeps_opening_dialogs_is_reported_as_such() {
    require_chromium();
    let replica = server();
    let out = Env::new()
        .cmd()
        .arg("--rules")
        .arg(fixtures().join("rules/dialogstorm.toml"))
        .args([
            "--timeout",
            "3",
            "check",
            "dialogstorm",
            "--no-history",
            "--format",
            "json",
        ])
        .args(replica.base_url_args(&["dialogstorm"]))
        .output()
        .expect("test harness");
    let report = json(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{report:#}");
    let f = finding(&report, "dialogstorm.ads");
    assert_eq!(f["class"], "blocked", "{f:#}");
    let message = f["message"].as_str().unwrap_or("");
    assert!(message.contains("kept opening JavaScript dialogs"), "{f:#}");
    assert!(!message.contains("reachable"), "{f:#}");
}

#[test]
fn a_page_reached_by_fragment_from_another_is_loaded_fresh() {
    // ChatGPT-style settings: dialogs routed by the fragment, and a nested
    // dialog whose backdrop outlives a hash change. Moving to the next
    // setting's page by fragment alone would leave it over every control.
    require_chromium();
    let replica = server();
    let (code, report) = run(&replica, "fragmodal", true);
    for key in ["fragmodal.training", "fragmodal.memory"] {
        let f = finding(&report, key);
        assert_eq!(f["status"], "fixed", "{f:#}");
    }
    assert_eq!(replica.server.state("fragmodal", "memory").as_deref(), Some("off"));
    assert_eq!(code, Some(0));
}

/// An app that replaces its own document again and again while it is read,
/// in the top frame and in a same-origin iframe: every accessibility query
/// is about the document as it is when the query runs. Rooting
/// `queryAXTree` in a document Chromium had already replaced crashed the
/// renderer (Chromium 148), and every CDP call after that went unanswered
/// until `--timeout`; in a frame, any root did.
#[test]
fn reading_a_page_that_keeps_replacing_itself_never_crashes_it() {
    require_chromium();
    let replica = server();
    let base = replica.server.base_url("selfrouting");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use privaudit::browser::cdp::CdpError;
        use privaudit::rules::locator::Matcher;
        use privaudit::rules::model::{Locator, Names};
        let (browser, tab, _profile) = driver_tab(&base).await;
        let control = Matcher::compile(&Locator {
            role: Some("checkbox".into()),
            name: Some(Names::One("Personalised ads".into())),
            ..Locator::default()
        })
        .expect("matcher");
        for page in ["settings", "framed"] {
            tab.goto(&format!("{base}/{page}")).await.expect("loads");
            let mut found = 0;
            for round in 0..300 {
                match tab.query(&control).await {
                    Ok(hits) if !hits.is_empty() => found += 1,
                    Ok(_) => {}
                    Err(e @ (CdpError::Timeout { .. } | CdpError::Gone | CdpError::Crashed)) => {
                        panic!("{page}, round {round}: the page stopped answering: {e} ({found} found before)")
                    }
                    Err(e) => panic!("{page}, round {round}: {e}"),
                }
            }
            assert!(found > 0, "{page}: the control was never found");
            let alive = tab.evaluate("1 + 1").await.expect("the page still answers");
            assert_eq!(alive, serde_json::json!(2));
        }
        tab.close().await;
        browser.shutdown().await;
    });
}

/// A renderer that dies (out of memory, a Chromium fault) is said at once,
/// not after every later call waits out `--timeout`, and the next page
/// brings the tab back.
#[test]
fn a_crashed_page_is_said_at_once_and_the_next_page_revives_the_tab() {
    require_chromium();
    let replica = server();
    let base = replica.server.base_url("storagesession");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use chromiumoxide::cdp::browser_protocol::page::CrashParams;
        use privaudit::browser::cdp::CdpError;
        let (browser, tab, _profile) = driver_tab(&base).await;
        tab.goto(&format!("{base}/login")).await.expect("loads");
        // Page.crash never answers: the renderer is gone before it could.
        let _ = tab
            .cdp()
            .call_within(CrashParams::default(), Duration::from_secs(3))
            .await;
        match tab.evaluate("1 + 1").await {
            Err(CdpError::Crashed) => {}
            other => panic!("a call on the crashed page: {other:?}"),
        }
        assert!(tab.cdp().is_crashed());
        let landed = tab.goto(&format!("{base}/login")).await.expect("the next page loads");
        assert!(landed.ends_with("/storagesession/login"), "{landed}");
        assert!(!tab.cdp().is_crashed());
        assert_eq!(
            tab.evaluate("1 + 1").await.expect("answers again"),
            serde_json::json!(2)
        );
        tab.close().await;
        browser.shutdown().await;
    });
}

/// A browser and one tab allowed onto `base`'s origin, for tests of the
/// driver itself.
async fn driver_tab(base: &str) -> (privaudit::browser::Browser, privaudit::browser::Tab, tempfile::TempDir) {
    use privaudit::browser::{Allowed, Browser, LaunchOptions, Source};
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = Browser::open(&Source::Launch(LaunchOptions {
        executable: privaudit::browser::find::find_browser(None).expect("chromium"),
        headed: false,
        user_data_dir: Some(profile.path().to_path_buf()),
        timeout: Duration::from_secs(10),
        start_wait: Duration::from_secs(30),
        os_keyring: false,
    }))
    .await
    .expect("browser");
    let origin = url::Url::parse(base).expect("base url").origin();
    let tab = browser
        .open_tab(Allowed {
            domains: Vec::new(),
            extra_origin: Some(origin),
            blocked_types: Vec::new(),
        })
        .await
        .expect("tab");
    (browser, tab, profile)
}

/// A page whose script never ends stops answering: the first call waits out
/// the timeout, and every later one fails at once instead of each waiting
/// as long again (an `apply` took five times `--timeout`).
#[test]
fn a_page_stuck_in_a_script_costs_one_timeout_not_one_per_call() {
    require_chromium();
    let replica = server();
    let base = replica.server.base_url("storagesession");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use privaudit::browser::cdp::CdpError;
        let (browser, tab, _profile) = driver_tab(&base).await;
        tab.goto(&format!("{base}/login")).await.expect("loads");
        tab.evaluate("setTimeout(() => { for (;;) {} }, 0); true")
            .await
            .expect("schedules the endless script");
        match tab.evaluate("1 + 1").await {
            Err(CdpError::Timeout { .. }) => {}
            other => panic!("the first call on the stuck page: {other:?}"),
        }
        assert!(tab.cdp().is_stalled());
        match tab.evaluate("1 + 1").await {
            Err(CdpError::Stalled { .. }) => {}
            other => panic!("a later call on the stuck page: {other:?}"),
        }
        tab.close().await;
        browser.shutdown().await;
    });
}

/// A document replaced while its request was in flight never reports that
/// request finished: the new document's page must still count as quiet, so
/// that it is read within a short `--timeout`.
#[test]
fn a_request_cut_off_by_the_page_routing_itself_is_not_waited_for() {
    require_chromium();
    let replica = server();
    replica.fakes.delay("/fabort/api/", Duration::from_secs(8));
    let out = Env::new()
        .cmd()
        .arg("--rules")
        .arg(fixtures().join("rules/fabort.toml"))
        .args(["--timeout", "4", "check", "fabort", "--no-history", "--format", "json"])
        .args(replica.base_url_args(&["fabort"]))
        .output()
        .expect("test harness");
    let report = json(&out.stdout);
    let f = finding(&report, "fabort.ads");
    assert_eq!(f["status"], "drift", "{f:#}");
    assert_eq!(f["current"], "on");
}
