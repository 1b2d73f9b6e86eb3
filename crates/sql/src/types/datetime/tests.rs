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
