//! POSIX regular expressions as PostgreSQL 15 has them (its "advanced" flavour, ARE), carried
//! out by the `regex` crate: `~ ~* !~ !~*`, `substring(x from pattern)`, `regexp_replace`,
//! `regexp_match(es)`, `regexp_split_to_array/table`, `regexp_count/instr/like/substr`.
//!
//! A pattern is parsed here (with PostgreSQL's error messages, 2201B `invalid regular
//! expression: …`) into a small syntax tree, then written out in the `regex` crate's syntax:
//! linear-time matching, no backtracking. Translated as PostgreSQL means them in the C locale:
//! classes (`\d \s \w`, `[[:alpha:]]`…) and case-insensitivity cover ASCII only; `.` and
//! `[^…]` match newlines unless a newline-sensitive option (`n`, `p`, `w`) says otherwise;
//! `\m \M \y \Y \A \Z` and `[[:<:]] [[:>:]]` are ASCII word/string constraints; `\b` is a
//! backspace; embedded options `(?inx…)` and the `***=` / `***:` directors work; `x`
//! (expanded) syntax skips white space and `#` comments.
//!
//! Lookahead constraints work right after a leading `^` (`^(?=.*\d)(?!.*x).{8,}$`: checked
//! at the start of the string) and as one positive constraint ending the pattern
//! (`foo(?=bar)`: matched, then left out of the match).
//!
//! Extended REs (option `e`) and basic REs (option `b`) are read with their own rules (no
//! escapes in EREs; `\(…\)`, `\{m,n\}`, `\<`, `\>` in BREs).
//!
//! Not supported (0A000): back-references (`\1` inside a pattern), lookahead constraints
//! elsewhere, lookbehind constraints (`(?<=` `(?<!`). Named collating elements
//! (`[[.hyphen.]]`) are refused as invalid; single characters work.
//!
//! Matching semantics differ from PostgreSQL's in one way: PostgreSQL picks the longest (or
//! shortest) match as a whole, the `regex` crate the first by priority. Where it matters:
//! - alternation is ordered (`'3.14' ~ '\d+|\d+\.\d+'` matches `3`, PostgreSQL `3.14`),
//!   except that alternatives that are fixed strings are tried longest first and an empty
//!   alternative last (`a|ab` matches `ab` as in PostgreSQL);
//! - greediness follows PostgreSQL's rule where it can: an RE whose first quantifier is
//!   non-greedy is non-greedy as a whole (all its quantifiers prefer short matches) unless it
//!   is anchored at both ends; in a greedy RE a non-greedy quantifier that ends it is written
//!   greedy (`a+(b+?)` takes all the b's, as in PostgreSQL); a non-greedy quantified group
//!   prefers short matches inside; other mixes of greedy and non-greedy parts may split a
//!   match differently;
//! - a group inside a repeated group keeps its last successful capture (`((a)|b)+` on `ab`
//!   gives `a` for the inner group, PostgreSQL NULL).
//!
//! Compiled patterns are cached per thread (32, most recently used first), as PostgreSQL does.

use std::cell::RefCell;
use std::rc::Rc;

use super::{int_arg, text_arg, text_array_json};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::Rows;
use crate::value::Value;

/// How a pattern is read and matched.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ReFlags {
    pub icase: bool,
    /// `.` and `[^…]` do not match a newline.
    pub nlstop: bool,
    /// `^` and `$` also match at newlines.
    pub nlanch: bool,
    pub expanded: bool,
    pub flavor: Flavor,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Flavor {
    #[default]
    Advanced,
    Extended,
    Basic,
    Quote,
}

fn bad_re(msg: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_REGULAR_EXPRESSION,
        format!("invalid regular expression: {msg}"),
    )
}

fn unsupported(what: &str) -> SqlError {
    SqlError::not_supported(format!("regular expression {what} are not supported"))
}

const EPAREN: &str = "parentheses () not balanced";
const EBRACK: &str = "brackets [] not balanced";
const EBRACE: &str = "braces {} not balanced";
const BADBR: &str = "invalid repetition count(s)";
const BADRPT: &str = "quantifier operand invalid";
const EESCAPE: &str = "invalid escape \\ sequence";
const ERANGE: &str = "invalid character range";
const ECTYPE: &str = "invalid character class";
const ECOLLATE: &str = "invalid collating element";
const ESUBREG: &str = "invalid backreference number";
const BADOPT: &str = "invalid embedded option";
const ETOOBIG: &str = "regular expression is too complex";

/// PostgreSQL's `DUPMAX`: the largest repetition count.
const DUPMAX: u32 = 255;
/// Deepest nesting of parentheses accepted (bounds recursion).
const MAX_DEPTH: usize = 200;

/// Options of the regexp functions' `flags` argument → (flags, global).
pub fn parse_flags(opts: Option<&str>) -> Result<(ReFlags, bool)> {
    let mut f = ReFlags::default();
    let mut glob = false;
    for c in opts.unwrap_or_default().chars() {
        match c {
            'g' => glob = true,
            'b' => f.flavor = Flavor::Basic,
            'c' => f.icase = false,
            'e' => f.flavor = Flavor::Extended,
            'i' => f.icase = true,
            'm' | 'n' => {
                f.nlstop = true;
                f.nlanch = true;
            }
            'p' => {
                f.nlstop = true;
                f.nlanch = false;
            }
            'q' => f.flavor = Flavor::Quote,
            's' => {
                f.nlstop = false;
                f.nlanch = false;
            }
            't' => f.expanded = false,
            'w' => {
                f.nlstop = false;
                f.nlanch = true;
            }
            'x' => f.expanded = true,
            _ => {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("invalid regular expression option: \"{c}\""),
                ));
            }
        }
    }
    Ok((f, glob))
}

// ---- syntax tree ----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Greed {
    Greedy,
    Lazy,
}

#[derive(Debug)]
enum Node {
    Empty,
    Lit(char),
    /// Inclusive code point ranges; negated.
    Set(Vec<(u32, u32)>, bool),
    Dot,
    Bol,
    Eol,
    /// A zero-width assertion, written verbatim.
    Look(&'static str),
    Group(bool, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    /// inner, min, max, own greediness (None: a fixed count, greediness of the inner)
    Repeat(Box<Node>, u32, Option<u32>, Option<Greed>),
    /// A lookahead constraint: positive?, body.
    Ahead(bool, Box<Node>),
}

impl Node {
    /// PostgreSQL's greediness attribute.
    fn greed(&self) -> Option<Greed> {
        match self {
            Node::Repeat(inner, _, _, g) => g.or_else(|| inner.greed()),
            Node::Group(_, inner) => inner.greed(),
            Node::Concat(items) => items.iter().find_map(Node::greed),
            Node::Alt(items) => {
                if items.len() > 1 {
                    Some(Greed::Greedy)
                } else {
                    items.first().and_then(Node::greed)
                }
            }
            _ => None,
        }
    }

    /// Anchored at both ends (`^…$`), so its length is fixed by the subject.
    fn anchored_both(&self) -> bool {
        match self {
            Node::Concat(items) => {
                matches!(items.first(), Some(Node::Bol | Node::Look("\\A")))
                    && matches!(items.last(), Some(Node::Eol | Node::Look("\\z")))
            }
            Node::Alt(items) if items.len() == 1 => items.first().is_some_and(Node::anchored_both),
            _ => false,
        }
    }
}

const DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
const SPACE: &[(u32, u32)] = &[(0x09, 0x0d), (0x20, 0x20)];
const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5a), (0x5f, 0x5f), (0x61, 0x7a)];

/// A `[:name:]` class in the C locale (ASCII only).
fn named_class(name: &str) -> Option<&'static [(u32, u32)]> {
    Some(match name {
        "alnum" => &[(0x30, 0x39), (0x41, 0x5a), (0x61, 0x7a)],
        "alpha" => &[(0x41, 0x5a), (0x61, 0x7a)],
        "ascii" => &[(0x00, 0x7f)],
        "blank" => &[(0x09, 0x09), (0x20, 0x20)],
        "cntrl" => &[(0x00, 0x1f), (0x7f, 0x7f)],
        "digit" => DIGIT,
        "graph" => &[(0x21, 0x7e)],
        "lower" => &[(0x61, 0x7a)],
        "print" => &[(0x20, 0x7e)],
        "punct" => &[(0x21, 0x2f), (0x3a, 0x40), (0x5b, 0x60), (0x7b, 0x7e)],
        "space" => SPACE,
        "upper" => &[(0x41, 0x5a)],
        "xdigit" => &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
        "word" => WORD,
        _ => return None,
    })
}

/// The complement of sorted, non-overlapping ranges over all code points.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi.saturating_add(1);
    }
    if next <= 0x10ffff {
        out.push((next, 0x10ffff));
    }
    out
}

/// A parsed quantifier: (min, max, non-greedy marker, written `{m}`).
type Quantifier = (u32, Option<u32>, bool, bool);

struct Parser {
    chars: Vec<char>,
    pos: usize,
    flags: ReFlags,
    groups: usize,
    /// Inside a lookahead (whose parentheses do not capture).
    in_lookahead: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn rest_starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.peek_at(k) == Some(c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Expanded syntax: skips white space and `#` comments.
    fn skip_ws(&mut self) {
        if !self.flags.expanded {
            return;
        }
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
                self.pos += 1;
            } else if c == '#' {
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn parse_alt(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(bad_re(ETOOBIG));
        }
        let mut branches = vec![self.parse_branch(depth)?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.parse_branch(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn parse_branch(&mut self, depth: usize) -> Result<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some('|') => break,
                Some(')') if depth > 0 => break,
                Some(')') => return Err(bad_re(EPAREN)),
                Some(_) => items.push(self.parse_piece(depth)?),
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// A quantifier at the current position: (min, max, non-greedy marker, written `{m}`).
    fn quantifier(&mut self) -> Result<Option<Quantifier>> {
        let (min, max, fixed) = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None, false)
            }
            Some('+') => {
                self.pos += 1;
                (1, None, false)
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1), false)
            }
            Some('{') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.pos += 1;
                self.bound()?
            }
            _ => return Ok(None),
        };
        let lazy = self.peek() == Some('?');
        if lazy {
            self.pos += 1;
        }
        Ok(Some((min, max, lazy, fixed)))
    }

    /// After `{`: `m}`, `m,}`, `m,n}` → (min, max, written without a comma).
    fn bound(&mut self) -> Result<(u32, Option<u32>, bool)> {
        let min = self.number()?;
        let (max, fixed) = match self.peek() {
            None => return Err(bad_re(EBRACE)),
            Some(',') => {
                self.pos += 1;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    (Some(self.number()?), false)
                } else {
                    (None, false)
                }
            }
            Some(_) => (Some(min), true),
        };
        match self.peek() {
            None => return Err(bad_re(EBRACE)),
            Some('}') => self.pos += 1,
            Some(_) => return Err(bad_re(BADBR)),
        }
        if max.is_some_and(|m| m < min) {
            return Err(bad_re(BADBR));
        }
        Ok((min, max, fixed))
    }

    fn number(&mut self) -> Result<u32> {
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.pos += 1;
        }
        if n > DUPMAX {
            return Err(bad_re(BADBR));
        }
        Ok(n)
    }

    fn parse_piece(&mut self, depth: usize) -> Result<Node> {
        let (mut node, quantifiable) = self.parse_atom(depth)?;
        self.skip_ws();
        let Some((min, max, lazy, fixed)) = self.quantifier()? else {
            return Ok(node);
        };
        if !quantifiable {
            return Err(bad_re(BADRPT));
        }
        // PostgreSQL: `{m}` has the greediness of its atom, other quantifiers their own.
        let greed = if lazy {
            Some(Greed::Lazy)
        } else if fixed {
            None
        } else {
            Some(Greed::Greedy)
        };
        node = Node::Repeat(Box::new(node), min, max, greed);
        self.skip_ws();
        if self.quantifier_follows() {
            return Err(bad_re(BADRPT));
        }
        Ok(node)
    }

    fn quantifier_follows(&self) -> bool {
        match self.peek() {
            Some('*' | '+' | '?') => true,
            Some('{') => self.peek_at(1).is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        }
    }

    fn parse_atom(&mut self, depth: usize) -> Result<(Node, bool)> {
        let Some(c) = self.bump() else {
            return Ok((Node::Empty, false));
        };
        Ok(match c {
            '(' => {
                if self.flags.flavor == Flavor::Extended && self.peek() == Some('?') {
                    return Err(bad_re(BADRPT));
                }
                let capture = if self.peek() == Some('?') {
                    match (self.peek_at(1), self.peek_at(2)) {
                        (Some(':'), _) => {
                            self.pos += 2;
                            false
                        }
                        (Some(kind @ ('=' | '!')), _) => {
                            self.pos += 2;
                            self.in_lookahead += 1;
                            let inner = self.parse_alt(depth + 1)?;
                            self.in_lookahead -= 1;
                            if self.bump() != Some(')') {
                                return Err(bad_re(EPAREN));
                            }
                            return Ok((Node::Ahead(kind == '=', Box::new(inner)), false));
                        }
                        (Some('<'), Some('=' | '!')) => {
                            return Err(unsupported("lookbehind constraints"));
                        }
                        _ => return Err(bad_re(BADRPT)),
                    }
                } else if self.in_lookahead > 0 {
                    false
                } else {
                    self.groups += 1;
                    true
                };
                let inner = self.parse_alt(depth + 1)?;
                if self.bump() != Some(')') {
                    return Err(bad_re(EPAREN));
                }
                (Node::Group(capture, Box::new(inner)), true)
            }
            '[' => self.bracket_atom()?,
            '.' => (Node::Dot, true),
            '^' => (Node::Bol, false),
            '$' => (Node::Eol, false),
            '\\' => self.parse_escape()?,
            '*' | '+' | '?' => return Err(bad_re(BADRPT)),
            '{' if self.peek().is_some_and(|c| c.is_ascii_digit()) => {
                return Err(bad_re(BADRPT));
            }
            c => (Node::Lit(c), true),
        })
    }

    /// Hex digits: exactly `n`, or 1..=8 when `n` is 0.
    fn hex_digits(&mut self, n: usize) -> Result<char> {
        let mut v: u32 = 0;
        let mut count = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
            if (n > 0 && count == n) || count == 8 {
                break;
            }
            v = v * 16 + d;
            count += 1;
            self.pos += 1;
        }
        if count == 0 || (n > 0 && count != n) {
            return Err(bad_re(EESCAPE));
        }
        char::from_u32(v).ok_or_else(|| bad_re(EESCAPE))
    }

    /// Octal digits after a leading one already read (`first`), up to three in all.
    fn octal(&mut self, first: u32) -> Result<char> {
        let mut v = first;
        let mut count = 1;
        while count < 3 {
            match self.peek().and_then(|c| c.to_digit(8)) {
                Some(d) => {
                    v = v * 8 + d;
                    self.pos += 1;
                    count += 1;
                }
                None => break,
            }
        }
        char::from_u32(v).ok_or_else(|| bad_re(EESCAPE))
    }

    /// A character-entry escape after `\` (`c` already read), if `c` starts one.
    fn char_escape(&mut self, c: char) -> Result<Option<char>> {
        Ok(Some(match c {
            'a' => '\x07',
            'b' => '\x08',
            'B' => '\\',
            'c' => {
                let x = self.bump().ok_or_else(|| bad_re(EESCAPE))?;
                char::from_u32(u32::from(x) & 0x1f).unwrap_or('\0')
            }
            'e' => '\x1b',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            'u' => self.hex_digits(4)?,
            'U' => self.hex_digits(8)?,
            'x' => self.hex_digits(0)?,
            '0' => self.octal(0)?,
            _ => return Ok(None),
        }))
    }

    fn parse_escape(&mut self) -> Result<(Node, bool)> {
        let c = self.bump().ok_or_else(|| bad_re(EESCAPE))?;
        if self.flags.flavor == Flavor::Extended {
            // EREs have no escapes: a backslash quotes the next character.
            return Ok((Node::Lit(c), true));
        }
        if let Some(ch) = self.char_escape(c)? {
            return Ok((Node::Lit(ch), true));
        }
        Ok(match c {
            'd' => (Node::Set(DIGIT.to_vec(), false), true),
            's' => (Node::Set(SPACE.to_vec(), false), true),
            'w' => (Node::Set(WORD.to_vec(), false), true),
            // Unlike `[^…]`, these match a newline even in newline-sensitive mode.
            'D' => (Node::Set(complement(DIGIT), false), true),
            'S' => (Node::Set(complement(SPACE), false), true),
            'W' => (Node::Set(complement(WORD), false), true),
            'A' => (Node::Look("\\A"), false),
            'Z' => (Node::Look("\\z"), false),
            'm' => (Node::Look("(?-u:\\b{start})"), false),
            'M' => (Node::Look("(?-u:\\b{end})"), false),
            'y' => (Node::Look("(?-u:\\b)"), false),
            'Y' => (Node::Look("(?-u:\\B)"), false),
            '1'..='9' => {
                let start = self.pos - 1;
                let mut n: usize = 0;
                let mut end = start;
                while let Some(d) = self.chars.get(end).and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    end += 1;
                }
                let digits = end - start;
                if digits == 1 || n <= self.groups {
                    self.pos = end;
                    if n <= self.groups {
                        return Err(unsupported("back-references"));
                    }
                    return Err(bad_re(ESUBREG));
                }
                // A multi-digit number past the groups is an octal character.
                let first = c.to_digit(8).ok_or_else(|| bad_re(ESUBREG))?;
                (Node::Lit(self.octal(first)?), true)
            }
            c if c.is_ascii_alphanumeric() => return Err(bad_re(EESCAPE)),
            c => (Node::Lit(c), true),
        })
    }

    /// The atom after a `[`: the word-boundary forms `[[:<:]]` and `[[:>:]]` (not
    /// quantifiable), else a bracket expression.
    fn bracket_atom(&mut self) -> Result<(Node, bool)> {
        for (form, look) in [("[:<:]]", "(?-u:\\b{start})"), ("[:>:]]", "(?-u:\\b{end})")] {
            if self.rest_starts_with(form) {
                self.pos += form.len();
                return Ok((Node::Look(look), false));
            }
        }
        Ok((self.parse_bracket()?, true))
    }

    /// A basic RE (option `b`): `\\(…\\)` groups, `*` and `\\{m,n\\}` quantifiers, `^`/`$`
    /// anchors only at the ends of the RE or a group, `\\<`/`\\>` word constraints; other
    /// characters (and other escaped characters) are literal.
    fn parse_bre(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(bad_re(ETOOBIG));
        }
        let mut items: Vec<Node> = Vec::new();
        let mut at_start = true;
        loop {
            let closing = self.peek() == Some('\\') && self.peek_at(1) == Some(')');
            if self.peek().is_none() || closing {
                if closing && depth == 0 {
                    return Err(bad_re(EPAREN));
                }
                break;
            }
            let Some(c) = self.bump() else { break };
            let (atom, quantifiable) = match c {
                '^' if at_start && items.is_empty() => (Node::Bol, false),
                '$' if self.peek().is_none()
                    || (self.peek() == Some('\\') && self.peek_at(1) == Some(')')) =>
                {
                    (Node::Eol, false)
                }
                '*' if at_start => (Node::Lit('*'), true),
                '[' => self.bracket_atom()?,
                '.' => (Node::Dot, true),
                '\\' => match self.bump() {
                    None => return Err(bad_re(EESCAPE)),
                    Some('(') => {
                        self.groups += 1;
                        let inner = self.parse_bre(depth + 1)?;
                        if !(self.bump() == Some('\\') && self.bump() == Some(')')) {
                            return Err(bad_re(EPAREN));
                        }
                        (Node::Group(true, Box::new(inner)), true)
                    }
                    Some('{') => return Err(bad_re(BADRPT)),
                    Some('<') => (Node::Look("(?-u:\\b{start})"), false),
                    Some('>') => (Node::Look("(?-u:\\b{end})"), false),
                    Some(d @ '1'..='9') => {
                        let n = d as usize - '0' as usize;
                        return Err(if n <= self.groups {
                            unsupported("back-references")
                        } else {
                            bad_re(ESUBREG)
                        });
                    }
                    Some(other) => (Node::Lit(other), true),
                },
                other => (Node::Lit(other), true),
            };
            at_start = matches!(atom, Node::Bol);
            let mut node = atom;
            let bound = if !quantifiable {
                // A `*` after an anchor or constraint is an ordinary character.
                None
            } else if self.peek() == Some('*') {
                self.pos += 1;
                Some((0, None))
            } else if self.peek() == Some('\\') && self.peek_at(1) == Some('{') {
                self.pos += 2;
                Some(self.bre_bound()?)
            } else {
                None
            };
            if let Some((min, max)) = bound {
                if !quantifiable {
                    return Err(bad_re(BADRPT));
                }
                let greed = if max == Some(min) {
                    None
                } else {
                    Some(Greed::Greedy)
                };
                node = Node::Repeat(Box::new(node), min, max, greed);
                if self.peek() == Some('*')
                    || (self.peek() == Some('\\') && self.peek_at(1) == Some('{'))
                {
                    return Err(bad_re(BADRPT));
                }
            }
            items.push(node);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// After `\\{` in a basic RE: `m\\}`, `m,\\}`, `m,n\\}`.
    fn bre_bound(&mut self) -> Result<(u32, Option<u32>)> {
        let min = if self.peek() == Some(',') {
            0
        } else if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.number()?
        } else {
            return Err(bad_re(BADBR));
        };
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                Some(self.number()?)
            } else {
                None
            }
        } else {
            Some(min)
        };
        match (self.peek(), self.peek_at(1)) {
            (None, _) | (Some('\\'), None) => return Err(bad_re(EBRACE)),
            (Some('\\'), Some('}')) => self.pos += 2,
            _ => return Err(bad_re(BADBR)),
        }
        if max.is_some_and(|m| m < min) {
            return Err(bad_re(BADBR));
        }
        Ok((min, max))
    }

    /// A bracket expression after `[`.
    fn parse_bracket(&mut self) -> Result<Node> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items: Vec<(u32, u32)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.bump().ok_or_else(|| bad_re(EBRACK))?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let Some(start) = self.bracket_element(c, &mut items)? else {
                // A class cannot start a range.
                if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                    return Err(bad_re(ERANGE));
                }
                continue;
            };
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.pos += 1;
                let c2 = self.bump().ok_or_else(|| bad_re(EBRACK))?;
                let end = self.range_end(c2)?;
                if end < start {
                    return Err(bad_re(ERANGE));
                }
                items.push((u32::from(start), u32::from(end)));
                if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                    return Err(bad_re(ERANGE));
                }
            } else {
                items.push((u32::from(start), u32::from(start)));
            }
        }
        Ok(Node::Set(items, negated))
    }

    /// Reads `xxx` up to the terminator `end` followed by `]` (after `[:`, `[.`, `[=`).
    fn bracket_name(&mut self, end: char, err: &'static str) -> Result<String> {
        let mut name = String::new();
        loop {
            match self.bump() {
                None => return Err(bad_re(EBRACK)),
                Some(c) if c == end && self.peek() == Some(']') => {
                    self.pos += 1;
                    return Ok(name);
                }
                Some(c) => {
                    name.push(c);
                    if name.len() > 64 {
                        return Err(bad_re(err));
                    }
                }
            }
        }
    }

    /// One element of a bracket expression: a character (returned) or a class (added to
    /// `items`, returns None).
    fn bracket_element(&mut self, c: char, items: &mut Vec<(u32, u32)>) -> Result<Option<char>> {
        match (c, self.peek()) {
            ('[', Some(':')) => {
                self.pos += 1;
                let name = self.bracket_name(':', ECTYPE)?;
                let class = named_class(&name).ok_or_else(|| bad_re(ECTYPE))?;
                items.extend_from_slice(class);
                Ok(None)
            }
            ('[', Some('.')) => {
                self.pos += 1;
                Ok(Some(collating(&self.bracket_name('.', ECOLLATE)?)?))
            }
            ('[', Some('=')) => {
                self.pos += 1;
                let ch = collating(&self.bracket_name('=', ECOLLATE)?)?;
                items.push((u32::from(ch), u32::from(ch)));
                Ok(None)
            }
            ('\\', _) if self.flags.flavor == Flavor::Advanced => {
                let e = self.bump().ok_or_else(|| bad_re(EBRACK))?;
                if let Some(ch) = self.char_escape(e)? {
                    return Ok(Some(ch));
                }
                let class = match e {
                    'd' => DIGIT.to_vec(),
                    's' => SPACE.to_vec(),
                    'w' => WORD.to_vec(),
                    'D' => complement(DIGIT),
                    'S' => complement(SPACE),
                    'W' => complement(WORD),
                    c if c.is_ascii_alphanumeric() => return Err(bad_re(EESCAPE)),
                    c => return Ok(Some(c)),
                };
                items.extend(class);
                Ok(None)
            }
            _ => Ok(Some(c)),
        }
    }

    /// The end of a range after `-`.
    fn range_end(&mut self, c: char) -> Result<char> {
        match (c, self.peek()) {
            ('[', Some('.')) => {
                self.pos += 1;
                collating(&self.bracket_name('.', ECOLLATE)?)
            }
            ('[', Some(':' | '=')) => Err(bad_re(ERANGE)),
            ('\\', _) if self.flags.flavor == Flavor::Advanced => {
                let e = self.bump().ok_or_else(|| bad_re(EBRACK))?;
                match self.char_escape(e)? {
                    Some(ch) => Ok(ch),
                    None if e.is_ascii_alphanumeric() => Err(bad_re(ERANGE)),
                    None => Ok(e),
                }
            }
            _ => Ok(c),
        }
    }
}

/// A collating element: one character (named elements are not supported).
fn collating(name: &str) -> Result<char> {
    let mut it = name.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(bad_re(ECOLLATE)),
    }
}

/// Parses a pattern: (tree, number of capturing groups, flags after embedded options).
fn parse(pattern: &str, flags: ReFlags) -> Result<(Node, usize, ReFlags)> {
    let mut flags = flags;
    let mut chars: Vec<char> = pattern.chars().collect();
    if flags.flavor != Flavor::Quote {
        if pattern.starts_with("***=") {
            flags.flavor = Flavor::Quote;
            chars.drain(..4);
        } else if pattern.starts_with("***:") {
            flags.flavor = Flavor::Advanced;
            chars.drain(..4);
        }
    }
    let mut p = Parser {
        chars,
        pos: 0,
        flags,
        groups: 0,
        in_lookahead: 0,
    };
    if p.flags.flavor == Flavor::Advanced
        && p.peek() == Some('(')
        && p.peek_at(1) == Some('?')
        && p.peek_at(2).is_some_and(|c| c.is_ascii_alphabetic())
    {
        p.pos += 2;
        loop {
            match p.bump() {
                Some(')') => break,
                Some('b') => p.flags.flavor = Flavor::Basic,
                Some('c') => p.flags.icase = false,
                Some('e') => p.flags.flavor = Flavor::Extended,
                Some('i') => p.flags.icase = true,
                Some('m' | 'n') => {
                    p.flags.nlstop = true;
                    p.flags.nlanch = true;
                }
                Some('p') => {
                    p.flags.nlstop = true;
                    p.flags.nlanch = false;
                }
                Some('q') => p.flags.flavor = Flavor::Quote,
                Some('s') => {
                    p.flags.nlstop = false;
                    p.flags.nlanch = false;
                }
                Some('t') => p.flags.expanded = false,
                Some('w') => {
                    p.flags.nlstop = false;
                    p.flags.nlanch = true;
                }
                Some('x') => p.flags.expanded = true,
                _ => return Err(bad_re(BADOPT)),
            }
        }
    }
    match p.flags.flavor {
        Flavor::Quote => {
            let rest: Vec<Node> = p
                .chars
                .get(p.pos..)
                .unwrap_or_default()
                .iter()
                .map(|c| Node::Lit(*c))
                .collect();
            return Ok((Node::Concat(rest), 0, p.flags));
        }
        Flavor::Basic | Flavor::Advanced | Flavor::Extended => {}
    }
    let node = if p.flags.flavor == Flavor::Basic {
        p.parse_bre(0)?
    } else {
        p.parse_alt(0)?
    };
    if p.pos < p.chars.len() {
        return Err(bad_re(EPAREN));
    }
    Ok((node, p.groups, p.flags))
}

// ---- writing the `regex` crate's syntax ----

fn push_code_point(out: &mut String, cp: u32) {
    match char::from_u32(cp) {
        Some(c) if c.is_ascii_alphanumeric() => out.push(c),
        Some(c) if !c.is_ascii() && !c.is_control() && !c.is_whitespace() => out.push(c),
        _ => out.push_str(&format!("\\x{{{cp:X}}}")),
    }
}

/// Adds the other-case counterparts of ASCII letters in `ranges`.
fn with_ascii_case(ranges: &mut Vec<(u32, u32)>) {
    let mut extra = Vec::new();
    for &(lo, hi) in ranges.iter() {
        for (a, b, shift) in [(0x41u32, 0x5au32, 0x20u32), (0x61, 0x7a, 0)] {
            let (l, h) = (lo.max(a), hi.min(b));
            if l <= h {
                if shift > 0 {
                    extra.push((l + shift, h + shift));
                } else {
                    extra.push((l - 0x20, h - 0x20));
                }
            }
        }
    }
    ranges.extend(extra);
}

/// A code point range with endpoints that are characters (surrogates skipped).
fn char_range(lo: u32, hi: u32) -> Option<(u32, u32)> {
    let lo = if (0xd800..=0xdfff).contains(&lo) {
        0xe000
    } else {
        lo
    };
    let hi = if (0xd800..=0xdfff).contains(&hi) {
        0xd7ff
    } else {
        hi
    };
    (lo <= hi && hi <= 0x10ffff).then_some((lo, hi))
}

/// The length of a node that matches one fixed string (None otherwise).
fn literal_len(n: &Node) -> Option<usize> {
    match n {
        Node::Empty => Some(0),
        Node::Lit(_) => Some(1),
        Node::Concat(items) => items.iter().map(literal_len).sum(),
        _ => None,
    }
}

fn has_group(n: &Node) -> bool {
    match n {
        Node::Group(capture, inner) => *capture || has_group(inner),
        Node::Concat(items) | Node::Alt(items) => items.iter().any(has_group),
        Node::Repeat(inner, ..) => has_group(inner),
        _ => false,
    }
}

/// The order to try alternatives in. PostgreSQL takes the longest match of an alternation;
/// the `regex` crate the first alternative that matches. Where it changes no group number
/// (no alternative has a group), a greedy alternation of fixed strings is tried longest
/// first, and an empty alternative always last.
fn alternatives_in_order(items: &[Node], force: Option<Greed>) -> Vec<&Node> {
    let mut order: Vec<&Node> = items.iter().collect();
    if force == Some(Greed::Lazy) || items.iter().any(has_group) {
        return order;
    }
    let lens: Option<Vec<usize>> = items.iter().map(literal_len).collect();
    match lens {
        Some(_) => order.sort_by_key(|n| std::cmp::Reverse(literal_len(n).unwrap_or(0))),
        None => order.sort_by_key(|n| matches!(n, Node::Empty)),
    }
    order
}

struct Writer {
    flags: ReFlags,
    out: String,
}

impl Writer {
    fn set(&mut self, ranges: &[(u32, u32)], negated: bool) {
        let mut r = ranges.to_vec();
        if self.flags.icase {
            with_ascii_case(&mut r);
        }
        if negated && self.flags.nlstop {
            r.push((0x0a, 0x0a));
        }
        r.sort_unstable();
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        let mut any = false;
        for (lo, hi) in r {
            let Some((lo, hi)) = char_range(lo, hi) else {
                continue;
            };
            any = true;
            push_code_point(&mut self.out, lo);
            if hi > lo {
                self.out.push('-');
                push_code_point(&mut self.out, hi);
            }
        }
        if !any {
            // An empty set: matches nothing (negated: anything).
            self.out.push_str("\\x{0}&&\\x{1}");
        }
        self.out.push(']');
    }

    fn lit(&mut self, c: char) {
        if self.flags.icase && c.is_ascii_alphabetic() {
            self.out.push('[');
            self.out.push(c.to_ascii_lowercase());
            self.out.push(c.to_ascii_uppercase());
            self.out.push(']');
        } else {
            push_code_point(&mut self.out, u32::from(c));
        }
    }

    /// `force`: a greediness imposed on every quantifier inside.
    fn node(&mut self, n: &Node, force: Option<Greed>) {
        match n {
            Node::Empty => self.out.push_str("(?:)"),
            Node::Lit(c) => self.lit(*c),
            Node::Set(r, neg) => self.set(r, *neg),
            Node::Dot => self.out.push_str(if self.flags.nlstop {
                "[^\\n]"
            } else {
                "(?s:.)"
            }),
            Node::Bol => self
                .out
                .push_str(if self.flags.nlanch { "(?m:^)" } else { "^" }),
            Node::Eol => self
                .out
                .push_str(if self.flags.nlanch { "(?m:$)" } else { "$" }),
            Node::Look(s) => self.out.push_str(s),
            // Split off by `translate`; anything left matches nothing.
            Node::Ahead(..) => self.out.push_str("[\\x{0}&&\\x{1}]"),
            Node::Group(capture, inner) => {
                self.out.push_str(if *capture { "(" } else { "(?:" });
                self.node(inner, force);
                self.out.push(')');
            }
            Node::Concat(items) => {
                for i in items {
                    self.node(i, force);
                }
            }
            Node::Alt(items) => {
                self.out.push_str("(?:");
                for (k, i) in alternatives_in_order(items, force).into_iter().enumerate() {
                    if k > 0 {
                        self.out.push('|');
                    }
                    self.node(i, force);
                }
                self.out.push(')');
            }
            Node::Repeat(inner, min, max, greed) => {
                let own = greed.or_else(|| inner.greed()).unwrap_or(Greed::Greedy);
                let eff = force.unwrap_or(own);
                let inner_force = if eff == Greed::Lazy {
                    Some(Greed::Lazy)
                } else {
                    force
                };
                self.out.push_str("(?:");
                self.node(inner, inner_force);
                self.out.push(')');
                match max {
                    Some(m) if m == min => self.out.push_str(&format!("{{{min}}}")),
                    Some(m) => self.out.push_str(&format!("{{{min},{m}}}")),
                    None => self.out.push_str(&format!("{{{min},}}")),
                }
                if eff == Greed::Lazy {
                    self.out.push('?');
                }
            }
        }
    }
}

fn contains_ahead(n: &Node) -> bool {
    match n {
        Node::Ahead(..) => true,
        Node::Group(_, inner) | Node::Repeat(inner, ..) => contains_ahead(inner),
        Node::Concat(items) | Node::Alt(items) => items.iter().any(contains_ahead),
        _ => false,
    }
}

/// A pattern in the `regex` crate's syntax.
pub struct Translated {
    /// The pattern without its lookahead constraints.
    pub main: String,
    /// PostgreSQL's number of capturing groups.
    pub groups: usize,
    /// Lookahead constraints at the start of a pattern anchored at the start of the string:
    /// (pattern anchored there, positive?).
    pub pre: Vec<(String, bool)>,
    /// `main` ends with a hidden group that is a trailing positive lookahead: the match ends
    /// where that group starts.
    pub tail: bool,
}

/// The tree without the lookahead constraints minipg carries out, which are returned apart:
/// positive or negative ones right after a leading `^` (or `\A`), and one positive
/// constraint ending the pattern.
type SplitTree = (Node, Vec<(Node, bool)>, Option<Node>);

fn split_lookaheads(node: Node, flags: ReFlags) -> Result<SplitTree> {
    let mut pre = Vec::new();
    let mut tail = None;
    let node = match node {
        ahead @ Node::Ahead(..) => Node::Concat(vec![ahead]),
        other => other,
    };
    let node = match node {
        Node::Concat(mut items) => {
            let anchored = match items.first() {
                Some(Node::Bol) => !flags.nlanch,
                Some(Node::Look(l)) => *l == "\\A",
                _ => false,
            };
            if anchored {
                while items.len() > 1 && matches!(items.get(1), Some(Node::Ahead(..))) {
                    if let Node::Ahead(positive, body) = items.remove(1) {
                        pre.push((*body, positive));
                    }
                }
            }
            if matches!(items.last(), Some(Node::Ahead(true, _)))
                && let Some(Node::Ahead(_, body)) = items.pop()
            {
                tail = Some(*body);
            }
            Node::Concat(items)
        }
        other => other,
    };
    let nested = contains_ahead(&node)
        || pre.iter().any(|(b, _)| contains_ahead(b))
        || tail.as_ref().is_some_and(contains_ahead);
    if nested {
        return Err(SqlError::not_supported(
            "regular expression lookahead constraints are supported only right after a leading ^ and at the end of the pattern",
        ));
    }
    Ok((node, pre, tail))
}

/// In a greedy RE PostgreSQL takes the longest match as a whole, so a non-greedy quantifier
/// that ends the RE (nothing after it can limit it) matches as much as it can: it is written
/// greedy.
fn promote_trailing(n: &mut Node) {
    match n {
        Node::Repeat(inner, _, _, g) => {
            if *g == Some(Greed::Lazy) {
                *g = Some(Greed::Greedy);
            }
            promote_trailing(inner);
        }
        Node::Group(_, inner) => promote_trailing(inner),
        Node::Concat(items) => {
            if let Some(last) = items.last_mut() {
                promote_trailing(last);
            }
        }
        Node::Alt(items) => items.iter_mut().for_each(promote_trailing),
        _ => {}
    }
}

/// The `regex` crate's spelling of a PostgreSQL pattern.
pub fn translate(pattern: &str, flags: ReFlags) -> Result<Translated> {
    let (node, groups, flags) = parse(pattern, flags)?;
    let (mut node, pre, tail) = split_lookaheads(node, flags)?;
    let force = match node.greed() {
        Some(Greed::Lazy) if !node.anchored_both() => Some(Greed::Lazy),
        _ => None,
    };
    if force.is_none() && tail.is_none() {
        promote_trailing(&mut node);
    }
    let mut w = Writer {
        flags,
        out: String::with_capacity(pattern.len() * 2),
    };
    w.node(&node, force);
    if let Some(t) = &tail {
        w.out.push('(');
        w.node(t, force);
        w.out.push(')');
    }
    let pre = pre
        .iter()
        .map(|(body, positive)| {
            let mut pw = Writer {
                flags,
                out: String::from("\\A(?:"),
            };
            pw.node(body, None);
            pw.out.push(')');
            (pw.out, *positive)
        })
        .collect();
    Ok(Translated {
        main: w.out,
        groups,
        pre,
        tail: tail.is_some(),
    })
}

/// A compiled pattern.
pub struct Compiled {
    pub re: regex::Regex,
    /// PostgreSQL's number of capturing groups.
    pub groups: usize,
    /// Conditions on the start of the string (leading lookahead constraints).
    pre: Vec<(regex::Regex, bool)>,
    /// The last group of `re` is a trailing lookahead (not part of the match).
    tail: bool,
}

impl Compiled {
    /// The leading lookahead constraints hold.
    fn pre_ok(&self, s: &str) -> bool {
        self.pre
            .iter()
            .all(|(r, positive)| r.is_match(s) == *positive)
    }

    /// Does the pattern match anywhere in `s`?
    pub fn is_match(&self, s: &str) -> bool {
        self.pre_ok(s) && self.re.is_match(s)
    }
}

fn build(src: &str) -> Result<regex::Regex> {
    regex::RegexBuilder::new(src)
        .size_limit(64 << 20)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => bad_re(ETOOBIG),
            other => bad_re(&other.to_string()),
        })
}

const CACHE_SIZE: usize = 32;

type CacheEntry = (String, ReFlags, Rc<Compiled>);

thread_local! {
    static CACHE: RefCell<Vec<CacheEntry>> = const { RefCell::new(Vec::new()) };
}

/// Compiles (or finds in the cache) a pattern.
pub fn compile(pattern: &str, flags: ReFlags) -> Result<Rc<Compiled>> {
    let hit = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(p, f, _)| p == pattern && *f == flags)?;
        let e = c.remove(i);
        let re = Rc::clone(&e.2);
        c.insert(0, e);
        Some(re)
    });
    if let Some(re) = hit {
        return Ok(re);
    }
    let t = translate(pattern, flags)?;
    let pre = t
        .pre
        .iter()
        .map(|(src, positive)| Ok((build(src)?, *positive)))
        .collect::<Result<Vec<_>>>()?;
    let compiled = Rc::new(Compiled {
        re: build(&t.main)?,
        groups: t.groups,
        pre,
        tail: t.tail,
    });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.insert(0, (pattern.to_string(), flags, Rc::clone(&compiled)));
        c.truncate(CACHE_SIZE);
    });
    Ok(compiled)
}

// ---- matching helpers ----

/// One match: byte spans of the whole match (index 0) and of each group.
type Spans = Vec<Option<(usize, usize)>>;

/// The match at or after byte `start`, with its groups.
fn match_at(c: &Compiled, s: &str, start: usize) -> Option<Spans> {
    if !c.pre_ok(s) {
        return None;
    }
    let mut locs = c.re.capture_locations();
    c.re.captures_read_at(&mut locs, s, start)?;
    let mut spans: Spans = (0..locs.len()).map(|i| locs.get(i)).collect();
    if c.tail {
        // The hidden last group is the lookahead: the match ends where it starts.
        let ahead = spans.pop().flatten();
        if let (Some(Some((so, _))), Some((at, _))) = (spans.first().copied(), ahead) {
            spans[0] = Some((so, at));
        }
    }
    Some(spans)
}

/// PostgreSQL's iteration over successive matches from byte `start`: after an empty match the
/// next search starts one character later; an empty match right after a match counts.
struct Matches {
    re: Rc<Compiled>,
    s: Rc<str>,
    next: Option<usize>,
}

impl Matches {
    fn new(re: Rc<Compiled>, s: Rc<str>, start: usize) -> Matches {
        let next = (start <= s.len()).then_some(start);
        Matches { re, s, next }
    }
}

impl Iterator for Matches {
    type Item = Spans;

    fn next(&mut self) -> Option<Spans> {
        let start = self.next?;
        let m = match_at(&self.re, &self.s, start);
        let Some(spans) = m else {
            self.next = None;
            return None;
        };
        let (so, eo) = spans.first().copied().flatten().unwrap_or((start, start));
        self.next = if so == eo {
            self.s
                .get(eo..)
                .and_then(|r| r.chars().next())
                .map(|c| eo + c.len_utf8())
        } else {
            Some(eo)
        };
        Some(spans)
    }
}

/// Byte offset of the 1-based character position `start` (None: past the end + 1).
fn start_offset(s: &str, start: i64) -> Option<usize> {
    let skip = usize::try_from(start - 1).ok()?;
    if skip == 0 {
        return Some(0);
    }
    let mut it = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    it.nth(skip)
}

/// 1-based character position of byte offset `b`.
fn char_pos(s: &str, b: usize) -> i64 {
    i64::try_from(s.get(..b).map_or(0, |p| p.chars().count())).unwrap_or(i64::MAX) + 1
}

fn flags_arg(args: &[Value], i: usize) -> Result<Option<String>> {
    if args.len() > i {
        Ok(Some(text_arg(args, i)?.into_owned()))
    } else {
        Ok(None)
    }
}

fn no_global(func: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        format!("{func} does not support the \"global\" option"),
    )
}

fn bad_param(name: &str, v: i64) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        format!("invalid value for parameter \"{name}\": {v}"),
    )
}

/// Compiles with flags given as text, refusing `g` for `func` when named.
fn compile_opts(
    pattern: &str,
    opts: Option<&str>,
    no_g: Option<&str>,
) -> Result<(Rc<Compiled>, bool)> {
    let (flags, glob) = parse_flags(opts)?;
    if glob && let Some(func) = no_g {
        let e = no_global(func);
        return Err(if func == "regexp_match()" {
            e.with_hint("Use the regexp_matches function instead.")
        } else {
            e
        });
    }
    Ok((compile(pattern, flags)?, glob))
}

fn regex_match(args: &[Value], icase: bool) -> Result<bool> {
    let s = text_arg(args, 0)?;
    let p = text_arg(args, 1)?;
    let flags = ReFlags {
        icase,
        ..ReFlags::default()
    };
    Ok(compile(&p, flags)?.is_match(&s))
}

/// `~`
pub fn regex_eq(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(regex_match(args, false)?))
}

/// `!~`
pub fn regex_ne(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(!regex_match(args, false)?))
}

/// `~*`
pub fn regex_ieq(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(regex_match(args, true)?))
}

/// `!~*`
pub fn regex_ine(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(!regex_match(args, true)?))
}

/// The text of a span.
fn span_text(s: &str, span: Option<(usize, usize)>) -> Option<&str> {
    span.and_then(|(a, b)| s.get(a..b))
}

/// `substring(text from pattern)`: the first group's match if the pattern has groups, else
/// the whole match; NULL when nothing (or the group) did not match.
pub fn substring_regex_str(s: &str, c: &Compiled) -> Option<String> {
    let spans = match_at(c, s, 0)?;
    let i = usize::from(c.groups > 0);
    span_text(s, spans.get(i).copied().flatten()).map(str::to_string)
}

pub fn substring_regex(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let c = compile(&text_arg(args, 1)?, ReFlags::default())?;
    Ok(substring_regex_str(&s, &c).map_or(Value::Null, Value::Text))
}

/// `substring(text similar pattern escape escape)` = `substring(text, similar_to_escape(…))`.
pub fn substring_similar(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let pat = super::like::similar_to_regex(&text_arg(args, 1)?, Some(&text_arg(args, 2)?))?;
    let c = compile(&pat, ReFlags::default())?;
    Ok(substring_regex_str(&s, &c).map_or(Value::Null, Value::Text))
}

/// Appends the replacement for one match: `\1`…`\9` groups, `\&` the match, `\\` a backslash.
fn push_replacement(out: &mut String, s: &str, spans: &Spans, groups: usize, repl: &str) {
    let mut it = repl.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some(d @ '1'..='9') => {
                it.next();
                let n = d as usize - '0' as usize;
                if n <= groups
                    && let Some(t) = span_text(s, spans.get(n).copied().flatten())
                {
                    out.push_str(t);
                }
            }
            Some('&') => {
                it.next();
                if let Some(t) = span_text(s, spans.first().copied().flatten()) {
                    out.push_str(t);
                }
            }
            Some('\\') => {
                it.next();
                out.push('\\');
            }
            _ => out.push('\\'),
        }
    }
}

/// Replaces the `n`-th match (0: every match) at or after byte `start`.
fn replace_impl(s: &str, c: &Rc<Compiled>, repl: &str, start: usize, n: usize) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let shared: Rc<str> = Rc::from(s);
    for (k, spans) in Matches::new(Rc::clone(c), shared, start).enumerate() {
        if n != 0 && k + 1 < n {
            continue;
        }
        let Some((so, eo)) = spans.first().copied().flatten() else {
            continue;
        };
        out.push_str(s.get(copied..so).unwrap_or_default());
        push_replacement(&mut out, s, &spans, c.groups, repl);
        copied = eo;
        if i64::try_from(out.len()).unwrap_or(i64::MAX) > super::strings::MAX_ALLOC {
            return Err(super::strings::too_large());
        }
        if n != 0 {
            break;
        }
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    Ok(out)
}

/// `regexp_replace(source, pattern, replacement[, flags])`.
pub fn regexp_replace(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let p = text_arg(args, 1)?;
    let r = text_arg(args, 2)?;
    let opts = flags_arg(args, 3)?;
    let (c, glob) = compile_opts(&p, opts.as_deref(), None)?;
    Ok(Value::Text(replace_impl(
        &s,
        &c,
        &r,
        0,
        usize::from(!glob),
    )?))
}

/// `regexp_replace(source, pattern, replacement, start[, n[, flags]])` (PostgreSQL 15).
pub fn regexp_replace_ext(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let p = text_arg(args, 1)?;
    let r = text_arg(args, 2)?;
    let start = int_arg(args, 3)?;
    if start <= 0 {
        return Err(bad_param("start", start));
    }
    let n = if args.len() > 4 { int_arg(args, 4)? } else { 1 };
    if n < 0 {
        return Err(bad_param("n", n));
    }
    let opts = flags_arg(args, 5)?;
    let (c, _) = compile_opts(&p, opts.as_deref(), None)?;
    let Some(from) = start_offset(&s, start) else {
        return Ok(Value::Text(s.into_owned()));
    };
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    Ok(Value::Text(replace_impl(&s, &c, &r, from, n)?))
}

/// The text[] (JSON storage form) of one match: its groups, or the whole match.
fn match_array(s: &str, spans: &Spans, groups: usize) -> String {
    let items: Vec<Option<&str>> = if groups == 0 {
        vec![span_text(s, spans.first().copied().flatten())]
    } else {
        (1..=groups)
            .map(|i| span_text(s, spans.get(i).copied().flatten()))
            .collect()
    };
    text_array_json(&items)
}

/// `regexp_match(string, pattern[, flags])`.
pub fn regexp_match(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let opts = flags_arg(args, 2)?;
    let (c, _) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), Some("regexp_match()"))?;
    Ok(match match_at(&c, &s, 0) {
        Some(spans) => Value::Text(match_array(&s, &spans, c.groups)),
        None => Value::Null,
    })
}

/// `regexp_matches(string, pattern[, flags])`: one text[] row per match (all with `g`).
pub fn regexp_matches(_env: &Env, args: &[Value]) -> Result<Rows> {
    let s: Rc<str> = Rc::from(text_arg(args, 0)?.as_ref());
    let opts = flags_arg(args, 2)?;
    let (c, glob) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), None)?;
    let groups = c.groups;
    let subject = Rc::clone(&s);
    let it = Matches::new(c, s, 0)
        .take(if glob { usize::MAX } else { 1 })
        .map(move |spans| Ok(vec![Value::Text(match_array(&subject, &spans, groups))]));
    Ok(Box::new(it))
}

/// The pieces between matches, skipping PostgreSQL's "degenerate" matches (empty ones at the
/// start, at the end, or right after a match).
struct Split {
    matches: Matches,
    s: Rc<str>,
    prev_end: usize,
    field_start: usize,
    done: bool,
}

impl Iterator for Split {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        for spans in self.matches.by_ref() {
            let Some((so, eo)) = spans.first().copied().flatten() else {
                continue;
            };
            let keep = so < self.s.len() && eo > self.prev_end;
            self.prev_end = eo;
            if keep {
                let piece = self
                    .s
                    .get(self.field_start..so)
                    .unwrap_or_default()
                    .to_string();
                self.field_start = eo;
                return Some(piece);
            }
        }
        self.done = true;
        Some(
            self.s
                .get(self.field_start..)
                .unwrap_or_default()
                .to_string(),
        )
    }
}

fn split(args: &[Value], func: &str) -> Result<Split> {
    let s: Rc<str> = Rc::from(text_arg(args, 0)?.as_ref());
    let opts = flags_arg(args, 2)?;
    let (c, _) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), Some(func))?;
    Ok(Split {
        matches: Matches::new(c, Rc::clone(&s), 0),
        s,
        prev_end: 0,
        field_start: 0,
        done: false,
    })
}

/// `regexp_split_to_array(string, pattern[, flags])`.
pub fn regexp_split_to_array(_env: &Env, args: &[Value]) -> Result<Value> {
    let pieces: Vec<String> = split(args, "regexp_split_to_array()")?.collect();
    let items: Vec<Option<&str>> = pieces.iter().map(|p| Some(p.as_str())).collect();
    Ok(Value::Text(text_array_json(&items)))
}

/// `regexp_split_to_table(string, pattern[, flags])`.
pub fn regexp_split_to_table(_env: &Env, args: &[Value]) -> Result<Rows> {
    let it = split(args, "regexp_split_to_table()")?.map(|p| Ok(vec![Value::Text(p)]));
    Ok(Box::new(it))
}

/// The start argument at `i` (default 1), checked.
fn start_arg(args: &[Value], i: usize) -> Result<i64> {
    let start = if args.len() > i { int_arg(args, i)? } else { 1 };
    if start <= 0 {
        return Err(bad_param("start", start));
    }
    Ok(start)
}

/// `regexp_count(string, pattern[, start[, flags]])`.
pub fn regexp_count(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let start = start_arg(args, 2)?;
    let opts = flags_arg(args, 3)?;
    let (c, _) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), Some("regexp_count()"))?;
    let Some(from) = start_offset(&s, start) else {
        return Ok(Value::Int(0));
    };
    let n = Matches::new(c, Rc::from(s.as_ref()), from).count();
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// The `n`-th match from character `start`.
fn nth_match(s: &str, c: Rc<Compiled>, start: i64, n: i64) -> Option<Spans> {
    let from = start_offset(s, start)?;
    let k = usize::try_from(n - 1).ok()?;
    Matches::new(c, Rc::from(s), from).nth(k)
}

/// The span index of `subexpr` (0: the whole match). As in PostgreSQL, a pattern without
/// groups has one "subexpression", the whole match.
fn group_index(subexpr: i64, groups: usize) -> Option<usize> {
    let sub = usize::try_from(subexpr).ok()?;
    if sub > groups.max(1) {
        None
    } else if groups == 0 {
        Some(0)
    } else {
        Some(sub)
    }
}

/// `regexp_instr(string, pattern[, start[, n[, endoption[, flags[, subexpr]]]]])`.
pub fn regexp_instr(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let start = start_arg(args, 2)?;
    let n = if args.len() > 3 { int_arg(args, 3)? } else { 1 };
    if n <= 0 {
        return Err(bad_param("n", n));
    }
    let endoption = if args.len() > 4 { int_arg(args, 4)? } else { 0 };
    if endoption != 0 && endoption != 1 {
        return Err(bad_param("endoption", endoption));
    }
    let opts = flags_arg(args, 5)?;
    let sub = if args.len() > 6 { int_arg(args, 6)? } else { 0 };
    if sub < 0 {
        return Err(bad_param("subexpr", sub));
    }
    let (c, _) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), Some("regexp_instr()"))?;
    let Some(sub) = group_index(sub, c.groups) else {
        return Ok(Value::Int(0));
    };
    let pos = nth_match(&s, c, start, n)
        .and_then(|spans| spans.get(sub).copied().flatten())
        .map_or(0, |(so, eo)| {
            char_pos(&s, if endoption == 1 { eo } else { so })
        });
    Ok(Value::Int(pos))
}

/// `regexp_like(string, pattern[, flags])`.
pub fn regexp_like(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let opts = flags_arg(args, 2)?;
    let (c, _) = compile_opts(&text_arg(args, 1)?, opts.as_deref(), Some("regexp_like()"))?;
    Ok(Value::from(c.is_match(&s)))
}

/// `regexp_substr(string, pattern[, start[, n[, flags[, subexpr]]]])`.
pub fn regexp_substr(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let start = start_arg(args, 2)?;
    let n = if args.len() > 3 { int_arg(args, 3)? } else { 1 };
    if n <= 0 {
        return Err(bad_param("n", n));
    }
    let opts = flags_arg(args, 4)?;
    let sub = if args.len() > 5 { int_arg(args, 5)? } else { 0 };
    if sub < 0 {
        return Err(bad_param("subexpr", sub));
    }
    let (c, _) = compile_opts(
        &text_arg(args, 1)?,
        opts.as_deref(),
        Some("regexp_substr()"),
    )?;
    let Some(sub) = group_index(sub, c.groups) else {
        return Ok(Value::Null);
    };
    Ok(nth_match(&s, c, start, n)
        .and_then(|spans| span_text(&s, spans.get(sub).copied().flatten()).map(str::to_string))
        .map_or(Value::Null, Value::Text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::default()
    }
    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn i(n: i64) -> Value {
        Value::Int(n)
    }
    fn m(s: &str, p: &str) -> bool {
        regex_eq(&env(), &[t(s), t(p)]).unwrap() == Value::Int(1)
    }
    fn mi(s: &str, p: &str) -> bool {
        regex_ieq(&env(), &[t(s), t(p)]).unwrap() == Value::Int(1)
    }
    fn re_err(p: &str) -> String {
        let e = regex_eq(&env(), &[t("a"), t(p)]).unwrap_err();
        assert_eq!(
            e.sqlstate,
            crate::sqlstate::INVALID_REGULAR_EXPRESSION,
            "{p}: {}",
            e.message
        );
        e.message
    }
    fn rows(r: Result<Rows>) -> Vec<Value> {
        r.unwrap().map(|row| row.unwrap().remove(0)).collect()
    }

    #[test]
    fn regex_crate_accepts_what_we_emit() {
        for p in [
            "(?-u:\\b{start})a",
            "a(?-u:\\b{end})",
            "(?-u:\\b)",
            "(?-u:\\B)",
            "[\\x{0}&&\\x{1}]",
        ] {
            assert!(regex::Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn syntax_errors_match_postgresql() {
        // Messages from PostgreSQL 15 for: select 'a' ~ '<pattern>'
        let cases = [
            ("(", EPAREN),
            (")", EPAREN),
            ("[a", EBRACK),
            ("a{2", EBRACE),
            ("a{300}", BADBR),
            ("a{2,1}", BADBR),
            ("a{2x}", BADBR),
            ("a{1,2,3}", BADBR),
            ("*a", BADRPT),
            ("a**", BADRPT),
            ("a(?x)", BADRPT),
            ("^*", BADRPT),
            ("\\m*", BADRPT),
            ("b(?i)A", BADRPT),
            ("(?i)(?i)a", BADRPT),
            ("\\q", EESCAPE),
            ("a\\", EESCAPE),
            ("(?z)a", BADOPT),
            ("[[:foo:]]", ECTYPE),
            ("[z-a]", ERANGE),
            ("[a-c-e]", ERANGE),
            ("\\1", ESUBREG),
            ("[\\d-z]", ERANGE),
            ("[[:alpha:]-z]", ERANGE),
            ("[[:<:]]*", BADRPT),
            ("[a[:<:]]", ECTYPE),
        ];
        for (p, msg) in cases {
            assert_eq!(
                re_err(p),
                format!("invalid regular expression: {msg}"),
                "{p}"
            );
        }
        let e = regex_eq(&env(), &[t("a"), t("a(?=b)c")]).unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::FEATURE_NOT_SUPPORTED);
        let e = regex_eq(&env(), &[t("a"), t("(?<=a)b")]).unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::FEATURE_NOT_SUPPORTED);
        let e = regex_eq(&env(), &[t("aa"), t("(a)\\1")]).unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::FEATURE_NOT_SUPPORTED);
    }

    #[test]
    fn matching_as_postgresql() {
        // Results of select '<s>' ~ '<p>' on PostgreSQL 15 (C locale).
        // (operator, string, pattern, result)
        let cases = [
            ("~", "é", "^.$", true),
            ("~", "é", "^[^a]$", true),
            ("~", "é", "^\\w$", false),
            ("~", "é", "^[[:alpha:]]$", false),
            ("~*", "É", "é", false),
            ("~*", "ABC", "b", true),
            ("~", "a{", "a{", true),
            ("~", "a{x", "a{x", true),
            ("~", "a", "a{,2}", false),
            ("~", "a", "[\\D]", true),
            ("~", "ab", "[a[b]", true),
            ("~", "a]", "[]a]", true),
            ("~", "a", "", true),
            ("~", "a", "a|", true),
            ("~", "a", "()", true),
            ("~", "a", "(?i)A", true),
            ("~", "a", "***=a+", false),
            ("~", "a+", "***=a+", true),
            ("~", "ab", "***:(?i)A", true),
            ("~", "a", "(?x) a # comment", true),
            ("~", "a b", "(?x)a\\ b", true),
            ("~", "a b", "(?x)a[ ]b", true),
            ("~", "\\", "\\B", true),
            ("~", "A", "\\x41", true),
            ("~", "A", "\\u0041", true),
            ("~", "A", "\\101", true),
            ("~", "a", "[[.a.]]", true),
            ("~", "a", "[[=a=]]", true),
            ("~", "a", "[[:word:]]", true),
            ("~", "-", "[a-]", true),
            ("~", "a\nb", "a.b", true),
            ("~", "a\nb", "(?n)a.b", false),
            ("~", "a\nb", "(?n)^b", true),
            ("~", "a\nb", "^b", false),
            ("~", "a\nb", "(?n)a[^x]b", false),
            ("~", "a\nb", "(?n)a\\Db", true),
            ("~", "a\nb", "(?p)^b", false),
            ("~", "a\nb", "(?w)^b", true),
            ("~", "a\nb", "(?w)a.b", true),
            ("~", "foo bar", "\\mbar\\M", true),
            ("~", "é", "\\é", true),
            ("~", "é", "[\\é]", true),
            ("~", "foo bar", "[[:<:]]bar", true),
            ("~", "foobar", "[[:<:]]bar", false),
            ("~", "foo bar", "foo[[:>:]]", true),
            ("~", "foobar", "\\mbar", false),
            ("~", "foo bar", "o\\y", true),
            ("~", "foobar", "o\\Yb", true),
            ("~", "abc", "\\Aabc\\Z", true),
            ("~*", "aBc", "[a-b]+C", true),
            ("~*", "x", "[^X]", false),
            ("~", "\u{8}", "\\b", true),
        ];
        for (op, s, p, expected) in cases {
            let got = if op == "~*" { mi(s, p) } else { m(s, p) };
            assert_eq!(got, expected, "{s:?} {op} {p:?}");
        }
        assert_eq!(
            regex_ne(&env(), &[t("abc"), t("b")]).unwrap(),
            Value::Int(0)
        );
        assert_eq!(
            regex_ine(&env(), &[t("abc"), t("B")]).unwrap(),
            Value::Int(0)
        );
    }

    #[test]
    fn substring_forms() {
        let sub = |s: &str, p: &str| substring_regex(&env(), &[t(s), t(p)]).unwrap();
        assert_eq!(sub("foobar", "o(.)b"), t("o"));
        assert_eq!(sub("foobar", "z"), Value::Null);
        assert_eq!(sub("Thomas", "...$"), t("mas"));
        assert_eq!(sub("foo", "(x)?foo"), Value::Null);
        // PostgreSQL's greediness examples.
        assert_eq!(sub("XY1234Z", "Y*([0-9]{1,3})"), t("123"));
        assert_eq!(sub("XY1234Z", "Y*?([0-9]{1,3})"), t("1"));
        let sim = |s: &str, p: &str| substring_similar(&env(), &[t(s), t(p), t("#")]).unwrap();
        assert_eq!(sim("foobar", "%#\"o_b#\"%"), t("oob"));
        assert_eq!(sim("foobar", "f#\"o%#\""), t("oobar"));
        assert_eq!(sim("foobar", "#\"x#\"%"), Value::Null);
        assert_eq!(sim("abab", "%#\"ab#\"%"), t("ab"));
        assert_eq!(sim("aaa", "#\"a%#\"%"), t("aaa"));
    }

    #[test]
    fn replace_forms() {
        let rr = |args: &[Value]| regexp_replace(&env(), args);
        let rx = |args: &[Value]| regexp_replace_ext(&env(), args);
        assert_eq!(rr(&[t("abcabc"), t("b"), t("X")]).unwrap(), t("aXcabc"));
        assert_eq!(
            rr(&[t("abcabc"), t("b"), t("X"), t("g")]).unwrap(),
            t("aXcaXc")
        );
        assert_eq!(
            rr(&[
                t("abcabc"),
                t("(b)(c)"),
                t("[\\2\\1\\&\\\\\\3\\0\\q]"),
                t("g")
            ])
            .unwrap(),
            t("a[cbbc\\\\0\\q]a[cbbc\\\\0\\q]")
        );
        assert_eq!(
            rx(&[t("abcabc"), t("b"), t("X"), i(3)]).unwrap(),
            t("abcaXc")
        );
        assert_eq!(
            rx(&[t("abcabc"), t("b"), t("X"), i(1), i(2)]).unwrap(),
            t("abcaXc")
        );
        assert_eq!(
            rx(&[t("abcabc"), t("b"), t("X"), i(1), i(0)]).unwrap(),
            t("aXcaXc")
        );
        let e = rx(&[t("abcabc"), t("b"), t("X"), i(0)]).unwrap_err();
        assert_eq!(e.message, "invalid value for parameter \"start\": 0");
        let e = rx(&[t("abcabc"), t("b"), t("X"), i(1), i(-1)]).unwrap_err();
        assert_eq!(e.message, "invalid value for parameter \"n\": -1");
        assert_eq!(
            rx(&[t("abcabc"), t("B"), t("X"), i(1), i(1), t("gi")]).unwrap(),
            t("aXcabc")
        );
        let e = rr(&[t("abc"), t("b"), t("X"), t("z")]).unwrap_err();
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE,
                "invalid regular expression option: \"z\""
            )
        );
        assert_eq!(
            rr(&[t("abc"), t(""), t("X"), t("g")]).unwrap(),
            t("XaXbXcX")
        );
        assert_eq!(
            rr(&[t("abc"), t("x*"), t("-"), t("g")]).unwrap(),
            t("-a-b-c-")
        );
        assert_eq!(
            rr(&[t("baaac"), t("a*"), t("-"), t("g")]).unwrap(),
            t("-b--c-")
        );
        assert_eq!(rx(&[t("abc"), t("^"), t("X"), i(2)]).unwrap(), t("abc"));
        assert_eq!(rx(&[t("abc"), t("b"), t("X"), i(9)]).unwrap(), t("abc"));
        assert_eq!(
            rr(&[t("Hello World"), t("o"), t("0"), t("gi")]).unwrap(),
            t("Hell0 W0rld")
        );
    }

    #[test]
    fn match_and_split() {
        let rm = |args: &[Value]| regexp_match(&env(), args);
        // regexp_match(string, pattern) as PostgreSQL 15 returns it (greedy REs take the
        // longest match as a whole; alternations of fixed strings the longest alternative).
        for (string, pattern, expected) in [
            ("foobarbequebaz", "(bar)(beque)", "[\"bar\",\"beque\"]"),
            ("foobarbequebaz", "bar", "[\"bar\"]"),
            ("foo", "(x)?foo", "[null]"),
            ("abc01234xyz", "(.*?)(\\d+)(.*)", "[\"abc\",\"0\",\"\"]"),
            (
                "abc01234xyz",
                "(?:(.*?)(\\d+)(.*)){1,1}",
                "[\"abc\",\"01234\",\"xyz\"]",
            ),
            ("abc123", ".*?(\\d+)", "[\"1\"]"),
            ("aabbb", "a+(b+?)", "[\"bbb\"]"),
            ("abc abc", "-*[a-c]{2,3}?", "[\"abc\"]"),
            ("bbb", "(?:[[:alpha:]]*?)?", "[\"bbb\"]"),
            ("aab x12", "\\w*?|a+\\..", "[\"aab\"]"),
            ("ab", "a|ab", "[\"ab\"]"),
            ("abc", "(|a)", "[\"a\"]"),
            ("integer", "^(?:in|int|integer)", "[\"integer\"]"),
        ] {
            assert_eq!(
                rm(&[t(string), t(pattern)]).unwrap(),
                t(expected),
                "{pattern}"
            );
        }
        assert_eq!(rm(&[t("foo"), t("x")]).unwrap(), Value::Null);
        let e = rm(&[t("a"), t("a"), t("g")]).unwrap_err();
        assert_eq!(
            e.message,
            "regexp_match() does not support the \"global\" option"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("Use the regexp_matches function instead.")
        );
        assert_eq!(
            rows(regexp_matches(&env(), &[t("baaac"), t("a*"), t("g")])),
            vec![t("[\"\"]"), t("[\"aaa\"]"), t("[\"\"]"), t("[\"\"]")]
        );
        assert_eq!(
            rows(regexp_matches(&env(), &[t("abab"), t("(a)(b)")])),
            vec![t("[\"a\",\"b\"]")]
        );
        let sa = |s: &str, p: &str| regexp_split_to_array(&env(), &[t(s), t(p)]).unwrap();
        assert_eq!(sa("hello world", "\\s+"), t("[\"hello\",\"world\"]"));
        assert_eq!(sa("hello", ""), t("[\"h\",\"e\",\"l\",\"l\",\"o\"]"));
        assert_eq!(sa("hello", "x*"), t("[\"h\",\"e\",\"l\",\"l\",\"o\"]"));
        assert_eq!(sa("", "x"), t("[\"\"]"));
        assert_eq!(sa(",a,", ","), t("[\"\",\"a\",\"\"]"));
        assert_eq!(sa("baaac", "a*"), t("[\"b\",\"c\"]"));
        assert_eq!(
            rows(regexp_split_to_table(&env(), &[t("a1b22c"), t("\\d+")])),
            vec![t("a"), t("b"), t("c")]
        );
        let e = regexp_split_to_array(&env(), &[t("a"), t("a"), t("g")]).unwrap_err();
        assert_eq!(
            e.message,
            "regexp_split_to_array() does not support the \"global\" option"
        );
    }

    #[test]
    fn count_instr_like_substr() {
        let e = env();
        assert_eq!(
            regexp_count(&e, &[t("ABCABCAXYaxy"), t("A.")]).unwrap(),
            i(3)
        );
        assert_eq!(
            regexp_count(&e, &[t("ABCABCAXYaxy"), t("A."), i(1), t("i")]).unwrap(),
            i(4)
        );
        assert_eq!(
            regexp_count(&e, &[t("abc"), t("b"), i(0)])
                .unwrap_err()
                .message,
            "invalid value for parameter \"start\": 0"
        );
        assert_eq!(regexp_count(&e, &[t("abc"), t(""), i(1)]).unwrap(), i(4));
        assert_eq!(regexp_count(&e, &[t("abc"), t(""), i(4)]).unwrap(), i(1));
        assert_eq!(regexp_count(&e, &[t("abc"), t(""), i(5)]).unwrap(), i(0));
        assert_eq!(regexp_count(&e, &[t("aaa"), t("a"), i(5)]).unwrap(), i(0));
        assert_eq!(regexp_count(&e, &[t("xabc"), t("^a"), i(2)]).unwrap(), i(0));
        assert_eq!(
            regexp_count(&e, &[t("abc"), t("b"), i(1), t("g")])
                .unwrap_err()
                .message,
            "regexp_count() does not support the \"global\" option"
        );
        let instr = |args: &[Value]| regexp_instr(&e, args);
        assert_eq!(
            instr(&[t("ABCDEF"), t("c(.)(..)"), i(1), i(1), i(0), t("i"), i(2)]).unwrap(),
            i(5)
        );
        assert_eq!(
            instr(&[t("ABCDEF"), t("c(.)(..)"), i(1), i(1), i(1), t("i"), i(2)]).unwrap(),
            i(7)
        );
        assert_eq!(instr(&[t("abc"), t("x")]).unwrap(), i(0));
        assert_eq!(instr(&[t("abc"), t("")]).unwrap(), i(1));
        assert_eq!(instr(&[t("abc"), t(""), i(4)]).unwrap(), i(4));
        assert_eq!(
            instr(&[t("héllo"), t("l+"), i(1), i(1), i(1)]).unwrap(),
            i(5)
        );
        assert_eq!(
            instr(&[t("abc"), t("b"), i(1), i(1), i(2)])
                .unwrap_err()
                .message,
            "invalid value for parameter \"endoption\": 2"
        );
        assert_eq!(
            instr(&[t("abc"), t("b"), i(1), i(0)]).unwrap_err().message,
            "invalid value for parameter \"n\": 0"
        );
        assert_eq!(
            instr(&[t("abc"), t("(b)"), i(1), i(1), i(0), t(""), i(3)]).unwrap(),
            i(0)
        );
        assert_eq!(
            instr(&[t("abc"), t("b"), i(1), i(1), i(0), t(""), i(-1)])
                .unwrap_err()
                .message,
            "invalid value for parameter \"subexpr\": -1"
        );
        assert_eq!(
            regexp_like(&e, &[t("Hello"), t("hello"), t("i")]).unwrap(),
            i(1)
        );
        assert_eq!(
            regexp_substr(&e, &[t("ABCDEF"), t("c(.)(..)"), i(1), i(1), t("i"), i(2)]).unwrap(),
            t("EF")
        );
        assert_eq!(regexp_substr(&e, &[t("abc"), t("x")]).unwrap(), Value::Null);
        assert_eq!(
            regexp_substr(&e, &[t("a1b2c3"), t("\\d"), i(1), i(2)]).unwrap(),
            t("2")
        );
        assert_eq!(
            regexp_substr(&e, &[t("abc"), t("b"), i(1), i(0)])
                .unwrap_err()
                .message,
            "invalid value for parameter \"n\": 0"
        );
    }

    #[test]
    fn basic_and_extended_flavours() {
        // Results of select '<s>' ~ '(?b)<p>' / '(?e)<p>' on PostgreSQL 15.
        assert!(m("ab", "(?b)\\(a\\)b"));
        assert!(m("a+", "(?b)a+"));
        assert!(m("aa", "(?b)a\\{2\\}"));
        assert!(m("*a", "(?b)*a"));
        assert!(m("a^", "(?b)a^"));
        assert!(!m("x", "(?b)\\d"));
        assert!(m("foo bar", "(?b)\\<bar"));
        assert!(m("a|b", "(?b)a|b"));
        assert!(m("a", "(?b)\\(^a\\)"));
        assert!(!m("b", "(?b)\\(*b\\)"));
        assert!(m(".", "(?b)\\."));
        assert!(m("ab", "(?b)a\\{,2\\}"));
        assert!(!m("ab", "(?b)^*a"));
        assert!(m("d", "(?e)\\d"));
        assert!(!m("1", "(?e)\\d"));
        assert!(m("\\", "(?e)[\\d]"));
        assert_eq!(
            re_err("(?e)(?:a)"),
            format!("invalid regular expression: {BADRPT}")
        );
        assert_eq!(
            re_err("(?b)a\\{2"),
            format!("invalid regular expression: {EBRACE}")
        );
        assert_eq!(
            re_err("(?b)\\(a"),
            format!("invalid regular expression: {EPAREN}")
        );
        assert_eq!(
            regexp_match(&env(), &[t("xaay"), t("x\\(a*\\)*y"), t("b")]).unwrap(),
            t("[\"aa\"]")
        );
    }

    #[test]
    fn lookahead_constraints() {
        // Results from PostgreSQL 15.
        let pw = "^(?=.*\\d)(?=.*[a-z]).{8,}$";
        assert!(m("abc1defg", pw));
        assert!(!m("abcdefgh", pw));
        assert!(m("abc1", "^(?!.*x)"));
        assert!(!m("abx1", "^(?!.*x)"));
        assert!(!m("a", "a(?=a)"));
        assert!(m("xyz", "(?=x)"));
        assert!(!m("abc", "(?=x)"));
        let e = env();
        assert_eq!(
            regexp_replace(&e, &[t("foobar foobaz"), t("foo(?=bar)"), t("X"), t("g")]).unwrap(),
            t("Xbar foobaz")
        );
        assert_eq!(
            regexp_match(&e, &[t("foobar"), t("(fo)o(?=(b)ar)")]).unwrap(),
            t("[\"fo\"]")
        );
        assert_eq!(
            rows(regexp_matches(&e, &[t("aaa"), t("a(?=a)"), t("g")])),
            vec![t("[\"a\"]"), t("[\"a\"]")]
        );
        assert_eq!(
            substring_regex(&e, &[t("price: 100 USD"), t("\\d+(?= USD)")]).unwrap(),
            t("100")
        );
        assert_eq!(regexp_count(&e, &[t("aaaa"), t("a(?=a)")]).unwrap(), i(3));
    }

    #[test]
    fn linear_time_on_hostile_patterns() {
        let s = "a".repeat(10_000);
        assert!(!m(&s, "^(a+)+$b"));
        assert!(!m(&s, "(a|aa)*c"));
    }

    #[test]
    fn arbitrary_patterns_never_panic() {
        // A small deterministic generator over the characters that matter to the parser.
        const ALPHABET: &[&str] = &[
            "(", ")", "[", "]", "{", "}", "\\", "^", "$", "*", "+", "?", "|", ".", "-", ":", "=",
            "!", "<", ">", "a", "B", "1", "9", ",", "d", "w", "x", "u", "é", " ", "#", "\n", "***",
            "(?", "[[:", ":]]", "[.", "=]", "\\m", "\\y", "(?=", "(?!",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        let e = env();
        for _ in 0..3000 {
            let len = next(8) + 1;
            let p: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect();
            let flags = ["", "i", "x", "n", "q", "e", "p", "w", "g"][next(9)];
            for s in ["", "aB1 é\n", "((a))[]"] {
                let _ = regexp_replace(&e, &[t(s), t(&p), t("<\\1\\&>"), t(flags)]);
                let _ = regexp_match(&e, &[t(s), t(&p)]);
                let _ = regex_ieq(&e, &[t(s), t(&p)]);
                let _ = regexp_split_to_array(&e, &[t(s), t(&p)]);
                let _ = super::super::like::text_like(s, &p);
            }
        }
    }
}
