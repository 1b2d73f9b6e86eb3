//! Catalog rows carried out by SQLite itself: count/min/max (special in the analyzer: they
//! take any orderable type) and the window functions, whose semantics SQLite shares.

use crate::func::rows::row;
use crate::func::{Builtin, Imp, Kind};
use crate::types::Type;

/// SQLite's function `name`, which sees NULL arguments itself.
const fn sqlite(name: &'static str, kind: Kind, args: &'static [Type], ret: Type) -> Builtin {
    row(name, kind, args, ret, Imp::Sqlite(name)).not_strict()
}

pub static COUNT: Builtin = sqlite("count", Kind::Aggregate, &[Type::ANY], Type::INT8);
pub static MIN: Builtin = sqlite(
    "min",
    Kind::Aggregate,
    &[Type::ANYELEMENT],
    Type::ANYELEMENT,
);
pub static MAX: Builtin = sqlite(
    "max",
    Kind::Aggregate,
    &[Type::ANYELEMENT],
    Type::ANYELEMENT,
);

pub static FUNCTIONS: &[Builtin] = &[
    sqlite("row_number", Kind::Window, &[], Type::INT8),
    sqlite("rank", Kind::Window, &[], Type::INT8),
    sqlite("dense_rank", Kind::Window, &[], Type::INT8),
    sqlite("percent_rank", Kind::Window, &[], Type::FLOAT8),
    sqlite("cume_dist", Kind::Window, &[], Type::FLOAT8),
    sqlite("ntile", Kind::Window, &[Type::INT4], Type::INT4),
    sqlite("lag", Kind::Window, &[Type::ANYELEMENT], Type::ANYELEMENT),
    sqlite(
        "lag",
        Kind::Window,
        &[Type::ANYELEMENT, Type::INT4],
        Type::ANYELEMENT,
    ),
    sqlite(
        "lag",
        Kind::Window,
        &[Type::ANYCOMPATIBLE, Type::INT4, Type::ANYCOMPATIBLE],
        Type::ANYCOMPATIBLE,
    ),
    sqlite("lead", Kind::Window, &[Type::ANYELEMENT], Type::ANYELEMENT),
    sqlite(
        "lead",
        Kind::Window,
        &[Type::ANYELEMENT, Type::INT4],
        Type::ANYELEMENT,
    ),
    sqlite(
        "lead",
        Kind::Window,
        &[Type::ANYCOMPATIBLE, Type::INT4, Type::ANYCOMPATIBLE],
        Type::ANYCOMPATIBLE,
    ),
    sqlite(
        "first_value",
        Kind::Window,
        &[Type::ANYELEMENT],
        Type::ANYELEMENT,
    ),
    sqlite(
        "last_value",
        Kind::Window,
        &[Type::ANYELEMENT],
        Type::ANYELEMENT,
    ),
    sqlite(
        "nth_value",
        Kind::Window,
        &[Type::ANYELEMENT, Type::INT4],
        Type::ANYELEMENT,
    ),
];
