//! SQL functions defined by modules (PostgreSQL's `CREATE FUNCTION … LANGUAGE C` of a
//! preloaded library, such as worker_spi's `worker_spi_launch(int)`).
//!
//! A module calls [`define_function`] from its init, during preload: the function becomes a
//! catalog row of the `sql` crate (resolved, typed and listed in `pg_proc` like any other) and
//! its body is registered on every connection this process opens afterwards. Bodies run in the
//! calling backend, between SQLite's steps, and report errors with their SQLSTATE.
//!
//! Invariants: definitions happen before any statement (the catalog refuses later ones);
//! arguments arrive in their stored form, NULL never (the functions are strict).

use std::sync::Mutex;

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use sql::Type;
use sql::func::{Builtin, Imp, Kind, Volatility};

use crate::error::SpiError;
use crate::value::Value;

/// A module function's body: arguments in, one value out.
pub type FunctionBody = fn(&[Value]) -> Result<Value, SpiError>;

static BODIES: Mutex<Vec<(&'static str, FunctionBody)>> = Mutex::new(Vec::new());

/// Defines `name(args) returns ret`, a strict, volatile function whose body is `body`.
pub fn define_function(
    name: &str,
    args: &[Type],
    ret: Type,
    body: FunctionBody,
) -> Result<(), SpiError> {
    let mut bodies = BODIES.lock().unwrap_or_else(|e| e.into_inner());
    let symbol: &'static str =
        Box::leak(format!("pg_module_{}_{}", name, bodies.len()).into_boxed_str());
    let row = Builtin {
        name: Box::leak(name.to_ascii_lowercase().into_boxed_str()),
        kind: Kind::Function,
        args: Box::leak(args.to_vec().into_boxed_slice()),
        variadic: false,
        ret,
        out_columns: &[],
        strict: true,
        volatility: Volatility::Volatile,
        imp: Imp::Host { symbol },
    };
    sql::func::define_module_function(row)
        .map_err(|m| SpiError::new(crate::sqlstate::DUPLICATE_FUNCTION, m))?;
    bodies.push((symbol, body));
    Ok(())
}

/// Registers every module function's body on `conn`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let bodies = BODIES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (symbol, body) in bodies {
        conn.create_scalar_function(symbol, -1, FunctionFlags::SQLITE_UTF8, move |ctx| {
            let args = crate::runtime::args_of(ctx);
            if args.iter().any(Value::is_null) {
                return Ok(rusqlite::types::Value::Null);
            }
            match body(&args) {
                Ok(v) => Ok(crate::runtime::owned_sql(sql::types::to_stored(v))),
                Err(e) => Err(crate::error::function_error(&e)),
            }
        })?;
    }
    Ok(())
}
