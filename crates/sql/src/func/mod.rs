//! The function, operator and cast catalog: one [`Builtin`] row per PostgreSQL function or
//! operator minipg provides, one [`CastDef`] per cast. A row holds the signature (argument and
//! result types, as `pg_proc`/`pg_operator` have them) and the implementation, so the two can
//! never drift apart.
//!
//! Implementations ([`Imp`]) are either SQLite's own function or operator (only where SQLite's
//! semantics equal PostgreSQL's for these argument types), a runtime function of this crate
//! (pure Rust over stored [`Value`]s; the `spi` crate registers each one on every SQLite
//! connection under its `symbol`), or `Special`: translated by the analyzer itself.
//!
//! Runtime functions receive arguments in their types' storage form (see `types`) and return
//! the result in its type's storage form. Strict functions are never called with a NULL
//! argument: the registration wrapper returns NULL first. A function marked `typed` receives
//! one extra first argument, the text `"oid,oid,…"` of its actual argument types (see
//! [`arg_types`]), for polymorphic functions that must know what they were given.

pub mod catalog;
pub mod extra;
pub mod host;
pub mod internal;
pub mod rows;
pub mod sqlite;

pub use sqlite::{COUNT, MAX, MIN};

use crate::env::Env;
use crate::error::Result;
use crate::types::Type;
use crate::value::Value;

/// A runtime scalar function.
pub type ScalarFn = fn(&Env, &[Value]) -> Result<Value>;

/// The state of one aggregate (or window aggregate) evaluation.
pub trait Accumulator: Send {
    /// Adds one row's arguments.
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()>;
    /// Removes one row's arguments (a sliding window frame). Aggregates that cannot leave
    /// this as is; the analyzer only uses them over frames that never shrink.
    fn inverse(&mut self, _env: &Env, _args: &[Value]) -> Result<()> {
        Err(crate::error::SqlError::not_supported(
            "this aggregate cannot be used with a moving window frame",
        ))
    }
    /// The aggregate's value for the rows added so far (called once at the end, or per row in
    /// a window).
    fn value(&mut self, env: &Env) -> Result<Value>;
}

/// The runtime symbol of an aggregate's DISTINCT form: `{symbol}_distinct` (see [`Distinct`]).
pub const DISTINCT_SUFFIX: &str = "_distinct";

/// DISTINCT for an aggregate whose arguments SQLite cannot deduplicate itself (several of them,
/// or the argument types passed first): a row whose arguments equal an earlier row's, by their
/// types' equality (NULLs equal), is not passed on.
pub struct Distinct {
    inner: Box<dyn Accumulator>,
    types: Vec<Type>,
    /// Every distinct argument list seen, sorted.
    seen: Vec<Vec<Value>>,
}

impl Distinct {
    pub fn new(inner: Box<dyn Accumulator>, types: &[Type]) -> Distinct {
        Distinct {
            inner,
            types: types.to_vec(),
            seen: Vec::new(),
        }
    }

    fn cmp(&self, a: &[Value], b: &[Value]) -> std::cmp::Ordering {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            let ty = self.types.get(i).copied().unwrap_or(Type::TEXT);
            let o = match (x.is_null(), y.is_null()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                (false, false) => crate::types::array::funcs::elem_cmp(ty, x, y),
            };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        a.len().cmp(&b.len())
    }
}

impl Accumulator for Distinct {
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()> {
        match self.seen.binary_search_by(|s| self.cmp(s, args)) {
            Ok(_) => Ok(()),
            Err(at) => {
                self.seen.insert(at, args.to_vec());
                self.inner.step(env, args)
            }
        }
    }

    fn value(&mut self, env: &Env) -> Result<Value> {
        self.inner.value(env)
    }
}

/// Creates an aggregate's state. `types` are the actual argument types.
pub type AccumulatorFactory = fn(types: &[Type]) -> Box<dyn Accumulator>;

/// The rows of a set-returning function, produced one at a time (a result may be far larger
/// than memory: `generate_series(1, 1e9)`).
pub type Rows = Box<dyn Iterator<Item = Result<Vec<Value>>>>;

/// A runtime set-returning function: its arguments → its rows (one value per output column).
pub type TableFn = fn(&Env, &[Value]) -> Result<Rows>;

/// How a function or operator is carried out.
#[derive(Clone, Copy)]
pub enum Imp {
    /// SQLite's function of this name.
    Sqlite(&'static str),
    /// SQLite's infix (binary) or prefix (unary) operator.
    SqliteOp(&'static str),
    /// A runtime function, registered under `symbol` (unique across the catalog).
    Scalar {
        symbol: &'static str,
        f: ScalarFn,
        /// Receives its argument types first (see the module doc).
        typed: bool,
    },
    /// A runtime aggregate, registered under `symbol`.
    Aggregate {
        symbol: &'static str,
        new: AccumulatorFactory,
        /// Its state can remove rows (registered as a window function too).
        window: bool,
    },
    /// A runtime set-returning function, registered as an eponymous virtual table `symbol`
    /// whose hidden columns are the arguments.
    Table { symbol: &'static str, f: TableFn },
    /// Provided by the host that executes statements (the `spi` crate registers `symbol`):
    /// functions over server state (`pg_backend_pid`, `pg_cancel_backend`, `version`, …).
    Host { symbol: &'static str },
    /// Translated by the analyzer (`extract`, `count(*)`, `coalesce`, …).
    Special,
}

impl std::fmt::Debug for Imp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Imp::Sqlite(name) => write!(f, "Sqlite({name})"),
            Imp::SqliteOp(op) => write!(f, "SqliteOp({op})"),
            Imp::Scalar { symbol, .. } => write!(f, "Scalar({symbol})"),
            Imp::Aggregate { symbol, .. } => write!(f, "Aggregate({symbol})"),
            Imp::Table { symbol, .. } => write!(f, "Table({symbol})"),
            Imp::Host { symbol } => write!(f, "Host({symbol})"),
            Imp::Special => write!(f, "Special"),
        }
    }
}

/// What kind of catalog entry a [`Builtin`] is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A function called by name.
    Function,
    /// An operator (`name` is its symbol: `+`, `||`, `->>`; unary operators have one argument).
    Operator,
    /// An aggregate function.
    Aggregate,
    /// An ordered-set aggregate (`percentile_cont`, `mode`): its last argument is the
    /// `WITHIN GROUP (ORDER BY …)` input, which it sorts itself; the others are its direct
    /// arguments.
    OrderedSet,
    /// A window-only function (`row_number`, `rank`, `lag`…).
    Window,
    /// A set-returning function (`generate_series`, `unnest`, `jsonb_each`…).
    SetReturning,
}

/// `pg_proc.provolatile`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

/// One function or operator.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// The name (lower case) or the operator's symbol.
    pub name: &'static str,
    pub kind: Kind,
    /// Argument types; pseudo-types (`anyelement`, `anyarray`, `anycompatible`, `any`) for
    /// polymorphic functions.
    pub args: &'static [Type],
    /// The last argument may repeat (PostgreSQL's `VARIADIC`; `args` holds its element type).
    pub variadic: bool,
    /// The result type (a polymorphic result is resolved from the arguments). For a
    /// set-returning function, the type of each row (or `record`; see `out_columns`).
    pub ret: Type,
    /// Output columns of a set-returning function that returns records (`jsonb_each`: key,
    /// value).
    pub out_columns: &'static [(&'static str, Type)],
    /// NULL in, NULL out: the function is not called when an argument is NULL.
    pub strict: bool,
    pub volatility: Volatility,
    pub imp: Imp,
}

impl Builtin {
    /// The same row with another volatility.
    pub const fn with_volatility(self, volatility: Volatility) -> Builtin {
        Builtin { volatility, ..self }
    }

    /// The same row, not strict (called with NULL arguments).
    pub const fn not_strict(self) -> Builtin {
        Builtin {
            strict: false,
            ..self
        }
    }
}

/// `pg_cast.castcontext`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum CastContext {
    /// Applied silently wherever needed.
    Implicit,
    /// Also applied when storing into a column.
    Assignment,
    /// Only when asked for (`CAST`, `::`).
    Explicit,
}

/// How a cast is carried out.
#[derive(Clone, Copy, Debug)]
pub enum CastImp {
    /// The stored form does not change (`varchar` → `text`, `int4` → `oid`).
    Binary,
    /// A runtime function `symbol(value)`; when `with_typmod`, `symbol(value, typmod)`.
    Func {
        symbol: &'static str,
        f: ScalarFn,
        with_typmod: bool,
    },
}

/// One `pg_cast` row (casts through text I/O are not listed: the analyzer derives them).
#[derive(Clone, Copy, Debug)]
pub struct CastDef {
    pub from: Type,
    pub to: Type,
    pub context: CastContext,
    pub imp: CastImp,
}

/// Parses the argument-type text a `typed` function receives first.
pub fn arg_types(v: &Value) -> Vec<Type> {
    match v {
        Value::Text(s) => s
            .split(',')
            .filter_map(|t| t.parse().ok().map(Type))
            .collect(),
        _ => Vec::new(),
    }
}

/// A `typed` function's arguments: the types it was given (one per value, `unknown` where the
/// list is short) and the values after the type list.
pub fn split_typed(args: &[Value]) -> (Vec<Type>, &[Value]) {
    let (first, rest) = args
        .split_first()
        .map_or((&Value::Null, args), |(f, r)| (f, r));
    let mut types = arg_types(first);
    types.resize(rest.len(), Type::UNKNOWN);
    (types, rest)
}

/// The text of `types` that a `typed` function receives.
pub fn arg_types_text(types: &[Type]) -> String {
    let mut s = String::new();
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&t.0.to_string());
    }
    s
}

/// Helpers for the unit tests of runtime functions.
#[cfg(test)]
pub(crate) mod testing {
    use super::arg_types_text;
    use crate::error::Result;
    use crate::types::Type;
    use crate::value::Value;

    /// The arguments a `typed` function receives for `vals` of `types`: their types first.
    pub fn with_types(types: &[Type], vals: &[Value]) -> Vec<Value> {
        let mut v = vec![Value::Text(arg_types_text(types))];
        v.extend_from_slice(vals);
        v
    }

    /// The text a call returned (a panic for an error or another value).
    pub fn text(r: Result<Value>) -> String {
        match r {
            Ok(Value::Text(s)) => s,
            other => panic!("{other:?}"),
        }
    }
}

static MODULE_FUNCTIONS: std::sync::Mutex<Vec<&'static Builtin>> =
    std::sync::Mutex::new(Vec::new());
static CATALOG_FROZEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Adds a module's function (PostgreSQL's CREATE FUNCTION of a preloaded library) to the
/// catalog. Only before the catalog's indexes are built (a module does it from its init,
/// during preload, before any statement); a name and argument types already taken are refused.
pub fn define_module_function(b: Builtin) -> std::result::Result<(), String> {
    if CATALOG_FROZEN.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(format!(
            "function {} must be defined while shared_preload_libraries are loaded",
            b.name
        ));
    }
    if builtins().any(|o| o.name == b.name && o.args == b.args) {
        return Err(format!(
            "function \"{}\" already exists with same argument types",
            b.name
        ));
    }
    MODULE_FUNCTIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Box::leak(Box::new(b)));
    Ok(())
}

/// No more module functions: an index over the catalog is being built.
pub(crate) fn freeze_catalog() {
    CATALOG_FROZEN.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// The functions modules defined.
pub fn module_functions() -> Vec<&'static Builtin> {
    MODULE_FUNCTIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Every function and operator of the catalog.
pub fn builtins() -> impl Iterator<Item = &'static Builtin> {
    builtin_rows().chain(module_functions())
}

fn builtin_rows() -> impl Iterator<Item = &'static Builtin> {
    use crate::types::{array, bytea, datetime, json, numbers, text};
    [
        sqlite::FUNCTIONS,
        host::FUNCTIONS,
        catalog::FUNCTIONS,
        &numbers::COMPARISONS,
        numbers::FUNCTIONS,
        &datetime::COMPARISONS,
        datetime::FUNCTIONS,
        &text::COMPARISONS,
        text::FUNCTIONS,
        text::REGEXP_FUNCTIONS,
        &text::PATTERN_OPERATORS,
        &bytea::COMPARISONS,
        bytea::FUNCTIONS,
        json::FUNCTIONS,
        array::FUNCTIONS,
        numbers::formatting::FUNCTIONS,
        extra::FUNCTIONS,
    ]
    .into_iter()
    .flatten()
}

/// The parameter names and trailing defaults of a catalog function that has them (PostgreSQL's
/// `proargnames` and `proargdefaults`), so that it may be called with named arguments
/// (`make_interval(days => 10)`) or without its defaulted ones.
pub struct Parameters {
    /// The runtime symbol of the row these belong to.
    pub symbol: &'static str,
    pub names: &'static [&'static str],
    /// Values (stored form) of the last `defaults.len()` parameters when not given.
    pub defaults: &'static [Value],
}

/// Every function with parameter names.
pub static PARAMETERS: &[Parameters] = &[Parameters {
    symbol: "pg_make_interval",
    names: &["years", "months", "weeks", "days", "hours", "mins", "secs"],
    defaults: &[
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
        Value::Float(0.0),
    ],
}];

/// The function row named `name` that has parameter names, with them.
pub fn with_parameters(name: &str) -> Option<(&'static Builtin, &'static Parameters)> {
    named(name).iter().find_map(|b| match b.imp {
        Imp::Scalar { symbol, .. } => PARAMETERS
            .iter()
            .find(|p| p.symbol == symbol)
            .map(|p| (*b, p)),
        _ => None,
    })
}

/// The catalog rows named `name` (functions, operators, aggregates… of every kind), from an
/// index built on first use: resolution looks names up for every call and operator.
pub fn named(name: &str) -> &'static [&'static Builtin] {
    static INDEX: std::sync::OnceLock<
        std::collections::HashMap<&'static str, Vec<&'static Builtin>>,
    > = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        freeze_catalog();
        let mut m: std::collections::HashMap<&'static str, Vec<&'static Builtin>> =
            std::collections::HashMap::new();
        for b in builtins() {
            m.entry(b.name).or_default().push(b);
        }
        m
    });
    index.get(name).map_or(&[], Vec::as_slice)
}

/// Every cast of the catalog.
pub fn casts() -> impl Iterator<Item = &'static CastDef> {
    use crate::types::{array, bytea, datetime, json, numbers, text};
    [
        numbers::CASTS,
        datetime::CASTS,
        text::CASTS,
        bytea::CASTS,
        json::CASTS,
        array::CASTS,
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_of_types_has_at_most_one_cast() {
        let mut seen = std::collections::HashSet::new();
        for c in casts() {
            assert!(
                seen.insert((c.from, c.to)),
                "two casts from {} to {}",
                c.from.name(),
                c.to.name()
            );
        }
    }

    #[test]
    fn runtime_symbols_are_unique() {
        let mut symbols: Vec<&str> = builtins()
            .filter_map(|b| match b.imp {
                Imp::Scalar { symbol, .. }
                | Imp::Aggregate { symbol, .. }
                | Imp::Table { symbol, .. } => Some(symbol),
                _ => None,
            })
            .chain(casts().filter_map(|c| match c.imp {
                CastImp::Func { symbol, .. } => Some(symbol),
                CastImp::Binary => None,
            }))
            .collect();
        // Internal functions share SQLite's namespace: no catalog row may reuse their names.
        for (internal, _, _) in internal::INTERNAL {
            assert!(
                !symbols.contains(internal),
                "{internal} is also a catalog symbol"
            );
        }
        for s in &symbols {
            assert!(
                s.starts_with("pg_"),
                "runtime symbol {s} must start with pg_"
            );
        }
        symbols.sort_unstable();
        let before = symbols.len();
        symbols.dedup();
        assert_eq!(before, symbols.len(), "duplicate runtime symbols");
    }
}
