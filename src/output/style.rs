//! The few colours privaudit uses, as `anstyle` styles. They are written as
//! ANSI codes and `anstream` strips them wherever colour is off.

use anstyle::{AnsiColor, Style};

/// What a piece of text says, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// As wanted: ok, fixed.
    Good,
    /// Differs from the profile: drift, re-enabled, failed.
    Bad,
    /// Could not be read: unreadable, login-required.
    Unknown,
    /// privaudit or the site failed: error.
    Broken,
    /// For the person to do: manual.
    Todo,
    /// Labels of messages.
    Note,
    Warning,
    Error,
    Help,
    /// Secondary text beside a label: a setting's id.
    Quiet,
}

impl Tone {
    pub fn style(self) -> Style {
        let color = match self {
            Tone::Quiet => return Style::new().dimmed(),
            Tone::Good | Tone::Help => AnsiColor::Green,
            Tone::Bad | Tone::Error => AnsiColor::Red,
            Tone::Unknown | Tone::Warning => AnsiColor::Yellow,
            Tone::Broken => AnsiColor::Magenta,
            Tone::Todo | Tone::Note => AnsiColor::Cyan,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }

    /// `text` in this tone, as ANSI codes (stripped later when colour is off).
    pub fn paint(self, text: &str) -> String {
        let style = self.style();
        format!("{style}{text}{style:#}")
    }
}
