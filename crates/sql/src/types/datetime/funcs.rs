//! The catalog rows of the date/time types: operators, functions and casts.

use crate::func::{Builtin, CastDef};

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];
