//! Aggregates over text, bytea and bool: `string_agg(text, text)`, `string_agg(bytea, bytea)`,
//! `bool_and`, `bool_or`, `every`, `max`/`min` of text and bpchar.
//!
//! NULL inputs are skipped (PostgreSQL's strict transition functions); with no non-NULL input
//! the result is NULL. `string_agg` puts before each value but the first the delimiter given
//! on that value's row (a NULL delimiter is empty). `bool_and`/`bool_or`/`every` count true and
//! false inputs, so they can also remove rows (moving window frames).

use crate::env::Env;
use crate::error::{Result, SqlError};
use crate::func::Accumulator;
use crate::types::Type;
use crate::value::Value;

fn too_large() -> SqlError {
    super::strings::too_large()
}

/// `string_agg(text, text)` and `string_agg(bytea, bytea)`: the pieces as bytes.
pub struct StringAgg {
    out: Option<Vec<u8>>,
    /// The aggregate of bytea (else of text).
    bytea: bool,
}

impl StringAgg {
    /// An argument's bytes, `None` for NULL.
    fn piece(&self, v: &Value) -> Option<Vec<u8>> {
        match v {
            Value::Null => None,
            Value::Text(s) => Some(s.as_bytes().to_vec()),
            Value::Bytes(b) if self.bytea => Some(b.clone()),
            other => Some(super::text_out(other).into_bytes()),
        }
    }
}

impl Accumulator for StringAgg {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let Some(v) = args.first().and_then(|a| self.piece(a)) else {
            return Ok(());
        };
        let delim = args.get(1).and_then(|a| self.piece(a));
        match &mut self.out {
            None => self.out = Some(v),
            Some(out) => {
                let delim = delim.unwrap_or_default();
                let size = out
                    .len()
                    .saturating_add(delim.len())
                    .saturating_add(v.len());
                if i64::try_from(size).unwrap_or(i64::MAX) > super::strings::MAX_ALLOC {
                    return Err(too_large());
                }
                out.extend_from_slice(&delim);
                out.extend_from_slice(&v);
            }
        }
        Ok(())
    }

    fn value(&mut self, _env: &Env) -> Result<Value> {
        Ok(match self.out.clone() {
            None => Value::Null,
            Some(b) if self.bytea => Value::Bytes(b),
            // Every piece was text.
            Some(b) => Value::Text(String::from_utf8_lossy(&b).into_owned()),
        })
    }
}

pub fn new_string_agg(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(StringAgg {
        out: None,
        bytea: false,
    })
}

pub fn new_bytea_agg(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(StringAgg {
        out: None,
        bytea: true,
    })
}

/// `bool_and` / `every` (`and`) and `bool_or`.
pub struct BoolAgg {
    and: bool,
    trues: u64,
    falses: u64,
}

fn truth(args: &[Value]) -> Option<bool> {
    match args.first()? {
        Value::Null => None,
        Value::Int(i) => Some(*i != 0),
        Value::Float(f) => Some(*f != 0.0),
        Value::Text(s) => super::chars::parse_bool(s),
        Value::Bytes(b) => Some(!b.is_empty()),
    }
}

impl Accumulator for BoolAgg {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        match truth(args) {
            Some(true) => self.trues += 1,
            Some(false) => self.falses += 1,
            None => {}
        }
        Ok(())
    }

    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        match truth(args) {
            Some(true) => self.trues = self.trues.saturating_sub(1),
            Some(false) => self.falses = self.falses.saturating_sub(1),
            None => {}
        }
        Ok(())
    }

    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.trues == 0 && self.falses == 0 {
            return Ok(Value::Null);
        }
        Ok(Value::from(if self.and {
            self.falses == 0
        } else {
            self.trues > 0
        }))
    }
}

pub fn new_bool_and(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(BoolAgg {
        and: true,
        trues: 0,
        falses: 0,
    })
}

pub fn new_bool_or(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(BoolAgg {
        and: false,
        trues: 0,
        falses: 0,
    })
}

/// `max`/`min` of text (byte order) and bpchar (trailing blanks ignored); on ties the value
/// seen first stays, as PostgreSQL's `text_larger`/`bpchar_larger` keep their first argument.
pub struct TextMinMax {
    max: bool,
    bpchar: bool,
    current: Option<String>,
}

impl Accumulator for TextMinMax {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let v = match args.first() {
            None | Some(Value::Null) => return Ok(()),
            Some(Value::Text(s)) => s.clone(),
            Some(other) => super::text_out(other),
        };
        let replace = match &self.current {
            None => true,
            Some(cur) => {
                let ord = if self.bpchar {
                    v.trim_end_matches(' ').cmp(cur.trim_end_matches(' '))
                } else {
                    v.as_str().cmp(cur.as_str())
                };
                if self.max { ord.is_gt() } else { ord.is_lt() }
            }
        };
        if replace {
            self.current = Some(v);
        }
        Ok(())
    }

    fn value(&mut self, _env: &Env) -> Result<Value> {
        Ok(self.current.clone().map_or(Value::Null, Value::Text))
    }
}

fn min_max(max: bool, bpchar: bool) -> Box<dyn Accumulator> {
    Box::new(TextMinMax {
        max,
        bpchar,
        current: None,
    })
}

pub fn new_text_max(_types: &[Type]) -> Box<dyn Accumulator> {
    min_max(true, false)
}

pub fn new_text_min(_types: &[Type]) -> Box<dyn Accumulator> {
    min_max(false, false)
}

pub fn new_bpchar_max(_types: &[Type]) -> Box<dyn Accumulator> {
    min_max(true, true)
}

pub fn new_bpchar_min(_types: &[Type]) -> Box<dyn Accumulator> {
    min_max(false, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut acc: Box<dyn Accumulator>, rows: &[&[Value]]) -> Value {
        let env = Env::default();
        for r in rows {
            acc.step(&env, r).unwrap();
        }
        acc.value(&env).unwrap()
    }
    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn string_agg_uses_each_rows_delimiter() {
        // select string_agg(v, d) from (values ('a', ','), (null, ';'), ('b', '-'), ('c', null)) x(v, d)
        // → a-bc
        let v = run(
            new_string_agg(&[]),
            &[
                &[t("a"), t(",")],
                &[Value::Null, t(";")],
                &[t("b"), t("-")],
                &[t("c"), Value::Null],
            ],
        );
        assert_eq!(v, t("a-bc"));
        assert_eq!(
            run(new_string_agg(&[]), &[&[Value::Null, t(",")]]),
            Value::Null
        );
        let b = run(
            new_bytea_agg(&[]),
            &[
                &[Value::Bytes(vec![1]), Value::Bytes(vec![0])],
                &[Value::Bytes(vec![2]), Value::Bytes(vec![0xff])],
            ],
        );
        assert_eq!(b, Value::Bytes(vec![1, 0xff, 2]));
    }

    #[test]
    fn bool_aggregates() {
        let (tr, fa, nu) = (Value::Int(1), Value::Int(0), Value::Null);
        assert_eq!(
            run(
                new_bool_and(&[]),
                &[
                    std::slice::from_ref(&tr),
                    std::slice::from_ref(&nu),
                    std::slice::from_ref(&tr)
                ]
            ),
            Value::Int(1)
        );
        assert_eq!(
            run(
                new_bool_and(&[]),
                &[std::slice::from_ref(&tr), std::slice::from_ref(&fa)]
            ),
            Value::Int(0)
        );
        assert_eq!(
            run(
                new_bool_or(&[]),
                &[std::slice::from_ref(&fa), std::slice::from_ref(&tr)]
            ),
            Value::Int(1)
        );
        assert_eq!(
            run(new_bool_or(&[]), &[std::slice::from_ref(&nu)]),
            Value::Null
        );
        assert_eq!(run(new_bool_or(&[]), &[]), Value::Null);
        // A moving frame: remove the false row.
        let env = Env::default();
        let mut a = new_bool_and(&[]);
        a.step(&env, std::slice::from_ref(&fa)).unwrap();
        a.step(&env, std::slice::from_ref(&tr)).unwrap();
        assert_eq!(a.value(&env).unwrap(), Value::Int(0));
        a.inverse(&env, &[fa]).unwrap();
        assert_eq!(a.value(&env).unwrap(), Value::Int(1));
        a.inverse(&env, &[tr]).unwrap();
        assert_eq!(a.value(&env).unwrap(), Value::Null);
    }

    #[test]
    fn text_min_max() {
        let rows: Vec<Vec<Value>> = ["b", "a", "é", "B"].iter().map(|s| vec![t(s)]).collect();
        let refs: Vec<&[Value]> = rows.iter().map(Vec::as_slice).collect();
        assert_eq!(run(new_text_max(&[]), &refs), t("é"));
        assert_eq!(run(new_text_min(&[]), &refs), t("B"));
        assert_eq!(run(new_text_max(&[]), &[&[Value::Null]]), Value::Null);
        // select max(x) from (values ('a '::char(2)), ('a'::char(2))) v(x) → the first one
        let b = run(new_bpchar_max(&[]), &[&[t("a ")], &[t("a")], &[t("")]]);
        assert_eq!(b, t("a "));
        assert_eq!(
            run(new_bpchar_min(&[]), &[&[t("b")], &[t("a  ")]]),
            t("a  ")
        );
    }
}
