//! The render layer: everything privaudit shows a person goes through here.
//! Results go to stdout and messages to stderr through [`Console`] (colour
//! through `anstream`, so `NO_COLOR`, `CLICOLOR`, `TERM=dumb` and `--color`
//! are honoured in one place); every report, matrix and timeline implements
//! [`Render`]; tables come from one builder and Markdown cells from one escape.
//! Nothing else in the crate prints: clippy's `disallowed-macros` refuses
//! `print!` and friends outside this module.

mod console;
mod logging;
mod markdown;
mod progress;
mod render;
mod style;
mod table;
pub mod untrusted;

pub use console::{ColorWhen, Console};
pub use logging::init_logging;
pub use markdown::escape_cell;
pub use progress::Progress;
pub use render::{render, Format, Render};
pub use style::Tone;
pub use table::{keep_words_up_to, keep_words_whole, table, TableStyle};
