//! Input and output of the date/time types, compared with PostgreSQL 15's answers.

use super::*;
use crate::env::{DateOrder, DateStyle, IntervalStyle};
use crate::types::tz::TimeZone;

fn env() -> Env {
    Env::default()
}

fn env_tz(tz: &str) -> Env {
    Env {
        timezone: TimeZone::parse(tz).unwrap(),
        ..Env::default()
    }
}

fn show(ty: Type, env: &Env, s: &str) -> String {
    match crate::types::io::input(ty, env, s, -1) {
        Ok(v) => crate::types::io::output(ty, env, &v).unwrap_or_default(),
        Err(e) => format!(
            "ERROR {}: {}{}",
            e.sqlstate,
            e.message,
            e.hint.map(|h| format!(" HINT: {h}")).unwrap_or_default()
        ),
    }
}

#[test]
fn date_input() {
    let e = env();
    let d = |s| show(Type::DATE, &e, s);
    assert_eq!(d("2024-01-31"), "2024-01-31");
    assert_eq!(d("Jan 31 2024"), "2024-01-31");
    assert_eq!(d("31 Jan 2024"), "2024-01-31");
    assert_eq!(d("January 31, 2024"), "2024-01-31");
    assert_eq!(d("2024-Jan-31"), "2024-01-31");
    assert_eq!(d("31-jan-2024"), "2024-01-31");
    assert_eq!(d("20240131"), "2024-01-31");
    assert_eq!(d("2024.031"), "2024-01-31");
    assert_eq!(d("J2451545"), "2000-01-01");
    assert_eq!(d("2024jan31"), "2024-01-31");
    assert_eq!(d("1/2/2024"), "2024-01-02");
    assert_eq!(d("2024.01.31"), "2024-01-31");
    assert_eq!(d("y2024m01d31"), "2024-01-31");
    assert_eq!(d("Jan 1 100 BC"), "0100-01-01 BC");
    assert_eq!(d("0100-01-01 BC"), "0100-01-01 BC");
    assert_eq!(d("epoch"), "1970-01-01");
    assert_eq!(d("infinity"), "infinity");
    assert_eq!(d("-infinity"), "-infinity");
    assert_eq!(d("2024-01-31 12:00"), "2024-01-31");
    assert_eq!(
        d("x"),
        "ERROR 22007: invalid input syntax for type date: \"x\""
    );
    assert_eq!(
        d("2024-13-01"),
        "ERROR 22008: date/time field value out of range: \"2024-13-01\" HINT: Perhaps you need a different \"datestyle\" setting."
    );
    assert_eq!(
        d("2024-02-30"),
        "ERROR 22008: date/time field value out of range: \"2024-02-30\""
    );
    assert_eq!(
        d("0000-01-01"),
        "ERROR 22008: date/time field value out of range: \"0000-01-01\""
    );
    assert_eq!(
        d("5874898-01-01"),
        "ERROR 22008: date out of range: \"5874898-01-01\""
    );
    assert_eq!(
        d("1 BC"),
        "ERROR 22007: invalid input syntax for type date: \"1 BC\""
    );
    assert_eq!(
        d("+infinity"),
        "ERROR 22007: invalid input syntax for type date: \"+infinity\""
    );
    assert_eq!(
        d("1.5"),
        "ERROR 22007: invalid input syntax for type date: \"1.5\""
    );
    assert_eq!(
        d("12:00"),
        "ERROR 22007: invalid input syntax for type date: \"12:00\""
    );
    assert_eq!(
        d("31.01.2024"),
        "ERROR 22008: date/time field value out of range: \"31.01.2024\" HINT: Perhaps you need a different \"datestyle\" setting."
    );
    let dmy = Env {
        date_order: DateOrder::Dmy,
        ..Env::default()
    };
    assert_eq!(show(Type::DATE, &dmy, "1/2/2024"), "2024-02-01");
    assert_eq!(show(Type::DATE, &dmy, "1/2/03"), "2003-02-01");
    assert_eq!(show(Type::DATE, &dmy, "2024/1/2"), "2024-01-02");
    let ymd = Env {
        date_order: DateOrder::Ymd,
        ..Env::default()
    };
    assert_eq!(
        show(Type::DATE, &ymd, "1/2/2024"),
        "ERROR 22008: date/time field value out of range: \"1/2/2024\" HINT: Perhaps you need a different \"datestyle\" setting."
    );
}

#[test]
fn time_input() {
    let e = env();
    let t = |s| show(Type::TIME, &e, s);
    assert_eq!(t("24:00:00"), "24:00:00");
    assert_eq!(t("12:00 PST"), "12:00:00");
    assert_eq!(t("2024-01-31 12:00"), "12:00:00");
    assert_eq!(t("allballs"), "00:00:00");
    assert_eq!(t("12:00:00."), "12:00:00");
    assert_eq!(t("040506.789"), "04:05:06.789");
    assert_eq!(t("11:59 PM"), "23:59:00");
    assert_eq!(t("12:00 AM"), "00:00:00");
    assert_eq!(
        t("24:00:01"),
        "ERROR 22008: date/time field value out of range: \"24:00:01\""
    );
    assert_eq!(
        t("13:00 PM"),
        "ERROR 22008: date/time field value out of range: \"13:00 PM\""
    );
    assert_eq!(
        t("x"),
        "ERROR 22007: invalid input syntax for type time: \"x\""
    );
    assert_eq!(
        t("today"),
        "ERROR 22007: invalid input syntax for type time: \"today\""
    );
    assert_eq!(
        t("epoch"),
        "ERROR 22007: invalid input syntax for type time: \"epoch\""
    );
    assert_eq!(
        t("12:00 America/New_York"),
        "ERROR 22007: invalid input syntax for type time: \"12:00 America/New_York\""
    );
    assert_eq!(
        t("12:00:00 +05 EST"),
        "ERROR 22007: invalid input syntax for type time: \"12:00:00 +05 EST\""
    );
    assert_eq!(
        t("Jan 31 2024 12:00"),
        "ERROR 22007: invalid input syntax for type time: \"Jan 31 2024 12:00\""
    );
}

#[test]
fn timestamp_input() {
    let e = env();
    let ts = |s| show(Type::TIMESTAMP, &e, s);
    let tz = |s| show(Type::TIMESTAMPTZ, &e, s);
    assert_eq!(ts("2024-01-01 24:00"), "2024-01-02 00:00:00");
    assert_eq!(ts("20240131T123456"), "2024-01-31 12:34:56");
    assert_eq!(ts("J2451545.5"), "2000-01-01 12:00:00");
    assert_eq!(ts("2024-01-31 040506"), "2024-01-31 04:05:06");
    assert_eq!(ts("2024-01-31 12:00 dow"), "2024-01-31 12:00:00");
    assert_eq!(ts("2024-01-31 12:00+05"), "2024-01-31 12:00:00");
    assert_eq!(ts("-infinity"), "-infinity");
    assert_eq!(ts("epoch"), "1970-01-01 00:00:00");
    assert_eq!(
        ts("x"),
        "ERROR 22007: invalid input syntax for type timestamp: \"x\""
    );
    assert_eq!(
        ts("12:00 2024-01-31"),
        "ERROR 22007: invalid input syntax for type timestamp: \"12:00 2024-01-31\""
    );
    assert_eq!(
        ts("2024-01-01 25:00"),
        "ERROR 22008: date/time field value out of range: \"2024-01-01 25:00\""
    );
    assert_eq!(
        ts("294277-01-01"),
        "ERROR 22008: timestamp out of range: \"294277-01-01\""
    );
    assert_eq!(tz("2024-01-01 12:00 Japan"), "2024-01-01 03:00:00+00");
    assert_eq!(
        tz("Jan 31 12:00:00 America/New_York 2024"),
        "2024-01-31 17:00:00+00"
    );
    assert_eq!(
        tz("2024-01-31 12:00:00 America/New_York"),
        "2024-01-31 17:00:00+00"
    );
    assert_eq!(tz("2024-01-31T12:34:56.789Z"), "2024-01-31 12:34:56.789+00");
    assert_eq!(tz("2024-01-31 12:00 EST5EDT"), "2024-01-31 17:00:00+00");
    assert_eq!(tz("2024-01-31 12:00 UTC+3"), "2024-01-31 15:00:00+00");
    assert_eq!(tz("2024-01-31 12:00 GMT-8"), "2024-01-31 04:00:00+00");
    assert_eq!(
        tz("Wed Jan 31 12:34:56.5 2024 EST"),
        "2024-01-31 17:34:56.5+00"
    );
    assert_eq!(tz("2024-01-31 12:00:00-0530"), "2024-01-31 17:30:00+00");
    assert_eq!(tz("2024-01-31 12:00:00+05:30:15"), "2024-01-31 06:29:45+00");
    assert_eq!(tz("2024-01-31 12:00:00 +05"), "2024-01-31 07:00:00+00");
    assert_eq!(tz("2024-01-31 040506-08"), "2024-01-31 12:05:06+00");
    assert_eq!(tz("2024-01-31 12:00 MSK"), "2024-01-31 09:00:00+00");
    assert_eq!(tz("2024-01-31 12:00 PST"), "2024-01-31 20:00:00+00");
    assert_eq!(tz("2024-01-31 12:00 PDT"), "2024-01-31 19:00:00+00");
    assert_eq!(tz("2024-01-31 12:00 CET DST"), "2024-01-31 10:00:00+00");
    assert_eq!(tz("epoch"), "1970-01-01 00:00:00+00");
    assert_eq!(
        tz("x"),
        "ERROR 22007: invalid input syntax for type timestamp with time zone: \"x\""
    );
    assert_eq!(
        tz("2024-01-01 12:00+25"),
        "ERROR 22009: time zone displacement out of range: \"2024-01-01 12:00+25\""
    );
    assert_eq!(
        tz("2024-01-01 12:00 Foo/Bar"),
        "ERROR 22023: time zone \"foo/bar\" not recognized"
    );
    let ny = env_tz("America/New_York");
    let nyz = |s| show(Type::TIMESTAMPTZ, &ny, s);
    assert_eq!(nyz("2100-07-01 12:00+00"), "2100-07-01 08:00:00-04");
    assert_eq!(nyz("2024-03-10 02:30"), "2024-03-10 03:30:00-04");
    assert_eq!(nyz("2024-11-03 01:30"), "2024-11-03 01:30:00-05");
    assert_eq!(nyz("2024-03-10 03:00"), "2024-03-10 03:00:00-04");
    assert_eq!(nyz("2024-11-03 02:00"), "2024-11-03 02:00:00-05");
    assert_eq!(nyz("2024-11-03 00:59:59"), "2024-11-03 00:59:59-04");
}

#[test]
fn timestamptz_output_in_zones_and_styles() {
    let cases: &[(&str, DateStyle, &str, &str)] = &[
        (
            "5.5",
            DateStyle::Postgres,
            "2024-07-01 12:00:00+00",
            "Mon Jul 01 17:30:00 2024 +05:30",
        ),
        (
            "5.5",
            DateStyle::Sql,
            "2024-07-01 12:00:00+00",
            "07/01/2024 17:30:00 +05:30",
        ),
        (
            "5.5",
            DateStyle::German,
            "2024-07-01 12:00:00+00",
            "01.07.2024 17:30:00 +05:30",
        ),
        (
            "5.5",
            DateStyle::Iso,
            "2024-07-01 12:00:00+00",
            "2024-07-01 17:30:00+05:30",
        ),
        (
            "-3.25",
            DateStyle::Iso,
            "1900-01-01 12:00:00+00",
            "1900-01-01 08:45:00-03:15",
        ),
        (
            "Asia/Kolkata",
            DateStyle::Postgres,
            "1900-01-01 12:00:00+00",
            "Mon Jan 01 17:21:10 1900 MMT",
        ),
        (
            "Asia/Kolkata",
            DateStyle::Iso,
            "1900-01-01 12:00:00+00",
            "1900-01-01 17:21:10+05:21:10",
        ),
        (
            "America/St_Johns",
            DateStyle::Sql,
            "2024-07-01 12:00:00+00",
            "07/01/2024 09:30:00 NDT",
        ),
        (
            "America/St_Johns",
            DateStyle::Iso,
            "1900-01-01 12:00:00+00",
            "1900-01-01 08:29:08-03:30:52",
        ),
        (
            "UTC+3",
            DateStyle::Postgres,
            "2024-07-01 12:00:00+00",
            "Mon Jul 01 09:00:00 2024 UTC",
        ),
        (
            "+3",
            DateStyle::German,
            "2024-07-01 12:00:00+00",
            "01.07.2024 15:00:00 +03",
        ),
        (
            "EST5EDT",
            DateStyle::Postgres,
            "1900-01-01 12:00:00+00",
            "Mon Jan 01 07:00:00 1900 EST",
        ),
        (
            "Europe/Moscow",
            DateStyle::Postgres,
            "1900-01-01 12:00:00+00",
            "Mon Jan 01 14:30:17 1900 MMT",
        ),
        (
            "Europe/Moscow",
            DateStyle::Iso,
            "1900-01-01 12:00:00+00",
            "1900-01-01 14:30:17+02:30:17",
        ),
    ];
    for (zone, style, input, want) in cases {
        let e = Env {
            date_style: *style,
            ..env_tz(zone)
        };
        assert_eq!(
            show(Type::TIMESTAMPTZ, &e, input),
            *want,
            "{zone} {style:?} {input}"
        );
    }
}

#[test]
fn date_and_timestamp_styles() {
    let styles = [
        (
            DateStyle::Iso,
            DateOrder::Mdy,
            "0100-01-31 BC",
            "2024-01-31 12:34:56.5",
            "0100-01-31 12:00:00 BC",
        ),
        (
            DateStyle::Postgres,
            DateOrder::Mdy,
            "01-31-0100 BC",
            "Wed Jan 31 12:34:56.5 2024",
            "Thu Jan 31 12:00:00 0100 BC",
        ),
        (
            DateStyle::Postgres,
            DateOrder::Dmy,
            "31-01-0100 BC",
            "Wed 31 Jan 12:34:56.5 2024",
            "Thu 31 Jan 12:00:00 0100 BC",
        ),
        (
            DateStyle::Sql,
            DateOrder::Mdy,
            "01/31/0100 BC",
            "01/31/2024 12:34:56.5",
            "01/31/0100 12:00:00 BC",
        ),
        (
            DateStyle::Sql,
            DateOrder::Dmy,
            "31/01/0100 BC",
            "31/01/2024 12:34:56.5",
            "31/01/0100 12:00:00 BC",
        ),
        (
            DateStyle::German,
            DateOrder::Mdy,
            "31.01.0100 BC",
            "31.01.2024 12:34:56.5",
            "31.01.0100 12:00:00 BC",
        ),
    ];
    for (style, order, date, ts, ts_bc) in styles {
        let e = Env {
            date_style: style,
            date_order: order,
            ..Env::default()
        };
        let iso = Env::default();
        let dv = date_in(&iso, "0100-01-31 BC").unwrap();
        assert_eq!(date_out(&e, &dv), date, "{style:?}");
        let tv = timestamp_in(&iso, "2024-01-31 12:34:56.5", -1).unwrap();
        assert_eq!(timestamp_out(&e, &tv), ts, "{style:?}");
        let tv = timestamp_in(&iso, "0100-01-31 12:00 BC", -1).unwrap();
        assert_eq!(timestamp_out(&e, &tv), ts_bc, "{style:?}");
    }
}

#[test]
fn interval_styles_through_io() {
    let e = Env {
        interval_style: IntervalStyle::SqlStandard,
        ..Env::default()
    };
    // In sql_standard style a leading minus applies to every field.
    assert_eq!(show(Type::INTERVAL, &e, "-1 2:03:04"), "-1 2:03:04");
    let v = interval_in(&e, "-1 2:03:04", -1).unwrap();
    assert_eq!(v, Value::Text("-1 days -02:03:04".into()));
}

#[test]
fn binary_round_trips() {
    let e = env();
    for (ty, s) in [
        (Type::DATE, "2024-01-31"),
        (Type::DATE, "infinity"),
        (Type::TIME, "12:34:56.789"),
        (Type::TIMESTAMP, "2024-01-31 12:34:56.789"),
        (Type::TIMESTAMPTZ, "-infinity"),
        (Type::INTERVAL, "1 year 2 mons -3 days 04:05:06.5"),
    ] {
        let v = crate::types::io::input(ty, &e, s, -1).unwrap();
        let mut buf = Vec::new();
        crate::types::io::send(ty, &e, &v, &mut buf).unwrap();
        assert_eq!(crate::types::io::recv(ty, &e, &buf, -1).unwrap(), v, "{s}");
    }
    let v = interval_in(&e, "1 mon 2 days 00:00:03", -1).unwrap();
    let mut buf = Vec::new();
    interval_send(&v, &mut buf).unwrap();
    assert_eq!(
        buf,
        [0, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0, 0, 0, 0, 2, 0, 0, 0, 1]
    );
    assert!(date_recv(&[0, 0]).is_err());
    assert!(time_recv(&(USECS_PER_DAY + 1).to_be_bytes(), -1).is_err());
}

#[test]
fn typmods_round() {
    let e = env();
    let ts = timestamp_in(&e, "2024-01-31 12:34:56.789", 1).unwrap();
    assert_eq!(timestamp_out(&e, &ts), "2024-01-31 12:34:56.8");
    let t = time_in(&e, "23:59:59.6", 0).unwrap();
    assert_eq!(time_out(&e, &t), "24:00:00");
    let iv = interval_in(
        &e,
        "1 day 02:03:04.5678",
        interval::typmod(interval::FULL_RANGE, 2),
    )
    .unwrap();
    assert_eq!(iv, Value::Text("1 day 02:03:04.57".into()));
    let iv = interval_in(
        &e,
        "1 year 2 mons 3 days 04:05:06",
        interval::typmod(
            interval::MASK_YEAR | interval::MASK_MONTH,
            interval::FULL_PRECISION,
        ),
    )
    .unwrap();
    assert_eq!(iv, Value::Text("1 year 2 mons".into()));
    let iv = interval_in(
        &e,
        "5",
        interval::typmod(interval::MASK_HOUR, interval::FULL_PRECISION),
    )
    .unwrap();
    assert_eq!(iv, Value::Text("05:00:00".into()));
    let v = datetime_typmod(Type::TIMESTAMP, &e, Value::Int(1_500_000), 0).unwrap();
    assert_eq!(v, Value::Int(2_000_000));
    let v = datetime_typmod(Type::TIMESTAMP, &e, Value::Int(-1_500_000), 0).unwrap();
    assert_eq!(v, Value::Int(-2_000_000));
}

/// (type, input, settings, PostgreSQL's output of `'input'::type`).
type IoCase = (Type, &'static str, &'static [&'static str], &'static str);

const D: Type = Type::DATE;
const T: Type = Type::TIME;
const TS: Type = Type::TIMESTAMP;
const TZ: Type = Type::TIMESTAMPTZ;
const IV: Type = Type::INTERVAL;

/// A session with the given settings: `tz=ZONE`, `ds=STYLE[,ORDER]`, `is=INTERVALSTYLE` (also
/// for the catalog functions' tests).
pub(super) fn env_for(settings: &[&str]) -> Env {
    let mut env = Env::default();
    for s in settings {
        if let Some(z) = s.strip_prefix("tz=") {
            env.timezone = TimeZone::parse(z).unwrap();
        } else if let Some(d) = s.strip_prefix("ds=") {
            for part in d.split(',') {
                match part.trim().to_ascii_lowercase().as_str() {
                    "iso" => env.date_style = DateStyle::Iso,
                    "postgres" => env.date_style = DateStyle::Postgres,
                    "sql" => env.date_style = DateStyle::Sql,
                    "german" => env.date_style = DateStyle::German,
                    "dmy" => env.date_order = DateOrder::Dmy,
                    "mdy" => env.date_order = DateOrder::Mdy,
                    "ymd" => env.date_order = DateOrder::Ymd,
                    other => panic!("{other}"),
                }
            }
        } else if let Some(i) = s.strip_prefix("is=") {
            env.interval_style = match i {
                "sql_standard" => IntervalStyle::SqlStandard,
                "iso_8601" => IntervalStyle::Iso8601,
                "postgres_verbose" => IntervalStyle::PostgresVerbose,
                _ => IntervalStyle::Postgres,
            };
        }
    }
    // German implies DMY in PostgreSQL when no order is given.
    if settings.contains(&"ds=german") {
        env.date_order = DateOrder::Dmy;
    }
    env
}

#[rustfmt::skip]
const IO_CASES: &[IoCase] = &[
    (TZ, "2100-01-15 12:00+00", &["tz=Australia/Sydney"], "2100-01-15 23:00:00+11"),
    (TZ, "2100-07-15 12:00+00", &["tz=Australia/Sydney"], "2100-07-15 22:00:00+10"),
    (TZ, "2100-04-04 01:30", &["tz=Australia/Sydney"], "2100-04-04 01:30:00+11"),
    (TZ, "2100-10-03 02:30", &["tz=Australia/Sydney"], "2100-10-03 03:30:00+11"),
    (TZ, "2060-04-06 02:30", &["tz=Australia/Sydney"], "2060-04-06 02:30:00+10"),
    (TZ, "2060-04-06 01:59", &["tz=Australia/Sydney"], "2060-04-06 01:59:00+10"),
    (TZ, "2100-01-15 12:00+00", &["tz=Australia/Lord_Howe"], "2100-01-15 23:00:00+11"),
    (TZ, "2100-07-15 12:00+00", &["tz=Australia/Lord_Howe"], "2100-07-15 22:30:00+10:30"),
    (TZ, "2100-04-04 01:45", &["tz=Australia/Lord_Howe"], "2100-04-04 01:45:00+10:30"),
    (TZ, "2100-10-03 02:15", &["tz=Australia/Lord_Howe"], "2100-10-03 02:45:00+11"),
    (TZ, "2100-01-15 12:00+00", &["tz=America/Santiago"], "2100-01-15 09:00:00-03"),
    (TZ, "2100-07-15 12:00+00", &["tz=America/Santiago"], "2100-07-15 08:00:00-04"),
    (TZ, "2100-04-04 00:30", &["tz=America/Santiago"], "2100-04-04 00:30:00-04"),
    (TZ, "2100-09-05 00:30", &["tz=America/Santiago"], "2100-09-05 01:30:00-03"),
    (TZ, "2099-09-06 00:30", &["tz=America/Santiago"], "2099-09-06 01:30:00-03"),
    (TZ, "2100-01-15 12:00+00", &["tz=America/Nuuk"], "2100-01-15 10:00:00-02"),
    (TZ, "2100-07-15 12:00+00", &["tz=America/Nuuk"], "2100-07-15 11:00:00-01"),
    (TZ, "2100-03-27 23:30", &["tz=America/Nuuk"], "2100-03-28 00:30:00-01"),
    (TZ, "2100-10-30 23:30", &["tz=America/Nuuk"], "2100-10-30 23:30:00-02"),
    (TZ, "2100-03-28 00:30", &["tz=America/Nuuk"], "2100-03-28 00:30:00-01"),
    (TZ, "2050-07-01 12:00+00", &["tz=Asia/Tehran"], "2050-07-01 15:30:00+03:30"),
    (TZ, "1990-07-01 12:00+00", &["tz=Asia/Tehran"], "1990-07-01 15:30:00+03:30"),
    (TZ, "2100-03-21 00:30", &["tz=Asia/Tehran"], "2100-03-21 00:30:00+03:30"),
    (TZ, "2100-03-28 01:30", &["tz=Europe/Dublin"], "2100-03-28 02:30:00+01"),
    (TZ, "2100-10-31 01:30", &["tz=Europe/Dublin"], "2100-10-31 01:30:00+00"),
    (TZ, "2100-06-01 12:00+00", &["tz=Europe/Dublin"], "2100-06-01 13:00:00+01"),
    (TZ, "2100-03-28 02:30", &["tz=Europe/Berlin", "ds=postgres"], "Sun Mar 28 03:30:00 2100 CEST"),
    (TZ, "2100-10-31 02:30", &["tz=Europe/Berlin", "ds=postgres"], "Sun Oct 31 02:30:00 2100 CET"),
    (TZ, "2100-06-01 12:00+00", &["tz=Europe/Berlin", "ds=postgres"], "Tue Jun 01 14:00:00 2100 CEST"),
    (TZ, "2100-03-28 02:30 CEST", &["tz=Europe/Berlin", "ds=postgres"], "Sun Mar 28 01:30:00 2100 CET"),
    (TZ, "2100-03-28 03:30 MEZ", &["tz=Europe/Berlin", "ds=postgres"], "Sun Mar 28 04:30:00 2100 CEST"),
    (TZ, "2024-06-01 12:00+00", &["tz=Africa/Casablanca", "ds=sql,dmy"], "01/06/2024 13:00:00 +01"),
    (TZ, "1500-06-01 12:00+00", &["tz=Africa/Casablanca", "ds=sql,dmy"], "01/06/1500 11:29:40 LMT"),
    (TZ, "-infinity", &["tz=Africa/Casablanca", "ds=sql,dmy"], "-infinity"),
    (TZ, "2024-06-01 12:00+00", &["tz=America/Caracas"], "2024-06-01 08:00:00-04"),
    (TZ, "2040-06-01 12:00+00", &["tz=America/Caracas"], "2040-06-01 08:00:00-04"),
    (TZ, "2024-06-01 12:00+00", &["tz=Pacific/Kiritimati"], "2024-06-02 02:00:00+14"),
    (TZ, "1970-01-01 00:00+00", &["tz=Pacific/Kiritimati"], "1969-12-31 13:20:00-10:40"),
    (TZ, "2024-06-01 12:00+00", &["tz=Asia/Singapore", "ds=postgres"], "Sat Jun 01 20:00:00 2024 +08"),
    (TZ, "1890-01-01 00:00+00", &["tz=Asia/Singapore", "ds=postgres"], "Wed Jan 01 06:55:25 1890 LMT"),
    (TZ, "1960-01-01 00:00+00", &["tz=Asia/Singapore", "ds=postgres"], "Fri Jan 01 07:30:00 1960 +0730"),
    (D, "2024-01-31", &[], "2024-01-31"),
    (D, "2024-1-3", &[], "2024-01-03"),
    (D, "1/31/2024", &[], "2024-01-31"),
    (D, "31/1/2024", &[], "ERROR 22008: date/time field value out of range: \"31/1/2024\""),
    (D, "1.31.2024", &[], "2024-01-31"),
    (D, "2024/01/31", &[], "2024-01-31"),
    (D, "Jan-31-2024", &[], "2024-01-31"),
    (D, "31-Jan-24", &[], "2024-01-31"),
    (D, "24-Jan-31", &[], "2031-01-24"),
    (D, "Jan 31, 24", &[], "2024-01-31"),
    (D, "January 31st 2024", &[], "ERROR 22007: invalid input syntax for type date: \"January 31st 2024\""),
    (D, "2024 January 31", &[], "2024-01-31"),
    (D, "Wed Jan 31 2024", &[], "2024-01-31"),
    (D, "Wednesday, January 31, 2024", &[], "2024-01-31"),
    (D, "2024-01-31T12:00", &[], "2024-01-31"),
    (D, "2024-01-31 12:00:00+05", &[], "2024-01-31"),
    (D, "20240131T1200", &[], "2024-01-31"),
    (D, "240131", &[], "2024-01-31"),
    (D, "2024.031", &[], "2024-01-31"),
    (D, "2024 031", &[], "2024-01-31"),
    (D, "J2460341", &[], "2024-01-31"),
    (D, "julian 2460341", &[], "2024-01-31"),
    (D, "2024-01-31 ad", &[], "2024-01-31"),
    (D, "2024-01-31 BC", &[], "2024-01-31 BC"),
    (D, "0001-01-01", &[], "0001-01-01"),
    (D, "4714-11-24 BC", &[], "4714-11-24 BC"),
    (D, "4714-11-23 BC", &[], "ERROR 22008: date out of range: \"4714-11-23 BC\""),
    (D, "5874897-12-31", &[], "5874897-12-31"),
    (D, "99991231", &[], "9999-12-31"),
    (D, "epoch", &[], "1970-01-01"),
    (D, "-infinity", &[], "-infinity"),
    (D, "  2024-01-31  ", &[], "2024-01-31"),
    (D, "2024-01-31,", &[], "2024-01-31"),
    (D, "2024--01-31", &[], "2024-01-31"),
    (D, "2024-01-31-01", &[], "ERROR 22007: invalid input syntax for type date: \"2024-01-31-01\""),
    (D, "2024-001-031", &[], "ERROR 22007: invalid input syntax for type date: \"2024-001-031\""),
    (D, "12-31-99", &[], "1999-12-31"),
    (D, "70-01-01", &[], "ERROR 22008: date/time field value out of range: \"70-01-01\""),
    (D, "1/2/3", &[], "2003-01-02"),
    (D, "Jan 2024", &[], "ERROR 22007: invalid input syntax for type date: \"Jan 2024\""),
    (D, "2024 Jan", &[], "ERROR 22007: invalid input syntax for type date: \"2024 Jan\""),
    (D, "31 2024", &[], "ERROR 22008: date/time field value out of range: \"31 2024\""),
    (D, "2024-02-29", &[], "2024-02-29"),
    (D, "2023-02-29", &[], "ERROR 22008: date/time field value out of range: \"2023-02-29\""),
    (D, "2024-00-10", &[], "ERROR 22008: date/time field value out of range: \"2024-00-10\""),
    (D, "2024-01-00", &[], "ERROR 22008: date/time field value out of range: \"2024-01-00\""),
    (D, "1e5", &[], "ERROR 22007: invalid input syntax for type date: \"1e5\""),
    (D, "Feb 30 2024", &[], "ERROR 22008: date/time field value out of range: \"Feb 30 2024\""),
    (D, "Feb 29 1900", &[], "ERROR 22008: date/time field value out of range: \"Feb 29 1900\""),
    (D, "Feb 29 2000", &[], "2000-02-29"),
    (D, "2024-01-31 24:00:01", &[], "ERROR 22008: date/time field value out of range: \"2024-01-31 24:00:01\""),
    (D, "2024-01-31 garbage", &[], "ERROR 22007: invalid input syntax for type date: \"2024-01-31 garbage\""),
    (D, "on Jan 31 2024", &[], "2024-01-31"),
    (D, "Jan 31 2024 at 12:00", &[], "2024-01-31"),
    (D, "20241301", &[], "ERROR 22008: date/time field value out of range: \"20241301\""),
    (D, "2024013", &[], "ERROR 22008: date/time field value out of range: \"2024013\""),
    (D, "1999-12-31 11:59 PM", &[], "1999-12-31"),
    (D, "12/31/1999 23:59:59.999999", &[], "1999-12-31"),
    (D, "2024-06-15 EST", &[], "2024-06-15"),
    (D, "2024-06-15 America/Chicago", &[], "2024-06-15"),
    (D, "2024-06-15 zulu", &[], "2024-06-15"),
    (D, "2024-06-15 z", &[], "2024-06-15"),
    (D, "2024-06-15 allballs", &[], "2024-06-15"),
    (D, "2024-06-15 00:00 xyz", &[], "ERROR 22007: invalid input syntax for type date: \"2024-06-15 00:00 xyz\""),
    (D, "1/2/2024", &["ds=iso,dmy"], "2024-02-01"),
    (D, "31/1/2024", &["ds=iso,dmy"], "2024-01-31"),
    (D, "1/31/2024", &["ds=iso,dmy"], "ERROR 22008: date/time field value out of range: \"1/31/2024\""),
    (D, "1.2.24", &["ds=iso,dmy"], "2024-02-01"),
    (D, "2024-1-2", &["ds=iso,dmy"], "2024-01-02"),
    (D, "1/2/2024", &["ds=iso,ymd"], "ERROR 22008: date/time field value out of range: \"1/2/2024\""),
    (D, "24/1/2", &["ds=iso,ymd"], "2024-01-02"),
    (D, "1.2.24", &["ds=iso,ymd"], "2001-02-24"),
    (D, "2024-01-31", &["ds=postgres,mdy"], "01-31-2024"),
    (D, "0044-03-15 BC", &["ds=postgres,mdy"], "03-15-0044 BC"),
    (D, "infinity", &["ds=postgres,mdy"], "infinity"),
    (D, "10000-01-01", &["ds=postgres,mdy"], "01-01-10000"),
    (D, "2024-01-31", &["ds=sql,dmy"], "31/01/2024"),
    (D, "0044-03-15 BC", &["ds=sql,dmy"], "15/03/0044 BC"),
    (D, "2024-01-31", &["ds=german"], "31.01.2024"),
    (D, "0044-03-15 BC", &["ds=german"], "15.03.0044 BC"),
    (T, "12:34", &[], "12:34:00"),
    (T, "12:34:56", &[], "12:34:56"),
    (T, "12:34:56.789", &[], "12:34:56.789"),
    (T, "1:2:3", &[], "01:02:03"),
    (T, "12:34:56.1234567", &[], "12:34:56.123457"),
    (T, "23:59:59.9999995", &[], "24:00:00"),
    (T, "23:59:60", &[], "24:00:00"),
    (T, "24:00", &[], "24:00:00"),
    (T, "24:00:00.000001", &[], "ERROR 22008: date/time field value out of range: \"24:00:00.000001\""),
    (T, "12:60", &[], "ERROR 22008: date/time field value out of range: \"12:60\""),
    (T, "12:00 am", &[], "00:00:00"),
    (T, "12:00 pm", &[], "12:00:00"),
    (T, "1 pm", &[], "ERROR 22007: invalid input syntax for type time: \"1 pm\""),
    (T, "12:34 PST", &[], "12:34:00"),
    (T, "12:34:56-08", &[], "12:34:56"),
    (T, "12:34:56+05:30", &[], "12:34:56"),
    (T, "T12:34:56", &[], "12:34:56"),
    (T, "T123456", &[], "12:34:56"),
    (T, "123456", &[], "12:34:56"),
    (T, "1234", &[], "12:34:00"),
    (T, "12", &[], "ERROR 22007: invalid input syntax for type time: \"12\""),
    (T, "12.5", &[], "ERROR 22007: invalid input syntax for type time: \"12.5\""),
    (T, "04:05:06.789 America/New_York", &[], "ERROR 22007: invalid input syntax for type time: \"04:05:06.789 America/New_York\""),
    (T, "2024-01-31 04:05:06 America/New_York", &[], "04:05:06"),
    (T, "04:05:06 Japan", &[], "ERROR 22007: invalid input syntax for type time: \"04:05:06 Japan\""),
    (T, "allballs", &[], "00:00:00"),
    (T, "now x", &[], "ERROR 22007: invalid input syntax for type time: \"now x\""),
    (T, "12:00:00 dst", &[], "ERROR 22007: invalid input syntax for type time: \"12:00:00 dst\""),
    (T, "12:00 EST DST", &[], "12:00:00"),
    (T, "12:00 CET DST", &[], "12:00:00"),
    (T, "12:00 MSK", &[], "12:00:00"),
    (T, "12:00:00 z", &[], "12:00:00"),
    (T, "-12:00", &[], "ERROR 22007: invalid input syntax for type time: \"-12:00\""),
    (T, "12:00 zulu", &[], "12:00:00"),
    (T, "99:00", &[], "ERROR 22008: date/time field value out of range: \"99:00\""),
    (T, "12:34:56.", &[], "12:34:56"),
    (T, "12::34", &[], "12:00:34"),
    (T, "12:34:56:78", &[], "ERROR 22007: invalid input syntax for type time: \"12:34:56:78\""),
    (T, "12:34 12:35", &[], "ERROR 22007: invalid input syntax for type time: \"12:34 12:35\""),
    (T, "J2451545 12:00", &[], "12:00:00"),
    (T, "2024-01-31T12:00", &[], "ERROR 22007: invalid input syntax for type time: \"2024-01-31T12:00\""),
    (TS, "2024-01-31 12:34:56.789", &[], "2024-01-31 12:34:56.789"),
    (TS, "2024-01-31T12:34:56", &[], "2024-01-31 12:34:56"),
    (TS, "2024-01-31 12:34", &[], "2024-01-31 12:34:00"),
    (TS, "2024-01-31 12", &[], "ERROR 22007: invalid input syntax for type timestamp: \"2024-01-31 12\""),
    (TS, "2024-01-31 1:2:3", &[], "2024-01-31 01:02:03"),
    (TS, "2024-01-31 12:34:56 PM", &[], "2024-01-31 12:34:56"),
    (TS, "2024-01-31 00:00 AM", &[], "2024-01-31 00:00:00"),
    (TS, "2024-01-31 13:00 PM", &[], "ERROR 22008: date/time field value out of range: \"2024-01-31 13:00 PM\""),
    (TS, "2024-01-31 040506.789", &[], "2024-01-31 04:05:06.789"),
    (TS, "20240131 040506", &[], "2024-01-31 04:05:06"),
    (TS, "20240131T040506", &[], "2024-01-31 04:05:06"),
    (TS, "2024-01-31 T040506", &[], "2024-01-31 04:05:06"),
    (TS, "2024-01-31T040506.5", &[], "2024-01-31 04:05:06.5"),
    (TS, "2024-01-31 12:00 +05", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00 Europe/Paris", &[], "2024-01-31 12:00:00"),
    (TS, "Jan 31 12:00:00 2024", &[], "2024-01-31 12:00:00"),
    (TS, "Wed Jan 31 12:00:00 2024 PST", &[], "2024-01-31 12:00:00"),
    (TS, "31 January 2024 12:00", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00:00.0000005", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00:00.9999995", &[], "2024-01-31 12:00:01"),
    (TS, "1999-12-31 24:00", &[], "2000-01-01 00:00:00"),
    (TS, "294276-12-31 23:59:59.999999", &[], "294276-12-31 23:59:59.999999"),
    (TS, "4714-11-24 00:00 BC", &[], "4714-11-24 00:00:00 BC"),
    (TS, "4714-11-23 23:59 BC", &[], "ERROR 22008: timestamp out of range: \"4714-11-23 23:59 BC\""),
    (TS, "infinity", &[], "infinity"),
    (TS, "-infinity", &[], "-infinity"),
    (TS, "epoch", &[], "1970-01-01 00:00:00"),
    (TS, "2024-01-31 allballs", &[], "2024-01-31 00:00:00"),
    (TS, "2024-01-31 12:00 ago", &[], "ERROR 22007: invalid input syntax for type timestamp: \"2024-01-31 12:00 ago\""),
    (TS, "2024-01-31 12:00 dow", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 y2024", &[], "ERROR 22007: invalid input syntax for type timestamp: \"2024-01-31 y2024\""),
    (TS, "y2024m01d31h12mm34s56", &[], "2024-01-31 12:34:56"),
    (TS, "2024-01-31 h12", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 ''", &[], "2024-01-31 00:00:00"),
    (TS, "2024-1-31 12:00:00 +5", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00 -0", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00:00 +15:59", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00:00 +16", &[], "ERROR 22009: time zone displacement out of range: \"2024-01-31 12:00:00 +16\""),
    (TS, "2024-01-31 12:00:00+05:30:45", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00:00+05.5", &[], "ERROR 22007: invalid input syntax for type timestamp: \"2024-01-31 12:00:00+05.5\""),
    (TS, "2024-01-31 12:00 GMT+3", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00 UTC-2", &[], "2024-01-31 12:00:00"),
    (TS, "2024-01-31 12:00 <+03>-3", &[], "ERROR 22007: invalid input syntax for type timestamp: \"2024-01-31 12:00 <+03>-3\""),
    (TZ, "2024-01-31 12:34:56.789", &["tz=America/New_York"], "2024-01-31 12:34:56.789-05"),
    (TZ, "2024-07-01 12:00", &["tz=America/New_York"], "2024-07-01 12:00:00-04"),
    (TZ, "2024-03-10 02:30", &["tz=America/New_York"], "2024-03-10 03:30:00-04"),
    (TZ, "2024-11-03 01:30", &["tz=America/New_York"], "2024-11-03 01:30:00-05"),
    (TZ, "2024-11-03 01:30 EDT", &["tz=America/New_York"], "2024-11-03 01:30:00-04"),
    (TZ, "2024-11-03 01:30 EST", &["tz=America/New_York"], "2024-11-03 01:30:00-05"),
    (TZ, "2024-01-31 12:00 UTC", &["tz=America/New_York"], "2024-01-31 07:00:00-05"),
    (TZ, "2024-01-31 12:00 Z", &["tz=America/New_York"], "2024-01-31 07:00:00-05"),
    (TZ, "2024-01-31 12:00 GMT", &["tz=America/New_York"], "2024-01-31 07:00:00-05"),
    (TZ, "2024-01-31 12:00 ut", &["tz=America/New_York"], "2024-01-31 07:00:00-05"),
    (TZ, "2024-01-31 12:00 cest", &["tz=America/New_York"], "2024-01-31 05:00:00-05"),
    (TZ, "2024-01-31 12:00 MSK", &["tz=America/New_York"], "2024-01-31 04:00:00-05"),
    (TZ, "2014-06-01 12:00 MSK", &["tz=America/New_York"], "2014-06-01 04:00:00-04"),
    (TZ, "2010-06-01 12:00 MSK", &["tz=America/New_York"], "2010-06-01 05:00:00-04"),
    (TZ, "2024-01-31 12:00 Asia/Kolkata", &["tz=America/New_York"], "2024-01-31 01:30:00-05"),
    (TZ, "2024-01-31 12:00 asia/kolkata", &["tz=America/New_York"], "2024-01-31 01:30:00-05"),
    (TZ, "2024-01-31 12:00 +0530", &["tz=America/New_York"], "2024-01-31 01:30:00-05"),
    (TZ, "1900-01-01 12:00", &["tz=America/New_York"], "1900-01-01 12:00:00-05"),
    (TZ, "1850-01-01 12:00", &["tz=America/New_York"], "1850-01-01 12:00:00-04:56:02"),
    (TZ, "2200-07-01 12:00", &["tz=America/New_York"], "2200-07-01 12:00:00-04"),
    (TZ, "2024-01-31 12:00 America/New_York DST", &["tz=America/New_York"], "ERROR 22007: invalid input syntax for type timestamp with time zone: \"2024-01-31 12:00 America/New_York DST\""),
    (TZ, "2024-01-31 12:00 EST DST", &["tz=America/New_York"], "2024-01-31 11:00:00-05"),
    (TZ, "epoch", &["tz=America/New_York"], "1969-12-31 19:00:00-05"),
    (TZ, "infinity", &["tz=America/New_York"], "infinity"),
    (TZ, "2024-01-31 12:00 Etc/GMT+5", &["tz=America/New_York"], "2024-01-31 12:00:00-05"),
    (TZ, "2024-01-31 12:00 EST5EDT", &["tz=America/New_York"], "2024-01-31 12:00:00-05"),
    (TZ, "2024-07-31 12:00 EST5EDT", &["tz=America/New_York"], "2024-07-31 12:00:00-04"),
    (TZ, "2024-01-31 12:00 PST8PDT", &["tz=America/New_York"], "2024-01-31 15:00:00-05"),
    (TZ, "2024-01-31 12:00 NZDT", &["tz=America/New_York"], "2024-01-30 18:00:00-05"),
    (TZ, "2024-01-31 12:00 ACDT", &["tz=America/New_York"], "2024-01-30 20:30:00-05"),
    (TZ, "2024-01-31 12:00 IST", &["tz=America/New_York"], "2024-01-31 05:00:00-05"),
    (TZ, "2024-01-31 12:00 XYZ", &["tz=America/New_York"], "ERROR 22007: invalid input syntax for type timestamp with time zone: \"2024-01-31 12:00 XYZ\""),
    (TZ, "2024-01-31 12:34:56.789", &["tz=Europe/Paris", "ds=postgres,dmy"], "Wed 31 Jan 12:34:56.789 2024 CET"),
    (TZ, "2024-07-01 12:00", &["tz=Europe/Paris", "ds=postgres,dmy"], "Mon 01 Jul 12:00:00 2024 CEST"),
    (TZ, "0044-03-15 12:00 BC", &["tz=Europe/Paris", "ds=postgres,dmy"], "Fri 15 Mar 12:00:00 0044 LMT BC"),
    (TZ, "1900-01-01 12:00", &["tz=Europe/Paris", "ds=postgres,dmy"], "Mon 01 Jan 12:00:00 1900 PMT"),
    (TZ, "infinity", &["tz=Europe/Paris", "ds=postgres,dmy"], "infinity"),
    (TZ, "2024-01-31 12:34:56.789", &["tz=Australia/Adelaide", "ds=sql,mdy"], "01/31/2024 12:34:56.789 ACDT"),
    (TZ, "2024-07-01 12:00", &["tz=Australia/Adelaide", "ds=sql,mdy"], "07/01/2024 12:00:00 ACST"),
    (TZ, "1900-01-01 12:00", &["tz=Australia/Adelaide", "ds=sql,mdy"], "01/01/1900 12:00:00 ACST"),
    (TZ, "2024-01-31 12:34:56.789", &["tz=UTC", "ds=german"], "31.01.2024 12:34:56.789 UTC"),
    (TZ, "2024-07-01 12:00", &["tz=UTC", "ds=german"], "01.07.2024 12:00:00 UTC"),
    (TZ, "2024-01-31 12:34:56.789", &["tz=Asia/Kathmandu"], "2024-01-31 12:34:56.789+05:45"),
    (TZ, "2024-07-01 12:00", &["tz=Asia/Kathmandu"], "2024-07-01 12:00:00+05:45"),
    (TZ, "2024-01-31 12:34:56.789", &["tz=Europe/London", "ds=postgres"], "Wed Jan 31 12:34:56.789 2024 GMT"),
    (TZ, "2024-07-01 12:00", &["tz=Europe/London", "ds=postgres"], "Mon Jul 01 12:00:00 2024 BST"),
    (TZ, "2024-10-27 02:30", &["tz=Europe/London", "ds=postgres"], "Sun Oct 27 02:30:00 2024 GMT"),
    (TZ, "2024-03-31 02:30", &["tz=Europe/London", "ds=postgres"], "Sun Mar 31 02:30:00 2024 BST"),
    (TZ, "2024-01-31 12:34:56.789", &["tz=Pacific/Chatham"], "2024-01-31 12:34:56.789+13:45"),
    (TZ, "2024-07-01 12:00", &["tz=Pacific/Chatham"], "2024-07-01 12:00:00+12:45"),
    (TZ, "2024-04-07 02:30", &["tz=Australia/Lord_Howe"], "2024-04-07 02:30:00+10:30"),
    (TZ, "2024-10-06 02:30", &["tz=Australia/Lord_Howe"], "2024-10-06 02:30:00+11"),
    (TZ, "2024-04-07 01:59", &["tz=Australia/Lord_Howe"], "2024-04-07 01:59:00+10:30"),
    (IV, "1 year 2 months 3 days 4 hours 5 minutes 6 seconds", &[], "1 year 2 mons 3 days 04:05:06"),
    (IV, "1y 2mon 3d 4h 5m 6s", &[], "1 year 2 mons 3 days 04:05:06"),
    (IV, "1 yr", &[], "1 year"),
    (IV, "2 hrs 30 mins", &[], "02:30:00"),
    (IV, "-1 day", &[], "-1 days"),
    (IV, "-1 day +1 hour", &[], "-1 days +01:00:00"),
    (IV, "+1 day -1 hour", &[], "1 day -01:00:00"),
    (IV, "1 day -1 hour ago", &[], "-1 days +01:00:00"),
    (IV, "@ 1 year ago", &[], "-1 years"),
    (IV, "1 week", &[], "7 days"),
    (IV, "1.5 week", &[], "10 days 12:00:00"),
    (IV, "0.5 week", &[], "3 days 12:00:00"),
    (IV, "1 fortnight", &[], "ERROR 22007: invalid input syntax for type interval: \"1 fortnight\""),
    (IV, "100000000 hours", &[], "100000000:00:00"),
    (IV, "2562047788 hours", &[], "2562047788:00:00"),
    (IV, "2562047789 hours", &[], "ERROR 22015: interval field value out of range: \"2562047789 hours\""),
    (IV, "-2562047788:00:54.775808", &[], "ERROR 22007: invalid input syntax for type interval: \"-2562047788:00:54.775808\""),
    (IV, "1 mon 1.5 days", &[], "1 mon 1 day 12:00:00"),
    (IV, "1.5 mon", &[], "1 mon 15 days"),
    (IV, "1.999999999 sec", &[], "00:00:02"),
    (IV, "0.0000001 sec", &[], "00:00:00"),
    (IV, "0.0000005 sec", &[], "00:00:00"),
    (IV, "0.0000015 sec", &[], "00:00:00.000001"),
    (IV, "P1Y", &[], "1 year"),
    (IV, "P1.5Y", &[], "1 year 6 mons"),
    (IV, "PT1.5S", &[], "00:00:01.5"),
    (IV, "P1DT12H", &[], "1 day 12:00:00"),
    (IV, "PT36H", &[], "36:00:00"),
    (IV, "P1Y2M3W4DT5H6M7S", &[], "1 year 2 mons 25 days 05:06:07"),
    (IV, "P-1Y-2M", &[], "-1 years -2 mons"),
    (IV, "P0000-00-01T00:00:00", &[], "1 day"),
    (IV, "P00000001T000000", &[], "1 day"),
    (IV, "P1Y-1M", &[], "11 mons"),
    (IV, "PT1H30M", &[], "01:30:00"),
    (IV, "P", &[], "ERROR 22007: invalid input syntax for type interval: \"P\""),
    (IV, "PT", &[], "00:00:00"),
    (IV, "P1", &[], "1 year"),
    (IV, "PT1", &[], "01:00:00"),
    (IV, "P1H", &[], "ERROR 22007: invalid input syntax for type interval: \"P1H\""),
    (IV, "1:30", &[], "01:30:00"),
    (IV, "1:30:45", &[], "01:30:45"),
    (IV, "-1:30", &[], "-01:30:00"),
    (IV, "1 1:30", &[], "1 day 01:30:00"),
    (IV, "1 -1:30", &[], "1 day -01:30:00"),
    (IV, "1:30.5", &[], "00:01:30.5"),
    (IV, "90:00", &[], "90:00:00"),
    (IV, "1:60", &[], "ERROR 22015: interval field value out of range: \"1:60\""),
    (IV, "1 day 1:30 ago", &[], "-1 days -01:30:00"),
    (IV, "3 4:05:06", &[], "3 days 04:05:06"),
    (IV, "-3 -4:05:06", &[], "-3 days -04:05:06"),
    (IV, "-3 4:05:06", &[], "-3 days +04:05:06"),
    (IV, "1-2 3 4:05:06", &[], "1 year 2 mons 3 days 04:05:06"),
    (IV, "+1-2", &[], "1 year 2 mons"),
    (IV, "1-12", &[], "ERROR 22015: interval field value out of range: \"1-12\""),
    (IV, "1--2", &[], "ERROR 22015: interval field value out of range: \"1--2\""),
    (IV, "1 2 3", &[], "ERROR 22007: invalid input syntax for type interval: \"1 2 3\""),
    (IV, "1.5.6", &[], "ERROR 22007: invalid input syntax for type interval: \"1.5.6\""),
    (IV, "1 d", &[], "1 day"),
    (IV, "1 h 1 m", &[], "01:01:00"),
    (IV, "5 millennia", &[], "5000 years"),
    (IV, "2 centuries", &[], "200 years"),
    (IV, "3 decades", &[], "30 years"),
    (IV, "1 us", &[], "00:00:00.000001"),
    (IV, "1 usec", &[], "00:00:00.000001"),
    (IV, "1 microseconds", &[], "00:00:00.000001"),
    (IV, "1 msec", &[], "00:00:00.001"),
    (IV, "1 milliseconds", &[], "00:00:00.001"),
    (IV, "10 mils", &[], "10000 years"),
    (IV, "1e3 seconds", &[], "ERROR 22007: invalid input syntax for type interval: \"1e3 seconds\""),
    (IV, "1 day ago ago", &[], "-1 days"),
    (IV, "ago", &[], "ERROR 22007: invalid input syntax for type interval: \"ago\""),
    (IV, "@", &[], "ERROR 22007: invalid input syntax for type interval: \"@\""),
    (IV, "@ 5", &[], "00:00:05"),
    (IV, "  1 day  ", &[], "1 day"),
    (IV, "1day", &[], "1 day"),
    (IV, "1day2hours", &[], "ERROR 22007: invalid input syntax for type interval: \"1day2hours\""),
    (IV, "1 DAY", &[], "1 day"),
    (IV, "1 Day 2 HOURS", &[], "1 day 02:00:00"),
    (IV, "-1 2:03:04", &["is=sql_standard"], "-1 2:03:04"),
    (IV, "-1 2:03:04 +1 day", &["is=sql_standard"], "ERROR 22007: invalid input syntax for type interval: \"-1 2:03:04 +1 day\""),
    (IV, "1 year -2 mons", &["is=sql_standard"], "0-10"),
    (IV, "-1-2", &["is=sql_standard"], "-1-2"),
    (IV, "1-2 -3", &["is=sql_standard"], "+1-2 +0 -0:00:03"),
    (IV, "-3 -4:05:06", &["is=sql_standard"], "-3 4:05:06"),
    (IV, "1 year 2 mons 3 days 04:05:06.5", &["is=postgres_verbose"], "@ 1 year 2 mons 3 days 4 hours 5 mins 6.5 secs"),
    (IV, "-1 year -2 mons 3 days -04:05:06", &["is=postgres_verbose"], "@ 1 year 2 mons -3 days 4 hours 5 mins 6 secs ago"),
    (IV, "0", &["is=postgres_verbose"], "@ 0"),
    (IV, "-1 days +02:00:00", &["is=postgres_verbose"], "@ 1 day -2 hours ago"),
    (IV, "1 mon -1 day", &["is=postgres_verbose"], "@ 1 mon -1 days"),
    (IV, "-00:00:00.5", &["is=postgres_verbose"], "@ 0.5 secs ago"),
    (IV, "1 year 2 mons 3 days 04:05:06.5", &["is=sql_standard"], "+1-2 +3 +4:05:06.5"),
    (IV, "-1 year -2 mons 3 days -04:05:06", &["is=sql_standard"], "-1-2 +3 -4:05:06"),
    (IV, "0", &["is=sql_standard"], "0"),
    (IV, "-1 days +02:00:00", &["is=sql_standard"], "+0-0 -1 +2:00:00"),
    (IV, "1 mon -1 day", &["is=sql_standard"], "+0-1 -1 +0:00:00"),
    (IV, "-00:00:00.5", &["is=sql_standard"], "-0:00:00.5"),
    (IV, "1 day", &["is=sql_standard"], "1 0:00:00"),
    (IV, "-1 day", &["is=sql_standard"], "-1 0:00:00"),
    (IV, "1 year 2 mons 3 days 04:05:06.5", &["is=iso_8601"], "P1Y2M3DT4H5M6.5S"),
    (IV, "-1 year -2 mons 3 days -04:05:06", &["is=iso_8601"], "P-1Y-2M3DT-4H-5M-6S"),
    (IV, "0", &["is=iso_8601"], "PT0S"),
    (IV, "-1 days +02:00:00", &["is=iso_8601"], "P-1DT2H"),
    (IV, "1 mon -1 day", &["is=iso_8601"], "P1M-1D"),
    (IV, "-00:00:00.5", &["is=iso_8601"], "PT-0.5S"),
    (IV, "01:00", &["is=iso_8601"], "PT1H"),
];

#[test]
fn inputs_match_postgresql() {
    expect_all(IO_CASES.iter().map(|(ty, input, settings, want)| {
        let env = env_for(settings);
        let got = match crate::types::io::input(*ty, &env, input, -1) {
            Ok(v) => crate::types::io::output(*ty, &env, &v).unwrap_or_default(),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        };
        (format!("{ty:?} {input:?} {settings:?}"), got, *want)
    }));
}

/// Checks every case — what it is, what minipg gave, what PostgreSQL 15 gave — and fails with
/// all the mismatches at once.
pub(super) fn expect_all(results: impl IntoIterator<Item = (String, String, &'static str)>) {
    let failures: Vec<String> = results
        .into_iter()
        .filter(|(_, got, want)| got != want)
        .map(|(case, got, want)| format!("{case}\n   got: {got}\n  want: {want}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn interval_ranges_from_typmods() {
    use interval::{
        FULL_PRECISION as FP, FULL_RANGE, MASK_DAY, MASK_HOUR, MASK_MINUTE, MASK_MONTH,
        MASK_SECOND, MASK_YEAR, typmod,
    };
    assert_eq!(typmod(MASK_DAY | MASK_HOUR | MASK_MINUTE, FP), 201_916_415);
    assert_eq!(typmod(MASK_MINUTE | MASK_SECOND, 3), 402_653_187);
    assert_eq!(typmod(MASK_HOUR, FP), 67_174_399);
    assert_eq!(typmod(MASK_YEAR | MASK_MONTH, FP), 458_751);
    let e = Env::default();
    let cases = [
        (
            "1 2:03:04.5678",
            typmod(MASK_DAY | MASK_HOUR | MASK_MINUTE, FP),
            "1 day 02:03:00",
        ),
        ("5", typmod(MASK_HOUR, FP), "05:00:00"),
        ("1:30", typmod(MASK_MINUTE | MASK_SECOND, FP), "00:01:30"),
        ("1:30", typmod(MASK_HOUR | MASK_MINUTE, FP), "01:30:00"),
        ("1-2", typmod(MASK_YEAR, FP), "1 year"),
        (
            "1 year 5 mons 3 days",
            typmod(MASK_MONTH, FP),
            "1 year 5 mons",
        ),
        ("1.5", typmod(MASK_DAY, FP), "1 day"),
        ("1 2:03:04.5678", typmod(FULL_RANGE, 2), "1 day 02:03:04.57"),
        ("1 2:03:04.5678", typmod(MASK_SECOND, 1), "1 day 02:03:04.6"),
        ("100", typmod(MASK_MINUTE, FP), "01:40:00"),
        ("1 2", typmod(MASK_DAY | MASK_HOUR, FP), "1 day 02:00:00"),
        (
            "3 4:05",
            typmod(MASK_HOUR | MASK_MINUTE, FP),
            "3 days 04:05:00",
        ),
    ];
    for (input, tm, want) in cases {
        let v = interval_in(&e, input, tm).unwrap();
        assert_eq!(interval_out(&e, &v), want, "{input} {tm}");
    }
}

/// Pseudo-random strings built from date/time fragments: no input may panic.
#[test]
fn no_input_panics() {
    const PIECES: &[&str] = &[
        "2024",
        "-",
        "01",
        "/",
        "31",
        " ",
        ":",
        ".",
        "T",
        "t",
        "Z",
        "+",
        "05",
        "30",
        "J",
        "j",
        "BC",
        "AD",
        "am",
        "pm",
        "jan",
        "Monday",
        "epoch",
        "infinity",
        "now",
        "allballs",
        "y",
        "m",
        "d",
        "h",
        "mm",
        "s",
        "dst",
        "EST",
        "MSK",
        "America/New_York",
        "UTC+3",
        "P",
        "1",
        "2",
        "9999999999999999999",
        "0",
        "00",
        "24",
        "60",
        "ago",
        "@",
        "day",
        "days",
        "mons",
        "years",
        "1.5",
        ".5",
        "é",
        "\u{1F600}",
        "\"",
        "'",
        ",",
        "<",
        ">",
        "isodow",
        "julian",
        "yesterday",
        "99",
        "366",
        "-infinity",
        "\t",
        "Y,YYY",
        "FM",
        "TH",
        "FX",
        "\\",
        "IYYY",
        "HH12",
        "MI",
        "SS",
        "MS",
        "US",
        "TZH",
        "TZM",
        "OF",
        "DDD",
        "IDDD",
        "RM",
        "CC",
        "WW",
        "W",
        "Q",
        "D",
        "ID",
        "IW",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let envs = [
        Env::default(),
        env_for(&["tz=America/New_York", "ds=postgres,dmy", "is=sql_standard"]),
        env_for(&["tz=UTC+3", "ds=sql,ymd", "is=iso_8601"]),
    ];
    for i in 0..20_000 {
        let n = usize::try_from(next() % 8).unwrap() + 1;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[usize::try_from(next() % PIECES.len() as u64).unwrap()]);
        }
        let env = &envs[i % envs.len()];
        for ty in [D, T, TS, TZ, IV] {
            if let Ok(v) = crate::types::io::input(ty, env, &s, -1) {
                let _ = crate::types::io::output(ty, env, &v);
            }
        }
        let fmt = Value::Text(s.clone());
        for t in [
            0,
            i64::MAX,
            i64::MIN,
            -211_813_488_000_000_000,
            9_223_371_331_199_999_999,
        ] {
            let _ = to_char::f_timestamp_to_char(env, &[Value::Int(t), fmt.clone()]);
            let _ = to_char::f_timestamptz_to_char(env, &[Value::Int(t), fmt.clone()]);
        }
        let iv = Value::Text(
            "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775808".into(),
        );
        let _ = to_char::f_interval_to_char(env, &[iv, fmt.clone()]);
        let input =
            Value::Text(PIECES[usize::try_from(next() % PIECES.len() as u64).unwrap()].repeat(3));
        let _ = to_char::f_to_timestamp(env, &[input.clone(), fmt.clone()]);
        let _ = to_char::f_to_date(env, &[input, fmt]);
    }
}
