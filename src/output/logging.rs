//! Log lines (`tracing`) on stderr, drawn above any progress bar
//! (`tracing-indicatif`), at the level `-v`/`-q` ask for.

use tracing_indicatif::filter::IndicatifFilter;
use tracing_indicatif::IndicatifLayer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use super::untrusted::for_terminal;

/// The CDP driver and its websocket layers: at debug and trace they log
/// every CDP message, and the messages that type a password into a sign-in
/// form carry it. They are capped at `warn` whatever `PRIVAUDIT_LOG` asks
/// for, and silent unless `-vv` (a normal run gets many harmless "invalid
/// message" warnings from them).
const CDP_TARGETS: &[&str] = &["chromiumoxide", "tungstenite", "async_tungstenite"];

/// The filter for a run: `PRIVAUDIT_LOG` if set, else the level for `-v`/`-q`;
/// then the CDP layers capped (a later directive for the same target wins).
pub fn filter(verbose: u8, quiet: bool, from_env: Option<&str>) -> EnvFilter {
    let level = if quiet {
        "error"
    } else {
        match verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    };
    let mut filter = from_env
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    let cap = if verbose >= 2 { "warn" } else { "off" };
    for target in CDP_TARGETS {
        if let Ok(d) = format!("{target}={cap}").parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// Installs the process-wide subscriber. Progress bars are drawn only for
/// spans that ask for one (`indicatif.pb_show`), and only on a terminal.
pub fn init_logging(verbose: u8, quiet: bool, stderr_color: bool, progress_bars: bool) {
    let env = std::env::var("PRIVAUDIT_LOG").ok();
    let bars: IndicatifLayer<_> = IndicatifLayer::new();
    let writer = SafeWriter {
        inner: bars.get_stderr_writer(),
        keep_sgr: stderr_color,
    };
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(stderr_color)
        .with_target(false)
        .without_time()
        .with_filter(filter(verbose, quiet, env.as_deref()));
    let registry = tracing_subscriber::registry().with(fmt);
    let _ = if progress_bars && !quiet {
        registry.with(bars.with_filter(IndicatifFilter::new(false))).try_init()
    } else {
        registry.try_init()
    };
}

/// Log lines pass [`for_terminal`] like everything else privaudit shows: a
/// debug line may quote a page.
#[derive(Clone)]
struct SafeWriter<W> {
    inner: W,
    keep_sgr: bool,
}

impl<'a, W: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a> for SafeWriter<W> {
    type Writer = SafeLine<W::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        SafeLine {
            inner: self.inner.make_writer(),
            keep_sgr: self.keep_sgr,
        }
    }
}

struct SafeLine<W> {
    inner: W,
    keep_sgr: bool,
}

impl<W: std::io::Write> std::io::Write for SafeLine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The formatter writes each event whole, so a chunk is whole UTF-8.
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(for_terminal(&text, self.keep_sgr).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdp_layers_never_log_below_warn() {
        for (verbose, env) in [
            (0, None),
            (2, None),
            (0, Some("trace")),
            (2, Some("chromiumoxide=trace")),
        ] {
            let text = filter(verbose, false, env).to_string();
            assert!(!text.contains("chromiumoxide=trace"), "{text}");
            assert!(!text.contains("chromiumoxide=debug"), "{text}");
        }
        assert!(filter(0, false, None).to_string().contains("chromiumoxide=off"));
    }
}
