//! The accessibility tree as privaudit sees it: a flat list of nodes with role,
//! name and state, and the pure logic that finds a control and reads its value.
//! One snapshot serves every setting on a page.

use chromiumoxide::cdp::browser_protocol::accessibility::{AxNode, AxPropertyName, AxValue};

use crate::rules::Matcher;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AxItem {
    pub id: String,
    /// Ignored nodes (layout wrappers) are kept so the tree stays connected,
    /// but are never matched.
    pub ignored: bool,
    pub parent: Option<String>,
    pub role: String,
    pub name: String,
    /// `checked` for checkboxes, switches and radios: "true", "false", "mixed".
    pub checked: Option<String>,
    /// `pressed` for toggle buttons.
    pub pressed: Option<String>,
    pub selected: Option<bool>,
    pub disabled: bool,
    /// The value of a combobox or listbox (the selected option's text).
    pub value: Option<String>,
    pub backend_id: Option<i64>,
}

fn text(v: &Option<AxValue>) -> Option<String> {
    let value = v.as_ref()?.value.as_ref()?;
    Some(match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

impl AxItem {
    pub fn from_node(node: &AxNode) -> Option<AxItem> {
        // Every node is kept (ignored ones too), so `Option` only guards
        // against nodes CDP returns without an id.
        let mut item = AxItem {
            id: node.node_id.inner().clone(),
            ignored: node.ignored,
            parent: node.parent_id.as_ref().map(|p| p.inner().clone()),
            role: text(&node.role).unwrap_or_default(),
            name: text(&node.name).unwrap_or_default(),
            value: text(&node.value),
            backend_id: node.backend_dom_node_id.map(|b| *b.inner()),
            ..AxItem::default()
        };
        for property in node.properties.iter().flatten() {
            let v = Some(property.value.clone());
            match property.name {
                AxPropertyName::Checked => item.checked = text(&v),
                AxPropertyName::Pressed => item.pressed = text(&v),
                AxPropertyName::Selected => item.selected = text(&v).map(|s| s == "true"),
                AxPropertyName::Disabled => item.disabled = text(&v).is_some_and(|s| s == "true"),
                _ => {}
            }
        }
        Some(item)
    }
}

/// Every node matching a role + name locator. A node without a name (a
/// status message, a toast) is matched on its text instead.
pub fn find<'a>(items: &'a [AxItem], matcher: &Matcher) -> Vec<&'a AxItem> {
    items
        .iter()
        .filter(|i| !i.ignored)
        .filter(|i| {
            if matcher.matches(&i.role, &i.name) {
                return true;
            }
            i.name.trim().is_empty() && matcher.matches(&i.role, &text_of(items, i)) && !text_of(items, i).is_empty()
        })
        .collect()
}

/// The text a node contains, as its static-text descendants say it.
fn text_of(items: &[AxItem], node: &AxItem) -> String {
    let mut parts: Vec<&str> = descendants(items, &node.id)
        .into_iter()
        .filter(|d| d.role == "StaticText" && !d.name.trim().is_empty())
        .map(|d| d.name.trim())
        .collect();
    parts.dedup();
    parts.join(" ")
}

/// Reads a control's value as the UI shows it: `on`/`off` for toggles, the
/// chosen option's name for radio groups, the value text for selects.
pub fn read_value(items: &[AxItem], item: &AxItem) -> Option<String> {
    let tri = |s: &str| match s {
        "true" => "on".to_string(),
        "false" => "off".to_string(),
        other => other.to_string(),
    };
    match item.role.as_str() {
        "radiogroup" => {
            let checked = descendants(items, &item.id)
                .into_iter()
                .find(|d| d.role == "radio" && d.checked.as_deref() == Some("true"));
            Some(checked.map(|r| r.name.clone()).unwrap_or_default())
        }
        "combobox" | "listbox" => item.value.clone().or_else(|| {
            descendants(items, &item.id)
                .into_iter()
                .find(|d| d.role == "option" && d.selected == Some(true))
                .map(|o| o.name.clone())
        }),
        "button" => Some(item.pressed.as_deref().map(tri).unwrap_or_else(|| "off".to_string())),
        _ => item.checked.as_deref().map(tri),
    }
}

/// The radio named `name` inside a radio group.
pub fn option_in<'a>(items: &'a [AxItem], group: &AxItem, name: &str) -> Option<&'a AxItem> {
    descendants(items, &group.id)
        .into_iter()
        .find(|d| d.role == "radio" && d.name.trim() == name.trim())
}

fn descendants<'a>(items: &'a [AxItem], root: &str) -> Vec<&'a AxItem> {
    let mut out = Vec::new();
    let mut frontier = vec![root.to_string()];
    while let Some(id) = frontier.pop() {
        for child in items.iter().filter(|i| i.parent.as_deref() == Some(id.as_str())) {
            frontier.push(child.id.clone());
            out.push(child);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Locator;

    fn item(id: &str, parent: Option<&str>, role: &str, name: &str) -> AxItem {
        AxItem {
            id: id.into(),
            parent: parent.map(Into::into),
            role: role.into(),
            name: name.into(),
            ..AxItem::default()
        }
    }

    fn matcher(role: &str, name: &str) -> Matcher {
        Matcher::compile(&Locator {
            role: Some(role.into()),
            name: Some(name.into()),
            ..Locator::default()
        })
        .unwrap()
    }

    #[test]
    fn switches_and_checkboxes_read_as_on_and_off() {
        let mut on = item("1", None, "switch", "Use my data");
        on.checked = Some("true".into());
        let mut off = item("2", None, "checkbox", "Personalized ads");
        off.checked = Some("false".into());
        let items = vec![on.clone(), off.clone()];
        assert_eq!(read_value(&items, &on).as_deref(), Some("on"));
        assert_eq!(read_value(&items, &off).as_deref(), Some("off"));
    }

    #[test]
    fn a_checkbox_without_state_is_unreadable() {
        let c = item("1", None, "checkbox", "x");
        assert_eq!(read_value(std::slice::from_ref(&c), &c), None);
    }

    #[test]
    fn radio_groups_read_the_checked_option_name() {
        let group = item("g", None, "radiogroup", "Third-party AI");
        let a = item("a", Some("g"), "radio", "Prioritize maximum reach");
        let mut b = item("b", Some("g"), "radio", "Minimize third-party training");
        b.checked = Some("true".into());
        let items = vec![group.clone(), a, b];
        assert_eq!(
            read_value(&items, &group).as_deref(),
            Some("Minimize third-party training")
        );
    }

    #[test]
    fn selects_read_their_value() {
        let mut select = item("s", None, "combobox", "Audience");
        select.value = Some("Only me".into());
        assert_eq!(
            read_value(std::slice::from_ref(&select), &select).as_deref(),
            Some("Only me")
        );
    }

    #[test]
    fn find_filters_by_role_and_name() {
        let items = vec![
            item("1", None, "switch", "A"),
            item("2", None, "checkbox", "A"),
            item("3", None, "switch", "B"),
        ];
        let found = find(&items, &matcher("switch", "A"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "1");
    }

    #[test]
    fn a_status_without_a_name_matches_on_its_text() {
        let status = item("s", None, "status", "");
        let text = item("t", Some("s"), "StaticText", "Changes saved");
        let items = vec![status, text];
        assert_eq!(find(&items, &matcher("status", "Changes saved")).len(), 1);
        assert!(find(&items, &matcher("status", "Saved")).is_empty());
    }

    #[test]
    fn ignored_wrappers_keep_radios_inside_their_group() {
        let group = item("g", None, "radiogroup", "Partner sharing");
        let mut wrapper = item("w", Some("g"), "generic", "");
        wrapper.ignored = true;
        let mut radio = item("r", Some("w"), "radio", "Don't share");
        radio.checked = Some("true".into());
        let items = vec![group.clone(), wrapper.clone(), radio];
        assert_eq!(read_value(&items, &group).as_deref(), Some("Don't share"));
        assert!(option_in(&items, &group, "Don't share").is_some());
        let any_generic = Matcher::compile(&Locator {
            role: Some("generic".into()),
            ..Locator::default()
        })
        .unwrap();
        assert!(find(&items, &any_generic).is_empty(), "ignored nodes are never matched");
    }
}
