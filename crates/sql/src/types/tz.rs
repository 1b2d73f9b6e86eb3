//! Time zones for `timestamptz`: UTC, fixed offsets, and named zones.

/// A session's `TimeZone`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeZone {
    Utc,
    /// Seconds east of Greenwich (ISO sign convention: `+05:30` is 19800).
    Fixed(i32),
}

impl TimeZone {
    /// The zone a `SET TimeZone` value names (placeholder: UTC and numeric offsets).
    pub fn parse(name: &str) -> Option<TimeZone> {
        let n = name.trim();
        if n.eq_ignore_ascii_case("utc") || n.eq_ignore_ascii_case("etc/utc") || n.eq_ignore_ascii_case("gmt") {
            return Some(TimeZone::Utc);
        }
        None
    }

    /// Seconds east of UTC in effect at `utc_micros` (microseconds since 2000-01-01 UTC).
    pub fn offset_at_utc(&self, _utc_micros: i64) -> i32 {
        match self {
            TimeZone::Utc => 0,
            TimeZone::Fixed(secs) => *secs,
        }
    }

    /// Seconds east of UTC for a local time (microseconds since 2000-01-01, local): the offset
    /// PostgreSQL picks for wall-clock input.
    pub fn offset_for_local(&self, _local_micros: i64) -> i32 {
        match self {
            TimeZone::Utc => 0,
            TimeZone::Fixed(secs) => *secs,
        }
    }
}
