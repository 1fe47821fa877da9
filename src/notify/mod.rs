//! Alerts: what to say about a run or a policy change (`alert`), and how to
//! say it (`send`: webhooks and commands).

pub mod alert;
pub mod send;

pub use alert::{run_notice, targets};
pub use send::{run_command, send, user_agent, Notice, Target};
