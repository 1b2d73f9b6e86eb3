//! The constructors every catalog table is written with: one `const fn` per kind of
//! [`Builtin`] row (runtime function or operator, SQLite operator, aggregate, set-returning,
//! host function) and of [`CastDef`] row, the modifiers that change one property of a row
//! (`stable`, `variadic`, `typed`…), and [`sqlite_comparisons!`] for the six comparison
//! operators SQLite carries out itself.
//!
//! Invariant: a row built here is strict, immutable and of fixed arity unless a modifier says
//! otherwise, so a table states only where a row departs from PostgreSQL's defaults.

use crate::func::{
    AccumulatorFactory, Builtin, CastContext, CastDef, CastImp, Imp, Kind, ScalarFn, TableFn,
    Volatility,
};
use crate::types::Type;

/// A strict, immutable, fixed-arity row of `kind` carried out by `imp`: the base of the
/// constructors below.
pub const fn row(
    name: &'static str,
    kind: Kind,
    args: &'static [Type],
    ret: Type,
    imp: Imp,
) -> Builtin {
    Builtin {
        name,
        kind,
        args,
        variadic: false,
        ret,
        out_columns: &[],
        strict: true,
        volatility: Volatility::Immutable,
        imp,
    }
}

/// Defines one constructor per kind of row a runtime function carries out.
macro_rules! runtime_rows {
    ($($(#[$doc:meta])* $name:ident => $kind:expr;)*) => {$(
        $(#[$doc])*
        pub const fn $name(
            name: &'static str,
            args: &'static [Type],
            ret: Type,
            symbol: &'static str,
            f: ScalarFn,
        ) -> Builtin {
            let typed = false;
            row(name, $kind, args, ret, Imp::Scalar { symbol, f, typed })
        }
    )*};
}

runtime_rows! {
    /// A function carried out by the runtime function `f`, registered as `symbol`.
    func => Kind::Function;
    /// An operator carried out by the runtime function `f`, registered as `symbol`.
    op => Kind::Operator;
}

/// An operator SQLite carries out itself, as its operator `sqlite`.
pub const fn sqlite_op(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    sqlite: &'static str,
) -> Builtin {
    row(name, Kind::Operator, args, ret, Imp::SqliteOp(sqlite))
}

/// A comparison SQLite carries out itself, as its operator `sqlite`.
pub const fn sqlite_cmp(
    name: &'static str,
    args: &'static [Type],
    sqlite: &'static str,
) -> Builtin {
    sqlite_op(name, args, Type::BOOL, sqlite)
}

/// The six comparison operators (`=`, `<>`, `<`, `<=`, `>`, `>=`) SQLite carries out itself,
/// for each argument-type list given: an array of six rows per list.
#[macro_export]
macro_rules! sqlite_comparisons {
    ($($args:expr),* $(,)?) => {
        [$(
            $crate::func::rows::sqlite_cmp("=", $args, "="),
            $crate::func::rows::sqlite_cmp("<>", $args, "<>"),
            $crate::func::rows::sqlite_cmp("<", $args, "<"),
            $crate::func::rows::sqlite_cmp("<=", $args, "<="),
            $crate::func::rows::sqlite_cmp(">", $args, ">"),
            $crate::func::rows::sqlite_cmp(">=", $args, ">="),
        )*]
    };
}
pub use sqlite_comparisons;

/// Catalog rows of functions that share a name, a result type and an implementation and differ
/// only in their arguments, one line each: `ctor "name" -> ret, imp { [args] symbol, … }`
/// with `ctor` [`func`] or [`srf`]. Gives a slice of the rows in order.
#[macro_export]
macro_rules! overloads {
    ($($ctor:ident $name:literal -> $ret:expr, $imp:path {
        $([$($arg:expr),*] $symbol:literal),+ $(,)?
    })*) => {
        &[$($(
            $crate::func::rows::$ctor($name, &[$($arg),*], $ret, $symbol, $imp),
        )+)*]
    };
}
pub use overloads;

/// An aggregate whose state can also remove rows, so that it serves any window frame (see
/// [`fixed_frame`] for one that cannot).
pub const fn aggregate(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    new: AccumulatorFactory,
) -> Builtin {
    let window = true;
    row(
        name,
        Kind::Aggregate,
        args,
        ret,
        Imp::Aggregate {
            symbol,
            new,
            window,
        },
    )
}

/// A set-returning function carried out by the runtime table `f`, registered as `symbol`.
pub const fn srf(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: TableFn,
) -> Builtin {
    row(
        name,
        Kind::SetReturning,
        args,
        ret,
        Imp::Table { symbol, f },
    )
}

/// A function the host carries out (see [`Imp::Host`]).
pub const fn host(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    volatility: Volatility,
) -> Builtin {
    row(name, Kind::Function, args, ret, Imp::Host { symbol }).with_volatility(volatility)
}

/// The same row, stable (`pg_proc.provolatile = 's'`).
pub const fn stable(b: Builtin) -> Builtin {
    b.with_volatility(Volatility::Stable)
}

/// The same row, volatile.
pub const fn volatile(b: Builtin) -> Builtin {
    b.with_volatility(Volatility::Volatile)
}

/// The same row, not strict (called with NULL arguments).
pub const fn not_strict(b: Builtin) -> Builtin {
    b.not_strict()
}

/// The same row with a variadic last argument.
pub const fn variadic(b: Builtin) -> Builtin {
    Builtin {
        variadic: true,
        ..b
    }
}

/// The same runtime function, receiving its argument types first (see [`crate::func`]).
pub const fn typed(b: Builtin) -> Builtin {
    with_typed(b, true)
}

/// The same runtime function, without its argument types.
pub const fn untyped(b: Builtin) -> Builtin {
    with_typed(b, false)
}

const fn with_typed(b: Builtin, typed: bool) -> Builtin {
    match b.imp {
        Imp::Scalar { symbol, f, .. } => Builtin {
            imp: Imp::Scalar { symbol, f, typed },
            ..b
        },
        _ => b,
    }
}

/// The same aggregate, whose state cannot remove rows: only over frames that never shrink.
pub const fn fixed_frame(b: Builtin) -> Builtin {
    match b.imp {
        Imp::Aggregate { symbol, new, .. } => Builtin {
            imp: Imp::Aggregate {
                symbol,
                new,
                window: false,
            },
            ..b
        },
        _ => b,
    }
}

/// The same row as another kind (an aggregate as an ordered-set aggregate, a function as an
/// operator).
pub const fn of_kind(kind: Kind, b: Builtin) -> Builtin {
    Builtin { kind, ..b }
}

/// The same set-returning function, returning records with these columns.
pub const fn with_out_columns(out_columns: &'static [(&'static str, Type)], b: Builtin) -> Builtin {
    Builtin { out_columns, ..b }
}

/// A cast carried out by `imp`.
pub const fn cast(from: Type, to: Type, context: CastContext, imp: CastImp) -> CastDef {
    CastDef {
        from,
        to,
        context,
        imp,
    }
}

/// A cast that leaves the stored form as it is.
pub const fn cast_bin(from: Type, to: Type, context: CastContext) -> CastDef {
    cast(from, to, context, CastImp::Binary)
}

/// A cast carried out by the runtime function `f(value)`, registered as `symbol`.
pub const fn cast_fn(
    from: Type,
    to: Type,
    context: CastContext,
    symbol: &'static str,
    f: ScalarFn,
) -> CastDef {
    cast(from, to, context, by_fn(symbol, f))
}

/// The runtime function `f(value)`, registered as `symbol`, as a cast's implementation.
pub const fn by_fn(symbol: &'static str, f: ScalarFn) -> CastImp {
    let with_typmod = false;
    CastImp::Func {
        symbol,
        f,
        with_typmod,
    }
}

/// The runtime function `f(value, typmod)`, registered as `symbol`, as a cast's
/// implementation.
pub const fn by_typmod_fn(symbol: &'static str, f: ScalarFn) -> CastImp {
    let with_typmod = true;
    CastImp::Func {
        symbol,
        f,
        with_typmod,
    }
}
