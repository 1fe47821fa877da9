//! The command line: clap types (`args`), and the [`Context`] resolved from
//! them once (`context`).

mod args;
mod context;

pub use args::*;
pub use context::Context;
