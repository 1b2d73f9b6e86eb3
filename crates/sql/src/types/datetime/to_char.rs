//! `to_char` for timestamps and intervals, and `to_date`/`to_timestamp` parsing.
