//! Reading a control's value as the UI shows it: `on`, `off` or `mixed` for
//! toggles, the chosen option for radio groups and selects.
//!
//! The state comes from the DOM's own truth when there is one (a native
//! checkbox's `checked`, `aria-checked`, `aria-pressed`, or the attribute a
//! rule names), from the accessibility tree for custom elements whose state
//! only it knows (ElementInternals), and otherwise is unknown: a switch
//! without `aria-checked` is not "off", it is unreadable. privaudit never
//! guesses a value.

use serde::Deserialize;

use super::act::ActError;
use super::ax::AxItem;
use super::locate::Found;
use super::tab::Tab;
use crate::rules::model::StateSpec;
use crate::rules::roles;

/// What one look at a control saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The value as the UI shows it, or why it cannot be known.
    pub value: Result<String, String>,
    /// For choices: the chosen option's `value` attribute (native controls).
    pub option_value: Option<String>,
    /// For choices: every option on the page, as (name, value attribute).
    pub options: Vec<(String, Option<String>)>,
    pub disabled: bool,
    /// The control or an ancestor says it is being updated (`aria-busy`).
    pub busy: bool,
}

/// What the page's DOM says about an element (privaudit's own fixed probe).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    pub tag: String,
    #[serde(default)]
    pub native: bool,
    #[serde(default)]
    pub custom: bool,
    pub checked: Option<bool>,
    pub indeterminate: Option<bool>,
    pub aria_checked: Option<String>,
    pub aria_pressed: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub busy: bool,
    /// The rule-declared attribute's value, or "on"/"off" for a declared class.
    pub declared: Option<String>,
    /// A native select's chosen option (text, value), or an input's value.
    pub chosen: Option<(String, String)>,
    pub options: Option<Vec<(String, String)>>,
    pub value: Option<String>,
}

const PROBE: &str = r#"function (spec) {
  const el = this, a = n => el.getAttribute(n);
  const tag = el.tagName || '', type = (el.type || '').toLowerCase();
  let busy = false;
  for (let n = el; n; n = n.parentElement || (n.getRootNode && n.getRootNode() !== document ? n.getRootNode().host : null)) {
    if (n.getAttribute && n.getAttribute('aria-busy') === 'true') { busy = true; break; }
  }
  const disabled = (el.matches && el.matches(':disabled')) || a('aria-disabled') === 'true';
  let declared = null;
  if (spec && spec.attribute) declared = a(spec.attribute);
  else if (spec && spec.class) declared = el.classList.contains(spec.class) ? 'on' : 'off';
  const native = tag === 'INPUT' && (type === 'checkbox' || type === 'radio');
  const out = { tag, native, custom: tag.includes('-'), checked: native ? el.checked : null,
    indeterminate: native ? el.indeterminate : null, ariaChecked: a('aria-checked'), ariaPressed: a('aria-pressed'),
    disabled, busy, declared, chosen: null, options: null, value: native ? el.value : null };
  if (tag === 'SELECT') {
    const o = el.selectedOptions && el.selectedOptions[0];
    out.chosen = o ? [o.text.trim(), o.value] : null;
    out.options = Array.from(el.options).map(o => [o.text.trim(), o.value]);
  }
  return out;
}"#;

/// A toggle's value from what the DOM and the accessibility tree say (pure).
pub fn toggle_value(
    role: &str,
    ax: Option<&AxItem>,
    probe: &Probe,
    state: Option<&StateSpec>,
) -> Result<String, String> {
    if let Some(spec) = state {
        let Some(declared) = &probe.declared else {
            return Err(match &spec.attribute {
                Some(attr) => format!("the control has no `{attr}` attribute, where the rule says its state is"),
                None => "the control does not carry the state the rule describes".into(),
            });
        };
        if spec.class.is_some() && spec.attribute.is_none() {
            return Ok(declared.clone());
        }
        let is = |list: &[String]| list.iter().any(|v| v.eq_ignore_ascii_case(declared.trim()));
        return if is(&spec.on) {
            Ok("on".into())
        } else if is(&spec.off) {
            Ok("off".into())
        } else {
            Err(format!(
                "its `{}` is \"{declared}\", which the rule maps to neither on nor off",
                spec.attribute.as_deref().unwrap_or("state")
            ))
        };
    }
    let tri = |s: &str| match s.trim() {
        "true" => Some("on".to_string()),
        "false" => Some("off".to_string()),
        "mixed" => Some("mixed".to_string()),
        _ => None,
    };
    if probe.native {
        return Ok(match (probe.indeterminate, probe.checked) {
            (Some(true), _) => "mixed".into(),
            (_, Some(true)) => "on".into(),
            _ => "off".into(),
        });
    }
    let attribute = if role == "button" {
        &probe.aria_pressed
    } else {
        &probe.aria_checked
    };
    if let Some(v) = attribute.as_deref().and_then(tri) {
        return Ok(v);
    }
    // A custom element may keep its state where only the accessibility
    // tree sees it (ElementInternals); a plain element cannot.
    if probe.custom {
        let from_ax = ax.and_then(|a| {
            if role == "button" {
                a.pressed.clone()
            } else {
                a.checked.clone()
            }
        });
        if let Some(v) = from_ax.as_deref().and_then(tri) {
            return Ok(v);
        }
    }
    Err(format!(
        "the {role} exposes no state (no {}, not a native checkbox); its look may say on or off, but privaudit does not guess: a rule can name the attribute or class that holds it (`state = {{ … }}`)",
        if role == "button" { "aria-pressed" } else { "aria-checked" }
    ))
}

impl Tab {
    /// The page's DOM facts about an element.
    pub async fn probe(&self, backend_id: i64, state: Option<&StateSpec>) -> Result<Probe, ActError> {
        let spec = serde_json::json!(state.map(|s| serde_json::json!({ "attribute": s.attribute, "class": s.class })));
        let answer = self.call_on(backend_id, PROBE, spec).await?;
        serde_json::from_value(answer).map_err(|e| ActError::Other(format!("unexpected answer from the page: {e}")))
    }

    /// Reads a control once.
    pub async fn read(&self, found: &Found, state: Option<&StateSpec>) -> Result<Reading, ActError> {
        let probe = self.probe(found.backend_id, state).await?;
        let ax = found.ax.as_ref();
        let role = ax.map(|a| a.role.clone()).filter(|r| !r.is_empty()).unwrap_or_else(|| {
            if probe.native {
                "checkbox".into()
            } else {
                String::new()
            }
        });
        let disabled = probe.disabled || ax.is_some_and(|a| a.disabled);
        let busy = probe.busy || ax.is_some_and(|a| a.busy);
        let mut reading = Reading {
            value: Err(String::new()),
            option_value: None,
            options: Vec::new(),
            disabled,
            busy,
        };
        if role == "radiogroup" {
            self.read_radios(found, &mut reading).await?;
        } else if probe.tag == "SELECT" {
            reading.value = probe
                .chosen
                .as_ref()
                .map(|(name, _)| name.clone())
                .ok_or_else(|| "no option is chosen".to_string());
            reading.option_value = probe.chosen.as_ref().map(|(_, v)| v.clone());
            reading.options = probe
                .options
                .unwrap_or_default()
                .into_iter()
                .map(|(n, v)| (n, Some(v)))
                .collect();
        } else if roles::is_choice(&role) {
            reading.value = ax
                .and_then(|a| a.value.clone())
                .ok_or_else(|| format!("the {role} shows no chosen value"));
        } else if roles::is_toggle(&role) || probe.native {
            reading.value = toggle_value(&role, ax, &probe, state);
        } else {
            reading.value = Err(format!("a {role} has no on/off state or value to read"));
        }
        // Page text from here on is shown to people and stored: what a
        // terminal would act on is escaped once, where it enters.
        let shown = crate::output::untrusted::escape;
        reading.value = reading.value.map(|v| shown(&v)).map_err(|e| shown(&e));
        reading.option_value = reading.option_value.map(|v| shown(&v));
        for (name, value) in &mut reading.options {
            *name = shown(name);
            *value = value.as_deref().map(shown);
        }
        Ok(reading)
    }

    /// A radio group's chosen radio, and every radio it offers.
    async fn read_radios(&self, group: &Found, reading: &mut Reading) -> Result<(), ActError> {
        let radios = self.radios_in(group.backend_id).await?;
        let mut chosen = None;
        for radio in &radios {
            let probe = self.probe(radio.backend_id, None).await?;
            let name = radio.ax.as_ref().map(|a| a.name.trim().to_string()).unwrap_or_default();
            let value = probe.value.clone();
            let checked = if probe.native {
                probe.checked == Some(true)
            } else {
                probe.aria_checked.as_deref() == Some("true")
                    || (probe.aria_checked.is_none()
                        && radio.ax.as_ref().and_then(|a| a.checked.as_deref()) == Some("true"))
            };
            if checked && chosen.is_none() {
                chosen = Some((name.clone(), value.clone()));
            }
            reading.options.push((name, value));
        }
        match chosen {
            Some((name, value)) => {
                reading.value = Ok(name);
                reading.option_value = value;
            }
            None if radios.is_empty() => reading.value = Err("the radio group has no radios".into()),
            None => reading.value = Ok(String::new()),
        }
        Ok(())
    }

    /// The radios inside a group, in page order.
    pub async fn radios_in(&self, group: i64) -> Result<Vec<Found>, ActError> {
        if self.loaded().await {
            return Ok(self.ax_nodes(group, Some("radio"), None).await?);
        }
        // queryAXTree waits for the load event (see `locate`).
        let snapshot = self.snapshot().await?;
        let Some(node) = snapshot.by_backend(group) else {
            return Ok(Vec::new());
        };
        Ok(snapshot
            .descendants(node)
            .into_iter()
            .filter(|i| i.role == "radio" && !i.ignored)
            .cloned()
            .filter_map(Found::of)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ax(role: &str, checked: Option<&str>) -> AxItem {
        AxItem {
            role: role.into(),
            checked: checked.map(Into::into),
            ..AxItem::default()
        }
    }

    #[test]
    fn a_native_checkbox_is_read_from_its_checked_property() {
        let p = Probe {
            native: true,
            checked: Some(true),
            indeterminate: Some(false),
            ..Probe::default()
        };
        assert_eq!(toggle_value("checkbox", None, &p, None), Ok("on".into()));
        let mixed = Probe {
            indeterminate: Some(true),
            ..p
        };
        assert_eq!(toggle_value("checkbox", None, &mixed, None), Ok("mixed".into()));
    }

    #[test]
    fn a_switch_without_aria_checked_is_unreadable_not_off() {
        // Chromium reports checked=false for such a switch: the false ok.
        let p = Probe::default();
        assert!(toggle_value("switch", Some(&ax("switch", Some("false"))), &p, None).is_err());
        let button = Probe::default();
        assert!(toggle_value("button", Some(&ax("button", None)), &button, None).is_err());
    }

    #[test]
    fn aria_attributes_are_read_as_written() {
        let p = Probe {
            aria_checked: Some("true".into()),
            ..Probe::default()
        };
        assert_eq!(toggle_value("switch", None, &p, None), Ok("on".into()));
        let pressed = Probe {
            aria_pressed: Some("false".into()),
            ..Probe::default()
        };
        assert_eq!(toggle_value("button", None, &pressed, None), Ok("off".into()));
    }

    #[test]
    fn custom_elements_may_keep_their_state_in_the_accessibility_tree() {
        let p = Probe {
            custom: true,
            ..Probe::default()
        };
        assert_eq!(
            toggle_value("switch", Some(&ax("switch", Some("true"))), &p, None),
            Ok("on".into())
        );
    }

    #[test]
    fn a_declared_attribute_decides() {
        let spec = StateSpec {
            attribute: Some("data-state".into()),
            on: vec!["checked".into()],
            off: vec!["unchecked".into()],
            class: None,
        };
        let p = |v: &str| Probe {
            declared: Some(v.into()),
            aria_checked: Some("false".into()),
            ..Probe::default()
        };
        assert_eq!(
            toggle_value("switch", None, &p("checked"), Some(&spec)),
            Ok("on".into())
        );
        assert_eq!(
            toggle_value("switch", None, &p("unchecked"), Some(&spec)),
            Ok("off".into())
        );
        assert!(toggle_value("switch", None, &p("indeterminate"), Some(&spec)).is_err());
        let class = StateSpec {
            attribute: None,
            on: vec![],
            off: vec![],
            class: Some("is-on".into()),
        };
        let on = Probe {
            declared: Some("on".into()),
            ..Probe::default()
        };
        assert_eq!(toggle_value("switch", None, &on, Some(&class)), Ok("on".into()));
    }
}
