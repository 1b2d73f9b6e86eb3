//! The type catalog: every PostgreSQL type minipg knows, as rows of `pg_type` (OID, name, length,
//! category, preferred flag, element and array types), plus how SQLite stores its values.
//!
//! A [`Type`] is its OID, as in PostgreSQL. [`TypeInfo`] rows are the one place each type's facts
//! are written; `pg_type`, RowDescription, `format_type` and the analyzer's coercion rules all
//! read them from here.
//!
//! Storage (DESIGN.md §SPI over SQLite): SQLite keeps one of five storage classes per value, so
//! each type has a fixed representation, chosen so that SQLite's own comparison orders values
//! as PostgreSQL does (directly, or through the collation named in [`TypeInfo::collation`]):
//!
//! | type | stored as |
//! |---|---|
//! | bool | INTEGER 0/1 |
//! | int2, int4, int8, oid, reg* | INTEGER |
//! | float4, float8 | REAL (float4 rounded to single precision on the way in) |
//! | numeric | TEXT, canonical output form, collation `pg_numeric` |
//! | text, varchar, name, "char" | TEXT (C collation: byte order) |
//! | bpchar | TEXT, blank-padded, collation `RTRIM` (trailing blanks do not count) |
//! | bytea | BLOB |
//! | date | INTEGER days since 2000-01-01 (PostgreSQL's own representation) |
//! | time | INTEGER microseconds since midnight |
//! | timestamp, timestamptz | INTEGER microseconds since 2000-01-01 (timestamptz in UTC) |
//! | interval | TEXT in `IntervalStyle = postgres` form, collation `pg_interval` |
//! | uuid | TEXT, lower-case canonical form (sorts as PostgreSQL's byte order) |
//! | json | TEXT as given |
//! | jsonb | TEXT as PostgreSQL prints it, collation `pg_jsonb` (jsonb's own order) |
//! | arrays | TEXT: a JSON array of the elements' stored values (nested for more dimensions) |
//!
//! `±infinity` dates and timestamps are `i32::MIN/MAX` and `i64::MIN/MAX`, as in PostgreSQL.
//! A float NaN is the TEXT `'NaN'` ([`FLOAT_NAN`]): SQLite has no NaN (it stores NULL), and
//! TEXT sorts after every number, where PostgreSQL sorts NaN; float columns are therefore
//! declared `ANY`.

pub mod array;
pub mod bytea;
pub mod datetime;
pub mod io;
pub mod json;
pub mod numbers;
pub mod text;
pub mod tz;

use crate::value::Value;

pub type Oid = u32;

/// A PostgreSQL type, identified by its OID.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Type(pub Oid);

/// `pg_type.typcategory`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Category {
    Array,
    Boolean,
    Composite,
    DateTime,
    Numeric,
    Pseudo,
    String,
    Timespan,
    User,
    Unknown,
    Internal,
}

impl Category {
    /// The letter `pg_type.typcategory` shows.
    pub fn code(self) -> char {
        match self {
            Category::Array => 'A',
            Category::Boolean => 'B',
            Category::Composite => 'C',
            Category::DateTime => 'D',
            Category::Numeric => 'N',
            Category::Pseudo => 'P',
            Category::String => 'S',
            Category::Timespan => 'T',
            Category::User => 'U',
            Category::Unknown => 'X',
            Category::Internal => 'Z',
        }
    }
}

/// The SQLite storage class of a type's values (NULL aside).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Storage {
    Integer,
    Real,
    Text,
    Blob,
    /// Pseudo-types: no stored values.
    None,
}

impl Storage {
    /// The column type SQLite is given in `CREATE TABLE … STRICT`.
    pub fn sqlite_decl(self) -> &'static str {
        match self {
            Storage::Integer => "INTEGER",
            Storage::Real => "REAL",
            Storage::Text => "TEXT",
            Storage::Blob => "BLOB",
            Storage::None => "ANY",
        }
    }
}

/// One row of the type catalog.
#[derive(Debug)]
pub struct TypeInfo {
    pub oid: Oid,
    /// `pg_type.typname`.
    pub name: &'static str,
    /// `format_type(oid, NULL)`: the SQL-standard spelling where there is one.
    pub sql_name: &'static str,
    /// `pg_type.typlen` (-1 varlena, -2 C string).
    pub len: i16,
    pub by_val: bool,
    pub category: Category,
    /// `pg_type.typispreferred`.
    pub preferred: bool,
    /// For an array type, its element type; otherwise 0.
    pub elem: Oid,
    /// The array type of this type, or 0.
    pub array: Oid,
    pub storage: Storage,
    /// The SQLite collation that orders stored values as PostgreSQL orders the type, if
    /// SQLite's default order (numbers, then BINARY text, then memcmp blobs) does not.
    pub collation: Option<&'static str>,
}

macro_rules! type_table {
    ($( $konst:ident $arr_konst:ident = $oid:literal / $arr_oid:literal : $name:literal, $sql:literal,
        len $len:literal, byval $byval:literal, $cat:ident, preferred $pref:literal, $storage:ident, $coll:expr ;)*) => {
        impl Type {
            $(
                pub const $konst: Type = Type($oid);
            )*
        }
        /// Scalar types, then their array types (same order), then pseudo-types.
        static SCALARS: &[TypeInfo] = &[
            $(TypeInfo {
                oid: $oid, name: $name, sql_name: $sql, len: $len, by_val: $byval,
                category: Category::$cat, preferred: $pref, elem: 0, array: $arr_oid,
                storage: Storage::$storage, collation: $coll,
            },)*
        ];
        /// Array types by element, `_name` with `name[]` as SQL name.
        static ARRAYS: &[TypeInfo] = &[
            $(TypeInfo {
                oid: $arr_oid, name: concat!("_", $name), sql_name: concat!($sql, "[]"), len: -1,
                by_val: false, category: Category::Array, preferred: false, elem: $oid, array: 0,
                storage: Storage::Text, collation: None,
            },)*
        ];
        #[allow(dead_code)]
        mod array_consts {
            use super::Type;
            impl Type {
                $(
                    pub const $arr_konst: Type = Type($arr_oid);
                )*
            }
        }
    };
}

type_table! {
    BOOL BOOL_ARRAY = 16 / 1000: "bool", "boolean", len 1, byval true, Boolean, preferred true, Integer, None;
    BYTEA BYTEA_ARRAY = 17 / 1001: "bytea", "bytea", len -1, byval false, User, preferred false, Blob, None;
    CHAR CHAR_ARRAY = 18 / 1002: "char", "\"char\"", len 1, byval true, Internal, preferred false, Text, None;
    NAME NAME_ARRAY = 19 / 1003: "name", "name", len 64, byval false, String, preferred false, Text, None;
    INT8 INT8_ARRAY = 20 / 1016: "int8", "bigint", len 8, byval true, Numeric, preferred false, Integer, None;
    INT2 INT2_ARRAY = 21 / 1005: "int2", "smallint", len 2, byval true, Numeric, preferred false, Integer, None;
    INT2VECTOR INT2VECTOR_ARRAY = 22 / 1006: "int2vector", "int2vector", len -1, byval false, Array, preferred false, Text, None;
    INT4 INT4_ARRAY = 23 / 1007: "int4", "integer", len 4, byval true, Numeric, preferred false, Integer, None;
    REGPROC REGPROC_ARRAY = 24 / 1008: "regproc", "regproc", len 4, byval true, Numeric, preferred false, Integer, None;
    TEXT TEXT_ARRAY = 25 / 1009: "text", "text", len -1, byval false, String, preferred true, Text, None;
    OID OID_ARRAY = 26 / 1028: "oid", "oid", len 4, byval true, Numeric, preferred true, Integer, None;
    OIDVECTOR OIDVECTOR_ARRAY = 30 / 1013: "oidvector", "oidvector", len -1, byval false, Array, preferred false, Text, None;
    JSON JSON_ARRAY = 114 / 199: "json", "json", len -1, byval false, User, preferred false, Text, None;
    FLOAT4 FLOAT4_ARRAY = 700 / 1021: "float4", "real", len 4, byval true, Numeric, preferred false, Real, None;
    FLOAT8 FLOAT8_ARRAY = 701 / 1022: "float8", "double precision", len 8, byval true, Numeric, preferred true, Real, None;
    BPCHAR BPCHAR_ARRAY = 1042 / 1014: "bpchar", "character", len -1, byval false, String, preferred false, Text, Some("RTRIM");
    VARCHAR VARCHAR_ARRAY = 1043 / 1015: "varchar", "character varying", len -1, byval false, String, preferred false, Text, None;
    DATE DATE_ARRAY = 1082 / 1182: "date", "date", len 4, byval true, DateTime, preferred false, Integer, None;
    TIME TIME_ARRAY = 1083 / 1183: "time", "time without time zone", len 8, byval true, DateTime, preferred false, Integer, None;
    TIMESTAMP TIMESTAMP_ARRAY = 1114 / 1115: "timestamp", "timestamp without time zone", len 8, byval true, DateTime, preferred false, Integer, None;
    TIMESTAMPTZ TIMESTAMPTZ_ARRAY = 1184 / 1185: "timestamptz", "timestamp with time zone", len 8, byval true, DateTime, preferred true, Integer, None;
    INTERVAL INTERVAL_ARRAY = 1186 / 1187: "interval", "interval", len 16, byval false, Timespan, preferred true, Text, Some("pg_interval");
    NUMERIC NUMERIC_ARRAY = 1700 / 1231: "numeric", "numeric", len -1, byval false, Numeric, preferred false, Text, Some("pg_numeric");
    REGCLASS REGCLASS_ARRAY = 2205 / 2210: "regclass", "regclass", len 4, byval true, Numeric, preferred false, Integer, None;
    REGTYPE REGTYPE_ARRAY = 2206 / 2211: "regtype", "regtype", len 4, byval true, Numeric, preferred false, Integer, None;
    UUID UUID_ARRAY = 2950 / 2951: "uuid", "uuid", len 16, byval false, User, preferred false, Text, None;
    JSONB JSONB_ARRAY = 3802 / 3807: "jsonb", "jsonb", len -1, byval false, User, preferred false, Text, Some("pg_jsonb");
    REGNAMESPACE REGNAMESPACE_ARRAY = 4089 / 4090: "regnamespace", "regnamespace", len 4, byval true, Numeric, preferred false, Integer, None;
    REGROLE REGROLE_ARRAY = 4096 / 4097: "regrole", "regrole", len 4, byval true, Numeric, preferred false, Integer, None;
}

impl Type {
    pub const UNKNOWN: Type = Type(705);
    pub const RECORD: Type = Type(2249);
    pub const ANY: Type = Type(2276);
    pub const ANYARRAY: Type = Type(2277);
    pub const VOID: Type = Type(2278);
    pub const ANYELEMENT: Type = Type(2283);
    pub const ANYNONARRAY: Type = Type(2776);
    pub const ANYCOMPATIBLE: Type = Type(5077);
    pub const ANYCOMPATIBLEARRAY: Type = Type(5078);
}

static PSEUDOS: &[TypeInfo] = &[
    pseudo(705, "unknown", -2, Category::Unknown, Storage::Text),
    pseudo(2249, "record", -1, Category::Pseudo, Storage::Text),
    pseudo(2276, "any", 4, Category::Pseudo, Storage::None),
    pseudo(2277, "anyarray", -1, Category::Pseudo, Storage::None),
    pseudo(2278, "void", 4, Category::Pseudo, Storage::None),
    pseudo(2283, "anyelement", 4, Category::Pseudo, Storage::None),
    pseudo(2776, "anynonarray", 4, Category::Pseudo, Storage::None),
    pseudo(5077, "anycompatible", 4, Category::Pseudo, Storage::None),
    pseudo(
        5078,
        "anycompatiblearray",
        -1,
        Category::Pseudo,
        Storage::None,
    ),
];

const fn pseudo(
    oid: Oid,
    name: &'static str,
    len: i16,
    category: Category,
    storage: Storage,
) -> TypeInfo {
    TypeInfo {
        oid,
        name,
        sql_name: if oid == 2276 { "\"any\"" } else { name },
        len,
        by_val: len > 0,
        category,
        preferred: false,
        elem: 0,
        array: 0,
        storage,
        collation: None,
    }
}

/// The stored form of a float NaN (see the module doc).
pub const FLOAT_NAN: &str = "NaN";

/// A value as it must be stored: a float NaN becomes [`FLOAT_NAN`].
pub fn to_stored(v: Value) -> Value {
    match v {
        Value::Float(f) if f.is_nan() => Value::Text(FLOAT_NAN.into()),
        other => other,
    }
}

/// A stored float-typed value as a float again (`'NaN'` → NaN).
pub fn float_loaded(v: &Value) -> Value {
    match v {
        Value::Text(t) if t == FLOAT_NAN => Value::Float(f64::NAN),
        other => other.clone(),
    }
}

/// A comparison of two stored TEXT values of one type, registered as an SQLite collation.
pub type CollationFn = fn(&str, &str) -> std::cmp::Ordering;

/// The collations named in [`TypeInfo::collation`] that minipg provides (`RTRIM` is SQLite's).
pub static COLLATIONS: &[(&str, CollationFn)] = &[
    ("pg_numeric", numbers::numeric_cmp),
    ("pg_interval", datetime::interval_cmp),
    ("pg_jsonb", json::jsonb_collate),
];

/// Every type of the catalog, in no particular order.
pub fn all_types() -> impl Iterator<Item = &'static TypeInfo> {
    SCALARS.iter().chain(ARRAYS).chain(PSEUDOS)
}

impl Type {
    /// The catalog row of a known type.
    pub fn lookup(oid: Oid) -> Option<&'static TypeInfo> {
        all_types().find(|t| t.oid == oid)
    }

    /// The catalog row. Every `Type` the front end creates is in the catalog; an OID that is
    /// not (one a client sent) reads as `unknown`.
    pub fn info(self) -> &'static TypeInfo {
        Type::lookup(self.0).unwrap_or(&PSEUDOS[0])
    }

    pub fn oid(self) -> Oid {
        self.0
    }

    /// `pg_type.typname`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn category(self) -> Category {
        self.info().category
    }

    pub fn is_array(self) -> bool {
        self.info().elem != 0
    }

    /// The element type of an array type.
    pub fn elem(self) -> Option<Type> {
        let e = self.info().elem;
        (e != 0).then_some(Type(e))
    }

    /// The array type whose elements are this type.
    pub fn array_of(self) -> Option<Type> {
        let a = self.info().array;
        (a != 0).then_some(Type(a))
    }

    pub fn storage(self) -> Storage {
        self.info().storage
    }

    /// A pseudo-type (`anyelement`, `record`, `void`…): no column can have it.
    pub fn is_pseudo(self) -> bool {
        self.info().category == Category::Pseudo
    }

    /// The type whose name (`int4`, `integer`, `double precision`, `_int4`, `int4[]`…) is `name`,
    /// as `regtype` input and the analyzer read type names (lower-case, unqualified).
    pub fn by_name(name: &str) -> Option<Type> {
        if let Some(elem) = name.strip_suffix("[]") {
            return Type::by_name(elem.trim_end()).and_then(Type::array_of);
        }
        let alias = match name {
            "int" | "integer" => Some(Type::INT4),
            "smallint" => Some(Type::INT2),
            "bigint" => Some(Type::INT8),
            "real" => Some(Type::FLOAT4),
            "float" | "double precision" => Some(Type::FLOAT8),
            "boolean" => Some(Type::BOOL),
            "decimal" => Some(Type::NUMERIC),
            "character varying" => Some(Type::VARCHAR),
            "character" | "char" => Some(Type::BPCHAR),
            "\"char\"" => Some(Type::CHAR),
            "time without time zone" => Some(Type::TIME),
            "timestamp without time zone" => Some(Type::TIMESTAMP),
            "timestamp with time zone" => Some(Type::TIMESTAMPTZ),
            _ => None,
        };
        alias.or_else(|| all_types().find(|t| t.name == name).map(|t| Type(t.oid)))
    }
}

/// A type modifier (`pg_attribute.atttypmod`): -1 when there is none.
pub type Typmod = i32;

/// PostgreSQL's encoding of `varchar(n)` / `char(n)`: n + 4.
pub fn char_typmod(len: i32) -> Typmod {
    len + 4
}

/// PostgreSQL's encoding of `numeric(p, s)`: ((p << 16) | s) + 4 (s may be negative, kept in
/// the low 11 bits as PostgreSQL 15 does).
pub fn numeric_typmod(precision: i32, scale: i32) -> Typmod {
    ((precision << 16) | (scale & 0x7ff)) + 4
}

/// (precision, scale) of a numeric typmod.
pub fn numeric_precision_scale(typmod: Typmod) -> Option<(i32, i32)> {
    if typmod < 4 {
        return None;
    }
    let t = typmod - 4;
    let precision = (t >> 16) & 0xffff;
    // The scale is an 11-bit signed field.
    let scale = ((t & 0x7ff) ^ 1024) - 1024;
    Some((precision, scale))
}

/// `format_type(oid, typmod)`.
pub fn format_type(ty: Type, typmod: Typmod) -> String {
    if let Some(elem) = ty.elem().filter(|_| ty.is_array()) {
        return format!("{}[]", format_type(elem, typmod));
    }
    let base = ty.info().sql_name;
    match ty {
        Type::VARCHAR | Type::BPCHAR if typmod >= 4 => format!("{base}({})", typmod - 4),
        Type::BPCHAR => "bpchar".to_string(),
        Type::NUMERIC => match numeric_precision_scale(typmod) {
            Some((p, s)) => format!("numeric({p},{s})"),
            None => base.to_string(),
        },
        Type::TIMESTAMP | Type::TIMESTAMPTZ | Type::TIME if typmod >= 0 => {
            let (head, tail) = base.split_once(' ').unwrap_or((base, ""));
            format!("{head}({typmod}) {tail}")
        }
        Type::INTERVAL if typmod >= 0 => format!("interval({})", typmod & 0xffff),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_are_unique() {
        let mut oids: Vec<Oid> = all_types().map(|t| t.oid).collect();
        oids.sort_unstable();
        let n = oids.len();
        oids.dedup();
        assert_eq!(oids.len(), n);
    }

    #[test]
    fn arrays_link_both_ways() {
        assert_eq!(Type::INT4.array_of(), Some(Type::INT4_ARRAY));
        assert_eq!(Type::INT4_ARRAY.elem(), Some(Type::INT4));
        assert_eq!(Type::INT4_ARRAY.name(), "_int4");
        assert!(Type::INT4_ARRAY.is_array());
        assert!(!Type::INT2VECTOR.is_array());
    }

    #[test]
    fn format_type_matches_postgresql() {
        assert_eq!(format_type(Type::INT4, -1), "integer");
        assert_eq!(
            format_type(Type::VARCHAR, char_typmod(10)),
            "character varying(10)"
        );
        assert_eq!(
            format_type(Type::NUMERIC, numeric_typmod(10, 2)),
            "numeric(10,2)"
        );
        assert_eq!(
            format_type(Type::TIMESTAMPTZ, -1),
            "timestamp with time zone"
        );
        assert_eq!(
            format_type(Type::TIMESTAMP, 3),
            "timestamp(3) without time zone"
        );
        assert_eq!(format_type(Type::TEXT_ARRAY, -1), "text[]");
        assert_eq!(format_type(Type::CHAR, -1), "\"char\"");
        assert_eq!(
            numeric_precision_scale(numeric_typmod(5, -2)),
            Some((5, -2))
        );
    }

    #[test]
    fn names_resolve() {
        assert_eq!(Type::by_name("integer"), Some(Type::INT4));
        assert_eq!(Type::by_name("int4[]"), Some(Type::INT4_ARRAY));
        assert_eq!(Type::by_name("_text"), Some(Type::TEXT_ARRAY));
        assert_eq!(Type::by_name("double precision"), Some(Type::FLOAT8));
    }
}
