//! Diagnostics for files the user writes (rules, profile): a code, a message,
//! a position and a hint. They render as `error[code]: …  ┌─ file:line:col`
//! with the offending text underlined, or as JSON for editors and scripts.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

mod codes;

pub use codes::LintCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `missing-source`.
    pub code: LintCode,
    pub message: String,
    pub file: usize,
    pub span: Range<usize>,
    pub help: Option<String>,
    /// Another place worth showing, e.g. the first of two duplicate ids.
    pub related: Option<(Range<usize>, String)>,
}

impl Diagnostic {
    pub fn error(code: LintCode, file: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file,
            span,
            help: None,
            related: None,
        }
    }

    pub fn warning(code: LintCode, file: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related = Some((span, message.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The texts diagnostics point into, by index.
#[derive(Default)]
pub struct SourceFiles {
    files: SimpleFiles<String, String>,
}

/// A diagnostic resolved to a position, for JSON output
/// (`rules lint --format json`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: LintCode,
    /// Where the README explains the code.
    pub docs: String,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Debug for SourceFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceFiles")
    }
}

impl SourceFiles {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> usize {
        self.files.add(name.into(), text.into())
    }

    pub fn name(&self, file: usize) -> String {
        self.files.get(file).map(|f| f.name().clone()).unwrap_or_default()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, file: usize, offset: usize) -> (usize, usize) {
        let line = self.files.line_index(file, offset).unwrap_or(0);
        let column = self.files.column_number(file, line, offset).unwrap_or(1);
        (line + 1, column)
    }

    pub fn locate(&self, d: &Diagnostic) -> Located {
        let (line, column) = self.line_col(d.file, d.span.start);
        let (end_line, end_column) = self.line_col(d.file, d.span.end);
        Located {
            file: self.name(d.file),
            line,
            column,
            end_line,
            end_column,
            severity: d.severity,
            code: d.code,
            docs: d.code.docs(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    /// Human rendering with source excerpts; `color` for terminals.
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        let mut buffer = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        for d in diagnostics {
            let cs = self.to_codespan(d);
            // Writing into an in-memory buffer cannot fail for I/O reasons; a
            // span outside the file would be our bug, so fall back to plain text.
            if term::emit_to_write_style(&mut buffer, &config, &self.files, &cs).is_err() {
                let located = self.locate(d);
                let _ = std::io::Write::write_fmt(
                    &mut buffer,
                    format_args!(
                        "{:?}[{}]: {} at {}:{}:{}\n",
                        d.severity, d.code, d.message, located.file, located.line, located.column
                    ),
                );
            }
        }
        String::from_utf8_lossy(buffer.as_slice()).into_owned()
    }

    fn to_codespan(&self, d: &Diagnostic) -> CsDiagnostic<usize> {
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut labels = vec![Label::primary(d.file, d.span.clone())];
        if let Some((span, message)) = &d.related {
            labels.push(Label::secondary(d.file, span.clone()).with_message(message.clone()));
        }
        let mut cs = base
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_labels(labels);
        if let Some(help) = &d.help {
            cs = cs.with_notes(vec![format!("help: {help}")]);
        }
        cs
    }
}

/// Turns a TOML parse error into a diagnostic at the position the parser gave.
pub fn from_toml_error(file: usize, text: &str, err: &toml::de::Error) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    let span = span.start.min(text.len())..span.end.min(text.len());
    let message = err.message().trim().to_string();
    let (code, help) = if message.starts_with("unknown field") {
        (
            LintCode::UnknownField,
            Some("remove the key or fix its spelling; the accepted keys are listed after `expected`"),
        )
    } else if message.starts_with("unknown variant") || message.starts_with("invalid value") {
        (
            LintCode::InvalidValue,
            Some("use one of the values listed after `expected`"),
        )
    } else if message.starts_with("missing field") {
        (LintCode::MissingField, Some("add the key to this table"))
    } else if message.starts_with("invalid type") {
        (LintCode::InvalidType, None)
    } else {
        (LintCode::Syntax, Some("see https://toml.io for the TOML syntax"))
    };
    let mut d = Diagnostic::error(code, file, span, message);
    d.help = help.map(str::to_string);
    d
}
