//! The accessibility tree as privaudit sees it: nodes with role, name and
//! state, indexed once so that every question asked of a snapshot (find,
//! descendants, text, ancestors) costs time in proportion to its answer, not
//! to the page: settings pages with tens of thousands of nodes exist.

use std::collections::HashMap;

use chromiumoxide::cdp::browser_protocol::accessibility::{AxNode, AxPropertyName, AxValue};

use crate::rules::Matcher;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AxItem {
    pub id: String,
    /// Ignored nodes (layout wrappers) are kept so the tree stays connected,
    /// but are never matched.
    pub ignored: bool,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub role: String,
    pub name: String,
    /// `checked` for checkboxes, switches and radios: "true", "false", "mixed".
    pub checked: Option<String>,
    /// `pressed` for toggle buttons.
    pub pressed: Option<String>,
    pub selected: Option<bool>,
    pub disabled: bool,
    /// `aria-busy`: the node says its content is still being updated.
    pub busy: bool,
    /// The value of a combobox or listbox (the selected option's text).
    pub value: Option<String>,
    pub backend_id: Option<i64>,
}

fn text(v: &Option<AxValue>) -> Option<String> {
    let value = v.as_ref()?.value.as_ref()?;
    // Names and values are page text: escaped once here, so no report,
    // history row or message carries a control sequence from a page.
    Some(match value {
        serde_json::Value::String(s) => crate::output::untrusted::escape(s),
        other => other.to_string(),
    })
}

impl AxItem {
    pub fn from_node(node: &AxNode) -> AxItem {
        let mut item = AxItem {
            id: node.node_id.inner().clone(),
            ignored: node.ignored,
            parent: node.parent_id.as_ref().map(|p| p.inner().clone()),
            children: node.child_ids.iter().flatten().map(|c| c.inner().clone()).collect(),
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
                AxPropertyName::Busy => item.busy = text(&v).is_some_and(|s| s == "true"),
                _ => {}
            }
        }
        item
    }
}

/// A whole tree, indexed by node id.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    items: Vec<AxItem>,
    index: HashMap<String, usize>,
}

impl Snapshot {
    /// Indexes the nodes in one pass. Some Chromium versions omit `parentId`;
    /// `childIds` always link the tree, so parents are filled from them.
    pub fn new(mut items: Vec<AxItem>) -> Snapshot {
        let index: HashMap<String, usize> = items.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let mut parents: Vec<(usize, String)> = Vec::new();
        for item in &items {
            for child in &item.children {
                if let Some(&c) = index.get(child) {
                    parents.push((c, item.id.clone()));
                }
            }
        }
        for (c, parent) in parents {
            if items[c].parent.is_none() {
                items[c].parent = Some(parent);
            }
        }
        Snapshot { items, index }
    }

    pub fn items(&self) -> &[AxItem] {
        &self.items
    }

    pub fn get(&self, id: &str) -> Option<&AxItem> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    pub fn by_backend(&self, backend_id: i64) -> Option<&AxItem> {
        self.items
            .iter()
            .find(|i| i.backend_id == Some(backend_id) && !i.ignored)
    }

    /// Every node matching a role + name locator. A node without a name (a
    /// status message, a toast) is matched on its text instead.
    pub fn find(&self, matcher: &Matcher) -> Vec<&AxItem> {
        self.items
            .iter()
            .filter(|i| !i.ignored && matcher.css.is_none() && matcher.matches_role(&i.role))
            .filter(|i| {
                if matcher.matches_name(&i.name) {
                    return true;
                }
                if !i.name.trim().is_empty() {
                    return false;
                }
                let text = self.text_of(i);
                !text.is_empty() && matcher.matches_name(&text)
            })
            .collect()
    }

    /// The text a node contains, as its static-text descendants say it.
    pub fn text_of(&self, node: &AxItem) -> String {
        let mut parts: Vec<&str> = self
            .descendants(node)
            .into_iter()
            .filter(|d| d.role == "StaticText" && !d.name.trim().is_empty())
            .map(|d| d.name.trim())
            .collect();
        parts.dedup();
        parts.join(" ")
    }

    /// The node's descendants, depth first, through the child index.
    pub fn descendants(&self, root: &AxItem) -> Vec<&AxItem> {
        let mut out = Vec::new();
        let mut stack: Vec<&str> = root.children.iter().rev().map(String::as_str).collect();
        while let Some(id) = stack.pop() {
            if let Some(item) = self.get(id) {
                out.push(item);
                stack.extend(item.children.iter().rev().map(String::as_str));
            }
        }
        out
    }

    /// The node's ancestors, nearest first.
    pub fn ancestors<'a>(&'a self, node: &'a AxItem) -> impl Iterator<Item = &'a AxItem> + 'a {
        std::iter::successors(node.parent.as_deref().and_then(|p| self.get(p)), move |n| {
            n.parent.as_deref().and_then(|p| self.get(p))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::model::Names;
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

    fn linked(mut items: Vec<AxItem>) -> Snapshot {
        let pairs: Vec<(String, String)> = items
            .iter()
            .filter_map(|i| i.parent.clone().map(|p| (p, i.id.clone())))
            .collect();
        for (p, c) in pairs {
            if let Some(parent) = items.iter_mut().find(|i| i.id == p) {
                parent.children.push(c);
            }
        }
        Snapshot::new(items)
    }

    fn matcher(role: &str, name: &str) -> Matcher {
        Matcher::compile(&Locator {
            role: Some(role.into()),
            name: Some(Names::One(name.into())),
            ..Locator::default()
        })
        .unwrap()
    }

    #[test]
    fn find_filters_by_role_and_name() {
        let s = linked(vec![
            item("1", None, "switch", "A"),
            item("2", None, "checkbox", "A"),
            item("3", None, "switch", "B"),
        ]);
        let found = s.find(&matcher("switch", "A"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "1");
    }

    #[test]
    fn a_status_without_a_name_matches_on_its_text() {
        let s = linked(vec![
            item("s", None, "status", ""),
            item("t", Some("s"), "StaticText", "Changes saved"),
        ]);
        assert_eq!(s.find(&matcher("status", "Changes saved")).len(), 1);
        assert!(s.find(&matcher("status", "Saved")).is_empty());
    }

    #[test]
    fn ignored_nodes_are_never_matched_but_keep_the_tree_connected() {
        let mut wrapper = item("w", Some("g"), "generic", "");
        wrapper.ignored = true;
        let s = linked(vec![
            item("g", None, "radiogroup", "Partner sharing"),
            wrapper,
            item("r", Some("w"), "radio", "Don't share"),
        ]);
        let group = s.get("g").unwrap();
        assert_eq!(s.descendants(group).len(), 2);
        let any_generic = Matcher::compile(&Locator {
            role: Some("generic".into()),
            ..Locator::default()
        })
        .unwrap();
        assert!(s.find(&any_generic).is_empty());
        let radio = s.get("r").unwrap();
        assert_eq!(
            s.ancestors(radio).map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["w", "g"]
        );
    }

    #[test]
    fn parents_come_from_child_links_when_missing() {
        let mut group = item("g", None, "radiogroup", "G");
        group.children = vec!["r".into()];
        let s = Snapshot::new(vec![group, item("r", None, "radio", "R")]);
        assert_eq!(s.get("r").unwrap().parent.as_deref(), Some("g"));
    }

    #[test]
    fn a_big_tree_is_searched() {
        // 40 000 nodes under one table (the speed is measured by the
        // benchmark, not here).
        let mut items = vec![item("root", None, "table", "Apps")];
        for i in 0..20_000 {
            items.push(item(&format!("r{i}"), Some("root"), "row", ""));
            items.push(item(&format!("t{i}"), Some(&format!("r{i}")), "StaticText", "App"));
        }
        items.push(item(
            "c",
            Some("root"),
            "checkbox",
            "Let connected apps use my data for ads",
        ));
        let s = linked(items);
        assert_eq!(
            s.find(&matcher("checkbox", "Let connected apps use my data for ads"))
                .len(),
            1
        );
        assert_eq!(s.find(&matcher("row", "App 1")).len(), 0);
    }
}
