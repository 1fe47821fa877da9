//! Runs a plan against the browser and turns what it reads into findings.
//! `run` is the whole run (browsers, interrupts, apply's question), `groups`
//! which browser and session read which platform; `check`
//! reads every platform, `platform` audits one platform in its tab, `page`
//! reads one page carefully, `apply` changes drifted settings, `signin`
//! signs in with stored credentials, `session` seeds a tab with a saved
//! session and keeps what was renewed.

pub mod apply;
pub mod check;
mod evidence;
pub mod finding;
mod groups;
pub mod obstacles;
mod options;
pub mod page;
mod platform;
pub mod run;
pub mod scope;
pub mod session;
pub mod signin;
mod steps;
pub mod stop;

pub use check::{check, needs_browser};
pub use finding::{FailureClass, Finding, Run, Status, Summary};
pub use options::{AuditOptions, Browsers, Hooks, Mode, RunOptions, Sessions};
pub use run::run;
