//! Settings ("GUCs"): built-in defaults, the environment, `minipg.conf`, `-c` overrides,
//! SIGHUP reload and module-defined settings.
//!
//! Owns: the registry of every setting in this process, their types, units, ranges and contexts,
//! and the typed handles ([`GucInt`], [`GucBool`], [`GucReal`], [`GucString`]) through which code
//! reads them. Only the postmaster loads settings at start ([`load_startup`]); every child
//! inherits the registry at fork; on SIGHUP each process re-reads the file itself ([`reload`]);
//! a backend applies its client's `SET`s with [`set_session`].
//!
//! Invariants:
//! - precedence, lowest first: default < environment < configuration file < command line <
//!   session `SET`; a reload replaces only the file layer, and never the value of a
//!   postmaster-only setting;
//! - a value in effect has always passed its setting's type, range and check, and its handle
//!   always holds it;
//! - a call that fails changes nothing.
//!
//! Never: touches shared memory or takes a lock another process could hold; each process keeps
//! its own copy. Never logs: problems and changes are returned for the caller to report (the
//! postmaster at LOG, a backend as an ErrorResponse with [`GucError::sqlstate`]).
//!
//! The free functions below work on one process-global [`Registry`], which holds the built-ins
//! from its first use. Code that wants isolation (unit tests) builds a [`Registry`] of its own.
//!
//! ```
//! use guc::{GucInt, GucUnit, IntSetting};
//!
//! static NAPTIME: GucInt = GucInt::new(1);
//!
//! IntSetting::new("my_module.naptime", &NAPTIME)
//!     .description("Seconds between runs.")
//!     .range(1, 3600)
//!     .unit(GucUnit::S)
//!     .reloadable()
//!     .define()?;
//! guc::load_startup(None, &[], &[("my_module.naptime".into(), "1min".into())])?;
//! assert_eq!(NAPTIME.get(), 60);
//! assert_eq!(guc::show("my_module.naptime")?, "1min");
//! # Ok::<(), guc::GucError>(())
//! ```

pub mod builtin;

mod config_file;
mod define;
mod error;
mod handle;
mod registry;
mod reload;
mod sample;
mod setting;
mod startup;
mod unit;
mod value;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

pub use define::{
    Bool, BoolSetting, CustomSetting, Enum, EnumSetting, Int, IntSetting, Real, RealSetting, Str,
    StringSetting,
};
pub use error::GucError;
pub use handle::{GucBool, GucInt, GucReal, GucString};
pub use registry::{GucContext, GucSource, Registry};
pub use unit::GucUnit;
pub use value::parse_bool;

/// This process's settings. Every function below holds the lock only for its own duration and
/// never calls out while holding it, so no lock is held across a `fork` by the forking thread.
static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| {
    let mut registry = Registry::new();
    builtin::define_all(&mut registry, false);
    Mutex::new(registry)
});

/// Bumped whenever this process's settings may have changed (see [`generation`]).
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The registry for a call that may change a setting: counts as a possible change.
fn registry() -> MutexGuard<'static, Registry> {
    GENERATION.fetch_add(1, Ordering::Relaxed);
    registry_read()
}

/// The registry for a call that only reads.
fn registry_read() -> MutexGuard<'static, Registry> {
    // Every registry method leaves it consistent before it can panic, so a poisoned lock still
    // guards a usable registry.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A number that changes whenever any setting of this process may have changed (every call
/// here other than the read-only ones, and every handle store): a caller that saw the same
/// number before need not read the settings again. The wire session uses it to skip the
/// per-statement comparison of reported settings (ParameterStatus).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

pub(crate) fn note_change() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// Registers the built-in settings at their defaults. Idempotent; every other function here
/// does it too on first use, so calling it first only makes the moment explicit.
pub fn init_builtins() {
    LazyLock::force(&REGISTRY);
}

/// Start-up load, precedence lowest first: default < environment (`PGPORT` → `port`) < config
/// file (`name = value`, `name value`, `#` comments, quoted strings with `''` escapes,
/// case-insensitive names) < command-line overrides (`-p` as `("port", ..)`, `-c name=value`, in
/// order). `prefix.name` with an unknown prefix is kept as a placeholder; any other unknown name
/// is an error. Returns the first error, and then changes nothing.
pub fn load_startup(
    config_file: Option<&Path>,
    env: &[(String, String)],
    overrides: &[(String, String)],
) -> Result<(), GucError> {
    registry().load_startup(config_file, env, overrides)
}

/// SIGHUP: re-reads the file. Reloadable settings take the new value; a bad value, or a changed
/// postmaster-only setting, keeps the old one; a setting removed from the file returns to its
/// command-line, environment or default value; command-line values keep their precedence.
/// Returns one message per problem or change, for the caller to LOG.
pub fn reload(config_file: &Path) -> Vec<String> {
    registry().reload(config_file)
}

/// `SET name TO value`, or `SET name TO DEFAULT` with `None`; only `User` settings, and
/// `Superuser` ones when `superuser` (the current role's, or true to put back a value a
/// session had, as PostgreSQL restores without checking at transaction end).
pub fn set_session(name: &str, value: Option<&str>, superuser: bool) -> Result<(), GucError> {
    registry().set_session(name, value, superuser)
}

/// `RESET ALL` / the end of a session.
pub fn reset_session_all() {
    registry().reset_session_all();
}

/// Every setting as it is now, to [`restore`] later: a backend that serves several sessions
/// takes one before its first session and restores it after each, so that nothing a session
/// set (by `SET`, its startup packet, a reload it saw) reaches the next one.
pub fn snapshot() -> Registry {
    registry_read().clone()
}

/// Puts back the settings of a [`snapshot`]: every handle holds the value the snapshot had in
/// effect.
pub fn restore(saved: &Registry) {
    let mut r = registry();
    *r = saved.clone();
    for setting in r.settings.values() {
        setting.publish();
    }
}

/// `pg_settings.context` of a defined setting (`internal`, `postmaster`, `sighup`,
/// `superuser`, `user`).
pub fn context_name(name: &str) -> Option<&'static str> {
    registry_read().context_name(name)
}

/// `SHOW name`: the value in effect as PostgreSQL prints it ("1min", "4MB", "on").
pub fn show(name: &str) -> Result<String, GucError> {
    registry_read().show(name)
}

/// `SHOW ALL`: `(name, setting, description)` of every defined setting, sorted by name.
pub fn show_all() -> Vec<(String, String, String)> {
    registry_read().show_all()
}

/// Whether a setting of this name is defined (a placeholder is not).
pub fn is_defined(name: &str) -> bool {
    registry_read().is_defined(name)
}

/// The canonical spelling of a defined setting's name (`DateStyle`), for SHOW's column title and
/// ParameterStatus.
pub fn canonical_name(name: &str) -> Option<String> {
    registry_read().canonical_name(name)
}

/// Where the value in effect of `name` comes from.
pub fn source(name: &str) -> Result<GucSource, GucError> {
    registry_read().source(name)
}

/// `(name, value)` of every setting a backend reports in ParameterStatus, sorted by name.
pub fn reported_parameters() -> Vec<(String, String)> {
    registry_read().reported_parameters()
}

/// Whether a change of `name` is reported to clients in ParameterStatus.
pub fn is_reported(name: &str) -> bool {
    registry_read().is_reported(name)
}

/// After a module's init: its `prefix.*` placeholders that it did not define are typos, removed
/// with one WARNING message each (returned); later unknown `prefix.*` names are errors.
pub fn mark_prefix_reserved(prefix: &str) -> Vec<String> {
    registry().mark_prefix_reserved(prefix)
}

/// Writes a commented `minipg.conf`: a short header, each built-in commented out with its
/// default, then `extra` (the postmaster passes `shared_preload_libraries = 'worker_spi'`).
pub fn write_default_config(path: &Path, extra: &str) -> std::io::Result<()> {
    let text = registry().sample_config(extra);
    std::fs::write(path, text)
}
