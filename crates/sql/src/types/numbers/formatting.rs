//! `to_char(number, text)` and `to_number(text, text)`: PostgreSQL's numeric format
//! patterns (`9`, `0`, `.`, `,`, `D`, `G`, `S`, `MI`, `PL`, `SG`, `PR`, `L`, `FM`, `TH`/`th`,
//! `V`, `EEEE`, `RN`/`rn`, `B`, `C`, `SP` and literal text) for numeric, int4, int8, float4
//! and float8, with PostgreSQL 15's output, rounding and `#` overflow fill. The locale is C:
//! decimal point `.`, group separator `,`, signs `+`/`-`, currency symbol a blank.
//!
//! A format is first parsed into nodes (keywords and literal characters) and a description of
//! the number it asks for (digits before and after the point, sign placement, flags), with
//! PostgreSQL's syntax errors for contradictory patterns. `to_char` then renders the value as
//! a digit string (rounded to the format's digits after the point; all `#` when the integer
//! part does not fit) and walks the nodes over it; `to_number` walks the nodes over the input
//! and collects digits, point and sign.
//!
//! Invariants: work and output are linear in the lengths of the format and the value; no
//! input can panic (every index into the number or the input is checked). PostgreSQL's C
//! quirks that show in results are kept: a digit position past the end of the digit string
//! ends the output there (PostgreSQL writes the string terminator), as does `SG` with `RN`.

use super::int::IntKind;
use super::numeric::{Dec, Numeric, mul};
use super::numeric_math::numeric_power;
use super::{float_arg, int_arg, num_arg};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::Builtin;
use crate::func::rows::func;
use crate::types::Type;
use crate::value::Value;

/// A format keyword.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Key {
    Comma,
    Point,
    Zero,
    Nine,
    B,
    C,
    D,
    Eeee,
    Fm,
    G,
    L,
    Mi,
    Pl,
    Pr,
    Rn,
    RnLower,
    Sg,
    Sp,
    S,
    Th,
    ThLower,
    V,
}

/// The keywords in PostgreSQL's search order: among those with the same first character,
/// the first whose name starts the remaining format wins (`SG` and `SP` before `S`).
const KEYWORDS: &[(&str, Key)] = &[
    (",", Key::Comma),
    (".", Key::Point),
    ("0", Key::Zero),
    ("9", Key::Nine),
    ("B", Key::B),
    ("C", Key::C),
    ("D", Key::D),
    ("EEEE", Key::Eeee),
    ("FM", Key::Fm),
    ("G", Key::G),
    ("L", Key::L),
    ("MI", Key::Mi),
    ("PL", Key::Pl),
    ("PR", Key::Pr),
    ("RN", Key::Rn),
    ("SG", Key::Sg),
    ("SP", Key::Sp),
    ("S", Key::S),
    ("TH", Key::Th),
    ("V", Key::V),
    ("b", Key::B),
    ("c", Key::C),
    ("d", Key::D),
    ("eeee", Key::Eeee),
    ("fm", Key::Fm),
    ("g", Key::G),
    ("l", Key::L),
    ("mi", Key::Mi),
    ("pl", Key::Pl),
    ("pr", Key::Pr),
    ("rn", Key::RnLower),
    ("sg", Key::Sg),
    ("sp", Key::Sp),
    ("s", Key::S),
    ("th", Key::ThLower),
    ("v", Key::V),
];

/// One element of a parsed format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Node {
    Key(Key),
    /// A literal character (copied by `to_char`, skipped over by `to_number`).
    Char(char),
}

/// Where the locale sign (`S`) goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum LSign {
    #[default]
    None,
    Pre,
    Post,
}

/// What a format asks of the number (PostgreSQL's `NUMDesc`).
#[derive(Clone, Debug, Default)]
struct Desc {
    /// Digit positions before and after the decimal point.
    pre: i64,
    post: i64,
    lsign: LSign,
    /// `pre` when `S` was seen (an `S` after every integer digit moves behind the number).
    pre_lsign_num: i64,
    /// Digits after `V` (the value is multiplied by 10^multi).
    multi: i64,
    /// The position of the first `0` before the point (1-based while parsing) and of the
    /// last `0` overall.
    zero_start: i64,
    zero_end: i64,
    decimal: bool,
    zero: bool,
    blank: bool,
    fill: bool,
    lsign_set: bool,
    bracket: bool,
    minus: bool,
    plus: bool,
    roman: bool,
    multi_set: bool,
    eeee: bool,
}

fn syntax(message: &str) -> SqlError {
    SqlError::syntax(message)
}

impl Desc {
    /// Records one keyword, rejecting contradictory patterns as PostgreSQL does.
    fn add(&mut self, key: Key) -> Result<()> {
        if self.eeee && key != Key::Eeee {
            return Err(syntax("\"EEEE\" must be the last pattern used"));
        }
        match key {
            Key::Nine => {
                if self.bracket {
                    return Err(syntax("\"9\" must be ahead of \"PR\""));
                }
                if self.multi_set {
                    self.multi += 1;
                } else if self.decimal {
                    self.post += 1;
                } else {
                    self.pre += 1;
                }
            }
            Key::Zero => {
                if self.bracket {
                    return Err(syntax("\"0\" must be ahead of \"PR\""));
                }
                if !self.zero && !self.decimal {
                    self.zero = true;
                    self.zero_start = self.pre + 1;
                }
                if self.decimal {
                    self.post += 1;
                } else {
                    self.pre += 1;
                }
                self.zero_end = self.pre + self.post;
            }
            Key::B => {
                if self.pre == 0 && self.post == 0 && !self.zero {
                    self.blank = true;
                }
            }
            Key::D | Key::Point => {
                if self.decimal {
                    return Err(syntax("multiple decimal points"));
                }
                if self.multi_set {
                    return Err(syntax("cannot use \"V\" and decimal point together"));
                }
                self.decimal = true;
            }
            Key::Fm => self.fill = true,
            Key::S => {
                if self.lsign_set {
                    return Err(syntax("cannot use \"S\" twice"));
                }
                if self.plus || self.minus || self.bracket {
                    return Err(syntax(
                        "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together",
                    ));
                }
                if !self.decimal {
                    self.lsign = LSign::Pre;
                    self.pre_lsign_num = self.pre;
                    self.lsign_set = true;
                } else if self.lsign == LSign::None {
                    self.lsign = LSign::Post;
                    self.lsign_set = true;
                }
            }
            Key::Mi => {
                if self.lsign_set {
                    return Err(syntax("cannot use \"S\" and \"MI\" together"));
                }
                self.minus = true;
            }
            Key::Pl => {
                if self.lsign_set {
                    return Err(syntax("cannot use \"S\" and \"PL\" together"));
                }
                self.plus = true;
            }
            Key::Sg => {
                if self.lsign_set {
                    return Err(syntax("cannot use \"S\" and \"SG\" together"));
                }
                self.minus = true;
                self.plus = true;
            }
            Key::Pr => {
                if self.lsign_set || self.plus || self.minus {
                    return Err(syntax(
                        "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together",
                    ));
                }
                self.bracket = true;
            }
            Key::Rn | Key::RnLower => self.roman = true,
            Key::V => {
                if self.decimal {
                    return Err(syntax("cannot use \"V\" and decimal point together"));
                }
                self.multi_set = true;
            }
            Key::Eeee => {
                if self.eeee {
                    return Err(syntax("cannot use \"EEEE\" twice"));
                }
                if self.blank
                    || self.fill
                    || self.lsign_set
                    || self.bracket
                    || self.minus
                    || self.plus
                    || self.roman
                    || self.multi_set
                {
                    return Err(
                        syntax("\"EEEE\" is incompatible with other formats").with_detail(
                            "\"EEEE\" may only be used together with digit and decimal point patterns.",
                        ),
                    );
                }
                self.eeee = true;
            }
            Key::Comma | Key::C | Key::G | Key::L | Key::Sp | Key::Th | Key::ThLower => {}
        }
        Ok(())
    }
}

/// Parses a format: its nodes and the number description.
fn parse_format(fmt: &str) -> Result<(Vec<Node>, Desc)> {
    let mut nodes = Vec::new();
    let mut desc = Desc::default();
    let mut rest = fmt;
    while let Some(c) = rest.chars().next() {
        let printable = (b'!'..b'~').contains(&rest.as_bytes()[0]);
        if printable
            && let Some((name, key)) = KEYWORDS.iter().find(|(name, _)| rest.starts_with(name))
        {
            desc.add(*key)?;
            nodes.push(Node::Key(*key));
            rest = &rest[name.len()..];
            continue;
        }
        if c == '"' {
            // A quoted literal; a backslash takes the next character as it is.
            let mut chars = rest[1..].char_indices();
            let mut end = rest.len();
            while let Some((i, ch)) = chars.next() {
                if ch == '"' {
                    end = 1 + i + 1;
                    break;
                }
                let ch = if ch == '\\' {
                    match chars.clone().next() {
                        Some((_, next)) => {
                            chars.next();
                            next
                        }
                        None => ch,
                    }
                } else {
                    ch
                };
                nodes.push(Node::Char(ch));
            }
            rest = rest.get(end..).unwrap_or("");
            continue;
        }
        // Outside quotes a backslash only escapes a double quote.
        if c == '\\' && rest[1..].starts_with('"') {
            nodes.push(Node::Char('"'));
            rest = &rest[2..];
            continue;
        }
        nodes.push(Node::Char(c));
        rest = &rest[c.len_utf8()..];
    }
    Ok((nodes, desc))
}

/// The ordinal suffix of the digit string `num` (`ST`, `ND`, `RD`, `TH`).
fn ordinal(num: &[u8], upper: bool) -> Result<&'static str> {
    let n = num.len();
    let last = match num.last() {
        Some(b) if b.is_ascii_digit() => *b,
        _ => {
            return Err(SqlError::new(
                sqlstate::INVALID_TEXT_REPRESENTATION,
                format!("\"{}\" is not a number", String::from_utf8_lossy(num)),
            ));
        }
    };
    let teen = n > 1 && num[n - 2] == b'1';
    let s = match (teen, last) {
        (false, b'1') => ["ST", "st"],
        (false, b'2') => ["ND", "nd"],
        (false, b'3') => ["RD", "rd"],
        _ => ["TH", "th"],
    };
    Ok(if upper { s[0] } else { s[1] })
}

/// Roman numerals of 1..=3999 (upper case); 15 `#` otherwise.
fn roman(n: i64) -> Vec<u8> {
    if !(1..=3999).contains(&n) {
        return vec![b'#'; 15];
    }
    const ONES: [&str; 9] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    const TENS: [&str; 9] = ["X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"];
    const HUNDREDS: [&str; 9] = ["C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"];
    let mut s = String::new();
    for _ in 0..n / 1000 {
        s.push('M');
    }
    let digit = |d: i64, table: &[&str; 9], s: &mut String| {
        if let Some(t) = usize::try_from(d).ok().and_then(|d| d.checked_sub(1)) {
            s.push_str(table[t]);
        }
    };
    digit(n / 100 % 10, &HUNDREDS, &mut s);
    digit(n / 10 % 10, &TENS, &mut s);
    digit(n % 10, &ONES, &mut s);
    s.into_bytes()
}

/// The digit string a format renders, with its sign and leading blank positions.
struct Rendered {
    /// Digits (and point) without the sign; `#`s on overflow; the finished text for EEEE.
    number: Vec<u8>,
    out_pre_spaces: i64,
    /// `+`, `-`, or 0 (roman numerals).
    sign: u8,
}

fn usize_of(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

/// `#` for every digit position, with the point at its place.
fn hashes(desc: &Desc) -> Vec<u8> {
    let mut v = vec![b'#'; usize_of(desc.pre + desc.post + 1)];
    if let Some(p) = v.get_mut(usize_of(desc.pre)) {
        *p = b'.';
    }
    v
}

/// The rendering of a decimal text (`-` first if negative): blanks to pad the integer part to
/// the format's digits, or `#`s when it does not fit.
fn render_decimal(desc: &Desc, text: &str) -> Rendered {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (b'-', rest),
        None => (b'+', text),
    };
    let pre_len = i64::try_from(digits.find('.').unwrap_or(digits.len())).unwrap_or(i64::MAX);
    if pre_len < desc.pre {
        Rendered {
            number: digits.as_bytes().to_vec(),
            out_pre_spaces: desc.pre - pre_len,
            sign,
        }
    } else if pre_len > desc.pre {
        Rendered {
            number: hashes(desc),
            out_pre_spaces: 0,
            sign,
        }
    } else {
        Rendered {
            number: digits.as_bytes().to_vec(),
            out_pre_spaces: 0,
            sign,
        }
    }
}

/// The EEEE rendering of a value that has no exponent form (NaN, infinities).
fn eeee_hashes(desc: &Desc) -> Vec<u8> {
    let mut v = vec![b'#'; usize_of(desc.pre + desc.post + 6)];
    if let Some(first) = v.first_mut() {
        *first = b' ';
    }
    if let Some(p) = v.get_mut(usize_of(desc.pre + 1)) {
        *p = b'.';
    }
    v
}

/// A leading blank where a positive number has no sign.
fn eeee_signed(text: String) -> Vec<u8> {
    if text.starts_with('-') {
        text.into_bytes()
    } else {
        let mut v = vec![b' '];
        v.extend_from_slice(text.as_bytes());
        v
    }
}

/// A leading `+` swapped for a blank.
fn blank_plus(text: String) -> Vec<u8> {
    let mut v = text.into_bytes();
    if let Some(first) = v.first_mut()
        && *first == b'+'
    {
        *first = b' ';
    }
    v
}

/// C's `%.*f` as PostgreSQL's `snprintf` prints it (`NaN`, `Infinity`, `-Infinity`).
fn c_fixed(v: f64, prec: i64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{:.*}", usize_of(prec), v)
    }
}

/// C's `%+.*e` (finite values): mantissa, `e`, exponent sign and at least two digits.
fn c_exp(v: f64, prec: i64) -> String {
    let s = format!("{:+.*e}", usize_of(prec), v);
    match s.split_once('e') {
        Some((mant, exp)) => {
            let e: i64 = exp.parse().unwrap_or(0);
            format!("{mant}e{e:+03}")
        }
        None => s,
    }
}

/// `numeric_out_sci`: one digit before the point, `rscale` after (rounded half away from
/// zero), then `e` and the signed exponent of at least two digits.
fn numeric_sci(d: &Dec, rscale: i64) -> String {
    let exponent = d.dexp().unwrap_or(0);
    let shift = i64::from(d.scale) + exponent;
    let significand = if shift >= 0 {
        Dec::new(d.neg, d.m.clone(), u32::try_from(shift).unwrap_or(u32::MAX))
    } else {
        let up = u32::try_from(-shift).unwrap_or(u32::MAX);
        Dec::new(d.neg, &d.m * super::numeric::pow10(up), 0)
    };
    format!(
        "{}e{:+03}",
        significand.round(rscale.max(0)).to_text(),
        exponent
    )
}

/// Renders a numeric for the format.
fn render_numeric(desc: &mut Desc, value: Numeric) -> Result<Rendered> {
    if desc.roman {
        let n = match &value {
            Numeric::NaN => return Err(SqlError::not_supported("cannot convert NaN to integer")),
            Numeric::PInf | Numeric::NInf => {
                return Err(SqlError::not_supported(
                    "cannot convert infinity to integer",
                ));
            }
            Numeric::Fin(d) => d
                .to_i64_rounded()
                .filter(|v| i32::try_from(*v).is_ok())
                .ok_or_else(|| IntKind::I4.range_error())?,
        };
        return Ok(Rendered {
            number: roman(n),
            out_pre_spaces: 0,
            sign: 0,
        });
    }
    if desc.eeee {
        let number = match &value {
            Numeric::Fin(d) => eeee_signed(numeric_sci(d, desc.post)),
            _ => eeee_hashes(desc),
        };
        return Ok(Rendered {
            number,
            out_pre_spaces: 0,
            sign: 0,
        });
    }
    let mut value = value;
    if desc.multi_set {
        let factor = numeric_power(
            &Numeric::Fin(Dec::from_i64(10)),
            &Numeric::Fin(Dec::from_i64(desc.multi)),
        )?;
        value = match (value, factor) {
            (Numeric::Fin(a), Numeric::Fin(b)) => Numeric::Fin(mul(&a, &b).check()?),
            (other, _) => other,
        };
        desc.pre += desc.multi;
    }
    let text = match value {
        // numeric_round limits the scale to the largest display scale.
        Numeric::Fin(d) => d
            .round(desc.post.min(i64::from(super::numeric::MAX_DSCALE)))
            .check()?
            .to_text(),
        other => other.to_text(),
    };
    Ok(render_decimal(desc, &text))
}

/// Renders an int4 for the format.
fn render_int4(desc: &mut Desc, value: i32) -> Rendered {
    if desc.roman {
        return Rendered {
            number: roman(i64::from(value)),
            out_pre_spaces: 0,
            sign: 0,
        };
    }
    if desc.eeee {
        return Rendered {
            number: blank_plus(c_exp(f64::from(value), desc.post)),
            out_pre_spaces: 0,
            sign: 0,
        };
    }
    let mut value = value;
    if desc.multi_set {
        // C's (int32) pow(10, multi): out of range gives INT_MIN; the product wraps.
        let factor = u32::try_from(desc.multi)
            .ok()
            .and_then(|m| 10i32.checked_pow(m))
            .unwrap_or(i32::MIN);
        value = value.wrapping_mul(factor);
        desc.pre += desc.multi;
    }
    render_integer(desc, &value.to_string())
}

/// The rendering of an integer's text: zeros after the point for the format's digits.
fn render_integer(desc: &Desc, text: &str) -> Rendered {
    let mut s = text.to_string();
    if desc.post > 0 {
        s.push('.');
        s.extend(std::iter::repeat_n('0', usize_of(desc.post)));
    }
    render_decimal(desc, &s)
}

/// Renders an int8 for the format.
fn render_int8(desc: &mut Desc, value: i64) -> Result<Rendered> {
    if desc.roman {
        if i32::try_from(value).is_err() {
            return Err(IntKind::I4.range_error());
        }
        return Ok(Rendered {
            number: roman(value),
            out_pre_spaces: 0,
            sign: 0,
        });
    }
    if desc.eeee {
        return Ok(Rendered {
            number: eeee_signed(numeric_sci(&Dec::from_i64(value), desc.post)),
            out_pre_spaces: 0,
            sign: 0,
        });
    }
    let mut value = value;
    if desc.multi_set {
        let factor = 10f64.powf(desc.multi as f64).round_ties_even();
        // dtoi8's range: [-2^63, 2^63).
        if factor.is_nan() || factor >= 9_223_372_036_854_775_808.0 {
            return Err(IntKind::I8.range_error());
        }
        #[expect(clippy::cast_possible_truncation, reason = "range checked")]
        let factor = factor as i64;
        value = value
            .checked_mul(factor)
            .ok_or_else(|| IntKind::I8.range_error())?;
        desc.pre += desc.multi;
    }
    Ok(render_integer(desc, &value.to_string()))
}

/// Renders a float (float4 values already rounded to single precision) for the format;
/// `digits` is the type's decimal precision (`FLT_DIG` 6, `DBL_DIG` 15).
fn render_float(desc: &mut Desc, value: f64, float4: bool) -> Rendered {
    let digits: i64 = if float4 { 6 } else { 15 };
    if desc.roman {
        let r = value.round_ties_even();
        let n = if (-2_147_483_648.0..2_147_483_648.0).contains(&r) {
            #[expect(clippy::cast_possible_truncation, reason = "range checked")]
            let n = r as i64;
            n
        } else {
            i64::from(i32::MAX)
        };
        return Rendered {
            number: roman(n),
            out_pre_spaces: 0,
            sign: 0,
        };
    }
    if desc.eeee {
        let number = if value.is_finite() {
            blank_plus(c_exp(value, desc.post))
        } else {
            eeee_hashes(desc)
        };
        return Rendered {
            number,
            out_pre_spaces: 0,
            sign: 0,
        };
    }
    let mut val = value;
    if desc.multi_set {
        #[expect(clippy::cast_precision_loss, reason = "C's pow over doubles")]
        let factor = 10f64.powf(desc.multi as f64);
        val = if float4 {
            #[expect(clippy::cast_possible_truncation, reason = "float4 arithmetic")]
            let v = (value as f32) * (factor as f32);
            f64::from(v)
        } else {
            value * factor
        };
        desc.pre += desc.multi;
    }
    let int_len = i64::try_from(c_fixed(val.abs(), 0).len()).unwrap_or(i64::MAX);
    if int_len >= digits {
        desc.post = 0;
    } else if int_len + desc.post > digits {
        desc.post = digits - int_len;
    }
    render_decimal(desc, &c_fixed(val, desc.post))
}

/// The state of `to_char`'s walk over the format (PostgreSQL's `NUMProc`).
struct Writer<'a> {
    desc: Desc,
    number: &'a [u8],
    /// The next character of `number` to write.
    pos: usize,
    out: Vec<u8>,
    sign: u8,
    sign_wrote: bool,
    num_count: i64,
    /// A digit has been written (group separators print from then on).
    num_in: bool,
    /// The index of the current digit position in the format.
    num_curr: i64,
    out_pre_spaces: i64,
    /// With FM: the last digit after the point worth printing.
    last_relevant: Option<usize>,
}

impl Writer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.number.get(i).copied().unwrap_or(0)
    }

    fn relevant_is_point(&self) -> bool {
        self.last_relevant.is_some_and(|i| self.at(i) == b'.')
    }

    /// "0.1" with `9.9`: the zero before the point prints as a blank.
    fn predec_space(&self) -> bool {
        !self.desc.zero && self.pos == 0 && self.at(0) == b'0' && self.desc.post != 0
    }

    fn put_sign_char(&mut self) {
        self.out.push(if self.sign == b'-' { b'-' } else { b'+' });
    }

    /// One digit position (`9`, `0`) or the point (`.`, `D`).
    fn digit(&mut self, key: Key) {
        if self.desc.roman {
            return;
        }
        self.num_in = false;
        if !self.sign_wrote
            && (self.num_curr >= self.out_pre_spaces
                || (self.desc.zero && self.desc.zero_start == self.num_curr))
            && (!self.predec_space() || self.relevant_is_point())
        {
            if self.desc.lsign_set {
                if self.desc.lsign == LSign::Pre {
                    self.put_sign_char();
                    self.sign_wrote = true;
                }
            } else if self.desc.bracket {
                self.out.push(if self.sign == b'+' { b' ' } else { b'<' });
                self.sign_wrote = true;
            } else if self.sign == b'+' {
                if !self.desc.fill {
                    self.out.push(b' ');
                }
                self.sign_wrote = true;
            } else if self.sign == b'-' {
                self.out.push(b'-');
                self.sign_wrote = true;
            }
        }
        if self.num_curr < self.out_pre_spaces
            && (self.desc.zero_start > self.num_curr || !self.desc.zero)
        {
            if !self.desc.fill {
                self.out.push(b' ');
            }
        } else if self.desc.zero
            && self.num_curr < self.out_pre_spaces
            && self.desc.zero_start <= self.num_curr
        {
            self.out.push(b'0');
            self.num_in = true;
        } else {
            if self.at(self.pos) == b'.' {
                if !self.relevant_is_point() || self.desc.fill {
                    self.out.push(b'.');
                }
            } else if self
                .last_relevant
                .is_some_and(|lr| self.pos > lr && key != Key::Zero)
            {
                // A trailing zero FM drops.
            } else if self.predec_space() {
                if !self.desc.fill {
                    self.out.push(b' ');
                } else if self.relevant_is_point() {
                    self.out.push(b'0');
                }
            } else {
                // Past the end this writes PostgreSQL's terminator (the output ends here).
                self.out.push(self.at(self.pos));
                self.num_in = true;
            }
            if self.pos < self.number.len() {
                self.pos += 1;
            }
        }
        let mut end =
            self.num_count + i64::from(self.out_pre_spaces > 0) + i64::from(self.desc.decimal);
        if self.last_relevant == Some(self.pos) {
            end = self.num_curr;
        }
        if self.num_curr + 1 == end {
            if self.sign_wrote && self.desc.bracket {
                self.out.push(if self.sign == b'+' { b' ' } else { b'>' });
            } else if self.desc.lsign_set && self.desc.lsign == LSign::Post {
                self.put_sign_char();
            }
        }
        self.num_curr += 1;
    }
}

/// The position of the last nonzero digit after the point (the point itself if none).
fn last_relevant_digit(num: &[u8]) -> Option<usize> {
    let point = num.iter().position(|&b| b == b'.')?;
    let mut result = point;
    for (i, &b) in num.iter().enumerate().skip(point + 1) {
        if b != b'0' {
            result = i;
        }
    }
    Some(result)
}

/// Walks the format over a rendered number.
fn write_number(nodes: &[Node], desc: Desc, r: &Rendered) -> Result<String> {
    let mut desc = desc;
    if desc.zero_start > 0 {
        desc.zero_start -= 1;
    }
    if desc.eeee {
        return Ok(String::from_utf8_lossy(&r.number).into_owned());
    }
    let mut sign = r.sign;
    let mut out_pre_spaces = r.out_pre_spaces;
    if desc.roman {
        desc = Desc {
            fill: desc.fill,
            roman: true,
            multi: desc.multi,
            zero_start: desc.zero_start,
            zero_end: desc.zero_end,
            ..Desc::default()
        };
        out_pre_spaces = 0;
        sign = 0;
    }
    let sign_wrote;
    if desc.plus || desc.minus {
        sign_wrote = !desc.plus || desc.minus;
    } else {
        if sign != b'-' && desc.fill {
            desc.bracket = false;
        }
        sign_wrote = sign == b'+' && desc.fill && !desc.lsign_set;
        if desc.lsign == LSign::Pre && desc.pre == desc.pre_lsign_num {
            desc.lsign = LSign::Post;
        }
    }
    let mut num_count = desc.post + desc.pre - 1;
    let mut last_relevant = None;
    if desc.fill && desc.decimal {
        last_relevant = last_relevant_digit(&r.number);
        if let Some(lr) = last_relevant
            && desc.zero_end > out_pre_spaces
        {
            let last_zero =
                (r.number.len().saturating_sub(1)).min(usize_of(desc.zero_end - out_pre_spaces));
            if lr < last_zero {
                last_relevant = Some(last_zero);
            }
        }
    }
    if !sign_wrote && out_pre_spaces == 0 {
        num_count += 1;
    }
    let mut w = Writer {
        desc,
        number: &r.number,
        pos: 0,
        out: Vec::new(),
        sign,
        sign_wrote,
        num_count,
        num_in: false,
        num_curr: 0,
        out_pre_spaces,
        last_relevant,
    };
    for node in nodes {
        let key = match node {
            Node::Char(c) => {
                let mut buf = [0u8; 4];
                w.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                continue;
            }
            Node::Key(k) => *k,
        };
        match key {
            Key::Nine | Key::Zero | Key::Point | Key::D => w.digit(key),
            Key::Comma | Key::G => {
                if w.num_in {
                    w.out.push(b',');
                } else if !w.desc.fill {
                    w.out.push(b' ');
                }
            }
            Key::L => w.out.push(b' '),
            Key::Rn | Key::RnLower => {
                let tail = w.number.get(w.pos..).unwrap_or(&[]);
                let tail = tail.split(|&b| b == 0).next().unwrap_or(&[]);
                let mut text = String::from_utf8_lossy(tail).into_owned();
                if key == Key::RnLower {
                    text.make_ascii_lowercase();
                }
                if !w.desc.fill {
                    text = format!("{text:>15}");
                }
                w.out.extend_from_slice(text.as_bytes());
            }
            Key::Th | Key::ThLower => {
                if w.desc.roman || w.at(0) == b'#' || w.sign == b'-' || w.desc.decimal {
                    continue;
                }
                let suffix = ordinal(w.number, key == Key::Th)?;
                w.out.extend_from_slice(suffix.as_bytes());
            }
            Key::Mi => {
                if w.sign == b'-' {
                    w.out.push(b'-');
                } else if !w.desc.fill {
                    w.out.push(b' ');
                }
            }
            Key::Pl => {
                if w.sign == b'+' {
                    w.out.push(b'+');
                } else if !w.desc.fill {
                    w.out.push(b' ');
                }
            }
            Key::Sg => w.out.push(w.sign),
            Key::B | Key::C | Key::Eeee | Key::Fm | Key::Pr | Key::Sp | Key::S | Key::V => {}
        }
    }
    let end = w.out.iter().position(|&b| b == 0).unwrap_or(w.out.len());
    w.out.truncate(end);
    Ok(String::from_utf8_lossy(&w.out).into_owned())
}

/// `to_char(value, fmt)` over a rendering function.
fn to_char_with(
    args: &[Value],
    render: impl FnOnce(&mut Desc) -> Result<Rendered>,
) -> Result<Value> {
    let fmt = match args.get(1) {
        Some(Value::Text(s)) => s.as_str(),
        _ => return Err(super::value_error("text")),
    };
    if fmt.is_empty() {
        return Ok(Value::Text(String::new()));
    }
    let (nodes, mut desc) = parse_format(fmt)?;
    let rendered = render(&mut desc)?;
    write_number(&nodes, desc, &rendered).map(Value::Text)
}

/// `to_char(numeric, text)`.
pub fn numeric_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = num_arg(args, 0)?;
    to_char_with(args, |d| render_numeric(d, v))
}

/// `to_char(int4, text)`.
pub fn int4_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = int_arg(args, 0)?;
    let v = i32::try_from(v).map_err(|_| IntKind::I4.range_error())?;
    to_char_with(args, |d| Ok(render_int4(d, v)))
}

/// `to_char(int8, text)`.
pub fn int8_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = int_arg(args, 0)?;
    to_char_with(args, |d| render_int8(d, v))
}

/// `to_char(float4, text)`.
pub fn float4_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    #[expect(clippy::cast_possible_truncation, reason = "float4 values")]
    let v = f64::from(float_arg(args, 0)? as f32);
    to_char_with(args, |d| Ok(render_float(d, v, true)))
}

/// `to_char(float8, text)`.
pub fn float8_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = float_arg(args, 0)?;
    to_char_with(args, |d| Ok(render_float(d, v, false)))
}

/// The state of `to_number`'s walk over its input.
struct Reader<'a> {
    desc: &'a Desc,
    input: &'a [u8],
    pos: usize,
    /// The sign (first byte: blank, `-` or `+`), then the digits and point read.
    number: Vec<u8>,
    read_dec: bool,
    read_pre: i64,
    read_post: i64,
}

impl Reader<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn cur(&self) -> u8 {
        self.input.get(self.pos).copied().unwrap_or(0)
    }

    fn byte(&self, i: usize) -> u8 {
        self.input.get(i).copied().unwrap_or(0)
    }

    /// The byte length of the UTF-8 character at the current position.
    fn char_len(&self) -> usize {
        match self.cur() {
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            b if b >= 0xC0 => 2,
            _ => 1,
        }
    }

    /// Skips up to `n` characters that cannot be part of the number.
    fn skip_non_data(&mut self, n: usize) {
        for _ in 0..n {
            if self.at_end() || b"0123456789.,+-".contains(&self.cur()) {
                break;
            }
            self.pos += self.char_len();
        }
    }

    /// A digit position or the point.
    fn digit(&mut self, key: Key) {
        if self.at_end() {
            return;
        }
        if self.cur() == b' ' {
            self.pos += 1;
        }
        if self.at_end() {
            return;
        }
        let desc = self.desc;
        if self.number[0] == b' '
            && matches!(key, Key::Zero | Key::Nine)
            && self.read_pre + self.read_post == 0
        {
            if desc.lsign_set && desc.lsign == LSign::Pre {
                if self.cur() == b'-' {
                    self.pos += 1;
                    self.number[0] = b'-';
                } else if self.cur() == b'+' {
                    self.pos += 1;
                    self.number[0] = b'+';
                }
            } else if self.cur() == b'-' || (desc.bracket && self.cur() == b'<') {
                self.number[0] = b'-';
                self.pos += 1;
            } else if self.cur() == b'+' {
                self.number[0] = b'+';
                self.pos += 1;
            }
        }
        if self.at_end() {
            return;
        }
        let mut read = false;
        if self.cur().is_ascii_digit() {
            if self.read_dec && self.read_post == desc.post {
                return;
            }
            self.number.push(self.cur());
            if self.read_dec {
                self.read_post += 1;
            } else {
                self.read_pre += 1;
            }
            read = true;
        } else if desc.decimal && !self.read_dec && self.cur() == b'.' {
            self.number.push(b'.');
            self.read_dec = true;
            read = true;
        }
        if self.at_end() {
            return;
        }
        if self.number[0] == b' ' && self.read_pre + self.read_post > 0 {
            if desc.lsign_set
                && read
                && self.pos + 1 < self.input.len()
                && !self.byte(self.pos + 1).is_ascii_digit()
            {
                let saved = self.pos;
                self.pos += 1;
                match self.cur() {
                    b'-' => self.number[0] = b'-',
                    b'+' => self.number[0] = b'+',
                    _ => self.pos = saved,
                }
            } else if !read && !desc.lsign_set && (desc.plus || desc.minus) {
                let c = self.cur();
                if c == b'-' || c == b'+' {
                    self.number[0] = c;
                }
            }
        }
    }
}

/// `to_number(text, text)`.
pub fn to_number(_env: &Env, args: &[Value]) -> Result<Value> {
    let (input, fmt) = match (args.first(), args.get(1)) {
        (Some(Value::Text(i)), Some(Value::Text(f))) => (i.as_str(), f.as_str()),
        _ => return Err(super::value_error("text")),
    };
    if fmt.is_empty() {
        return Ok(Value::Null);
    }
    let (nodes, desc) = parse_format(fmt)?;
    if desc.eeee {
        return Err(SqlError::not_supported("\"EEEE\" not supported for input"));
    }
    if desc.roman {
        return Err(SqlError::not_supported("\"RN\" not supported for input"));
    }
    let mut r = Reader {
        desc: &desc,
        input: input.as_bytes(),
        pos: 0,
        number: vec![b' '],
        read_dec: false,
        read_pre: 0,
        read_post: 0,
    };
    for node in &nodes {
        if r.at_end() {
            break;
        }
        let key = match node {
            Node::Char(_) => {
                r.pos += r.char_len();
                continue;
            }
            Node::Key(k) => *k,
        };
        match key {
            Key::Nine | Key::Zero | Key::Point | Key::D => r.digit(key),
            Key::Comma | Key::G => {
                if desc.fill || r.cur() != b',' {
                    continue;
                }
            }
            Key::L => {
                r.skip_non_data(1);
                continue;
            }
            Key::Th | Key::ThLower => {
                if !desc.decimal {
                    r.skip_non_data(2);
                }
                continue;
            }
            Key::Mi | Key::Pl | Key::Sg => {
                let c = r.cur();
                let matched = match key {
                    Key::Mi => c == b'-',
                    Key::Pl => c == b'+',
                    _ => c == b'-' || c == b'+',
                };
                if matched {
                    r.number[0] = c;
                } else {
                    r.skip_non_data(1);
                    continue;
                }
            }
            _ => continue,
        }
        r.pos += 1;
    }
    let mut number = r.number;
    if number.len() > 1 && number.last() == Some(&b'.') {
        number.pop();
    }
    let text = String::from_utf8_lossy(&number).into_owned();
    let scale = r.read_post;
    let precision = desc.pre + desc.multi + scale;
    // PostgreSQL builds the modifier in 32-bit arithmetic.
    #[expect(clippy::cast_possible_truncation, reason = "C's int arithmetic")]
    let typmod = (((precision as i32).wrapping_shl(16)) | scale as i32).wrapping_add(4);
    let mut value = super::numeric::parse(&text, typmod)?;
    if desc.multi_set {
        let factor = numeric_power(
            &Numeric::Fin(Dec::from_i64(10)),
            &Numeric::Fin(Dec::from_i64(-desc.multi)),
        )?;
        if let (Numeric::Fin(a), Numeric::Fin(b)) = (&value, &factor) {
            value = Numeric::Fin(mul(a, b).check()?);
        }
    }
    Ok(Value::Text(value.to_text()))
}

const TX: Type = Type::TEXT;

/// The catalog rows: `to_char` over the number types, `to_number`.
pub static FUNCTIONS: &[Builtin] = &[
    func(
        "to_char",
        &[Type::NUMERIC, TX],
        TX,
        "pg_numeric_to_char",
        numeric_to_char,
    )
    .with_volatility(crate::func::Volatility::Stable),
    func(
        "to_char",
        &[Type::INT4, TX],
        TX,
        "pg_to_char_int4",
        int4_to_char,
    )
    .with_volatility(crate::func::Volatility::Stable),
    func(
        "to_char",
        &[Type::INT8, TX],
        TX,
        "pg_int8_to_char",
        int8_to_char,
    )
    .with_volatility(crate::func::Volatility::Stable),
    func(
        "to_char",
        &[Type::FLOAT4, TX],
        TX,
        "pg_float4_to_char",
        float4_to_char,
    )
    .with_volatility(crate::func::Volatility::Stable),
    func(
        "to_char",
        &[Type::FLOAT8, TX],
        TX,
        "pg_float8_to_char",
        float8_to_char,
    )
    .with_volatility(crate::func::Volatility::Stable),
    func(
        "to_number",
        &[TX, TX],
        Type::NUMERIC,
        "pg_numeric_to_number",
        to_number,
    )
    .with_volatility(crate::func::Volatility::Stable),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::io;

    /// `testdata/to_char.tsv`: cases and what PostgreSQL 15 returned for each (generated by
    /// evaluating every line on the server; errors as `ERROR <sqlstate>: <message>`).
    const CASES: &str = include_str!("testdata/to_char.tsv");

    fn run(func: &str, ty: &str, value: &str, fmt: &str) -> String {
        let env = Env::default();
        let ty = Type::by_name(ty).unwrap_or_else(|| panic!("type {ty}"));
        let v = io::input(ty, &env, value, -1).unwrap_or_else(|e| panic!("{value}: {e}"));
        let args = [v, Value::Text(fmt.into())];
        let f = match (func, ty) {
            ("to_number", _) => to_number,
            (_, Type::NUMERIC) => numeric_to_char,
            (_, Type::INT4) => int4_to_char,
            (_, Type::INT8) => int8_to_char,
            (_, Type::FLOAT4) => float4_to_char,
            (_, Type::FLOAT8) => float8_to_char,
            _ => panic!("no {func} for {ty:?}"),
        };
        match f(&env, &args) {
            Ok(Value::Text(s)) => s,
            Ok(Value::Null) => "<NULL>".into(),
            Ok(other) => format!("{other:?}"),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    #[test]
    fn matches_postgresql() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in CASES.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [func, ty, value, fmt, want] = cols[..] else {
                panic!("bad line {line:?}");
            };
            n += 1;
            let got = run(func, ty, value, fmt);
            if got != want {
                failures.push(format!(
                    "{func}({value}::{ty}, '{fmt}'): got [{got}], want [{want}]"
                ));
            }
        }
        assert!(n > 1000);
        assert!(
            failures.is_empty(),
            "{} of {n} differ:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn long_formats() {
        let nines = |n: usize| "9".repeat(n);
        assert_eq!(
            run("to_char", "numeric", "1", &format!("V{}", nines(200_000))),
            "ERROR 22003: value overflows numeric format"
        );
        assert_eq!(
            run("to_char", "numeric", "1", &format!("V{}", nines(100_000))).len(),
            100_001
        );
        assert_eq!(
            run("to_char", "int8", "1", &format!("9.{}EEEE", nines(100_000))).len(),
            100_007
        );
        assert_eq!(
            run("to_char", "float8", "1", &format!("9.{}EEEE", nines(1000))).len(),
            1007
        );
        // Rounding stops at 16383 digits; the digit positions past them end the output.
        assert_eq!(
            run("to_char", "numeric", "1.5", &format!("9.{}", nines(20_000))).len(),
            16_386
        );
        assert_eq!(
            run(
                "to_char",
                "numeric",
                "1.5",
                &format!("FM9.{}", "0".repeat(20_000))
            )
            .len(),
            16_385
        );
        assert_eq!(run("to_char", "numeric", "1", &nines(20_000)).len(), 20_001);
        let big = format!("1{}", "0".repeat(5000));
        assert_eq!(
            run("to_number", "text", &big, &nines(5000)),
            format!("1{}", "0".repeat(4999))
        );
    }
}
