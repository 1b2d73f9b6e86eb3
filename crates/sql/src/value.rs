//! [`Value`]: a value as SQLite stores it (one of its five storage classes). What a value means
//! depends on its PostgreSQL type, which the front end always knows (see `types` for each
//! type's storage: a `date` is an `Int` of days, a `numeric` a `Text` in canonical form, …).

/// The largest value minipg builds, stores or sends: 64 MiB (PostgreSQL's limit is 1 GB).
/// Functions check it before allocating (54000 `requested length too large`), SQLite's
/// `SQLITE_LIMIT_LENGTH` is set to it on every connection, and with it a backend's peak for
/// one value (SQLite's copy, the runtime's, a bytea's hex output) stays a few hundred MB.
/// See docs/limits.md.
pub const MAX_VALUE_BYTES: usize = 64 << 20;

/// A value in one of SQLite's storage classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// What a function returning `void` returns: a value that is not NULL (`pg_sleep(0) IS
    /// NULL` is false) and prints as the empty string, whatever is stored.
    pub fn void() -> Value {
        Value::Text(String::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The integer, when the value is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, when the value is an integer or a float.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            #[expect(clippy::cast_precision_loss, reason = "SQLite's own conversion")]
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The text, when the value is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, when the value is a blob.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
