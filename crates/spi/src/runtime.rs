//! The `sql` crate's runtime on SQLite: every catalog function, operator, cast, aggregate,
//! set-returning function and collation registered on a connection, and the [`Env`] those
//! functions read.
//!
//! - Scalars and casts: `sqlite3_create_function` under the row's symbol; strict rows return
//!   NULL for a NULL argument without being called; immutable rows are DETERMINISTIC (so they
//!   may appear in index expressions and CHECK constraints).
//! - Aggregates: one `Accumulator` per group; those that can remove rows are also window
//!   functions. Polymorphic aggregates get their argument types as a first argument (the
//!   emitter adds it), read on the first row.
//! - Set-returning functions: an eponymous virtual table per symbol whose hidden columns are
//!   the arguments (`symbol(a, b)` in FROM), streaming rows from the function's iterator.
//! - Errors: a runtime function's [`SqlError`] (SQLSTATE, detail, hint) is parked in a
//!   thread-local slot while SQLite unwinds with a marker message; [`take_function_error`]
//!   gives it back to the error mapper whole.
//! - [`Env`]: per thread (one session or worker per process), refreshed from the settings at
//!   every statement ([`refresh_env`]); the transaction clock is set at transaction start.
//!
//! Never: a runtime function panics across SQLite (a panic aborts the process, as any Rust
//! panic in a child does; the sql crate's functions do not panic on any input).

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::{CStr, CString, c_int};
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;

use rusqlite::functions::{Aggregate, Context, FunctionFlags, WindowAggregate};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::vtab::{
    Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection, VTabCursor,
};
use rusqlite::{Connection, ffi};
use sql::func::{self, Accumulator, Builtin, CastImp, Imp, Kind, TableFn, Volatility};
use sql::{Env, SqlError, Type, Value};

thread_local! {
    static ENV: RefCell<Env> = RefCell::new(Env::default());
    static FUNCTION_ERROR: RefCell<Option<SqlError>> = const { RefCell::new(None) };
    /// The settings text the current `ENV` was built from.
    static ENV_SOURCE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The message SQLite carries while the real error waits in the slot.
pub(crate) const FUNCTION_ERROR_MARKER: &str = "[minipg function error]";

/// Runs `f` with the thread's [`Env`].
pub fn with_env<T>(f: impl FnOnce(&Env) -> T) -> T {
    ENV.with(|e| f(&e.borrow()))
}

/// A copy of the thread's [`Env`].
pub fn env() -> Env {
    with_env(Env::clone)
}

/// Brings the [`Env`] in line with the settings (cheap when nothing changed).
pub fn refresh_env() {
    const NAMES: [&str; 5] = [
        "TimeZone",
        "DateStyle",
        "IntervalStyle",
        "extra_float_digits",
        "bytea_output",
    ];
    let current: Vec<String> = NAMES
        .iter()
        .map(|n| guc::show(n).unwrap_or_default())
        .collect();
    let changed = ENV_SOURCE.with(|s| *s.borrow() != current);
    if !changed {
        return;
    }
    ENV.with(|e| {
        let mut env = e.borrow_mut();
        crate::settings::apply_to_env(&mut env, &current);
    });
    ENV_SOURCE.with(|s| *s.borrow_mut() = current);
}

/// Sets `now()` for the transaction that starts (microseconds since 2000-01-01 UTC).
pub fn start_transaction_clock() {
    let now = now_micros();
    ENV.with(|e| {
        let mut env = e.borrow_mut();
        env.transaction_start = now;
        env.statement_start = now;
    });
}

/// Sets `statement_timestamp()` for the statement that starts.
pub fn start_statement_clock() {
    let now = now_micros();
    ENV.with(|e| e.borrow_mut().statement_start = now);
}

/// Microseconds since 2000-01-01 UTC, now.
pub fn now_micros() -> i64 {
    const PG_EPOCH_UNIX_SECS: i64 = 946_684_800;
    let since_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let micros = i64::try_from(since_unix.as_micros()).unwrap_or(i64::MAX);
    micros - PG_EPOCH_UNIX_SECS * 1_000_000
}

/// The session ended: the [`Env`] as before any session (rebuilt from the settings by the
/// next `refresh_env`), no clock and no function error left.
pub(crate) fn end_session() {
    ENV.with(|e| *e.borrow_mut() = Env::default());
    ENV_SOURCE.with(|s| s.borrow_mut().clear());
    take_function_error();
}

/// The error a runtime function raised in this thread, if one is waiting.
pub(crate) fn take_function_error() -> Option<SqlError> {
    FUNCTION_ERROR.with(|s| s.borrow_mut().take())
}

/// Parks `e` and returns what SQLite should carry.
pub(crate) fn raise(e: SqlError) -> rusqlite::Error {
    FUNCTION_ERROR.with(|s| *s.borrow_mut() = Some(e));
    rusqlite::Error::UserFunctionError(FUNCTION_ERROR_MARKER.into())
}

/// A SQLite value as a [`Value`].
pub(crate) fn from_ref(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// A [`Value`] for SQLite.
pub(crate) fn to_sql(v: &Value) -> ToSqlOutput<'_> {
    match v {
        Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
        Value::Float(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
        Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
    }
}

fn from_owned(v: rusqlite::types::Value) -> Value {
    match v {
        rusqlite::types::Value::Null => Value::Null,
        rusqlite::types::Value::Integer(i) => Value::Int(i),
        rusqlite::types::Value::Real(f) => Value::Float(f),
        rusqlite::types::Value::Text(s) => Value::Text(s),
        rusqlite::types::Value::Blob(b) => Value::Bytes(b),
    }
}

pub(crate) fn owned_sql(v: Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(i) => rusqlite::types::Value::Integer(i),
        Value::Float(f) => rusqlite::types::Value::Real(f),
        Value::Text(s) => rusqlite::types::Value::Text(s),
        Value::Bytes(b) => rusqlite::types::Value::Blob(b),
    }
}

pub(crate) fn args_of(ctx: &Context<'_>) -> Vec<Value> {
    (0..ctx.len()).map(|i| from_ref(ctx.get_raw(i))).collect()
}

fn flags(volatility: Volatility) -> FunctionFlags {
    let base = FunctionFlags::SQLITE_UTF8;
    match volatility {
        Volatility::Immutable => base | FunctionFlags::SQLITE_DETERMINISTIC,
        Volatility::Stable | Volatility::Volatile => base,
    }
}

/// Which arguments are floats (a stored `'NaN'` is given to the function as NaN).
fn float_args(types: &[Type]) -> Vec<bool> {
    types
        .iter()
        .map(|t| matches!(*t, Type::FLOAT4 | Type::FLOAT8))
        .collect()
}

fn load_floats(args: &mut [Value], floats: &[bool]) {
    for (a, is_float) in args.iter_mut().zip(floats) {
        if *is_float {
            *a = sql::types::float_loaded(a);
        }
    }
}

/// A scalar function or cast to create.
struct ScalarReg {
    name: CString,
    symbol: &'static str,
    f: func::ScalarFn,
    strict: bool,
    volatility: Volatility,
    min_args: usize,
    floats: Vec<bool>,
}

fn register_scalar(conn: &Connection, r: &'static ScalarReg) -> rusqlite::Result<()> {
    let ScalarReg {
        symbol,
        f,
        strict,
        min_args,
        ref floats,
        ..
    } = *r;
    conn.create_scalar_function(r.name.as_c_str(), -1, flags(r.volatility), move |ctx| {
        let mut args = args_of(ctx);
        load_floats(&mut args, floats);
        if args.len() < min_args {
            return Err(raise(SqlError::internal(format!(
                "{symbol} called with {} arguments, needs {min_args}",
                args.len()
            ))));
        }
        if strict && args.iter().any(Value::is_null) {
            return Ok(rusqlite::types::Value::Null);
        }
        match ENV.with(|e| f(&e.borrow(), &args)) {
            Ok(v) => Ok(owned_sql(sql::types::to_stored(v))),
            Err(e) => Err(raise(e)),
        }
    })
}

/// One function, aggregate or table module to create on every connection, with everything
/// about it worked out once per process (see [`plan`]).
enum Registration {
    Scalar(ScalarReg),
    Aggregate {
        name: CString,
        distinct_name: CString,
        window: bool,
        volatility: Volatility,
        new: func::AccumulatorFactory,
        typed: bool,
        declared: &'static [Type],
        strict: bool,
        floats: Vec<bool>,
    },
    Table {
        name: CString,
        def: TableDef,
    },
}

fn cname(symbol: &str) -> CString {
    // Symbols are Rust string constants without NUL bytes.
    CString::new(symbol).unwrap_or_default()
}

/// What [`register`] creates on a connection, computed on first use and kept for the
/// process. [`crate::warm`] computes it in the postmaster before any fork, so a new backend
/// only walks the list: a connection start used to spend a third of its time here.
fn plan() -> &'static [Registration] {
    static PLAN: std::sync::OnceLock<Vec<Registration>> = std::sync::OnceLock::new();
    PLAN.get_or_init(build_plan)
}

fn build_plan() -> Vec<Registration> {
    let mut out = Vec::new();
    for (symbol, n, f) in func::internal::INTERNAL {
        out.push(Registration::Scalar(ScalarReg {
            name: cname(symbol),
            symbol,
            f: *f,
            strict: false,
            volatility: Volatility::Immutable,
            min_args: usize::try_from(*n).unwrap_or(0),
            floats: Vec::new(),
        }));
    }
    for c in func::casts() {
        if let CastImp::Func { symbol, f, .. } = c.imp {
            out.push(Registration::Scalar(ScalarReg {
                name: cname(symbol),
                symbol,
                f,
                strict: true,
                volatility: Volatility::Immutable,
                min_args: 1,
                floats: float_args(&[c.from]),
            }));
        }
    }
    // The fewest arguments any row of a symbol takes (variadic: one repeat may be absent).
    let mut fewest: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for o in func::builtins() {
        if let Imp::Scalar { symbol, .. } | Imp::Table { symbol, .. } = o.imp {
            let n = o.args.len() - usize::from(o.variadic);
            fewest
                .entry(symbol)
                .and_modify(|m| *m = (*m).min(n))
                .or_insert(n);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for b in func::builtins() {
        match b.imp {
            Imp::Scalar { symbol, f, typed } => {
                if seen.insert(symbol) {
                    let min = fewest.get(symbol).copied().unwrap_or(0) + usize::from(typed);
                    // A typed function's first argument is the type list.
                    let mut floats = float_args(b.args);
                    if typed {
                        floats.insert(0, false);
                    }
                    out.push(Registration::Scalar(ScalarReg {
                        name: cname(symbol),
                        symbol,
                        f,
                        strict: b.strict,
                        volatility: b.volatility,
                        min_args: min,
                        floats,
                    }));
                }
            }
            Imp::Aggregate {
                symbol,
                new,
                window,
            } => {
                if seen.insert(symbol) {
                    out.push(Registration::Aggregate {
                        name: cname(symbol),
                        distinct_name: cname(&format!("{symbol}{}", func::DISTINCT_SUFFIX)),
                        window,
                        volatility: b.volatility,
                        new,
                        typed: sql::emit::aggregate_is_typed(b),
                        declared: b.args,
                        strict: b.strict,
                        floats: float_args(b.args),
                    });
                }
            }
            Imp::Table { symbol, f } => {
                if seen.insert(symbol) {
                    let required = fewest.get(symbol).copied().unwrap_or(0);
                    out.push(Registration::Table {
                        name: cname(symbol),
                        def: table_def(b, f, required),
                    });
                }
            }
            Imp::Sqlite(_) | Imp::SqliteOp(_) | Imp::Host { .. } | Imp::Special => {}
        }
    }
    out
}

/// Computes the registration plan now (see [`plan`]).
pub(crate) fn warm() {
    plan();
}

/// Registers everything the `sql` crate's translations call.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    // Parsing and analysis stop for what stops SQLite's progress handler.
    sql::interrupt::set_check(crate::interrupt::pending);
    for (name, cmp) in sql::types::COLLATIONS {
        conn.create_collation(*name, *cmp)?;
    }
    for r in plan() {
        match r {
            Registration::Scalar(r) => register_scalar(conn, r)?,
            Registration::Aggregate {
                name,
                distinct_name,
                window,
                volatility,
                new,
                typed,
                declared,
                strict,
                floats,
            } => {
                let agg = |distinct| Agg {
                    new: *new,
                    typed: *typed,
                    distinct,
                    declared,
                    strict: *strict,
                    floats,
                };
                let flags = flags(*volatility);
                if *window {
                    conn.create_window_function(name.as_c_str(), -1, flags, agg(false))?;
                } else {
                    conn.create_aggregate_function(name.as_c_str(), -1, flags, agg(false))?;
                }
                conn.create_aggregate_function(distinct_name.as_c_str(), -1, flags, agg(true))?;
            }
            Registration::Table { name, def } => {
                const MODULE: Module<'static, TableTab> = Module::eponymous_only_module();
                conn.create_module(name.as_c_str(), &MODULE, Some(def.clone()))?;
            }
        }
    }
    Ok(())
}

// ---- aggregates ----

type State = AssertUnwindSafe<Box<dyn Accumulator>>;

struct Agg {
    new: func::AccumulatorFactory,
    /// The first argument is the argument types (polymorphic aggregates).
    typed: bool,
    /// The DISTINCT form: rows equal to an earlier one are skipped ([`func::Distinct`]).
    distinct: bool,
    /// The declared argument types (for an aggregate that is not typed).
    declared: &'static [Type],
    strict: bool,
    floats: &'static [bool],
}

impl Agg {
    /// The row's arguments without the types argument, or `None` when a strict aggregate
    /// skips the row (a NULL argument).
    fn row_args(&self, ctx: &Context<'_>) -> Option<Vec<Value>> {
        let mut args = args_of(ctx);
        if self.typed && !args.is_empty() {
            args.remove(0);
        }
        if self.strict && args.iter().any(Value::is_null) {
            return None;
        }
        load_floats(&mut args, self.floats);
        Some(args)
    }

    fn types(&self, ctx: &Context<'_>) -> Vec<Type> {
        if self.typed && !ctx.is_empty() {
            func::arg_types(&from_ref(ctx.get_raw(0)))
        } else {
            (0..ctx.len()).map(|_| Type::ANY).collect()
        }
    }
}

impl Aggregate<State, rusqlite::types::Value> for Agg {
    fn init(&self, ctx: &mut Context<'_>) -> rusqlite::Result<State> {
        let types = self.types(ctx);
        let acc = (self.new)(&types);
        if self.distinct {
            let types = if self.typed {
                types
            } else {
                self.declared.to_vec()
            };
            return Ok(AssertUnwindSafe(Box::new(func::Distinct::new(acc, &types))));
        }
        Ok(AssertUnwindSafe(acc))
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut State) -> rusqlite::Result<()> {
        let Some(args) = self.row_args(ctx) else {
            return Ok(());
        };
        ENV.with(|e| acc.0.step(&e.borrow(), &args)).map_err(raise)
    }

    fn finalize(
        &self,
        _ctx: &mut Context<'_>,
        acc: Option<State>,
    ) -> rusqlite::Result<rusqlite::types::Value> {
        let mut acc = match acc {
            Some(a) => a,
            None => AssertUnwindSafe((self.new)(&[])),
        };
        ENV.with(|e| acc.0.value(&e.borrow()))
            .map(|v| owned_sql(sql::types::to_stored(v)))
            .map_err(raise)
    }
}

impl WindowAggregate<State, rusqlite::types::Value> for Agg {
    fn value(&self, acc: Option<&mut State>) -> rusqlite::Result<rusqlite::types::Value> {
        let mut fresh;
        let acc = match acc {
            Some(a) => a,
            None => {
                fresh = AssertUnwindSafe((self.new)(&[]));
                &mut fresh
            }
        };
        ENV.with(|e| acc.0.value(&e.borrow()))
            .map(|v| owned_sql(sql::types::to_stored(v)))
            .map_err(raise)
    }

    fn inverse(&self, ctx: &mut Context<'_>, acc: &mut State) -> rusqlite::Result<()> {
        let Some(args) = self.row_args(ctx) else {
            return Ok(());
        };
        ENV.with(|e| acc.0.inverse(&e.borrow(), &args))
            .map_err(raise)
    }
}

// ---- set-returning functions ----

/// What one table-function module needs: the function and its column layout.
#[derive(Clone)]
struct TableDef {
    f: TableFn,
    /// Output columns (then `ordinality`), then `args` hidden argument columns.
    outputs: Vec<String>,
    args: usize,
    /// The first `required` arguments must be given.
    required: usize,
}

/// The column layout of set-returning function `b`'s module; `required`: the fewest
/// arguments any catalog row of its symbol takes.
fn table_def(b: &Builtin, f: TableFn, required: usize) -> TableDef {
    let mut outputs: Vec<String> = if b.out_columns.is_empty() {
        vec!["value".into()]
    } else {
        b.out_columns
            .iter()
            .map(|(n, _)| (*n).to_string())
            .collect()
    };
    outputs.push("ordinality".into());
    let typed = b.args.iter().any(|t| t.is_pseudo());
    // Variadic functions take up to 8 repeats.
    let args = b.args.len() + usize::from(typed) + if b.variadic { 8 } else { 0 };
    TableDef {
        f,
        outputs,
        args,
        // Rows with fewer arguments share the symbol's module (generate_series(a, b[, step])).
        required: required + usize::from(typed),
    }
}

#[repr(C)]
struct TableTab {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab,
    f: TableFn,
    outputs: usize,
    args: usize,
    required: usize,
}

// SAFETY: `TableTab` is `#[repr(C)]` with `sqlite3_vtab` as its first field, as the trait
// requires.
unsafe impl<'vtab> VTab<'vtab> for TableTab {
    type Aux = TableDef;
    type Cursor = TableCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        aux: Option<&TableDef>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> rusqlite::Result<(Cow<'static, CStr>, Self)> {
        db.config(VTabConfig::Innocuous)?;
        let Some(def) = aux else {
            return Err(rusqlite::Error::ModuleError(
                "table function without definition".into(),
            ));
        };
        let mut decl = String::from("CREATE TABLE x(");
        for (i, c) in def.outputs.iter().enumerate() {
            if i > 0 {
                decl.push_str(", ");
            }
            decl.push_str(&format!("\"{c}\""));
        }
        for i in 0..def.args {
            decl.push_str(&format!(", \"arg{i}\" HIDDEN"));
        }
        decl.push(')');
        let decl = CString::new(decl)
            .map_err(|_| rusqlite::Error::ModuleError("bad declaration".into()))?;
        Ok((
            Cow::Owned(decl),
            TableTab {
                base: ffi::sqlite3_vtab::default(),
                f: def.f,
                outputs: def.outputs.len(),
                args: def.args,
                required: def.required,
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> rusqlite::Result<bool> {
        // Every equality on an argument column is taken, in column order.
        let mut wanted: Vec<(usize, usize)> = Vec::new();
        for (i, c) in info.constraints().enumerate() {
            let col = usize::try_from(c.column()).unwrap_or(usize::MAX);
            if c.is_usable()
                && c.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ
                && col >= self.outputs
                && col < self.outputs + self.args
            {
                wanted.push((col - self.outputs, i));
            }
        }
        wanted.sort_unstable();
        let mut mask: c_int = 0;
        for (n, (arg, i)) in wanted.iter().enumerate() {
            let mut usage = info.constraint_usage(*i);
            usage.set_argv_index(c_int::try_from(n + 1).unwrap_or(c_int::MAX));
            usage.set_omit(true);
            mask |= 1 << arg;
        }
        info.set_idx_num(mask);
        // A plan that does not give every required argument is one SQLite must not choose
        // (the arguments come from earlier FROM items in another join order).
        let given = (0..self.required).all(|a| mask & (1 << a) != 0);
        if given {
            info.set_estimated_cost(1000.0);
            info.set_estimated_rows(1000);
        } else {
            info.set_estimated_cost(1e300);
            info.set_estimated_rows(i64::MAX);
        }
        Ok(true)
    }

    fn open(&'vtab mut self) -> rusqlite::Result<TableCursor<'vtab>> {
        Ok(TableCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            f: self.f,
            outputs: self.outputs,
            required: self.required,
            rows: None,
            row: Vec::new(),
            ordinal: 0,
            done: true,
            phantom: PhantomData,
        })
    }
}

#[repr(C)]
struct TableCursor<'vtab> {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab_cursor,
    f: TableFn,
    outputs: usize,
    required: usize,
    rows: Option<func::Rows>,
    row: Vec<Value>,
    ordinal: i64,
    done: bool,
    phantom: PhantomData<&'vtab TableTab>,
}

impl TableCursor<'_> {
    fn advance(&mut self) -> rusqlite::Result<()> {
        let next = match &mut self.rows {
            Some(it) => it.next(),
            None => None,
        };
        match next {
            Some(Ok(row)) => {
                self.row = row.into_iter().map(sql::types::to_stored).collect();
                self.ordinal += 1;
                self.done = false;
                Ok(())
            }
            Some(Err(e)) => {
                self.done = true;
                Err(raise(e))
            }
            None => {
                self.done = true;
                Ok(())
            }
        }
    }
}

// SAFETY: `TableCursor` is `#[repr(C)]` with `sqlite3_vtab_cursor` as its first field, as
// the trait requires.
unsafe impl VTabCursor for TableCursor<'_> {
    fn filter(
        &mut self,
        idx_num: c_int,
        _idx_str: Option<&str>,
        args: &Filters<'_>,
    ) -> rusqlite::Result<()> {
        // Arguments arrive in column order for the columns set in `idx_num`; the function
        // takes them positionally (a missing trailing argument is absent, not NULL).
        let mut values = Vec::with_capacity(args.len());
        let mut k = 0;
        for bit in 0..31 {
            if idx_num & (1 << bit) == 0 {
                continue;
            }
            if k < args.len() {
                let v: rusqlite::types::Value = args.get(k)?;
                values.push(from_owned(v));
            }
            k += 1;
        }
        self.ordinal = 0;
        self.rows = None;
        if values.len() < self.required {
            return Err(raise(SqlError::internal(
                "a set-returning function in FROM was not given its arguments",
            )));
        }
        if values.iter().any(Value::is_null) {
            self.done = true;
            return Ok(());
        }
        let rows = ENV
            .with(|e| (self.f)(&e.borrow(), &values))
            .map_err(raise)?;
        self.rows = Some(rows);
        self.advance()
    }

    fn next(&mut self) -> rusqlite::Result<()> {
        crate::interrupt::check().map_err(|e| raise(e.into_sql()))?;
        self.advance()
    }

    fn eof(&self) -> bool {
        self.done
    }

    fn column(&self, ctx: &mut rusqlite::vtab::Context, i: c_int) -> rusqlite::Result<()> {
        let i = usize::try_from(i).unwrap_or(usize::MAX);
        if i == self.outputs - 1 {
            return ctx.set_result(self.ordinal);
        }
        match self.row.get(i) {
            Some(v) => ctx.set_result(to_sql(v)),
            None => ctx.set_result(rusqlite::types::Null),
        }
    }

    fn rowid(&self) -> rusqlite::Result<i64> {
        Ok(self.ordinal)
    }
}

#[allow(dead_code)]
fn kinds() -> [Kind; 1] {
    [Kind::Function]
}
