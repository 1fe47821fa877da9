//! The browser driver: one Chromium over CDP, a tab per platform. By job:
//! `find` (which Chromium), `launch` (start and shut down), `connect` (the
//! CDP connection), `endpoint` (`--browser-ws`), `orphans` (what a killed
//! run left), `cdp` (the
//! one path every CDP call takes), `tab` (a tab and its navigation), `guard`,
//! `network` and `dialogs` (what a tab watches), `ax` (the accessibility
//! tree), `locate` (finding controls), `act` (clicking, choosing, typing),
//! `capture` (screenshots), `cookie` (session cookies), `storage` (what
//! a tab's browser context holds: cookies and local storage), `print`
//! (a report to PDF).

pub mod act;
pub mod ax;
pub mod capture;
pub mod cdp;
mod connect;
pub mod cookie;
pub mod dialogs;
pub mod endpoint;
pub mod find;
pub mod guard;
pub mod launch;
pub mod locate;
pub mod network;
pub mod orphans;
pub mod print;
mod process;
pub mod profile_lock;
pub mod read;
pub mod storage;
pub mod tab;

pub use ax::AxItem;
pub use cookie::Cookie;
pub use endpoint::redact_endpoint;
pub use guard::{Allowed, Violation};
pub use launch::{Browser, LaunchOptions, Source};
pub use tab::{NavError, Tab};
