//! The command line: clap types (`args`), and the [`Context`] resolved from
//! them once (`context`).

mod account_args;
mod args;
mod audit_args;
mod context;
mod journalist_args;
mod values;
mod version;

pub use account_args::*;
pub use args::*;
pub use audit_args::*;
pub use context::Context;
pub use journalist_args::*;
pub use values::{ListFormat, OutputArgs};
pub use version::long_version;
