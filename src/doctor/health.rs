//! One check of `doctor`: its name, its health and what to do.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    Ok,
    /// Works, but something deserves attention.
    Warn,
    /// A run would fail: a configuration problem (exit 2).
    Fail,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warn => "warn",
            Health::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Check {
    /// A stable name: browser, browser-start, keyring, config-dir, profile,
    /// data-dir, history, sessions, rules, leftovers (what a killed run left).
    pub name: &'static str,
    pub health: Health,
    pub detail: String,
    /// What to do, when something is wrong.
    pub fix: Option<String>,
}

pub fn check(name: &'static str, health: Health, detail: impl Into<String>, fix: Option<&str>) -> Check {
    Check {
        name,
        health,
        detail: detail.into(),
        fix: fix.map(String::from),
    }
}
