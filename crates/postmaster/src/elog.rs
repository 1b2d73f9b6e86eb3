//! Server log lines in PostgreSQL's default format, through `tracing`:
//! `2026-11-24 03:42:29.123 UTC [pid] LOG:  message`.
//!
//! Severity: an event's target, when it is one of PostgreSQL's severity names (`FATAL`,
//! `PANIC`, `LOG`, `NOTICE`, `DEBUG1`, ...), else its level (ERROR → ERROR, WARN → WARNING,
//! INFO → LOG, DEBUG → DEBUG1, TRACE → DEBUG5). `log_min_messages` filters by PostgreSQL's
//! server-log order, where LOG ranks above ERROR, so LOG lines always show at the default.
//!
//! Each line is formatted into one buffer and written to stderr with one `write`, so lines of
//! concurrent processes do not interleave. No thread is started (the postmaster forks).

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

use sql::types::datetime::calendar;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Server-log rank of each severity (higher = more important for the server log).
fn rank(sev: &str) -> u8 {
    match sev {
        "DEBUG5" => 1,
        "DEBUG4" => 2,
        "DEBUG3" => 3,
        "DEBUG2" => 4,
        "DEBUG1" => 5,
        "INFO" => 6,
        "NOTICE" => 7,
        "WARNING" => 8,
        "ERROR" => 9,
        "LOG" => 10,
        "FATAL" => 11,
        "PANIC" => 12,
        _ => 10,
    }
}

static MIN_RANK: AtomicU8 = AtomicU8::new(8);

/// Applies `log_min_messages` (e.g. "warning", "debug1").
pub fn set_min_messages(level: &str) {
    MIN_RANK.store(rank(&level.to_ascii_uppercase()), Ordering::Relaxed);
}

fn severity(event: &Event<'_>) -> &'static str {
    const NAMES: [&str; 12] = [
        "DEBUG5", "DEBUG4", "DEBUG3", "DEBUG2", "DEBUG1", "INFO", "NOTICE", "WARNING", "ERROR",
        "LOG", "FATAL", "PANIC",
    ];
    let target = event.metadata().target();
    if let Some(n) = NAMES.iter().find(|n| **n == target) {
        return n;
    }
    match *event.metadata().level() {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "LOG",
        Level::DEBUG => "DEBUG1",
        Level::TRACE => "DEBUG5",
    }
}

struct MessageVisitor<'a>(&'a mut String);

impl Visit for MessageVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

/// `2026-11-24 03:42:29.123 UTC` from the wall clock.
pub fn timestamp_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let ms = now.subsec_millis();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = calendar::j2date(days + calendar::UNIX_EPOCH_JDATE);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{ms:03} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

struct PgLogLayer;

impl<S: Subscriber> Layer<S> for PgLogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let sev = severity(event);
        if rank(sev) < MIN_RANK.load(Ordering::Relaxed) {
            return;
        }
        let mut msg = String::new();
        event.record(&mut MessageVisitor(&mut msg));
        // A message of several lines: each further line starts with a tab, as PostgreSQL
        // writes them to stderr.
        if msg.contains('\n') {
            msg = msg.replace('\n', "\n\t");
        }
        let mut line = String::with_capacity(msg.len() + 48);
        let _ = write!(
            line,
            "{} [{}] {sev}:  {msg}",
            timestamp_now(),
            std::process::id()
        );
        line.push('\n');
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Installs the log format as the global default (once per process tree; children inherit it).
pub fn init() {
    let _ = tracing_subscriber::registry().with(PgLogLayer).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        let civil = |days| calendar::j2date(days + calendar::UNIX_EPOCH_JDATE);
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_417), (2025, 11, 25));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn log_ranks_above_error() {
        assert!(rank("LOG") > rank("ERROR"));
        assert!(rank("WARNING") > rank("NOTICE"));
    }
}
