//! A progress bar for a run, as a `tracing` span that `tracing-indicatif`
//! draws (on a terminal only), so log lines never tear through it.

use tracing_indicatif::span_ext::IndicatifSpanExt;

/// A bar counting finished platforms. Dropping it clears the bar.
pub struct Progress {
    span: Option<tracing::Span>,
}

impl Progress {
    /// A bar of `total` steps titled `what`; hidden when `shown` is false
    /// (no terminal, `-q`).
    pub fn new(what: &str, total: u64, shown: bool) -> Progress {
        if !shown {
            return Progress { span: None };
        }
        let span = tracing::info_span!("progress", indicatif.pb_show = tracing::field::Empty);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len}") {
            span.pb_set_style(&style);
        }
        span.pb_set_length(total);
        span.pb_set_message(what);
        span.pb_start();
        Progress { span: Some(span) }
    }

    /// One more step done; `message` says which.
    pub fn step(&self, message: &str) {
        if let Some(span) = &self.span {
            span.pb_inc(1);
            span.pb_set_message(message);
        }
    }
}
