//! The WAI-ARIA role vocabulary privaudit knows: which roles carry a state
//! it can read (toggles), which hold a choice (radio groups, selects), and
//! which only make sense as something to open or wait for. Rules are linted
//! against it, and the driver reads values by it.

/// Roles whose state privaudit can read, and what their values look like.
pub const TOGGLE_ROLES: &[&str] = &[
    "checkbox",
    "switch",
    "radio",
    "menuitemcheckbox",
    "menuitemradio",
    "button",
];
pub const CHOICE_ROLES: &[&str] = &["combobox", "radiogroup", "listbox"];

/// Other ARIA roles that make sense for `open` steps and sign-in probes.
pub const OTHER_ROLES: &[&str] = &[
    "link",
    "tab",
    "menuitem",
    "heading",
    "img",
    "region",
    "dialog",
    "alertdialog",
    "group",
    "navigation",
    "main",
    "banner",
    "textbox",
    "option",
    "treeitem",
    "article",
    "list",
    "listitem",
    "status",
    "alert",
    "searchbox",
    "form",
    "tabpanel",
    "complementary",
];

/// Is `role` one whose value is `on`/`off` (or `mixed`)?
pub fn is_toggle(role: &str) -> bool {
    TOGGLE_ROLES.contains(&role)
}

/// Is `role` one whose value is the name of the chosen option?
pub fn is_choice(role: &str) -> bool {
    CHOICE_ROLES.contains(&role)
}

/// Does privaudit know `role` at all?
pub fn is_known(role: &str) -> bool {
    is_toggle(role) || is_choice(role) || OTHER_ROLES.contains(&role)
}
