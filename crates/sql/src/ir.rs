//! The analyzed statement: a typed tree in which every name is resolved, every expression has
//! its PostgreSQL type, every operator and function is the catalog row it resolved to, and
//! every implicit cast is explicit. `emit` turns it into SQLite SQL; nothing after the analyzer
//! looks at sqlparser's tree again.

use crate::func::Builtin;
use crate::types::{Type, Typmod};
use crate::value::Value;

/// A typed expression.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub typmod: Typmod,
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Type) -> Expr {
        Expr {
            kind,
            ty,
            typmod: -1,
        }
    }

    pub fn constant(v: Value, ty: Type) -> Expr {
        Expr::new(ExprKind::Const(v), ty)
    }

    /// A reference to `column`, the `col`th of FROM item `rte` of the query `level` levels up,
    /// qualified by `qualifier` (`None`: bare) and written at `position`.
    pub fn column(
        level: usize,
        rte: usize,
        col: usize,
        column: &RteColumn,
        qualifier: Option<String>,
        position: Option<usize>,
    ) -> Expr {
        Expr {
            kind: ExprKind::Column(ColumnRef {
                level,
                rte,
                col,
                qualifier,
                name: column.sqlite_name.clone(),
                position,
            }),
            ty: column.ty,
            typmod: column.typmod,
        }
    }

    pub fn null(ty: Type) -> Expr {
        Expr::constant(Value::Null, ty)
    }

    pub fn is_const(&self) -> bool {
        matches!(self.kind, ExprKind::Const(_))
    }
}

/// A reference to a column of a FROM item, as SQLite will read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    /// Query levels up (0: the query the reference is in; more: an outer query).
    pub level: usize,
    /// The FROM item within that level.
    pub rte: usize,
    /// The column within that item.
    pub col: usize,
    /// The SQLite alias of the FROM item (`None` in DDL expressions: CHECK, DEFAULT, index
    /// expressions name the table's columns bare).
    pub qualifier: Option<String>,
    /// The SQLite column name.
    pub name: String,
    /// Where it was written (for grouping errors).
    pub position: Option<usize>,
}

/// How a value of one type becomes another.
#[derive(Clone, Copy, Debug)]
pub enum CastHow {
    /// Same stored form.
    Binary,
    /// A runtime function of the cast catalog (`symbol(value)`), optionally with the typmod.
    Func {
        symbol: &'static str,
        with_typmod: bool,
    },
    /// Through text: the source type's output, then the target type's input (with typmod).
    Io,
    /// An array to another array type, element by element (`pg_array_coerce`).
    Array { typmod: Typmod, explicit: bool },
}

/// IS [NOT] TRUE/FALSE/UNKNOWN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolTest {
    IsTrue,
    IsNotTrue,
    IsFalse,
    IsNotFalse,
    IsUnknown,
    IsNotUnknown,
}

/// The kind of a subquery expression.
#[derive(Clone, Debug)]
pub enum SubLink {
    /// `EXISTS (…)`.
    Exists,
    /// `(SELECT one column …)` as a value.
    Scalar,
    /// `x IN (SELECT …)` (`negated`: NOT IN).
    /// `x IN (subquery)`, or `(x, y) IN (subquery)` with one test per column.
    In { tests: Vec<Expr>, negated: bool },
    /// `x op ANY/ALL (SELECT …)`: the comparison is `op` with the subquery's column as
    /// `$right`, emitted as an EXISTS over it.
    Quantified {
        test: Box<Expr>,
        op: &'static Builtin,
        all: bool,
    },
    /// `ARRAY(SELECT …)`.
    Array,
}

/// A window frame, copied into SQLite's syntax.
#[derive(Clone, Debug)]
pub struct Frame {
    /// `ROWS`, `RANGE` or `GROUPS`.
    pub units: &'static str,
    pub start: FrameBound,
    pub end: Option<FrameBound>,
}

#[derive(Clone, Debug)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(Box<Expr>),
    CurrentRow,
    Following(Box<Expr>),
    UnboundedFollowing,
}

/// `OVER (…)`.
#[derive(Clone, Debug)]
pub struct Window {
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<SortKey>,
    pub frame: Option<Frame>,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A constant in its type's stored form (NULL of any type).
    Const(Value),
    /// `$n` (0-based index).
    Param(usize),
    Column(ColumnRef),
    /// A catalog function or operator applied to arguments (already coerced to its argument
    /// types).
    Call {
        func: &'static Builtin,
        args: Vec<Expr>,
        /// For `typed` runtime functions: the actual argument types.
        arg_types: Vec<Type>,
    },
    /// A host or runtime function called by symbol with arguments as they are (internal uses:
    /// I/O casts, typmod coercion, LIMIT checks).
    Internal {
        symbol: &'static str,
        args: Vec<Expr>,
    },
    Cast {
        arg: Box<Expr>,
        how: CastHow,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    IsNull {
        arg: Box<Expr>,
        negated: bool,
    },
    BoolTest {
        arg: Box<Expr>,
        test: BoolTest,
    },
    /// `a IS [NOT] DISTINCT FROM b` (same types, compared with the type's collation).
    Distinct {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    Coalesce(Vec<Expr>),
    /// `NULLIF(a, b)`: the comparison is SQLite's `=` with the type's collation.
    NullIf(Box<Expr>, Box<Expr>),
    /// GREATEST / LEAST: NULLs ignored.
    MinMax {
        greatest: bool,
        args: Vec<Expr>,
    },
    /// `x [NOT] IN (a, b, …)` with all sides of one type.
    InList {
        arg: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `x op ANY/ALL (array)`.
    ArrayCompare {
        left: Box<Expr>,
        op: &'static Builtin,
        array: Box<Expr>,
        all: bool,
    },
    SubLink {
        kind: SubLink,
        query: Box<Query>,
    },
    /// `ARRAY[a, b, …]` (elements of the element type).
    Array(Vec<Expr>),
    /// `ROW(a, b, …)` / `(a, b, …)` or a whole-row reference `t`, as a value of type `record`
    /// (its text form; comparisons and IS NULL of rows are expanded field by field instead).
    Row {
        fields: Vec<Expr>,
        /// Field names: `f1`, `f2`… for a constructor, the columns' names for `t`.
        names: Vec<String>,
    },
    /// `arr[i]` (1-based) or `arr[lo:hi]`.
    Subscript {
        array: Box<Expr>,
        index: Box<Expr>,
        upper: Option<Box<Expr>>,
        slice: bool,
    },
    /// An aggregate call. `func: None` is `count(*)`.
    Aggregate {
        func: Option<&'static Builtin>,
        args: Vec<Expr>,
        arg_types: Vec<Type>,
        distinct: bool,
        filter: Option<Box<Expr>>,
        order_by: Vec<SortKey>,
    },
    /// A window function or an aggregate over a window.
    WindowCall {
        func: Option<&'static Builtin>,
        args: Vec<Expr>,
        arg_types: Vec<Type>,
        filter: Option<Box<Expr>>,
        window: Window,
    },
    /// A reference to an output column of an aggregating query's input, used after grouping
    /// (emitted as the expression itself: SQLite groups the same way).
    Grouped(Box<Expr>),
}

/// One ORDER BY key.
#[derive(Clone, Debug)]
pub struct SortKey {
    pub expr: Expr,
    /// A query's ORDER BY naming an output column: its 1-based position (emitted as such).
    pub position: Option<usize>,
    pub descending: bool,
    pub nulls_first: bool,
}

/// A result column of a query.
#[derive(Clone, Debug, PartialEq)]
pub struct OutColumn {
    pub name: String,
    pub ty: Type,
    pub typmod: Typmod,
    /// For a plain column of a table: the table's OID and the column number (RowDescription).
    pub table_oid: u32,
    pub attnum: i16,
}

/// A FROM item.
#[derive(Clone, Debug)]
pub struct Rte {
    /// The SQLite alias it is read under.
    pub alias: String,
    /// What it reads.
    pub source: RteSource,
    /// Its columns as the query sees them (name, SQLite column name, type).
    pub columns: Vec<RteColumn>,
    /// For a table: its OID (for RowDescription).
    pub table_oid: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RteColumn {
    /// The PostgreSQL name (after aliasing).
    pub name: String,
    /// The name to read it by in SQLite.
    pub sqlite_name: String,
    pub ty: Type,
    pub typmod: Typmod,
    /// Column number in its table (0 when not a table column).
    pub attnum: i16,
    /// Hidden from `*` (merged join columns' duplicates).
    pub hidden: bool,
}

impl RteColumn {
    /// A table's columns as a range-table entry reads them: by their own names, numbered from 1.
    pub fn of_table(columns: &[crate::catalog::RelColumn]) -> Vec<RteColumn> {
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| RteColumn {
                name: c.name.clone(),
                sqlite_name: c.name.clone(),
                ty: c.ty,
                typmod: c.typmod,
                attnum: crate::catalog::attnum(i),
                hidden: false,
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub enum RteSource {
    /// An SQLite table or view (quoted when emitted).
    Table(String),
    Subquery(Box<Query>),
    /// A CTE of this or an enclosing query, by its SQLite name.
    Cte(String),
    /// A set-returning function: `symbol(args)` (an eponymous virtual table, or SQLite's
    /// `json_each`), and how its columns are read.
    Function {
        symbol: String,
        args: Vec<Expr>,
        /// SQLite expressions over the function's own columns, one per output column
        /// (`value`, `key`, …).
        outputs: Vec<String>,
        ordinality: bool,
    },
}

/// How FROM items combine.
#[derive(Clone, Debug)]
pub enum FromItem {
    Rte(usize),
    Join {
        kind: JoinKind,
        left: Box<FromItem>,
        right: Box<FromItem>,
        on: Option<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    Cross,
}

/// One SELECT.
#[derive(Clone, Debug)]
pub struct Select {
    pub distinct: bool,
    /// DISTINCT ON expressions (emitted through a window).
    pub distinct_on: Vec<Expr>,
    pub targets: Vec<Expr>,
    pub rtable: Vec<Rte>,
    pub from: Vec<FromItem>,
    pub where_: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    /// The query aggregates (GROUP BY, HAVING or an aggregate call).
    pub aggregating: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Intersect,
    Except,
}

#[derive(Clone, Debug)]
pub enum QueryBody {
    Select(Box<Select>),
    Values(Vec<Vec<Expr>>),
    SetOp {
        op: SetOp,
        all: bool,
        left: Box<Query>,
        right: Box<Query>,
    },
}

/// A common table expression.
#[derive(Clone, Debug)]
pub struct Cte {
    pub sqlite_name: String,
    pub columns: Vec<String>,
    pub query: Query,
    pub materialized: Option<bool>,
}

/// A query: WITH, body, ORDER BY, LIMIT/OFFSET, and its result columns.
#[derive(Clone, Debug)]
pub struct Query {
    pub ctes: Vec<Cte>,
    pub recursive: bool,
    pub body: QueryBody,
    pub order_by: Vec<SortKey>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    pub columns: Vec<OutColumn>,
}

/// `ON CONFLICT … DO UPDATE SET col = value, … [WHERE cond]`.
pub type ConflictUpdate = (Vec<(String, Expr)>, Option<Expr>);

/// `ON CONFLICT`.
#[derive(Clone, Debug)]
pub struct OnConflict {
    pub target: Vec<String>,
    pub target_where: Option<Expr>,
    /// `None`: DO NOTHING.
    pub update: Option<ConflictUpdate>,
}

/// INSERT, UPDATE or DELETE.
#[derive(Clone, Debug)]
pub struct Modify {
    pub kind: ModifyKind,
    pub ctes: Vec<Cte>,
    pub recursive: bool,
    /// The target table's SQLite name and the alias its columns are read under.
    pub table: String,
    pub alias: Option<String>,
    /// INSERT: target columns; UPDATE: SET columns.
    pub columns: Vec<String>,
    /// INSERT: the rows (VALUES) or a query; none: DEFAULT VALUES.
    pub source: Option<InsertSource>,
    /// UPDATE: the new values, one per `columns`.
    pub values: Vec<Expr>,
    /// UPDATE … FROM / DELETE … USING.
    pub from_rtable: Vec<Rte>,
    pub from: Vec<FromItem>,
    pub where_: Option<Expr>,
    pub on_conflict: Option<OnConflict>,
    pub returning: Vec<Expr>,
    pub returning_columns: Vec<OutColumn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModifyKind {
    Insert,
    Update,
    Delete,
}

#[derive(Clone, Debug)]
pub enum InsertSource {
    Values(Vec<Vec<Expr>>),
    Query(Box<Query>),
}

/// The direct sub-expressions of an expression (not inside subqueries), written once for both
/// visitors below: `$kind` is `&self.kind` or `&mut self.kind`, `$iter` is `iter` or
/// `iter_mut`, and `mut` is given for the mutable one.
macro_rules! for_each_child {
    ($kind:expr, $f:ident, $iter:ident $(, $m:tt)?) => {
        match $kind {
            ExprKind::Const(_) | ExprKind::Param(_) | ExprKind::Column(_) => {}
            ExprKind::Call { args, .. }
            | ExprKind::Internal { args, .. }
            | ExprKind::And(args)
            | ExprKind::Or(args)
            | ExprKind::Coalesce(args)
            | ExprKind::MinMax { args, .. }
            | ExprKind::Array(args)
            | ExprKind::Row { fields: args, .. } => args.$iter().for_each($f),
            ExprKind::Cast { arg, .. }
            | ExprKind::Not(arg)
            | ExprKind::IsNull { arg, .. }
            | ExprKind::BoolTest { arg, .. }
            | ExprKind::Grouped(arg) => $f(arg),
            ExprKind::Distinct { left, right, .. } | ExprKind::NullIf(left, right) => {
                $f(left);
                $f(right);
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                if let Some(o) = operand {
                    $f(o);
                }
                for (w, t) in whens {
                    $f(w);
                    $f(t);
                }
                if let Some(e) = else_ {
                    $f(e);
                }
            }
            ExprKind::InList { arg, list, .. } => {
                $f(arg);
                list.$iter().for_each($f);
            }
            ExprKind::ArrayCompare { left, array, .. } => {
                $f(left);
                $f(array);
            }
            ExprKind::SubLink { kind, .. } => match kind {
                SubLink::In { tests, .. } => tests.$iter().for_each($f),
                SubLink::Quantified { test, .. } => $f(test),
                SubLink::Exists | SubLink::Scalar | SubLink::Array => {}
            },
            ExprKind::Subscript {
                array,
                index,
                upper,
                ..
            } => {
                $f(array);
                $f(index);
                if let Some(u) = upper {
                    $f(u);
                }
            }
            ExprKind::Aggregate {
                args,
                filter,
                order_by,
                ..
            } => {
                args.$iter().for_each(&mut *$f);
                if let Some(x) = filter {
                    $f(x);
                }
                for k in order_by {
                    $f(&$($m)? k.expr);
                }
            }
            ExprKind::WindowCall {
                args,
                filter,
                window,
                ..
            } => {
                args.$iter().for_each(&mut *$f);
                if let Some(x) = filter {
                    $f(x);
                }
                window.partition_by.$iter().for_each(&mut *$f);
                for k in &$($m)? window.order_by {
                    $f(&$($m)? k.expr);
                }
            }
        }
    };
}

impl Expr {
    /// Calls `f` on each direct sub-expression (not inside subqueries), mutably; the same
    /// children as [`Expr::for_each_child`].
    pub fn for_each_child_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        for_each_child!(&mut self.kind, f, iter_mut, mut)
    }

    /// Calls `f` on each direct sub-expression (not inside subqueries).
    pub fn for_each_child(&self, f: &mut dyn FnMut(&Expr)) {
        for_each_child!(&self.kind, f, iter)
    }
}
