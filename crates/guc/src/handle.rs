//! Typed handles: the statics through which code reads a setting's current value.
//!
//! A handle is declared as a `static` by whoever reads the setting (the built-ins in
//! [`crate::builtin`], a module for its own `prefix.name` settings) and passed to a `define_*`
//! function; from then on the registry writes every change of the value into it, and readers call
//! `get()` without touching the registry.
//!
//! Invariants: only the registry writes a handle (the setters are crate-private); the value is
//! process-local memory, inherited at fork like everything else, never shared memory. The scalar
//! handles are atomics (any thread may read them, a signal handler too); the string handle takes a
//! per-process lock, so it must never be read from a signal handler, and nothing holds that lock
//! across a `fork`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};

/// An integer setting, in its base unit (see [`crate::GucUnit`]).
#[derive(Debug)]
pub struct GucInt(AtomicI64, i64);

impl GucInt {
    /// A handle holding `default` until it is defined. For a built-in setting `default` is
    /// the setting's default (PostgreSQL's boot value), written only here.
    pub const fn new(default: i64) -> Self {
        GucInt(AtomicI64::new(default), default)
    }

    /// The current value, in the setting's base unit.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    /// The value the handle was declared with.
    pub fn boot_value(&self) -> i64 {
        self.1
    }

    pub(crate) fn set(&self, value: i64) {
        self.0.store(value, Ordering::Relaxed);
        crate::note_change();
    }
}

/// A Boolean setting.
#[derive(Debug)]
pub struct GucBool(AtomicBool, bool);

impl GucBool {
    /// A handle holding `default` until it is defined (see [`GucInt::new`]).
    pub const fn new(default: bool) -> Self {
        GucBool(AtomicBool::new(default), default)
    }

    /// The current value.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The value the handle was declared with.
    pub fn boot_value(&self) -> bool {
        self.1
    }

    pub(crate) fn set(&self, value: bool) {
        self.0.store(value, Ordering::Relaxed);
        crate::note_change();
    }
}

/// A floating-point setting, stored as the bits of an `f64`.
#[derive(Debug)]
pub struct GucReal(AtomicU64);

impl GucReal {
    /// A handle holding `default` until it is defined.
    pub const fn new(default: f64) -> Self {
        GucReal(AtomicU64::new(default.to_bits()))
    }

    /// The current value.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }

    pub(crate) fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
}

/// A string or enum setting (an enum holds its canonical, lower-case spelling).
#[derive(Debug)]
pub struct GucString(RwLock<Cow<'static, str>>, &'static str);

impl GucString {
    /// A handle holding `default` until it is defined.
    pub const fn new(default: &'static str) -> Self {
        GucString(RwLock::new(Cow::Borrowed(default)), default)
    }

    /// The value the handle was declared with.
    pub fn boot_value(&self) -> &'static str {
        self.1
    }

    /// A copy of the current value.
    pub fn get(&self) -> String {
        // A panic while the lock was held cannot leave a half-written `Cow`, so a poisoned lock
        // still holds a whole value.
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .to_string()
    }

    pub(crate) fn set(&self, value: &str) {
        let mut guard = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if *guard != value {
            *guard = Cow::Owned(value.to_string());
            crate::note_change();
        }
    }
}

/// Handles that a registry of its own (tests, other crates' tests) can copy, so that it never
/// writes into the process-global statics.
pub(crate) trait PrivateCopy: Sized + 'static {
    /// A new, leaked handle declared with the same boot value as `self`.
    fn leak_private(&self) -> &'static Self;
}

impl PrivateCopy for GucInt {
    fn leak_private(&self) -> &'static Self {
        Box::leak(Box::new(GucInt::new(self.1)))
    }
}

impl PrivateCopy for GucBool {
    fn leak_private(&self) -> &'static Self {
        Box::leak(Box::new(GucBool::new(self.1)))
    }
}

impl PrivateCopy for GucString {
    fn leak_private(&self) -> &'static Self {
        Box::leak(Box::new(GucString::new(self.1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static INT: GucInt = GucInt::new(7);
    static REAL: GucReal = GucReal::new(0.25);
    static STRING: GucString = GucString::new("abc");
    static BOOL: GucBool = GucBool::new(true);

    #[test]
    fn handles_start_with_their_const_default_and_take_new_values() {
        assert_eq!(INT.get(), 7);
        assert_eq!(REAL.get(), 0.25);
        assert_eq!(STRING.get(), "abc");
        assert!(BOOL.get());

        let int = GucInt::new(1);
        int.set(-5);
        assert_eq!(int.get(), -5);
        let real = GucReal::new(1.0);
        real.set(-2.5);
        assert_eq!(real.get(), -2.5);
        let string = GucString::new("x");
        string.set("hello");
        assert_eq!(string.get(), "hello");
        let boolean = GucBool::new(false);
        boolean.set(true);
        assert!(boolean.get());
    }
}
