//! Expressions shown as PostgreSQL shows them (`pg_get_expr`, `pg_get_constraintdef`,
//! `pg_get_indexdef`, `pg_get_viewdef`): `CHECK (length(e::text) > 1)`,
//! `'x'::character varying`, `(d = ANY (ARRAY['x'::text, 'y'::text]))`.
//!
//! minipg keeps a CHECK constraint, an index expression or predicate and a view's query as the
//! SQLite text the front end emitted (runtime symbols such as `pg_int4pl`, constants in their
//! types' storage form), and a column default as the PostgreSQL text the client wrote. Both
//! are parsed here with sqlparser and printed back in PostgreSQL's conventions: runtime
//! symbols become the operator or function they implement, constants get their type label
//! where PostgreSQL prints one (`'x'::text`, `'-1'::integer`, `1::numeric`), implicit
//! coercions of arguments show as casts (`lower(e::text)`), `IN (…)` is `= ANY (ARRAY[…])`.
//! Pretty mode (psql's `\d`) drops the parentheses PostgreSQL's pretty printer drops; the
//! plain mode (pg_dump's) parenthesizes every operator.
//!
//! Invariant: never fails — text it cannot parse is returned as it came, and a construct it
//! does not know is printed in SQL close to the original. Types are inferred only as far as
//! the labels need them: the columns' types, literals typed by what they meet.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use sql::func::{Builtin, CastImp, Imp, Kind};
use sql::types::{Type, Typmod, format_type};
use sql::{Env, Value};
use sqlparser::ast;
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::quote::quote_identifier;

/// A column an expression may name: its name and type.
#[derive(Clone, Debug)]
pub(crate) struct ColumnType {
    pub name: String,
    pub ty: Type,
}

/// Where a constant appears: in a default PostgreSQL hides implicit coercions of numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Default,
    Expr,
}

/// An expression as PostgreSQL's deparser sees it.
#[derive(Clone, Debug)]
enum Node {
    Column(String, Type),
    /// A literal: its value (storage form when `stored`, else PostgreSQL input text) and the
    /// type it was given (resolved from context when `None`).
    Const {
        value: Value,
        stored: bool,
        ty: Option<Type>,
    },
    Null,
    Bool(bool),
    Op {
        op: String,
        left: Option<Box<Node>>,
        right: Box<Node>,
        ty: Type,
    },
    Func {
        name: String,
        args: Vec<Node>,
        ty: Type,
        /// SQL syntax without parentheses (`CURRENT_USER`).
        bare: bool,
    },
    Cast(Box<Node>, Type, Typmod),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    NullTest(Box<Node>, bool),
    ArrayOp {
        left: Box<Node>,
        op: String,
        array: Box<Node>,
        all: bool,
    },
    Array(Vec<Node>, Type),
    Coalesce(Vec<Node>, Type),
    Case {
        operand: Option<Box<Node>>,
        whens: Vec<(Node, Node)>,
        else_: Option<Box<Node>>,
        ty: Type,
    },
    /// Printed as it is.
    Raw(String),
}

impl Node {
    /// An operation (operator, AND, OR, NOT, null test, array comparison): parenthesized by
    /// PostgreSQL's non-pretty output, and inside a pretty cast.
    fn is_operation(&self) -> bool {
        matches!(
            self,
            Node::Op { .. }
                | Node::And(_)
                | Node::Or(_)
                | Node::Not(_)
                | Node::NullTest(..)
                | Node::ArrayOp { .. }
        )
    }

    fn ty(&self) -> Option<Type> {
        match self {
            Node::Column(_, t) | Node::Cast(_, t, _) | Node::Array(_, t) => Some(*t),
            Node::Const { ty, .. } => *ty,
            Node::Null | Node::Raw(_) => None,
            Node::Bool(_)
            | Node::And(_)
            | Node::Or(_)
            | Node::Not(_)
            | Node::NullTest(..)
            | Node::ArrayOp { .. } => Some(Type::BOOL),
            Node::Op { ty, .. } | Node::Func { ty, .. } | Node::Coalesce(_, ty) => {
                (*ty != Type::UNKNOWN).then_some(*ty)
            }
            Node::Case { ty, .. } => (*ty != Type::UNKNOWN).then_some(*ty),
        }
    }

    /// Gives an untyped literal (or list of them) the type `t`.
    fn settle(&mut self, t: Type) {
        match self {
            Node::Const { ty, .. } if ty.is_none() => *ty = Some(t),
            Node::Case {
                whens, else_, ty, ..
            } if *ty == Type::UNKNOWN => {
                *ty = t;
                for (_, r) in whens {
                    r.settle(t);
                }
                if let Some(e) = else_ {
                    e.settle(t);
                }
            }
            Node::Coalesce(items, ty) if *ty == Type::UNKNOWN => {
                *ty = t;
                for i in items {
                    i.settle(t);
                }
            }
            _ => {}
        }
    }

    fn is_simple_call(&self) -> bool {
        matches!(
            self,
            Node::Func { .. } | Node::Coalesce(..) | Node::Column(..) | Node::Const { .. }
        )
    }
}

/// What a runtime symbol stands for.
#[derive(Clone, Copy)]
enum Symbol {
    Builtin(&'static Builtin),
    Cast(Type),
}

/// Builds the symbol map now (see `spi::warm`).
pub(crate) fn warm() {
    symbols();
}

fn symbols() -> &'static HashMap<&'static str, Symbol> {
    static MAP: OnceLock<HashMap<&'static str, Symbol>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for b in sql::func::builtins() {
            let symbol = match b.imp {
                Imp::Scalar { symbol, .. }
                | Imp::Aggregate { symbol, .. }
                | Imp::Table { symbol, .. }
                | Imp::Host { symbol } => symbol,
                Imp::Sqlite(_) | Imp::SqliteOp(_) | Imp::Special => continue,
            };
            m.entry(symbol).or_insert(Symbol::Builtin(b));
        }
        for c in sql::func::casts() {
            if let CastImp::Func { symbol, .. } = c.imp {
                m.entry(symbol).or_insert(Symbol::Cast(c.to));
            }
        }
        m
    })
}

/// The first function row named `name` taking `n` arguments.
fn builtin_named(name: &str, n: usize) -> Option<&'static Builtin> {
    sql::func::builtins()
        .filter(|b| b.kind != Kind::Operator && b.name == name)
        .find(|b| b.args.len() == n || (b.variadic && n + 1 >= b.args.len()))
}

/// Functions PostgreSQL prints as SQL keywords without parentheses.
fn keyword_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "current_user" => "CURRENT_USER",
        "session_user" => "SESSION_USER",
        "current_timestamp" => "CURRENT_TIMESTAMP",
        "current_date" => "CURRENT_DATE",
        "current_time" => "CURRENT_TIME",
        "localtimestamp" => "LOCALTIMESTAMP",
        "localtime" => "LOCALTIME",
        "current_schema" => "CURRENT_SCHEMA",
        "current_catalog" => "CURRENT_CATALOG",
        _ => return None,
    })
}

fn ident_text(i: &ast::Ident, folding: bool) -> String {
    if i.quote_style.is_some() || !folding {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// Turns parsed SQL into a [`Node`].
struct Builder<'a> {
    columns: &'a [ColumnType],
    /// The text is SQLite's (constants stored, runtime symbols) rather than PostgreSQL's.
    sqlite: bool,
}

impl Builder<'_> {
    fn column(&self, name: &str) -> Node {
        let ty = self
            .columns
            .iter()
            .find(|c| c.name == name)
            .map_or(Type::UNKNOWN, |c| c.ty);
        Node::Column(quote_identifier(name).into_owned(), ty)
    }

    fn number(&self, text: &str) -> Node {
        if let Ok(i) = text.parse::<i64>() {
            let ty = if i32::try_from(i).is_ok() {
                Type::INT4
            } else {
                Type::INT8
            };
            return Node::Const {
                value: Value::Int(i),
                stored: true,
                ty: if self.sqlite { None } else { Some(ty) },
            };
        }
        if self.sqlite
            && let Ok(f) = text.parse::<f64>()
        {
            return Node::Const {
                value: Value::Float(f),
                stored: true,
                ty: None,
            };
        }
        Node::Const {
            value: Value::Text(text.to_string()),
            stored: false,
            ty: Some(Type::NUMERIC),
        }
    }

    fn build(&self, e: &ast::Expr) -> Node {
        use ast::Expr as E;
        match e {
            E::Identifier(i) => self.column(&ident_text(i, !self.sqlite)),
            E::CompoundIdentifier(parts) => {
                let names: Vec<String> =
                    parts.iter().map(|p| ident_text(p, !self.sqlite)).collect();
                match names.last() {
                    Some(last) => {
                        let mut n = self.column(last);
                        if let Node::Column(text, _) = &mut n {
                            *text = names
                                .iter()
                                .map(|p| quote_identifier(p).into_owned())
                                .collect::<Vec<_>>()
                                .join(".");
                        }
                        n
                    }
                    None => Node::Raw(e.to_string()),
                }
            }
            E::Nested(x) | E::Collate { expr: x, .. } => self.build(x),
            E::Value(v) => self.value(&v.value),
            E::UnaryOp { op, expr } => {
                let inner = self.build(expr);
                match op {
                    ast::UnaryOperator::Not => Node::Not(Box::new(inner)),
                    ast::UnaryOperator::Minus => match inner {
                        Node::Const {
                            value: Value::Int(i),
                            stored,
                            ty,
                        } => Node::Const {
                            value: Value::Int(i.saturating_neg()),
                            stored,
                            ty,
                        },
                        Node::Const {
                            value: Value::Float(f),
                            stored,
                            ty,
                        } => Node::Const {
                            value: Value::Float(-f),
                            stored,
                            ty,
                        },
                        Node::Const {
                            value: Value::Text(t),
                            stored,
                            ty,
                        } if ty == Some(Type::NUMERIC) => Node::Const {
                            value: Value::Text(format!("-{t}")),
                            stored,
                            ty,
                        },
                        other => {
                            let ty = other.ty().unwrap_or(Type::UNKNOWN);
                            Node::Op {
                                op: "-".into(),
                                left: None,
                                right: Box::new(other),
                                ty,
                            }
                        }
                    },
                    other => {
                        let ty = inner.ty().unwrap_or(Type::UNKNOWN);
                        Node::Op {
                            op: other.to_string(),
                            left: None,
                            right: Box::new(inner),
                            ty,
                        }
                    }
                }
            }
            E::BinaryOp { left, op, right } => self.binary(left, op, right),
            E::IsNull(x) => Node::NullTest(Box::new(self.build(x)), false),
            E::IsNotNull(x) => Node::NullTest(Box::new(self.build(x)), true),
            E::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                ..
            } => {
                let mut left = self.build(expr);
                let mut items: Vec<Node> = list.iter().map(|x| self.build(x)).collect();
                let t = left
                    .ty()
                    .or_else(|| items.iter().find_map(Node::ty))
                    .unwrap_or(Type::TEXT);
                left.settle(t);
                for i in &mut items {
                    i.settle(t);
                }
                Node::ArrayOp {
                    left: Box::new(left),
                    op: if *negated { "<>" } else { "=" }.into(),
                    array: Box::new(Node::Array(items, t.array_of().unwrap_or(Type::TEXT_ARRAY))),
                    all: *negated,
                }
            }
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let x = self.build(expr);
                let mut lo = self.build(low);
                let mut hi = self.build(high);
                if let Some(t) = x.ty() {
                    lo.settle(t);
                    hi.settle(t);
                }
                if *negated {
                    Node::Or(vec![
                        op_node("<", x.clone(), lo, Type::BOOL),
                        op_node(">", x, hi, Type::BOOL),
                    ])
                } else {
                    Node::And(vec![
                        op_node(">=", x.clone(), lo, Type::BOOL),
                        op_node("<=", x, hi, Type::BOOL),
                    ])
                }
            }
            E::Like {
                negated,
                expr,
                pattern,
                ..
            } => self.like(expr, pattern, if *negated { "!~~" } else { "~~" }),
            E::ILike {
                negated,
                expr,
                pattern,
                ..
            } => self.like(expr, pattern, if *negated { "!~~*" } else { "~~*" }),
            E::Function(f) => self.function(f),
            E::Cast {
                expr, data_type, ..
            } => {
                let mut inner = self.build(expr);
                let (ty, typmod) = data_type_of(data_type);
                if matches!(inner, Node::Const { ty: None, .. }) {
                    inner.settle(ty);
                    return inner;
                }
                Node::Cast(Box::new(inner), ty, typmod)
            }
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let operand = operand.as_ref().map(|o| Box::new(self.build(o)));
                let mut whens: Vec<(Node, Node)> = conditions
                    .iter()
                    .map(|w| (self.build(&w.condition), self.build(&w.result)))
                    .collect();
                let mut else_ = else_result.as_ref().map(|x| Box::new(self.build(x)));
                let ty = whens
                    .iter()
                    .find_map(|(_, r)| r.ty())
                    .or_else(|| else_.as_ref().and_then(|x| x.ty()))
                    .unwrap_or(Type::TEXT);
                for (_, r) in &mut whens {
                    r.settle(ty);
                }
                if let Some(x) = &mut else_ {
                    x.settle(ty);
                }
                Node::Case {
                    operand,
                    whens,
                    else_,
                    ty,
                }
            }
            E::Array(a) => {
                let mut items: Vec<Node> = a.elem.iter().map(|x| self.build(x)).collect();
                let t = items.iter().find_map(Node::ty).unwrap_or(Type::TEXT);
                for i in &mut items {
                    i.settle(t);
                }
                Node::Array(items, t.array_of().unwrap_or(Type::TEXT_ARRAY))
            }
            other => Node::Raw(other.to_string()),
        }
    }

    fn value(&self, v: &ast::Value) -> Node {
        match v {
            ast::Value::Number(n, _) => self.number(n),
            ast::Value::SingleQuotedString(s)
            | ast::Value::EscapedStringLiteral(s)
            | ast::Value::UnicodeStringLiteral(s)
            | ast::Value::NationalStringLiteral(s) => Node::Const {
                value: Value::Text(s.clone()),
                stored: self.sqlite,
                ty: None,
            },
            ast::Value::DollarQuotedString(d) => Node::Const {
                value: Value::Text(d.value.clone()),
                stored: self.sqlite,
                ty: None,
            },
            ast::Value::Boolean(b) => Node::Bool(*b),
            ast::Value::Null => Node::Null,
            other => Node::Raw(other.to_string()),
        }
    }

    fn like(&self, expr: &ast::Expr, pattern: &ast::Expr, op: &str) -> Node {
        let mut l = self.build(expr);
        let mut r = self.build(pattern);
        l.settle(Type::TEXT);
        r.settle(Type::TEXT);
        op_node(op, l, r, Type::BOOL)
    }

    fn binary(&self, left: &ast::Expr, op: &ast::BinaryOperator, right: &ast::Expr) -> Node {
        use ast::BinaryOperator as B;
        match op {
            B::And => Node::And(flatten(self.build(left), self.build(right), true)),
            B::Or => Node::Or(flatten(self.build(left), self.build(right), false)),
            _ => {
                let mut l = self.build(left);
                let mut r = self.build(right);
                // A column whose type is not known here (a view's) types nothing.
                let known = |n: &Node| n.ty().filter(|t| *t != Type::UNKNOWN);
                if let Some(t) = known(&l) {
                    r.settle(t);
                }
                if let Some(t) = known(&r) {
                    l.settle(t);
                }
                let text = match op {
                    B::Eq => "=".to_string(),
                    B::NotEq => "<>".to_string(),
                    B::StringConcat => "||".to_string(),
                    other => other.to_string(),
                };
                let ty = match op {
                    B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq => Type::BOOL,
                    B::StringConcat => Type::TEXT,
                    _ => l.ty().or(r.ty()).unwrap_or(Type::UNKNOWN),
                };
                op_node(&text, l, r, ty)
            }
        }
    }

    fn args(&self, f: &ast::Function) -> Vec<Node> {
        match &f.args {
            ast::FunctionArguments::List(list) => list
                .args
                .iter()
                .map(|a| match a {
                    ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(x))
                    | ast::FunctionArg::Named {
                        arg: ast::FunctionArgExpr::Expr(x),
                        ..
                    }
                    | ast::FunctionArg::ExprNamed {
                        arg: ast::FunctionArgExpr::Expr(x),
                        ..
                    } => self.build(x),
                    other => Node::Raw(other.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn function(&self, f: &ast::Function) -> Node {
        let name = f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| ident_text(i, true))
            .unwrap_or_default();
        let mut args = self.args(f);
        if self.sqlite
            && let Some(n) = self.sqlite_call(&name, &mut args)
        {
            return n;
        }
        if matches!(f.args, ast::FunctionArguments::None)
            && let Some(kw) = keyword_function(&name)
        {
            let ty = builtin_named(&name, 0).map_or(Type::UNKNOWN, |b| b.ret);
            return Node::Func {
                name: kw.to_string(),
                args: Vec::new(),
                ty,
                bare: true,
            };
        }
        if name == "coalesce" {
            let t = args.iter().find_map(Node::ty).unwrap_or(Type::TEXT);
            for a in &mut args {
                a.settle(t);
            }
            return Node::Coalesce(args, t);
        }
        let b = builtin_named(&name, args.len());
        self.call(&name, b, args)
    }

    /// A call of function row `b` (if known) named `name`.
    fn call(&self, name: &str, b: Option<&'static Builtin>, mut args: Vec<Node>) -> Node {
        let mut ret = Type::UNKNOWN;
        if let Some(b) = b {
            for (i, a) in args.iter_mut().enumerate() {
                let declared = b
                    .args
                    .get(i)
                    .or(if b.variadic { b.args.last() } else { None })
                    .copied();
                if let Some(d) = declared.filter(|d| !d.is_pseudo()) {
                    a.settle(d);
                    coerce_arg(a, d);
                } else if a.ty().is_none() {
                    a.settle(Type::TEXT);
                }
            }
            ret = if b.ret.is_pseudo() {
                args.first().and_then(Node::ty).unwrap_or(Type::UNKNOWN)
            } else {
                b.ret
            };
        }
        if let Some(kw) = keyword_function(name)
            && args.is_empty()
        {
            return Node::Func {
                name: kw.to_string(),
                args,
                ty: ret,
                bare: true,
            };
        }
        Node::Func {
            name: quote_identifier(name).into_owned(),
            args,
            ty: ret,
            bare: false,
        }
    }

    /// A call in SQLite's text: a runtime symbol, a cast, or one of the translator's own.
    fn sqlite_call(&self, symbol: &str, args: &mut Vec<Node>) -> Option<Node> {
        match symbol {
            "pg_io_cast" => {
                let to = const_oid(args.get(2)?)?;
                let arg = args.first()?.clone();
                return Some(Node::Cast(Box::new(arg), Type(to), -1));
            }
            "pg_typmod" => {
                let ty = const_oid(args.get(1)?)?;
                let typmod = const_int(args.get(2)?).unwrap_or(-1);
                let arg = args.first()?.clone();
                return Some(Node::Cast(
                    Box::new(arg),
                    Type(ty),
                    i32::try_from(typmod).unwrap_or(-1),
                ));
            }
            "pg_array_any" | "pg_array_all" => {
                if args.len() < 4 {
                    return None;
                }
                let op = match &args[3] {
                    Node::Const {
                        value: Value::Text(t),
                        ..
                    } => t.clone(),
                    _ => return None,
                };
                let mut left = args[1].clone();
                let array = args[2].clone();
                if let Some(e) = array.ty().and_then(Type::elem) {
                    left.settle(e);
                }
                return Some(Node::ArrayOp {
                    left: Box::new(left),
                    op,
                    array: Box::new(array),
                    all: symbol == "pg_array_all",
                });
            }
            "pg_array_constructor" => {
                let types = match args.first() {
                    Some(Node::Const {
                        value: Value::Text(t),
                        ..
                    }) => sql::func::arg_types(&Value::Text(t.clone())),
                    _ => Vec::new(),
                };
                let mut items: Vec<Node> = args.iter().skip(1).cloned().collect();
                for (i, t) in items.iter_mut().zip(types.iter()) {
                    i.settle(*t);
                }
                let elem = types.first().copied().unwrap_or(Type::TEXT);
                return Some(Node::Array(
                    items,
                    elem.array_of().unwrap_or(Type::TEXT_ARRAY),
                ));
            }
            _ => {}
        }
        match symbols().get(symbol).copied()? {
            Symbol::Cast(to) => {
                let arg = args.first()?.clone();
                Some(Node::Cast(Box::new(arg), to, -1))
            }
            Symbol::Builtin(b) => {
                if matches!(b.imp, Imp::Scalar { typed: true, .. }) && !args.is_empty() {
                    args.remove(0);
                }
                let args = std::mem::take(args);
                if b.kind == Kind::Operator {
                    let mut args = args;
                    for (a, d) in args.iter_mut().zip(b.args) {
                        if !d.is_pseudo() {
                            a.settle(*d);
                            coerce_arg(a, *d);
                        }
                    }
                    let ret = if b.ret.is_pseudo() {
                        args.first().and_then(Node::ty).unwrap_or(Type::UNKNOWN)
                    } else {
                        b.ret
                    };
                    let mut it = args.into_iter();
                    return match (it.next(), it.next()) {
                        (Some(l), Some(r)) => Some(op_node(b.name, l, r, ret)),
                        (Some(x), None) => Some(Node::Op {
                            op: b.name.to_string(),
                            left: None,
                            right: Box::new(x),
                            ty: ret,
                        }),
                        _ => None,
                    };
                }
                Some(self.call(b.name, Some(b), args))
            }
        }
    }
}

/// An argument of declared type `d`: a column of another (binary-coercible) type shows the
/// implicit cast, as PostgreSQL's deparser does (`lower(e::text)` for a varchar `e`).
fn coerce_arg(a: &mut Node, d: Type) {
    if let Some(t) = a.ty()
        && t != d
        && !matches!(a, Node::Const { .. } | Node::Null)
        && t != Type::UNKNOWN
        && implicit_shown(t, d)
    {
        let inner = std::mem::replace(a, Node::Null);
        *a = Node::Cast(Box::new(inner), d, -1);
    }
}

/// Coercions PostgreSQL's deparser shows: between string types and to numeric/float.
fn implicit_shown(from: Type, to: Type) -> bool {
    let stringy = |t: Type| matches!(t, Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::TEXT);
    (stringy(from) && stringy(to))
        || (matches!(to, Type::NUMERIC | Type::FLOAT8 | Type::FLOAT4 | Type::INT8)
            && matches!(from, Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC))
}

fn const_int(n: &Node) -> Option<i64> {
    match n {
        Node::Const {
            value: Value::Int(i),
            ..
        } => Some(*i),
        _ => None,
    }
}

fn const_oid(n: &Node) -> Option<u32> {
    const_int(n).and_then(|i| u32::try_from(i).ok())
}

fn op_node(op: &str, left: Node, right: Node, ty: Type) -> Node {
    Node::Op {
        op: op.to_string(),
        left: Some(Box::new(left)),
        right: Box::new(right),
        ty,
    }
}

fn flatten(left: Node, right: Node, and: bool) -> Vec<Node> {
    let mut out = Vec::new();
    for n in [left, right] {
        match n {
            Node::And(items) if and => out.extend(items),
            Node::Or(items) if !and => out.extend(items),
            other => out.push(other),
        }
    }
    out
}

fn data_type_of(dt: &ast::DataType) -> (Type, Typmod) {
    let text = dt.to_string().to_lowercase();
    let ty = sql::func::catalog::parse_type_name(&text).unwrap_or(Type::TEXT);
    let typmod = text
        .find('(')
        .and_then(|open| {
            let inner = text.get(open + 1..text.find(')')?)?;
            let mut parts = inner.split(',').map(|p| p.trim().parse::<i32>().ok());
            match (ty, parts.next().flatten(), parts.next().flatten()) {
                (Type::VARCHAR | Type::BPCHAR, Some(n), _) => Some(sql::types::char_typmod(n)),
                (Type::NUMERIC, Some(p), s) => Some(sql::types::numeric_typmod(p, s.unwrap_or(0))),
                _ => None,
            }
        })
        .unwrap_or(-1);
    (ty, typmod)
}

/// Prints nodes in PostgreSQL's layout.
struct Printer {
    pretty: bool,
    place: Place,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Top,
    And,
    Or,
    Not,
    /// A binary operator: its symbol and whether the child is its left operand.
    Op(&'static str, bool),
    /// An argument of a function, an array element, a list item.
    Arg,
    /// The operand of a cast.
    Cast,
}

fn arith_rank(op: &str) -> Option<u8> {
    match op {
        "+" | "-" => Some(1),
        "*" | "/" | "%" => Some(2),
        _ => None,
    }
}

impl Printer {
    fn print(&self, n: &Node) -> String {
        let mut s = String::new();
        self.node(&mut s, n, Parent::Top);
        s
    }

    /// Does `n`, printed under `parent`, need parentheses in pretty mode?
    fn pretty_parens(n: &Node, parent: Parent) -> bool {
        match n {
            Node::Op { op, left, .. } => match parent {
                Parent::Top | Parent::And | Parent::Or | Parent::Not | Parent::Arg => false,
                Parent::Cast => true,
                Parent::Op(p, is_left) => match (arith_rank(op), arith_rank(p)) {
                    (Some(c), Some(pr)) => !(c > pr || (c == pr && is_left)),
                    _ => left.is_some(),
                },
            },
            Node::And(_) | Node::Not(_) => {
                !matches!(parent, Parent::Top | Parent::And | Parent::Or | Parent::Arg)
            }
            Node::Or(_) => !matches!(parent, Parent::Top | Parent::Or | Parent::Arg),
            Node::NullTest(..) => !matches!(
                parent,
                Parent::Top | Parent::And | Parent::Or | Parent::Not | Parent::Arg
            ),
            Node::ArrayOp { .. } => !matches!(parent, Parent::Top | Parent::Arg),
            Node::Cast(..) => matches!(parent, Parent::Cast),
            _ => false,
        }
    }

    fn node(&self, s: &mut String, n: &Node, parent: Parent) {
        let own_parens = n.is_operation();
        let parens = if self.pretty {
            Self::pretty_parens(n, parent)
        } else {
            own_parens
        };
        if parens {
            s.push('(');
        }
        self.bare(s, n);
        if parens {
            s.push(')');
        }
    }

    fn list(&self, s: &mut String, items: &[Node]) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            self.node(s, x, Parent::Arg);
        }
    }

    fn bare(&self, s: &mut String, n: &Node) {
        match n {
            Node::Column(text, _) | Node::Raw(text) => s.push_str(text),
            Node::Null => s.push_str("NULL"),
            Node::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
            Node::Const { value, stored, ty } => self.constant(s, value, *stored, *ty),
            Node::Op {
                op, left, right, ..
            } => {
                let sym = leak_op(op);
                if let Some(l) = left {
                    self.node(s, l, Parent::Op(sym, true));
                    let _ = write!(s, " {op} ");
                } else {
                    let _ = write!(s, "{op} ");
                }
                self.node(s, right, Parent::Op(sym, false));
            }
            Node::Func {
                name, args, bare, ..
            } => {
                s.push_str(name);
                if !*bare {
                    s.push('(');
                    self.list(s, args);
                    s.push(')');
                }
            }
            Node::Cast(inner, ty, typmod) => {
                let inner_parens =
                    !self.pretty || inner.is_operation() || matches!(**inner, Node::Cast(..));
                if inner_parens {
                    s.push('(');
                    self.bare(s, inner);
                    s.push(')');
                } else {
                    self.node(s, inner, Parent::Cast);
                }
                let _ = write!(s, "::{}", format_type(*ty, *typmod));
            }
            Node::And(items) | Node::Or(items) => {
                let (word, parent) = if matches!(n, Node::And(_)) {
                    (" AND ", Parent::And)
                } else {
                    (" OR ", Parent::Or)
                };
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(word);
                    }
                    self.node(s, x, parent);
                }
            }
            Node::Not(x) => {
                s.push_str("NOT ");
                self.node(s, x, Parent::Not);
            }
            Node::NullTest(x, negated) => {
                self.node(s, x, Parent::Op("IS", true));
                s.push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Node::ArrayOp {
                left,
                op,
                array,
                all,
            } => {
                self.node(s, left, Parent::Op("=", true));
                let _ = write!(s, " {op} {} (", if *all { "ALL" } else { "ANY" });
                self.node(s, array, Parent::Arg);
                s.push(')');
            }
            Node::Array(items, _) => {
                s.push_str("ARRAY[");
                self.list(s, items);
                s.push(']');
            }
            Node::Coalesce(items, _) => {
                s.push_str("COALESCE(");
                self.list(s, items);
                s.push(')');
            }
            Node::Case {
                operand,
                whens,
                else_,
                ..
            } => sql::emit::write_case(s, operand.as_deref(), whens, else_.as_deref(), |s, n| {
                self.node(s, n, Parent::Arg)
            }),
        }
    }

    /// A literal as PostgreSQL shows a constant of its type.
    fn constant(&self, s: &mut String, value: &Value, stored: bool, ty: Option<Type>) {
        let ty = ty.unwrap_or(match value {
            Value::Int(_) => Type::INT4,
            Value::Float(_) => Type::FLOAT8,
            _ => Type::TEXT,
        });
        let env = crate::runtime::env();
        // The value's text in its type's output form.
        let text = match value {
            Value::Text(t) if !stored => sql::types::io::input(ty, &env, t, -1)
                .ok()
                .and_then(|v| sql::types::io::output(ty, &env, &v))
                .unwrap_or_else(|| t.clone()),
            v => stored_text(ty, &env, v),
        };
        let quoted = || {
            let mut q = String::from("'");
            for c in text.chars() {
                if c == '\'' {
                    q.push('\'');
                }
                q.push(c);
            }
            q.push('\'');
            q
        };
        let cast_form = |s: &mut String| {
            if self.pretty {
                let _ = write!(s, "{text}::{}", format_type(ty, -1));
            } else {
                let _ = write!(s, "({text})::{}", format_type(ty, -1));
            }
        };
        match ty {
            Type::BOOL => s.push_str(match value {
                Value::Int(0) => "false",
                Value::Int(_) => "true",
                _ if text.starts_with('t') => "true",
                _ => "false",
            }),
            Type::INT2 | Type::INT4 | Type::INT8 => {
                let fits_int4 = text.parse::<i32>().is_ok();
                if fits_int4 && !text.starts_with('-') {
                    s.push_str(&text);
                } else {
                    let _ = write!(s, "{}::{}", quoted(), format_type(ty, -1));
                }
            }
            Type::NUMERIC => {
                let integral = !text.contains(['.', 'e', 'E']);
                if text.starts_with('-') || text == "NaN" {
                    let _ = write!(s, "{}::numeric", quoted());
                } else if integral && self.place == Place::Expr {
                    cast_form(s);
                } else {
                    s.push_str(&text);
                }
            }
            Type::FLOAT4 | Type::FLOAT8 => {
                if text.starts_with('-') || text.parse::<f64>().is_err() {
                    let _ = write!(s, "{}::{}", quoted(), format_type(ty, -1));
                } else if self.place == Place::Expr {
                    cast_form(s);
                } else {
                    s.push_str(&text);
                }
            }
            _ => {
                let _ = write!(s, "{}::{}", quoted(), format_type(ty, -1));
            }
        }
    }
}

/// A stored value's output text for `ty` (floats print as PostgreSQL's `0` for zero).
fn stored_text(ty: Type, env: &Env, v: &Value) -> String {
    match (ty, v) {
        (Type::FLOAT4 | Type::FLOAT8, Value::Int(i)) => i.to_string(),
        (Type::NUMERIC, Value::Int(i)) => i.to_string(),
        (Type::NUMERIC, Value::Float(f)) => f.to_string(),
        (Type::INT2 | Type::INT4 | Type::INT8, Value::Text(t)) => t.clone(),
        _ => sql::types::io::output(ty, env, v).unwrap_or_default(),
    }
}

fn leak_op(op: &str) -> &'static str {
    match op {
        "+" => "+",
        "-" => "-",
        "*" => "*",
        "/" => "/",
        "%" => "%",
        _ => "?",
    }
}

fn parse_sqlite_expr(text: &str) -> Option<ast::Expr> {
    Parser::new(&SQLiteDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()
}

fn parse_pg_expr(text: &str) -> Option<ast::Expr> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()
}

/// An expression of minipg's SQLite text (CHECK, index predicate) as PostgreSQL shows it.
pub(crate) fn sqlite_expr(text: &str, columns: &[ColumnType], pretty: bool) -> String {
    match parse_sqlite_expr(text) {
        Some(e) => {
            let node = Builder {
                columns,
                sqlite: true,
            }
            .build(&e);
            Printer {
                pretty,
                place: Place::Expr,
            }
            .print(&node)
        }
        None => text.to_string(),
    }
}

/// The type of an expression of minipg's SQLite text, as far as it can tell, and the name
/// PostgreSQL gives an index column computed by it (the function's name, else `expr`).
pub(crate) fn sqlite_expr_type(text: &str, columns: &[ColumnType]) -> (Option<Type>, String) {
    let Some(e) = parse_sqlite_expr(text) else {
        return (None, "expr".into());
    };
    let node = Builder {
        columns,
        sqlite: true,
    }
    .build(&e);
    fn colname(n: &Node) -> String {
        match n {
            Node::Func {
                name, bare: false, ..
            } => name.trim_matches('"').to_string(),
            Node::Cast(inner, ..) => colname(inner),
            Node::Coalesce(..) => "coalesce".into(),
            _ => "expr".into(),
        }
    }
    (node.ty(), colname(&node))
}

/// An index column (expression in SQLite's text): a column name alone, a function call as
/// it is, anything else in parentheses — PostgreSQL's index column list.
pub(crate) fn index_column(text: &str, columns: &[ColumnType], pretty: bool) -> String {
    let Some(e) = parse_sqlite_expr(text) else {
        return text.to_string();
    };
    let node = Builder {
        columns,
        sqlite: true,
    }
    .build(&e);
    let printed = Printer {
        pretty,
        place: Place::Expr,
    }
    .print(&node);
    if node.is_simple_call() && !matches!(node, Node::Const { .. }) {
        printed
    } else {
        format!("({printed})")
    }
}

/// A column default (the PostgreSQL text the client wrote) as `pg_get_expr` shows it.
pub(crate) fn default_expr(text: &str, ty: Type, typmod: Typmod, columns: &[ColumnType]) -> String {
    let Some(e) = parse_pg_expr(text) else {
        return text.to_string();
    };
    let mut node = Builder {
        columns,
        sqlite: false,
    }
    .build(&e);
    node.settle(ty);
    // A typed literal of the column's own type keeps its typmod-free label.
    let _ = typmod;
    Printer {
        pretty: true,
        place: Place::Default,
    }
    .print(&node)
}

/// A view's query (minipg's SQLite text) as `pg_get_viewdef` shows it. `names` are the view's
/// column names (the query's outputs are `c1`, `c2`, … in SQLite).
/// `visible(schema, name)` says whether a relation is shown unqualified.
/// `columns_of` gives a relation's columns by its SQLite name, so that constants compared with
/// them print in their types.
pub(crate) fn view_query(
    text: &str,
    names: &[String],
    pretty: bool,
    visible: &dyn Fn(&str, &str) -> bool,
    columns_of: &dyn Fn(&str) -> Vec<ColumnType>,
) -> String {
    let query = Parser::new(&SQLiteDialect {})
        .try_with_sql(text)
        .ok()
        .and_then(|mut p| p.parse_query().ok());
    let Some(query) = query else {
        return format!(" {text};");
    };
    let printed = ViewPrinter {
        names,
        pretty,
        visible,
        columns_of,
        columns: std::cell::RefCell::new(Vec::new()),
    }
    .query(&query);
    printed.unwrap_or_else(|| format!(" {text};"))
}

struct ViewPrinter<'a> {
    names: &'a [String],
    pretty: bool,
    visible: &'a dyn Fn(&str, &str) -> bool,
    columns_of: &'a dyn Fn(&str) -> Vec<ColumnType>,
    /// The columns of the relations in FROM (a name in two of them takes the first's type).
    columns: std::cell::RefCell<Vec<ColumnType>>,
}

impl ViewPrinter<'_> {
    fn expr(&self, e: &ast::Expr) -> String {
        let columns = self.columns.borrow();
        let node = Builder {
            columns: &columns,
            sqlite: true,
        }
        .build(e);
        Printer {
            pretty: self.pretty,
            place: Place::Expr,
        }
        .print(&node)
    }

    /// Learns the columns of the relations `from` names.
    fn learn_columns(&self, from: &[ast::TableWithJoins]) {
        let mut columns = self.columns.borrow_mut();
        let factors = from
            .iter()
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        for f in factors {
            if let ast::TableFactor::Table { name, .. } = f {
                columns.extend((self.columns_of)(&sqlite_name_of(name)));
            }
        }
    }

    fn relation(&self, name: &ast::ObjectName) -> String {
        let sqlite_name = sqlite_name_of(name);
        let (schema, rel) = sql::catalog::pg_name(&sqlite_name);
        if (self.visible)(&schema, &rel) {
            quote_identifier(&rel).into_owned()
        } else {
            format!("{}.{}", quote_identifier(&schema), quote_identifier(&rel))
        }
    }

    fn table_factor(&self, t: &ast::TableFactor) -> Option<String> {
        match t {
            ast::TableFactor::Table { name, alias, .. } => {
                let rel = self.relation(name);
                let bare = name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| sql::catalog::pg_name(&i.value).1)
                    .unwrap_or_default();
                match alias {
                    Some(a) if a.name.value != bare => {
                        Some(format!("{rel} {}", quote_identifier(&a.name.value)))
                    }
                    _ => Some(rel),
                }
            }
            _ => None,
        }
    }

    fn from(&self, from: &[ast::TableWithJoins]) -> Option<String> {
        let mut out = Vec::new();
        for twj in from {
            let mut s = self.table_factor(&twj.relation)?;
            for j in &twj.joins {
                let right = self.table_factor(&j.relation)?;
                let (word, constraint) = match &j.join_operator {
                    ast::JoinOperator::Join(c) | ast::JoinOperator::Inner(c) => ("JOIN", Some(c)),
                    ast::JoinOperator::Left(c) | ast::JoinOperator::LeftOuter(c) => {
                        ("LEFT JOIN", Some(c))
                    }
                    ast::JoinOperator::Right(c) | ast::JoinOperator::RightOuter(c) => {
                        ("RIGHT JOIN", Some(c))
                    }
                    ast::JoinOperator::FullOuter(c) => ("FULL JOIN", Some(c)),
                    ast::JoinOperator::CrossJoin(_) => ("CROSS JOIN", None),
                    _ => return None,
                };
                let _ = write!(s, "\n     {word} {right}");
                if let Some(ast::JoinConstraint::On(cond)) = constraint {
                    let cond = self.expr(cond);
                    if cond != "true" {
                        let _ = write!(s, " ON {cond}");
                    } else {
                        let _ = write!(s, " ON true");
                    }
                }
            }
            out.push(s);
        }
        Some(out.join(",\n    "))
    }

    fn query(&self, q: &ast::Query) -> Option<String> {
        if q.with.is_some() {
            return None;
        }
        let ast::SetExpr::Select(sel) = q.body.as_ref() else {
            return None;
        };
        self.learn_columns(&sel.from);
        let mut items = Vec::new();
        for (i, item) in sel.projection.iter().enumerate() {
            let (e, _alias) = match item {
                ast::SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias)),
                ast::SelectItem::UnnamedExpr(expr) => (expr, None),
                _ => return None,
            };
            let text = self.expr(e);
            let name = self.names.get(i).cloned().unwrap_or_default();
            let plain = match e {
                ast::Expr::Identifier(id) => id.value == name,
                ast::Expr::CompoundIdentifier(parts) => {
                    parts.last().is_some_and(|p| p.value == name)
                }
                _ => false,
            };
            if plain || name.is_empty() {
                items.push(text);
            } else {
                items.push(format!("{text} AS {}", quote_identifier(&name)));
            }
        }
        let mut s = String::from(" SELECT ");
        if sel.distinct.is_some() {
            s.push_str("DISTINCT ");
        }
        s.push_str(&items.join(",\n    "));
        if !sel.from.is_empty() {
            let _ = write!(s, "\n   FROM {}", self.from(&sel.from)?);
        }
        if let Some(w) = &sel.selection {
            let _ = write!(s, "\n  WHERE {}", self.expr(w));
        }
        if let ast::GroupByExpr::Expressions(g, _) = &sel.group_by
            && !g.is_empty()
        {
            let g: Vec<String> = g.iter().map(|x| self.expr(x)).collect();
            let _ = write!(s, "\n  GROUP BY {}", g.join(", "));
        }
        if let Some(h) = &sel.having {
            let _ = write!(s, "\n HAVING {}", self.expr(h));
        }
        if let Some(ob) = &q.order_by
            && let ast::OrderByKind::Expressions(keys) = &ob.kind
            && !keys.is_empty()
        {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| {
                    let mut t = self.expr(&k.expr);
                    if matches!(k.options.sort, Some(ast::OrderBySort::Desc)) {
                        t.push_str(" DESC");
                    }
                    t
                })
                .collect();
            let _ = write!(s, "\n  ORDER BY {}", keys.join(", "));
        }
        s.push(';');
        Some(s)
    }
}

/// The SQLite name a view's query uses for a relation (`"schema.name"` or `"name"`).
fn sqlite_name_of(name: &ast::ObjectName) -> String {
    name.0
        .iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.clone())
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<ColumnType> {
        let c = |n: &str, t: Type| ColumnType {
            name: n.into(),
            ty: t,
        };
        vec![
            c("a", Type::INT4),
            c("b", Type::NUMERIC),
            c("d", Type::TEXT),
            c("e", Type::VARCHAR),
            c("f", Type::DATE),
            c("h", Type::BOOL),
            c("j", Type::FLOAT8),
            c("k", Type::TEXT),
            c("t", Type::INT4),
            c("u", Type::TEXT),
            c("v", Type::INT4),
            c("w", Type::NUMERIC),
            c("x", Type::TEXT),
            c("y", Type::INT4),
            c("type", Type::TEXT),
        ]
    }

    fn check(sqlite: &str, pretty: &str, plain: &str) {
        assert_eq!(
            sqlite_expr(sqlite, &cols(), true),
            pretty,
            "pretty {sqlite}"
        );
        assert_eq!(sqlite_expr(sqlite, &cols(), false), plain, "plain {sqlite}");
    }

    // The expected texts are PostgreSQL 15's pg_get_constraintdef(oid, true) / (oid) for the
    // same CHECK constraints, without the CHECK ( ) around them.
    #[test]
    fn check_constraints_read_as_postgresql_prints_them() {
        check(
            r#"(("a" > -5) AND ("a" < 10))"#,
            "a > '-5'::integer AND a < 10",
            "((a > '-5'::integer) AND (a < 10))",
        );
        check(
            r#"("b" >= '0.5' COLLATE pg_numeric)"#,
            "b >= 0.5",
            "(b >= 0.5)",
        );
        check(
            r#"(("d" IN ('x', 'y')) OR pg_textlike("d", 'z%'))"#,
            "(d = ANY (ARRAY['x'::text, 'y'::text])) OR d ~~ 'z%'::text",
            "((d = ANY (ARRAY['x'::text, 'y'::text])) OR (d ~~ 'z%'::text))",
        );
        check(
            r#"(pg_length("e") > 1)"#,
            "length(e::text) > 1",
            "(length((e)::text) > 1)",
        );
        check(
            r#"("f" > 0)"#,
            "f > '2000-01-01'::date",
            "(f > '2000-01-01'::date)",
        );
        check(r#"("h" IS NOT NULL)"#, "h IS NOT NULL", "(h IS NOT NULL)");
        check(
            r#"(("j" >= 0e0) AND ("j" <= 2e0))"#,
            "j >= 0::double precision AND j <= 2::double precision",
            "((j >= (0)::double precision) AND (j <= (2)::double precision))",
        );
        check(
            r#"(("k" <> '') AND (pg_upper("k") = "k"))"#,
            "k <> ''::text AND upper(k) = k",
            "((k <> ''::text) AND (upper(k) = k))",
        );
        check(
            r#"(("t" IS NULL) OR (pg_int4mod("t", 2) = 0))"#,
            "t IS NULL OR (t % 2) = 0",
            "((t IS NULL) OR ((t % 2) = 0))",
        );
        check(
            r#"(pg_textregexeq("u", '^a') AND (NOT pg_texticlike("u", 'b%')))"#,
            "u ~ '^a'::text AND NOT u ~~* 'b%'::text",
            "((u ~ '^a'::text) AND (NOT (u ~~* 'b%'::text)))",
        );
        check(
            r#"("v" IN (1, 2, 3))"#,
            "v = ANY (ARRAY[1, 2, 3])",
            "(v = ANY (ARRAY[1, 2, 3]))",
        );
        check(
            r#"(pg_numeric_i4("w") > 0)"#,
            "w::integer > 0",
            "((w)::integer > 0)",
        );
        check(
            r#"(coalesce("x", '') <> 'q')"#,
            "COALESCE(x, ''::text) <> 'q'::text",
            "(COALESCE(x, ''::text) <> 'q'::text)",
        );
        check(
            r#"((pg_abs_int4("y") < 5) AND pg_array_all('23,1007', "y", pg_array_constructor('23,23', 1, 2), '<>'))"#,
            "abs(y) < 5 AND (y <> ALL (ARRAY[1, 2]))",
            "((abs(y) < 5) AND (y <> ALL (ARRAY[1, 2])))",
        );
        check(
            r#"("type" IN ('total', 'delta'))"#,
            "type = ANY (ARRAY['total'::text, 'delta'::text])",
            "(type = ANY (ARRAY['total'::text, 'delta'::text]))",
        );
    }

    #[test]
    fn index_columns_and_predicates() {
        let index = |sqlite: &str, pretty| index_column(sqlite, &cols(), pretty);
        assert_eq!(index(r#"(pg_lower("e"))"#, true), "lower(e::text)");
        assert_eq!(index(r#"(pg_lower("e"))"#, false), "lower((e)::text)");
        assert_eq!(index(r#""a""#, true), "a");
        assert_eq!(index(r#"(pg_int4pl("a", 1))"#, true), "(a + 1)");
        assert_eq!(index(r#"(pg_int4pl("a", 1))"#, false), "((a + 1))");
        for (predicate, pretty, shown) in [
            (r#"("b" > '1' COLLATE pg_numeric)"#, true, "b > 1::numeric"),
            (
                r#"("b" > '1' COLLATE pg_numeric)"#,
                false,
                "(b > (1)::numeric)",
            ),
            (r#"("type" = 'total')"#, true, "type = 'total'::text"),
        ] {
            assert_eq!(sqlite_expr(predicate, &cols(), pretty), shown);
        }
    }

    // PostgreSQL 15's pg_get_expr(adbin, adrelid, true) for the same defaults.
    #[test]
    fn defaults_read_as_postgresql_prints_them() {
        let d = |text: &str, ty: Type| default_expr(text, ty, -1, &[]);
        assert_eq!(d("-1", Type::INT4), "'-1'::integer");
        assert_eq!(d("0", Type::NUMERIC), "0");
        assert_eq!(d("1.50", Type::NUMERIC), "1.50");
        assert_eq!(d("'x'", Type::TEXT), "'x'::text");
        assert_eq!(d("'v'", Type::VARCHAR), "'v'::character varying");
        assert_eq!(d("'2024-01-01'", Type::DATE), "'2024-01-01'::date");
        assert_eq!(d("now()", Type::TIMESTAMPTZ), "now()");
        assert_eq!(d("true", Type::BOOL), "true");
        assert_eq!(d("5000000000", Type::INT8), "'5000000000'::bigint");
        assert_eq!(d("1.5", Type::FLOAT8), "1.5");
        assert_eq!(d("3", Type::INT2), "3");
        assert_eq!(d("'ab'", Type::BPCHAR), "'ab'::bpchar");
        assert_eq!(d("'{}'", Type::JSONB), "'{}'::jsonb");
        assert_eq!(d("'{1,2}'", Type::INT4_ARRAY), "'{1,2}'::integer[]");
        assert_eq!(d("current_user", Type::TEXT), "CURRENT_USER");
        assert_eq!(d("current_timestamp", Type::TIMESTAMP), "CURRENT_TIMESTAMP");
        assert_eq!(d("'1 day'", Type::INTERVAL), "'1 day'::interval");
        assert_eq!(d("$$it's$$", Type::TEXT), "'it''s'::text");
        assert_eq!(d("E'a\\nb'", Type::TEXT), "'a\nb'::text");
    }

    #[test]
    fn views_read_as_postgresql_prints_them() {
        // Column types unknown.
        let shown = |sqlite: &str, columns: &[String]| {
            view_query(sqlite, columns, true, &|_, _| true, &|_| Vec::new())
        };
        assert_eq!(
            shown(
                r#"SELECT "t"."id" AS "c1", "t"."name" AS "c2" FROM "t" AS "t""#,
                &["id".into(), "name".into()],
            ),
            " SELECT t.id,\n    t.name\n   FROM t;"
        );
        // Constants compared with a view's columns print as PostgreSQL's do, never as unknown.
        assert_eq!(
            shown(
                r#"SELECT "t"."a" AS "c1" FROM "t" AS "t" WHERE (("t"."a" > 5) AND ("t"."b" = 'q'))"#,
                &["a".into()],
            ),
            " SELECT t.a\n   FROM t\n  WHERE t.a > 5 AND t.b = 'q'::text;"
        );
        // With the columns' types known, constants take them.
        assert_eq!(
            view_query(
                r#"SELECT "t"."a" AS "c1" FROM "t" AS "t" WHERE ("t"."p" < '10')"#,
                &["a".into()],
                true,
                &|_, _| true,
                &|name| {
                    assert_eq!(name, "t");
                    vec![ColumnType {
                        name: "p".into(),
                        ty: Type::NUMERIC,
                    }]
                }
            ),
            " SELECT t.a\n   FROM t\n  WHERE t.p < 10::numeric;"
        );
    }

    #[test]
    fn unparsable_text_comes_back_as_is() {
        assert_eq!(sqlite_expr("((", &cols(), true), "((");
    }
}
