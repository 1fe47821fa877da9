//! Apply steps: each runs on elements located afresh (an element the page
//! replaced is located again), and moves a toggle only towards the wanted
//! value, never through a state it cannot read.

use std::time::{Duration, Instant};

use super::page;
use crate::browser::act::ActError;
use crate::browser::locate::{Found, Located};
use crate::browser::Tab;
use crate::plan::PlanItem;
use crate::rules::model::DialogAnswer;
use crate::rules::{roles, Action, Aim, Matcher, SettingKind};

/// The rule's steps, or the obvious one for the control's kind; or why
/// privaudit will not act. Every action moves the control *to* the wanted
/// value: nothing here clicks in the hope that the value changes.
pub fn actions(item: &PlanItem) -> Result<Vec<Action>, String> {
    match &item.setting.kind {
        // A rule's steps are written to reach its private value, and only
        // that value.
        SettingKind::Control {
            apply, private_value, ..
        } if !apply.is_empty() => {
            if item.wanted.eq_ignore_ascii_case(private_value) {
                Ok(apply.clone())
            } else {
                Err(format!(
                    "not changed: the rule's steps set \"{private_value}\", and the profile wants \"{}\"; change it by hand",
                    item.wanted
                ))
            }
        }
        SettingKind::Control { control, .. } => {
            let choice = control.role.as_deref().is_some_and(roles::is_choice);
            if choice {
                Ok(vec![Action::Select(item.wanted.clone())])
            } else if item.wanted == "on" || item.wanted == "off" {
                // Only ever towards the wanted value: a click that would
                // move it elsewhere is not made.
                Ok(vec![if item.wanted == "on" {
                    Action::Check(Aim::Control)
                } else {
                    Action::Uncheck(Aim::Control)
                }])
            } else {
                Err(format!(
                    "not changed: privaudit cannot tell which action sets \"{}\" on this control, and the rule gives no steps",
                    item.wanted
                ))
            }
        }
        SettingKind::Manual { .. } => Ok(Vec::new()),
    }
}

/// Runs one step on freshly located elements; an element the page replaced
/// meanwhile is located again, until the deadline.
pub async fn act(tab: &Tab, item: &PlanItem, action: &Action, deadline: Instant) -> Result<(), ActError> {
    loop {
        match act_once(tab, item, action, deadline).await {
            Err(ActError::Detached) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
}

async fn act_once(tab: &Tab, item: &PlanItem, action: &Action, deadline: Instant) -> Result<(), ActError> {
    let control = page::control(item).ok_or_else(|| ActError::Other("not a browser setting".into()))?;
    match action {
        Action::Click(aim) => {
            let (m, found) = target(tab, aim, control, deadline).await?;
            tab.click(found.backend_id, &m.to_string(), deadline).await
        }
        Action::Check(aim) | Action::Uncheck(aim) => {
            let m = match aim {
                Aim::Control => control,
                Aim::Element(m) => m,
            };
            let state = if matches!(aim, Aim::Control) {
                page::state_spec(item)
            } else {
                None
            };
            set_toggle(tab, m, state, matches!(action, Action::Check(_)), deadline).await
        }
        Action::Select(option) => choose(tab, control, option, item.wanted_value.as_deref(), deadline).await,
        Action::Fill(m, value) => {
            let found = appear(tab, m, deadline).await?;
            let name = found.ax.as_ref().map(|ax| ax.name.as_str());
            tab.fill(found.backend_id, value, name).await
        }
        // Presence is enough: a message may be named twice (its box and its text).
        Action::WaitFor(m) | Action::Expect(m) => present(tab, m, deadline).await,
        Action::Confirm(m) => {
            let found = appear(tab, m, deadline).await?;
            tab.click(found.backend_id, &m.to_string(), deadline).await
        }
        Action::Save(m) => {
            // A form's Save button is disabled until something changed.
            loop {
                let found = appear(tab, m, deadline).await?;
                let probe = tab.probe(found.backend_id, None).await?;
                if !probe.disabled {
                    return tab.click(found.backend_id, &m.to_string(), deadline).await;
                }
                if Instant::now() >= deadline {
                    return Err(ActError::Disabled(format!("{m} never became enabled")));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Action::Dialog(DialogAnswer::Accept) => {
            tab.accept_next_dialog();
            Ok(())
        }
        Action::Dialog(DialogAnswer::Dismiss) => Ok(()),
    }
}

/// Makes a toggle on or off, clicking only if it is not already, and never
/// when its state cannot be read or is mixed.
pub async fn set_toggle(
    tab: &Tab,
    m: &Matcher,
    state: Option<&crate::rules::model::StateSpec>,
    on: bool,
    deadline: Instant,
) -> Result<(), ActError> {
    let found = appear(tab, m, deadline).await?;
    let reading = tab.read(&found, state).await?;
    let want = if on { "on" } else { "off" };
    match reading.value.as_deref() {
        Ok(v) if v == want => Ok(()),
        Ok("mixed") => Err(ActError::Other(format!(
            "{m} is mixed: one click would not make it {want}"
        ))),
        Ok(_) => tab.click(found.backend_id, &m.to_string(), deadline).await,
        Err(why) => Err(ActError::Other(format!("{m}: {why}"))),
    }
}

/// Chooses an option of a radio group or a select, by name or by its
/// `value` attribute.
pub async fn choose(
    tab: &Tab,
    control: &Matcher,
    option: &str,
    value: Option<&str>,
    deadline: Instant,
) -> Result<(), ActError> {
    let found = appear(tab, control, deadline).await?;
    if found.role() == "radiogroup" {
        let radios = tab.radios_in(found.backend_id).await?;
        let mut pick = None;
        for radio in &radios {
            let name = radio.ax.as_ref().map(|a| a.name.as_str()).unwrap_or("");
            let by_name = crate::rules::locator::normalise_name(name)
                .eq_ignore_ascii_case(&crate::rules::locator::normalise_name(option));
            let by_value = match value {
                Some(v) => tab.probe(radio.backend_id, None).await?.value.as_deref() == Some(v),
                None => false,
            };
            if by_name || by_value {
                pick = Some(radio.clone());
                break;
            }
        }
        let radio = pick.ok_or_else(|| ActError::Other(format!("no option named \"{option}\"")))?;
        tab.click(radio.backend_id, &format!("radio \"{option}\""), deadline)
            .await
    } else {
        tab.select_option(found.backend_id, value.unwrap_or(option)).await
    }
}

/// The element an aim names, located now.
async fn target<'m>(
    tab: &Tab,
    aim: &'m Aim,
    control: &'m Matcher,
    deadline: Instant,
) -> Result<(&'m Matcher, Found), ActError> {
    let m = match aim {
        Aim::Control => control,
        Aim::Element(m) => m,
    };
    Ok((m, appear(tab, m, deadline).await?))
}

/// Waits until at least one element `m` names is on the page.
async fn present(tab: &Tab, m: &Matcher, deadline: Instant) -> Result<(), ActError> {
    match tab.wait_for(m, deadline).await? {
        Some(_) => Ok(()),
        None => Err(ActError::Other(format!("{m} did not appear"))),
    }
}

/// Waits for exactly one element `m` names.
async fn appear(tab: &Tab, m: &Matcher, deadline: Instant) -> Result<Found, ActError> {
    loop {
        match tab.locate(m).await? {
            Located::One(found) => return Ok(found),
            Located::Many(n) if Instant::now() >= deadline => {
                return Err(ActError::Other(format!("{n} elements match {m}, expected one")))
            }
            _ if Instant::now() >= deadline => return Err(ActError::Other(format!("{m} did not appear"))),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
