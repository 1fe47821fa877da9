//! One settings page: load it, make sure the session is signed in, close
//! declared overlays, open what hides the controls, and read the controls
//! only once the page tells the truth: no request of the page pending, no
//! `aria-busy`, and two readings in a row agree. A page renders a
//! placeholder first and its data later; the first frame is never trusted.

use std::time::{Duration, Instant};

use crate::browser::act::ActError;
use crate::browser::cdp::CdpError;
use crate::browser::locate::{Found, Located};
use crate::browser::read::Reading;
use crate::browser::tab::POLL;
use crate::browser::{NavError, Tab};
use crate::plan::{PlanItem, PlatformPlan};
use crate::rules::{Matcher, SettingKind};

use super::finding::{FailureClass, Status};
use super::obstacles::signed_out;
use super::scope::same_path;
use super::stop::Stop;

/// Readings this long apart that agree are the page's settled state.
const AGREE_AFTER: Duration = Duration::from_millis(150);
/// No data request for this long: the page has what it was waiting for.
const QUIET: Duration = Duration::from_millis(200);
/// A page that is never quiet (it polls constantly) is read anyway after
/// this long, still only once two readings agree.
const NEVER_QUIET: Duration = Duration::from_secs(5);

/// A page, loaded and opened.
pub struct Opened {
    pub url: String,
    /// Steps that should have revealed the controls and did not.
    pub open_failures: Vec<String>,
}

/// What a look at one item found.
// One per control on a page, briefly: boxing the larger variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Look {
    /// Found and read; `settled` when two readings agreed, `changed` when
    /// two readings disagreed (unsettled and unchanged: too few readings
    /// before the deadline).
    Read {
        found: Found,
        reading: Reading,
        settled: bool,
        changed: bool,
    },
    Missing,
    Ambiguous(usize),
}

pub fn control(item: &PlanItem) -> Option<&Matcher> {
    match &item.setting.kind {
        SettingKind::Control { control, .. } => Some(control),
        SettingKind::Manual { .. } => None,
    }
}

pub fn state_spec(item: &PlanItem) -> Option<&crate::rules::model::StateSpec> {
    match &item.setting.kind {
        SettingKind::Control { state, .. } => state.as_ref(),
        SettingKind::Manual { .. } => None,
    }
}

/// Loads `page` and prepares it for reading `items`.
pub async fn open(
    tab: &Tab,
    pp: &PlatformPlan,
    page: &str,
    items: &[&PlanItem],
    deadline: Instant,
) -> Result<Opened, Stop> {
    let url = pp.url(page);
    let navigated = async {
        let landed = tab.goto(&url).await?;
        Ok::<_, NavError>(tab.follow_meta_refresh(deadline).await?.unwrap_or(landed))
    }
    .await;
    let landed = match navigated {
        Ok(landed) => landed,
        Err(e @ NavError::OutsideDomains(_)) => {
            return Err(Stop::new(Status::Error, FailureClass::Blocked, e.to_string(), true))
        }
        // The site answered; its dialogs are in the way, not its network.
        Err(e @ NavError::Dialogs { .. }) => {
            return Err(Stop::new(
                Status::Unreadable,
                FailureClass::Blocked,
                e.to_string(),
                false,
            ))
        }
        Err(NavError::Gone) => return Err(Stop::driver("the connection to the browser was lost")),
        Err(e @ NavError::Crashed(_)) => return Err(Stop::crashed(e)),
        // The site itself is out of reach: one cause for the whole platform.
        Err(e) if e.host_unreachable() => return Err(super::obstacles::site_unreachable(pp, &url, &e)),
        Err(e) => {
            return Err(Stop::new(
                Status::Error,
                FailureClass::Unreachable,
                format!("{e}; check that {} is reachable and try again", pp.platform.name),
                false,
            ))
        }
    };
    if let Some(login) = &pp.platform.login {
        if same_path(&landed, &pp.url(&login.url)) {
            return Err(signed_out(pp, "the page sent the browser to the sign-in page"));
        }
    }
    dismiss_overlays(tab, pp, deadline).await;
    let mut open_failures = Vec::new();
    for step in open_steps(items) {
        match tab.wait_for(step, deadline).await {
            Err(e) => return Err(Stop::cdp(e)),
            Ok(Some(found)) => {
                if let Err(e) = tab.click(found.backend_id, &step.to_string(), deadline).await {
                    open_failures.push(format!("could not open {step}: {e}"));
                }
            }
            Ok(None) => open_failures.push(format!("{step} (which reveals the control) was not found")),
        }
    }
    Ok(Opened { url, open_failures })
}

/// Closes the overlays the rule declares, when they are shown.
pub async fn dismiss_overlays(tab: &Tab, pp: &PlatformPlan, deadline: Instant) {
    for overlay in &pp.platform.dismiss {
        if let Ok(Located::One(found)) = tab.locate(overlay).await {
            match tab.click(found.backend_id, &overlay.to_string(), deadline).await {
                Ok(()) => tracing::info!("{}: closed {overlay}", pp.platform.id),
                Err(e) => tracing::info!("{}: could not close {overlay}: {e}", pp.platform.id),
            }
        }
    }
}

/// The distinct "open first" steps of a page's settings, in rule order.
pub fn open_steps<'a>(items: &[&'a PlanItem]) -> Vec<&'a Matcher> {
    let mut steps: Vec<&Matcher> = Vec::new();
    for item in items {
        if let SettingKind::Control { open, .. } = &item.setting.kind {
            for step in open {
                if !steps.iter().any(|s| s.source == step.source) {
                    steps.push(step);
                }
            }
        }
    }
    steps
}

/// What agrees between two readings of one item.
type Key = Option<(i64, Result<String, String>, Option<String>, bool, bool)>;

fn key_of(look: &Look) -> Key {
    match look {
        Look::Read { found, reading, .. } => Some((
            found.backend_id,
            reading.value.clone(),
            reading.option_value.clone(),
            reading.disabled,
            reading.busy,
        )),
        _ => None,
    }
}

/// Reads every item once the page is quiet and each reading has been seen
/// twice, [`AGREE_AFTER`] apart; at the deadline, what there is (an item
/// whose reading never settled says so).
pub async fn read_settled(tab: &Tab, items: &[&PlanItem], deadline: Instant) -> Result<Vec<Look>, CdpError> {
    let started = Instant::now();
    let mut since: Vec<Option<(Instant, Key)>> = vec![None; items.len()];
    let mut changed = vec![false; items.len()];
    let mut last_quiet = vec![false; items.len()];
    let mut latest: Vec<Look> = vec![Look::Missing; items.len()];
    loop {
        if tab.cdp().is_gone() {
            return Err(CdpError::Gone);
        }
        // Readings start at once, but only a reading taken while the page is
        // quiet can confirm one: the first of two agreeing readings may come
        // from a page still loading (if its data then changes the value, the
        // quiet reading disagrees and the count starts again).
        let quiet = tab.network_quiet(QUIET) || started.elapsed() > NEVER_QUIET;
        for (i, item) in items.iter().enumerate() {
            let look = look_once(tab, item).await?;
            let key = key_of(&look);
            let agreed = match &since[i] {
                Some((at, k)) if *k == key => quiet && at.elapsed() >= AGREE_AFTER,
                previous => {
                    // Two quiet readings that differ: the value changes by
                    // itself (a control only now appearing, or a page still
                    // loading its data, is not that).
                    changed[i] |= quiet && last_quiet[i] && matches!(previous, Some((_, Some(_)))) && key.is_some();
                    since[i] = Some((Instant::now(), key.clone()));
                    false
                }
            };
            last_quiet[i] = quiet;
            latest[i] = match look {
                Look::Read { found, reading, .. } => Look::Read {
                    settled: agreed && !reading.busy,
                    changed: changed[i],
                    found,
                    reading,
                },
                other => other,
            };
        }
        let done = latest.iter().all(|l| matches!(l, Look::Read { settled: true, .. }));
        if done {
            return Ok(latest);
        }
        if quiet && latest.iter().any(|l| matches!(l, Look::Missing)) && started.elapsed() > Duration::from_secs(1) {
            // Lists that render rows only once scrolled to.
            let _ = tab.scroll_on().await;
        }
        if Instant::now() >= deadline {
            return Ok(latest);
        }
        // Poll again, or sooner when all that is left is for agreeing
        // readings to be far enough apart.
        let wait = since
            .iter()
            .flatten()
            .map(|(at, _)| AGREE_AFTER.saturating_sub(at.elapsed()))
            .filter(|d| !d.is_zero())
            .max()
            .unwrap_or(POLL)
            .min(POLL);
        tokio::time::sleep(wait).await;
    }
}

/// Why a control that was found was not read settled, and whose fault that
/// is: a page that says it is loading, a value that kept changing (both
/// `blocked`), or a read the page timeout cut short (`unreachable`, with the
/// `--timeout` hint), never a guess at the value.
pub fn unsettled(reading: &Reading, changed: bool) -> (&'static str, FailureClass) {
    if reading.busy {
        (
            "the page still says it is loading this setting (aria-busy)",
            FailureClass::Blocked,
        )
    } else if changed {
        ("its value kept changing while privaudit watched", FailureClass::Blocked)
    } else {
        (
            "the page was still loading when the page timeout ran out",
            FailureClass::Unreachable,
        )
    }
}

/// One reading of each item's value on the live page, where it can be read.
pub async fn values_now(tab: &Tab, items: &[&PlanItem]) -> Vec<Option<String>> {
    if items.is_empty() {
        return Vec::new();
    }
    let deadline = Instant::now() + Duration::from_secs(3).min(tab.timeout());
    match read_settled(tab, items, deadline).await {
        Ok(looks) => looks
            .into_iter()
            .map(|look| match look {
                Look::Read { reading, .. } => reading.value.ok(),
                _ => None,
            })
            .collect(),
        Err(_) => vec![None; items.len()],
    }
}

/// One reading of `item`'s value on the live page.
pub async fn value_now(tab: &Tab, item: &PlanItem) -> Option<String> {
    values_now(tab, &[item]).await.into_iter().next().flatten()
}

/// One look at an item's control.
pub async fn look_once(tab: &Tab, item: &PlanItem) -> Result<Look, CdpError> {
    let Some(matcher) = control(item) else {
        return Ok(Look::Missing);
    };
    match tab.locate(matcher).await? {
        Located::None => Ok(Look::Missing),
        Located::Many(n) => Ok(Look::Ambiguous(n)),
        Located::One(found) => match tab.read(&found, state_spec(item)).await {
            Ok(reading) => Ok(Look::Read {
                found,
                reading,
                settled: false,
                changed: false,
            }),
            // Replaced while being read: look again next time.
            Err(ActError::Detached) => Ok(Look::Missing),
            Err(ActError::Cdp(e)) => Err(e),
            Err(e) => Ok(Look::Read {
                found,
                reading: Reading {
                    value: Err(e.to_string()),
                    option_value: None,
                    options: Vec::new(),
                    disabled: false,
                    busy: false,
                },
                settled: false,
                changed: false,
            }),
        },
    }
}
