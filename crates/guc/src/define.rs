//! Typed builders for a module's settings (what `_PG_init`'s `DefineCustom…Variable` calls
//! do), so a definition reads as what it says:
//!
//! ```
//! use guc::{GucInt, GucUnit, IntSetting};
//! static NAPTIME: GucInt = GucInt::new(1);
//! IntSetting::new("doc_example.naptime", &NAPTIME)
//!     .description("Duration between each check (in seconds).")
//!     .range(1, i64::from(i32::MAX))
//!     .unit(GucUnit::S)
//!     .reloadable()
//!     .define()
//!     .expect("defined");
//! assert_eq!(guc::show("doc_example.naptime").expect("shown"), "1s");
//! ```
//!
//! Defaults: the handle's initial value, PostgreSQL's `int` range, no unit, and the
//! postmaster-only context (changed only by a restart) unless `.reloadable()` or `.user()`.
//!
//! These builders are the one way a custom setting is defined: `.define()` in the process-global
//! registry, `.define_in(&mut registry)` in a registry of one's own. A value already given for
//! the name in the file or on the command line (a placeholder) takes effect then, and is an
//! error there if invalid; defining a name twice is an error.

use std::marker::PhantomData;

use crate::registry::Registry;
use crate::setting::Kind;
use crate::value::Value;
use crate::{GucBool, GucContext, GucError, GucInt, GucReal, GucString, GucUnit};

/// A module's setting `prefix.name` being defined; `T` ([`Int`], [`Real`], [`Bool`], [`Str`],
/// [`Enum`]) says which type-specific builder methods it has.
#[must_use = "a setting is defined only by .define()"]
pub struct CustomSetting<T> {
    name: &'static str,
    description: &'static str,
    context: GucContext,
    kind: Kind,
    default: Value,
    of_type: PhantomData<T>,
}

/// Marks an integer setting.
pub enum Int {}
/// Marks a floating-point setting.
pub enum Real {}
/// Marks a Boolean setting.
pub enum Bool {}
/// Marks a string setting.
pub enum Str {}
/// Marks an enum setting.
pub enum Enum {}

/// An integer setting being defined.
pub type IntSetting = CustomSetting<Int>;
/// A floating-point setting being defined.
pub type RealSetting = CustomSetting<Real>;
/// A Boolean setting being defined.
pub type BoolSetting = CustomSetting<Bool>;
/// A string setting being defined.
pub type StringSetting = CustomSetting<Str>;
/// An enum setting being defined: one of its allowed values (matched case-insensitively; the
/// handle holds the spelling in the list).
pub type EnumSetting = CustomSetting<Enum>;

impl<T> CustomSetting<T> {
    fn with(name: &'static str, kind: Kind, default: Value) -> Self {
        CustomSetting {
            name,
            description: "",
            context: GucContext::Postmaster,
            kind,
            default,
            of_type: PhantomData,
        }
    }
    /// The short description `SHOW ALL` and `pg_settings` give.
    pub fn description(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
    /// Changed by a configuration reload (SIGHUP).
    pub fn reloadable(mut self) -> Self {
        self.context = GucContext::Sighup;
        self
    }
    /// Changed by a superuser's session with SET (and by a reload).
    pub fn superuser(mut self) -> Self {
        self.context = GucContext::Superuser;
        self
    }
    /// Changed by any session with SET.
    pub fn user(mut self) -> Self {
        self.context = GucContext::User;
        self
    }
    /// Defines it in the process-global registry.
    pub fn define(self) -> Result<(), GucError> {
        self.define_in(&mut crate::registry())
    }
    /// Defines it in `registry`.
    pub fn define_in(self, registry: &mut Registry) -> Result<(), GucError> {
        let default = match (&self.kind, self.default) {
            (Kind::Enum { allowed, .. }, Value::Str(default)) => Value::Str(
                allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(&default))
                    .map_or(default, |a| (*a).to_string()),
            ),
            (_, default) => default,
        };
        registry.define_custom(
            self.name,
            self.description,
            self.context,
            self.kind,
            default,
        )
    }
}

impl IntSetting {
    /// `name` (`prefix.name`) backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucInt) -> Self {
        let kind = Kind::Int {
            handle,
            min: i64::from(i32::MIN),
            max: i64::from(i32::MAX),
            unit: GucUnit::None,
        };
        CustomSetting::with(name, kind, Value::Int(handle.get()))
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: i64) -> Self {
        self.default = Value::Int(v);
        self
    }
    /// The accepted range, inclusive.
    pub fn range(mut self, from: i64, to: i64) -> Self {
        if let Kind::Int { min, max, .. } = &mut self.kind {
            (*min, *max) = (from, to);
        }
        self
    }
    /// The unit values are given in (`10s`, `1min` then convert).
    pub fn unit(mut self, u: GucUnit) -> Self {
        if let Kind::Int { unit, .. } = &mut self.kind {
            *unit = u;
        }
        self
    }
}

impl RealSetting {
    /// `name` backed by `handle`, whose initial value is the default; any finite value until
    /// `.range`.
    pub fn new(name: &'static str, handle: &'static GucReal) -> Self {
        let kind = Kind::Real {
            handle,
            min: f64::MIN,
            max: f64::MAX,
        };
        CustomSetting::with(name, kind, Value::Real(handle.get()))
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: f64) -> Self {
        self.default = Value::Real(v);
        self
    }
    /// The accepted range, inclusive.
    pub fn range(mut self, from: f64, to: f64) -> Self {
        if let Kind::Real { min, max, .. } = &mut self.kind {
            (*min, *max) = (from, to);
        }
        self
    }
}

impl BoolSetting {
    /// `name` backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucBool) -> Self {
        CustomSetting::with(name, Kind::Bool(handle), Value::Bool(handle.get()))
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: bool) -> Self {
        self.default = Value::Bool(v);
        self
    }
}

impl StringSetting {
    /// `name` backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucString) -> Self {
        CustomSetting::with(name, Kind::Str(handle), Value::Str(handle.get()))
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: &str) -> Self {
        self.default = Value::Str(v.to_owned());
        self
    }
}

impl EnumSetting {
    /// `name` backed by `handle`, one of `allowed`; the handle's initial value is the default.
    pub fn new(
        name: &'static str,
        handle: &'static GucString,
        allowed: &'static [&'static str],
    ) -> Self {
        let kind = Kind::Enum { handle, allowed };
        CustomSetting::with(name, kind, Value::Str(handle.get()))
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: &str) -> Self {
        self.default = Value::Str(v.to_owned());
        self
    }
}
