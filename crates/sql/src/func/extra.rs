//! Functions without a better home: placeholder while under construction.

use crate::func::Builtin;

/// The catalog rows of this module.
pub static FUNCTIONS: &[Builtin] = &[];
