//! Where text goes: results to stdout (a closed pipe is not an error), notes,
//! warnings and errors to stderr, each through `anstream`, which strips
//! colour when the stream is not a terminal, `NO_COLOR` is set,
//! `TERM=dumb`, or `--color never` was given.
//!
//! This is the only module allowed to print (see `clippy.toml`), and
//! everything it prints passes [`for_terminal`]: page text and rule text
//! cannot reach the terminal as control sequences. Colour sequences are
//! kept there and left to `anstream`, which strips every one of them when
//! colour is off.

use std::io::{IsTerminal, Write};

use super::style::Tone;
use super::untrusted::for_terminal;

/// `--color`: when to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb (CLICOLOR_FORCE forces it)
    #[default]
    Auto,
    Always,
    Never,
}

/// How this invocation talks to the person running it.
#[derive(Debug, Clone)]
pub struct Console {
    /// Only errors on stderr (and, for watch runs, only news on stdout).
    pub quiet: bool,
    /// Whether stdout shows colour: reports render styled text only then.
    pub stdout_color: bool,
    pub stderr_color: bool,
    /// Progress bars and prompts only make sense for a person at a terminal.
    pub stderr_is_terminal: bool,
}

impl Console {
    /// Decides colour once for the whole process (`anstream` reads the
    /// global choice on every write).
    pub fn new(color: ColorWhen, quiet: bool) -> Console {
        match color {
            ColorWhen::Auto => {}
            ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
            ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        }
        let shows = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        Console {
            quiet,
            stdout_color: shows(anstream::AutoStream::choice(&std::io::stdout())),
            stderr_color: shows(anstream::AutoStream::choice(&std::io::stderr())),
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A console for tests and library callers: no colour, not quiet.
    pub fn plain() -> Console {
        Console {
            quiet: false,
            stdout_color: false,
            stderr_color: false,
            stderr_is_terminal: false,
        }
    }

    /// Writes a command's result. Returns false when stdout is closed (e.g.
    /// `privaudit check | head`), which callers treat as done, not failed.
    pub fn print(&self, text: &str) -> bool {
        let text = for_terminal(text, true);
        let mut out = anstream::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|_| out.flush()).is_ok()
    }

    /// A note for the person running the command (not part of the result).
    pub fn note(&self, message: &str) {
        if !self.quiet {
            self.line(Tone::Note, "note", message);
        }
    }

    pub fn warn(&self, message: &str) {
        if !self.quiet {
            self.line(Tone::Warning, "warning", message);
        }
    }

    /// An error, with what to do about it. Shown even with `-q`.
    pub fn error(&self, message: &str, hint: Option<&str>) {
        self.line(Tone::Error, "error", message);
        if let Some(hint) = hint {
            self.line(Tone::Help, "  help", hint);
        }
    }

    /// Text for stderr as is (rendered diagnostics, the apply plan).
    pub fn diagnostics(&self, text: &str) {
        self.stderr(text);
    }

    /// A question on stderr, without a newline: the answer is typed after it.
    pub fn ask(&self, question: &str) {
        self.stderr(question);
    }

    fn line(&self, tone: Tone, word: &str, message: &str) {
        self.stderr(&format!("{}: {message}\n", tone.paint(word)));
    }

    fn stderr(&self, text: &str) {
        let text = for_terminal(text, true);
        // Progress bars redraw over stderr: pause them while writing.
        tracing_indicatif::suspend_tracing_indicatif(|| {
            let mut err = anstream::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        });
    }
}
