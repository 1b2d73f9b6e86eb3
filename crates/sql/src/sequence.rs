//! Sequences' arithmetic, as PostgreSQL 15 does it: checking and applying CREATE/ALTER
//! SEQUENCE options ([`apply_options`]), the values `nextval` hands out and the state it
//! leaves ([`fetch`], with `log_cnt` counted as PostgreSQL counts its pre-logged values), and
//! `setval`'s bounds ([`check_setval`]). Pure: the host keeps each sequence's row and each
//! session's `currval`/cache state.
//!
//! Invariants: `min < max`, `min <= start <= max`, `increment != 0`, `cache >= 1`, and a
//! stored `last_value` lies within `[min, max]`; no arithmetic here overflows (limits are
//! compared before adding, as PostgreSQL does).

use crate::error::{Result, SqlError, sqlstate};
use crate::types::{Type, format_type};

/// What nextval pre-logs in PostgreSQL: `log_cnt` counts down from it.
pub const SEQ_LOG_VALS: i64 = 32;

/// A sequence's definition (`pg_sequence`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqForm {
    /// `int2`, `int4` or `int8`.
    pub typid: Type,
    pub start: i64,
    pub increment: i64,
    pub max: i64,
    pub min: i64,
    pub cache: i64,
    pub cycle: bool,
}

/// A sequence's state (the one row of the sequence relation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqData {
    pub last_value: i64,
    pub log_cnt: i64,
    pub is_called: bool,
}

/// The options of CREATE/ALTER SEQUENCE (and of an identity column), as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeqOptions {
    pub as_type: Option<Type>,
    pub increment: Option<i64>,
    /// `Some(None)` is `NO MINVALUE`.
    pub min: Option<Option<i64>>,
    /// `Some(None)` is `NO MAXVALUE`.
    pub max: Option<Option<i64>>,
    pub start: Option<i64>,
    /// `Some(None)` is `RESTART` without a value (back to START).
    pub restart: Option<Option<i64>>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

impl SeqOptions {
    /// Does any option change what nextval hands out (PostgreSQL then resets `log_cnt`)?
    pub fn is_empty(&self) -> bool {
        *self == SeqOptions::default()
    }
}

fn invalid(message: String) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, message)
}

/// 22023 unless `value` (the `what` option's) lies within the sequence's MINVALUE ..= MAXVALUE.
fn within_bounds(what: &str, value: i64, f: &SeqForm) -> Result<()> {
    if value < f.min {
        return Err(invalid(format!(
            "{what} value ({value}) cannot be less than MINVALUE ({})",
            f.min
        )));
    }
    if value > f.max {
        return Err(invalid(format!(
            "{what} value ({value}) cannot be greater than MAXVALUE ({})",
            f.max
        )));
    }
    Ok(())
}

fn type_bounds(t: Type) -> (i64, i64) {
    match t {
        Type::INT2 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        Type::INT4 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Applies `o` to a new sequence (`old: None`, PostgreSQL's `isInit`) or to an existing one,
/// with PostgreSQL's checks and messages (22023). `identity` words the type error for an
/// identity column.
pub fn apply_options(
    o: &SeqOptions,
    old: Option<(SeqForm, SeqData)>,
    identity: bool,
) -> Result<(SeqForm, SeqData)> {
    let init = old.is_none();
    let (mut f, mut d) = old.unwrap_or((
        SeqForm {
            typid: Type::INT8,
            start: 1,
            increment: 1,
            max: i64::MAX,
            min: 1,
            cache: 1,
            cycle: false,
        },
        SeqData {
            last_value: 1,
            log_cnt: 0,
            is_called: false,
        },
    ));
    if init {
        d.log_cnt = 0;
    }
    let mut reset_max = false;
    let mut reset_min = false;
    if let Some(t) = o.as_type {
        if !matches!(t, Type::INT2 | Type::INT4 | Type::INT8) {
            return Err(invalid(if identity {
                "identity column type must be smallint, integer, or bigint".into()
            } else {
                "sequence type must be smallint, integer, or bigint".into()
            }));
        }
        if !init {
            let (lo, hi) = type_bounds(f.typid);
            reset_max = f.max == hi;
            reset_min = f.min == lo;
        }
        f.typid = t;
    } else if init {
        f.typid = Type::INT8;
    }
    if let Some(inc) = o.increment {
        if inc == 0 {
            return Err(invalid("INCREMENT must not be zero".into()));
        }
        f.increment = inc;
        d.log_cnt = 0;
    } else if init {
        f.increment = 1;
    }
    if let Some(c) = o.cycle {
        f.cycle = c;
        d.log_cnt = 0;
    } else if init {
        f.cycle = false;
    }
    let (lo, hi) = type_bounds(f.typid);
    let typid = f.typid;
    // MAXVALUE or MINVALUE: as given, else `default` when defining, resetting or `NO …`; then
    // within the data type's range.
    let mut bound = |what: &str,
                     value: &mut i64,
                     given: Option<Option<i64>>,
                     reset: bool,
                     default: i64|
     -> Result<()> {
        match given {
            Some(Some(m)) => {
                *value = m;
                d.log_cnt = 0;
            }
            given => {
                if init || given.is_some() || reset {
                    *value = default;
                    d.log_cnt = 0;
                }
            }
        }
        if *value < lo || *value > hi {
            return Err(invalid(format!(
                "{what} ({value}) is out of range for sequence data type {}",
                format_type(typid, -1)
            )));
        }
        Ok(())
    };
    let default_max = if f.increment > 0 || reset_max { hi } else { -1 };
    bound("MAXVALUE", &mut f.max, o.max, reset_max, default_max)?;
    let default_min = if f.increment < 0 || reset_min { lo } else { 1 };
    bound("MINVALUE", &mut f.min, o.min, reset_min, default_min)?;
    if f.min >= f.max {
        return Err(invalid(format!(
            "MINVALUE ({}) must be less than MAXVALUE ({})",
            f.min, f.max
        )));
    }
    if let Some(s) = o.start {
        f.start = s;
    } else if init {
        f.start = if f.increment > 0 { f.min } else { f.max };
    }
    within_bounds("START", f.start, &f)?;
    if let Some(r) = o.restart {
        d.last_value = r.unwrap_or(f.start);
        d.is_called = false;
        d.log_cnt = 0;
    } else if init {
        d.last_value = f.start;
        d.is_called = false;
    }
    within_bounds("RESTART", d.last_value, &f)?;
    if let Some(c) = o.cache {
        if c <= 0 {
            return Err(invalid(format!("CACHE ({c}) must be greater than zero")));
        }
        f.cache = c;
        d.log_cnt = 0;
    } else if init {
        f.cache = 1;
    }
    Ok((f, d))
}

/// What one trip to the sequence's row gives: the value to return, the last value fetched
/// (the session may hand out the values between them without coming back), and the row's
/// new state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetch {
    pub result: i64,
    /// The last of the values reserved for the session's cache (`result` when `cache` is 1).
    pub cached_to: i64,
    pub data: SeqData,
}

/// nextval's trip to the row: up to `cache` values (the first is returned), and as many more
/// looked at as PostgreSQL pre-logs, to count `log_cnt` the way it does (without its
/// checkpoint-triggered re-logging). 2200H when the sequence is exhausted and does not cycle.
///
/// PostgreSQL looks at the values one by one; this counts them in runs up to the sequence's
/// end (at most three runs: an end stops the trip once a value is taken), so a huge CACHE
/// costs no time. Computed in `i128`: no option can overflow it.
pub fn fetch(f: &SeqForm, d: &SeqData, name: &str) -> Result<Fetch> {
    let inc = i128::from(f.increment);
    let (min, max) = (i128::from(f.min), i128::from(f.max));
    let cache = i128::from(f.cache);
    let mut next = i128::from(d.last_value);
    let mut result = next;
    let mut last = next;
    let mut taken: i128 = 0;
    let mut want = cache;
    let mut log = i128::from(d.log_cnt);
    if !d.is_called {
        taken = 1; // the stored value itself is the first one handed out
        want -= 1;
    }
    let mut to_fetch = want;
    if log < to_fetch || !d.is_called {
        to_fetch += i128::from(SEQ_LOG_VALS);
        log = to_fetch;
    }
    // Steps from `v` before the sequence's end.
    let steps_left = |v: i128| {
        if inc > 0 {
            (max - v) / inc
        } else {
            (v - min) / -inc
        }
        .max(0)
    };
    while to_fetch > 0 {
        let run = to_fetch.min(steps_left(next));
        if run > 0 {
            // The values next+inc … next+run·inc; the session takes the first it still wants.
            let take = run.min(cache - taken).max(0);
            if take > 0 {
                if taken == 0 {
                    result = next + inc;
                }
                last = next + take * inc;
                taken += take;
                log -= take;
            }
            next += run * inc;
            to_fetch -= run;
            continue;
        }
        // At the end: stop once a value is taken, else wrap around or fail.
        if taken > 0 {
            break;
        }
        if !f.cycle {
            let (what, bound) = if inc > 0 {
                ("maximum", f.max)
            } else {
                ("minimum", f.min)
            };
            return Err(SqlError::new(
                sqlstate::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                format!("nextval: reached {what} value of sequence \"{name}\" ({bound})"),
            ));
        }
        next = if inc > 0 { min } else { max };
        to_fetch -= 1;
        log -= 1;
        taken = 1;
        result = next;
        last = next;
    }
    log -= to_fetch;
    let narrow = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
    Ok(Fetch {
        result: narrow(result),
        cached_to: narrow(last),
        data: SeqData {
            last_value: narrow(last),
            log_cnt: narrow(log.max(0)),
            is_called: true,
        },
    })
}

/// setval's bounds check (22003).
pub fn check_setval(f: &SeqForm, value: i64, name: &str) -> Result<()> {
    if value < f.min || value > f.max {
        return Err(SqlError::new(
            sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
            format!(
                "setval: value {value} is out of bounds for sequence \"{name}\" ({}..{})",
                f.min, f.max
            ),
        ));
    }
    Ok(())
}

/// PostgreSQL's name for an implicitly created object (`ChooseRelationName` without the
/// uniqueness loop): `name1_name2_label` cut to 63 bytes by shortening the longer of the two
/// names first, at a character boundary.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    while n1 + n2 + overhead > MAX {
        if n1 > n2 {
            n1 -= 1;
        } else if n2 > 0 {
            n2 -= 1;
        } else {
            break;
        }
    }
    let cut = |s: &str, mut n: usize| {
        while n > 0 && !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = cut(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&cut(n, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(o: &SeqOptions) -> (SeqForm, SeqData) {
        apply_options(o, None, false).expect("options")
    }

    #[test]
    fn defaults_are_postgresql_s() {
        let (f, d) = new(&SeqOptions::default());
        assert_eq!(
            (
                f.typid,
                f.start,
                f.increment,
                f.min,
                f.max,
                f.cache,
                f.cycle
            ),
            (Type::INT8, 1, 1, 1, i64::MAX, 1, false)
        );
        assert_eq!((d.last_value, d.log_cnt, d.is_called), (1, 0, false));
        let (f, _) = new(&SeqOptions {
            increment: Some(-2),
            ..SeqOptions::default()
        });
        assert_eq!((f.start, f.min, f.max), (-1, i64::MIN, -1));
        let (f, _) = new(&SeqOptions {
            as_type: Some(Type::INT2),
            ..SeqOptions::default()
        });
        assert_eq!(f.max, 32767);
    }

    #[test]
    fn log_cnt_counts_as_postgresql_does() {
        // select nextval('s1') three times on `create sequence s1 maxvalue 3`:
        // (1, log 2), (2, log 1), (3, …), then 2200H.
        let (f, d) = new(&SeqOptions {
            max: Some(Some(3)),
            ..SeqOptions::default()
        });
        let a = fetch(&f, &d, "s1").expect("1");
        assert_eq!((a.result, a.data.last_value, a.data.log_cnt), (1, 1, 2));
        let b = fetch(&f, &a.data, "s1").expect("2");
        assert_eq!((b.result, b.data.log_cnt), (2, 1));
        let c = fetch(&f, &b.data, "s1").expect("3");
        assert_eq!(c.result, 3);
        let e = fetch(&f, &c.data, "s1").expect_err("max");
        assert_eq!(
            e.sqlstate,
            crate::sqlstate::SEQUENCE_GENERATOR_LIMIT_EXCEEDED
        );
        assert_eq!(
            e.message,
            "nextval: reached maximum value of sequence \"s1\" (3)"
        );
        // cache 5: the first trip reserves 1..5 and leaves log_cnt 32.
        let (f, d) = new(&SeqOptions {
            cache: Some(5),
            ..SeqOptions::default()
        });
        let a = fetch(&f, &d, "s2").expect("1");
        assert_eq!((a.result, a.cached_to, a.data.log_cnt), (1, 5, 32));
        let b = fetch(&f, &a.data, "s2").expect("6");
        assert_eq!((b.result, b.cached_to, b.data.log_cnt), (6, 10, 27));
    }

    #[test]
    fn a_huge_cache_costs_no_time() {
        let (f, d) = new(&SeqOptions {
            cache: Some(i64::MAX),
            ..SeqOptions::default()
        });
        let a = fetch(&f, &d, "s").expect("first");
        assert_eq!((a.result, a.cached_to), (1, i64::MAX));
        assert_eq!(
            fetch(&f, &a.data, "s").expect_err("exhausted").sqlstate,
            crate::sqlstate::SEQUENCE_GENERATOR_LIMIT_EXCEEDED
        );
        let (f, d) = new(&SeqOptions {
            cache: Some(i64::MAX),
            increment: Some(i64::MIN + 1),
            cycle: Some(true),
            ..SeqOptions::default()
        });
        let a = fetch(&f, &d, "s").expect("first");
        assert_eq!(a.result, -1);
        let b = fetch(&f, &a.data, "s").expect("wraps");
        assert_eq!(b.result, -1);
    }

    #[test]
    fn cycles_and_descends() {
        let (f, d) = new(&SeqOptions {
            increment: Some(-2),
            min: Some(Some(-4)),
            max: Some(Some(-1)),
            cycle: Some(true),
            ..SeqOptions::default()
        });
        let mut d = d;
        let mut got = Vec::new();
        for _ in 0..4 {
            let x = fetch(&f, &d, "s").expect("value");
            got.push(x.result);
            d = x.data;
        }
        assert_eq!(got, [-1, -3, -1, -3]);
    }

    #[test]
    fn option_errors() {
        let err = |o: SeqOptions| apply_options(&o, None, false).expect_err("error").message;
        assert_eq!(
            err(SeqOptions {
                min: Some(Some(10)),
                max: Some(Some(5)),
                ..SeqOptions::default()
            }),
            "MINVALUE (10) must be less than MAXVALUE (5)"
        );
        assert_eq!(
            err(SeqOptions {
                start: Some(0),
                ..SeqOptions::default()
            }),
            "START value (0) cannot be less than MINVALUE (1)"
        );
        assert_eq!(
            err(SeqOptions {
                as_type: Some(Type::INT2),
                max: Some(Some(100_000)),
                ..SeqOptions::default()
            }),
            "MAXVALUE (100000) is out of range for sequence data type smallint"
        );
        assert_eq!(
            err(SeqOptions {
                as_type: Some(Type::TEXT),
                ..SeqOptions::default()
            }),
            "sequence type must be smallint, integer, or bigint"
        );
    }

    #[test]
    fn alter_keeps_what_is_not_named() {
        let old = new(&SeqOptions {
            start: Some(5),
            ..SeqOptions::default()
        });
        let (f, d) = apply_options(
            &SeqOptions {
                increment: Some(3),
                restart: Some(None),
                ..SeqOptions::default()
            },
            Some(old),
            false,
        )
        .expect("alter");
        assert_eq!(
            (f.start, f.increment, d.last_value, d.is_called),
            (5, 3, 5, false)
        );
        // AS smallint on a sequence with the default maximum takes smallint's.
        let (f, _) = apply_options(
            &SeqOptions {
                as_type: Some(Type::INT2),
                ..SeqOptions::default()
            },
            Some(old),
            false,
        )
        .expect("as");
        assert_eq!(f.max, 32767);
    }

    #[test]
    fn object_names_are_cut_like_postgresql_s() {
        assert_eq!(make_object_name("t", Some("id"), "seq"), "t_id_seq");
        assert_eq!(make_object_name("t", None, "pkey"), "t_pkey");
        let long = "a".repeat(60);
        let n = make_object_name(&long, Some("id"), "seq");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_id_seq"));
    }
}
