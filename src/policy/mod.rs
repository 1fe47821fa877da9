//! Policy watch: fetch the platforms' privacy policies, keep every version
//! in the history, and say what changed.

pub mod fetch;
pub mod watch;

pub use watch::{check, Outcome, PolicyChange, PolicyList, PolicyShown, ShownVersion, UnknownPlatform};
