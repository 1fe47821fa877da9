//! Errors that end a command: a message, a hint saying what to do, and the
//! exit code that tells scripts what kind of failure it was.

use crate::context::Context;
use crate::exit::Exit;

#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
            hint: None,
        }
    }

    pub fn incomplete(message: impl Into<String>) -> Failure {
        Failure {
            exit: Exit::Incomplete,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Prints an error that ended a command and returns its exit code. Errors
/// that are not a [`Failure`] are configuration or I/O problems: exit 2.
pub fn report(ctx: &Context, error: &anyhow::Error) -> Exit {
    match error.downcast_ref::<Failure>() {
        Some(f) => {
            crate::output::error(ctx, &f.message, f.hint.as_deref());
            f.exit
        }
        None => {
            crate::output::error(ctx, &format!("{error:#}"), None);
            Exit::Usage
        }
    }
}
