//! The functions psql, pg_dump and drivers call on the system catalogs (`format_type`,
//! `pg_get_indexdef`, `pg_table_is_visible`, `has_table_privilege`, `to_regclass`, …), the
//! input and output of the `reg*` types, and the OIDs of `pg_proc` rows.
//!
//! Two kinds of rows: pure functions over the type and function catalogs (runtime functions
//! of this crate: `format_type`, `pg_get_userbyid`, `pg_size_pretty`, `regtype` and
//! `regproc` I/O…) and host functions over the database's catalog (the `spi` crate registers
//! each [`symbol`]: anything that must read relations, schemas or the data directory).
//!
//! `pg_proc` OIDs ([`proc_oid`]): a catalog row whose name and argument types match a row of
//! PostgreSQL 15's `pg_proc` has that row's OID (the table in [`oids`]); any other row gets
//! `HASHED_PROC_OID_BASE + (FNV-1a of "name(argoid,…)" mod 2^24)`, stable across processes and
//! builds. A unit test checks that no two rows share an OID.
//!
//! Invariants: every function here is total over its storage-form inputs (an unknown OID is
//! shown as PostgreSQL shows it — `???`, `unknown (OID=n)`, the number — never an error,
//! except the name look-ups, which fail with PostgreSQL's SQLSTATE and message).

mod oids;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::rows::{func, host, srf, stable, with_out_columns};
use crate::func::{Builtin, Kind, Volatility, builtins};
use crate::types::{self, Oid, Type, Typmod};
use crate::value::Value;

/// Symbols the host registers (see the module doc).
pub mod symbol {
    pub const TABLE_IS_VISIBLE: &str = "pg_host_table_is_visible";
    pub const GET_INDEXDEF: &str = "pg_host_get_indexdef";
    pub const GET_CONSTRAINTDEF: &str = "pg_host_get_constraintdef";
    pub const GET_VIEWDEF: &str = "pg_host_get_viewdef";
    pub const RELATION_SIZE: &str = "pg_host_relation_size";
    pub const TOTAL_RELATION_SIZE: &str = "pg_host_total_relation_size";
    pub const TABLE_SIZE: &str = "pg_host_table_size";
    pub const INDEXES_SIZE: &str = "pg_host_indexes_size";
    pub const DATABASE_SIZE: &str = "pg_host_database_size";
    pub const HAS_TABLE_PRIVILEGE: &str = "pg_host_has_table_privilege";
    pub const HAS_SCHEMA_PRIVILEGE: &str = "pg_host_has_schema_privilege";
    pub const HAS_DATABASE_PRIVILEGE: &str = "pg_host_has_database_privilege";
    pub const HAS_SEQUENCE_PRIVILEGE: &str = "pg_host_has_sequence_privilege";
    pub const HAS_COLUMN_PRIVILEGE: &str = "pg_host_has_column_privilege";
    pub const HAS_ANY_COLUMN_PRIVILEGE: &str = "pg_host_has_any_column_privilege";
    pub const PG_HAS_ROLE: &str = "pg_host_pg_has_role";
    pub const CURRENT_SCHEMAS: &str = "pg_host_current_schemas";
    pub const TO_REGCLASS: &str = "pg_host_to_regclass";
    pub const TO_REGNAMESPACE: &str = "pg_host_to_regnamespace";
    /// `regclass` input (text → OID; 42P01 when missing).
    pub const REGCLASS_IN: &str = "pg_host_regclass_in";
    /// `regclass` output (OID → the name, qualified when not visible).
    pub const REGCLASS_OUT: &str = "pg_host_regclass_out";
    pub const REGNAMESPACE_IN: &str = "pg_host_regnamespace_in";
    pub const REGNAMESPACE_OUT: &str = "pg_host_regnamespace_out";
}

/// The runtime symbols of the pure `reg*` I/O functions (registered with the catalog's
/// scalar functions; casts and the output wrapper call them by symbol).
pub mod reg_symbol {
    pub const REGTYPE_IN: &str = "pg_regtype_in";
    pub const REGTYPE_OUT: &str = "pg_regtype_out";
    pub const REGPROC_IN: &str = "pg_regproc_in";
    pub const REGPROC_OUT: &str = "pg_regproc_out";
    pub const REGROLE_IN: &str = "pg_regrole_in";
    pub const REGROLE_OUT: &str = "pg_regrole_out";
}

/// The OID of the bootstrap superuser, the one role minipg has so far.
pub const BOOTSTRAP_SUPERUSER: Oid = 10;
/// Its name.
pub const BOOTSTRAP_SUPERUSER_NAME: &str = "postgres";
/// `pg_database_owner`, PostgreSQL 15's owner of schema `public`.
pub const DATABASE_OWNER_ROLE: Oid = 6171;

/// Where the OIDs of catalog rows without a PostgreSQL counterpart start.
pub const HASHED_PROC_OID_BASE: Oid = 0x7f00_0000;

use Volatility::{Stable, Volatile};

const OID: Type = Type::OID;
const TEXT: Type = Type::TEXT;
const NAME: Type = Type::NAME;
const BOOL: Type = Type::BOOL;
const INT4: Type = Type::INT4;
const INT2: Type = Type::INT2;
const REGCLASS: Type = Type::REGCLASS;

pub static FUNCTIONS: &[Builtin] = &[
    stable(func(
        "format_type",
        &[OID, INT4],
        TEXT,
        "pg_format_type",
        format_type,
    ))
    .not_strict(),
    stable(func(
        "pg_type_is_visible",
        &[OID],
        BOOL,
        "pg_type_is_visible",
        type_is_visible,
    )),
    stable(func(
        "pg_function_is_visible",
        &[OID],
        BOOL,
        "pg_function_is_visible",
        function_is_visible,
    )),
    stable(func(
        "pg_opclass_is_visible",
        &[OID],
        BOOL,
        "pg_opclass_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_opfamily_is_visible",
        &[OID],
        BOOL,
        "pg_opfamily_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_operator_is_visible",
        &[OID],
        BOOL,
        "pg_operator_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_collation_is_visible",
        &[OID],
        BOOL,
        "pg_collation_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_conversion_is_visible",
        &[OID],
        BOOL,
        "pg_conversion_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_statistics_obj_is_visible",
        &[OID],
        BOOL,
        "pg_statistics_obj_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_ts_config_is_visible",
        &[OID],
        BOOL,
        "pg_ts_config_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_ts_dict_is_visible",
        &[OID],
        BOOL,
        "pg_ts_dict_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_ts_parser_is_visible",
        &[OID],
        BOOL,
        "pg_ts_parser_is_visible",
        true_fn,
    )),
    stable(func(
        "pg_ts_template_is_visible",
        &[OID],
        BOOL,
        "pg_ts_template_is_visible",
        true_fn,
    )),
    stable(func(
        "shobj_description",
        &[OID, NAME],
        TEXT,
        "pg_shobj_description",
        no_description,
    )),
    stable(func(
        "pg_get_userbyid",
        &[OID],
        NAME,
        "pg_get_userbyid",
        get_userbyid,
    )),
    stable(func(
        "pg_encoding_to_char",
        &[INT4],
        NAME,
        "pg_encoding_to_char",
        encoding_to_char,
    )),
    stable(func(
        "getdatabaseencoding",
        &[],
        NAME,
        "pg_getdatabaseencoding",
        database_encoding,
    )),
    stable(func(
        "pg_tablespace_location",
        &[OID],
        TEXT,
        "pg_tablespace_location",
        empty_text,
    )),
    stable(func(
        "pg_char_to_encoding",
        &[NAME],
        INT4,
        "pg_char_to_encoding",
        char_to_encoding,
    )),
    stable(func(
        "pg_get_expr",
        &[TEXT, OID],
        TEXT,
        "pg_get_expr_2",
        get_expr,
    )),
    stable(func(
        "pg_get_expr",
        &[TEXT, OID, BOOL],
        TEXT,
        "pg_get_expr_4",
        get_expr,
    )),
    stable(func(
        "pg_size_pretty",
        &[Type::INT8],
        TEXT,
        "pg_size_pretty_2",
        size_pretty,
    )),
    stable(func(
        "pg_size_pretty",
        &[Type::NUMERIC],
        TEXT,
        "pg_size_pretty_4",
        size_pretty,
    )),
    stable(func(
        "to_regtype",
        &[TEXT],
        Type::REGTYPE,
        "pg_to_regtype",
        to_regtype,
    )),
    stable(func(
        "to_regproc",
        &[TEXT],
        Type::REGPROC,
        "pg_to_regproc",
        to_regproc,
    )),
    stable(func(
        "to_regrole",
        &[TEXT],
        Type::REGROLE,
        "pg_to_regrole",
        to_regrole,
    )),
    stable(func(
        "pg_get_function_result",
        &[OID],
        TEXT,
        "pg_get_function_result",
        function_result,
    )),
    stable(func(
        "pg_get_function_arguments",
        &[OID],
        TEXT,
        "pg_get_function_arguments",
        function_arguments,
    )),
    stable(func(
        "pg_get_function_identity_arguments",
        &[OID],
        TEXT,
        "pg_get_function_identity_arguments",
        function_arguments,
    )),
    stable(func(
        "pg_get_function_sqlbody",
        &[OID],
        TEXT,
        "pg_get_function_sqlbody",
        null_fn,
    )),
    stable(func(
        "pg_get_statisticsobjdef_columns",
        &[OID],
        TEXT,
        "pg_get_statisticsobjdef_columns",
        null_fn,
    )),
    stable(func(
        "pg_get_statisticsobjdef",
        &[OID],
        TEXT,
        "pg_get_statisticsobjdef",
        null_fn,
    )),
    stable(func(
        "pg_get_partkeydef",
        &[OID],
        TEXT,
        "pg_get_partkeydef",
        null_fn,
    )),
    stable(func(
        "pg_get_triggerdef",
        &[OID],
        TEXT,
        "pg_get_triggerdef_2",
        null_fn,
    )),
    stable(func(
        "pg_get_triggerdef",
        &[OID, BOOL],
        TEXT,
        "pg_get_triggerdef_4",
        null_fn,
    )),
    stable(func(
        "pg_get_ruledef",
        &[OID],
        TEXT,
        "pg_get_ruledef_2",
        null_fn,
    )),
    stable(func(
        "pg_get_ruledef",
        &[OID, BOOL],
        TEXT,
        "pg_get_ruledef_4",
        null_fn,
    )),
    stable(func(
        "pg_get_functiondef",
        &[OID],
        TEXT,
        "pg_get_functiondef",
        null_fn,
    )),
    stable(func(
        "pg_relation_is_publishable",
        &[REGCLASS],
        BOOL,
        "pg_relation_is_publishable",
        true_fn,
    )),
    stable(func(
        "pg_is_in_recovery",
        &[],
        BOOL,
        "pg_is_in_recovery",
        false_fn,
    )),
    stable(func(
        "pg_is_other_temp_schema",
        &[OID],
        BOOL,
        "pg_is_other_temp_schema",
        false_fn,
    )),
    stable(func(
        "pg_my_temp_schema",
        &[],
        OID,
        "pg_my_temp_schema",
        zero_oid,
    )),
    crate::func::rows::volatile(srf(
        "pg_listening_channels",
        &[],
        Type::TEXT,
        "pg_listening_channels",
        listening_channels,
    )),
    stable(srf(
        "pg_partition_ancestors",
        &[REGCLASS],
        REGCLASS,
        "pg_partition_ancestors",
        partition_ancestors,
    )),
    // Privileges: an object's default ACL (what a NULL `relacl` etc. means), as pg_dump
    // compares it with the stored one.
    stable(func(
        "acldefault",
        &[Type::ANY, OID],
        Type::TEXT_ARRAY,
        "pg_acldefault",
        acldefault,
    )),
    stable(with_out_columns(
        &[("option_name", TEXT), ("option_value", TEXT)],
        srf(
            "pg_options_to_table",
            &[Type::TEXT_ARRAY],
            Type::RECORD,
            "pg_options_to_table",
            options_to_table,
        ),
    )),
    host(
        "pg_table_is_visible",
        &[OID],
        BOOL,
        symbol::TABLE_IS_VISIBLE,
        Stable,
    ),
    host(
        "pg_get_indexdef",
        &[OID],
        TEXT,
        symbol::GET_INDEXDEF,
        Stable,
    ),
    host(
        "pg_get_indexdef",
        &[OID, INT4, BOOL],
        TEXT,
        symbol::GET_INDEXDEF,
        Stable,
    ),
    host(
        "pg_get_constraintdef",
        &[OID],
        TEXT,
        symbol::GET_CONSTRAINTDEF,
        Stable,
    ),
    host(
        "pg_get_constraintdef",
        &[OID, BOOL],
        TEXT,
        symbol::GET_CONSTRAINTDEF,
        Stable,
    ),
    host("pg_get_viewdef", &[OID], TEXT, symbol::GET_VIEWDEF, Stable),
    host(
        "pg_get_viewdef",
        &[OID, BOOL],
        TEXT,
        symbol::GET_VIEWDEF,
        Stable,
    ),
    host(
        "pg_relation_size",
        &[REGCLASS],
        Type::INT8,
        symbol::RELATION_SIZE,
        Volatile,
    ),
    host(
        "pg_relation_size",
        &[REGCLASS, TEXT],
        Type::INT8,
        symbol::RELATION_SIZE,
        Volatile,
    ),
    host(
        "pg_total_relation_size",
        &[REGCLASS],
        Type::INT8,
        symbol::TOTAL_RELATION_SIZE,
        Volatile,
    ),
    host(
        "pg_table_size",
        &[REGCLASS],
        Type::INT8,
        symbol::TABLE_SIZE,
        Volatile,
    ),
    host(
        "pg_indexes_size",
        &[REGCLASS],
        Type::INT8,
        symbol::INDEXES_SIZE,
        Volatile,
    ),
    host(
        "pg_database_size",
        &[NAME],
        Type::INT8,
        symbol::DATABASE_SIZE,
        Volatile,
    ),
    host(
        "has_table_privilege",
        &[TEXT, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_table_privilege",
        &[OID, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_table_privilege",
        &[NAME, TEXT, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_table_privilege",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_table_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_table_privilege",
        &[OID, OID, TEXT],
        BOOL,
        symbol::HAS_TABLE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[TEXT, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[OID, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[NAME, TEXT, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[TEXT, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[OID, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[NAME, TEXT, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_schema_privilege",
        &[OID, OID, TEXT],
        BOOL,
        symbol::HAS_SCHEMA_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_database_privilege",
        &[OID, OID, TEXT],
        BOOL,
        symbol::HAS_DATABASE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[NAME, TEXT, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[OID, OID, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[TEXT, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_sequence_privilege",
        &[OID, TEXT],
        BOOL,
        symbol::HAS_SEQUENCE_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[NAME, TEXT, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[NAME, TEXT, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[NAME, OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[NAME, OID, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, TEXT, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, TEXT, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, OID, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[TEXT, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[TEXT, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_column_privilege",
        &[OID, INT2, TEXT],
        BOOL,
        symbol::HAS_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[NAME, TEXT, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[OID, TEXT, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[OID, OID, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[TEXT, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "has_any_column_privilege",
        &[OID, TEXT],
        BOOL,
        symbol::HAS_ANY_COLUMN_PRIVILEGE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[NAME, NAME, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[NAME, OID, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[OID, NAME, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[OID, OID, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[NAME, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "pg_has_role",
        &[OID, TEXT],
        BOOL,
        symbol::PG_HAS_ROLE,
        Stable,
    ),
    host(
        "current_schemas",
        &[BOOL],
        Type::NAME_ARRAY,
        symbol::CURRENT_SCHEMAS,
        Stable,
    ),
    host(
        "to_regclass",
        &[TEXT],
        REGCLASS,
        symbol::TO_REGCLASS,
        Stable,
    ),
    host(
        "to_regnamespace",
        &[TEXT],
        Type::REGNAMESPACE,
        symbol::TO_REGNAMESPACE,
        Stable,
    ),
];

/// The pure `reg*` I/O functions by symbol (registered on every connection; not callable by
/// name from SQL).
pub static REG_IO: &[(&str, crate::func::ScalarFn)] = &[
    (reg_symbol::REGTYPE_IN, regtype_in),
    (reg_symbol::REGTYPE_OUT, regtype_out),
    (reg_symbol::REGPROC_IN, regproc_in),
    (reg_symbol::REGPROC_OUT, regproc_out),
    (reg_symbol::REGROLE_IN, regrole_in),
    (reg_symbol::REGROLE_OUT, regrole_out),
];

/// `int2vector` → `int2[]` and `oidvector` → `oid[]`: the vector types are stored as
/// PostgreSQL prints them (`1 2`), arrays as JSON (`[1,2]`).
pub const VECTOR_TO_ARRAY: &str = "pg_vector_to_array";

/// `name[i]`: the `"char"` at 0-based byte `i` (`''` past the end, NULL outside the 64
/// bytes of a name), as PostgreSQL subscripts its fixed-length `name`.
pub const NAME_SUBSCRIPT: &str = "pg_name_subscript";
/// `int2vector[i]` / `oidvector[i]`: the 0-based `i`-th element (NULL outside).
pub const VECTOR_SUBSCRIPT: &str = "pg_vector_subscript";

/// The pure conversions casts and subscripts use by symbol (registered on every connection
/// by the host).
pub static CAST_FUNCTIONS: &[(&str, crate::func::ScalarFn)] = &[
    (VECTOR_TO_ARRAY, vector_to_array),
    (NAME_SUBSCRIPT, name_subscript),
    (VECTOR_SUBSCRIPT, vector_subscript),
];

/// For a type PostgreSQL subscripts although it is no array (`name`, `int2vector`,
/// `oidvector`, whose subscripts start at 0): the function and the element type.
pub fn special_subscript(t: Type) -> Option<(&'static str, Type)> {
    match t {
        Type::NAME => Some((NAME_SUBSCRIPT, Type::CHAR)),
        Type::INT2VECTOR => Some((VECTOR_SUBSCRIPT, Type::INT2)),
        Type::OIDVECTOR => Some((VECTOR_SUBSCRIPT, Type::OID)),
        _ => None,
    }
}

fn name_subscript(_: &Env, args: &[Value]) -> Result<Value> {
    let (Some(text), Some(i)) = (
        args.first().and_then(Value::as_text),
        args.get(1).and_then(Value::as_int),
    ) else {
        return Ok(Value::Null);
    };
    if !(0..64).contains(&i) {
        return Ok(Value::Null);
    }
    let i = usize::try_from(i).unwrap_or(0);
    Ok(Value::Text(
        text.as_bytes()
            .get(i)
            .map(|b| char::from(*b).to_string())
            .unwrap_or_default(),
    ))
}

fn vector_subscript(_: &Env, args: &[Value]) -> Result<Value> {
    let (Some(text), Some(i)) = (
        args.first().and_then(Value::as_text),
        args.get(1).and_then(Value::as_int),
    ) else {
        return Ok(Value::Null);
    };
    let Ok(i) = usize::try_from(i) else {
        return Ok(Value::Null);
    };
    Ok(text
        .split_whitespace()
        .nth(i)
        .and_then(|n| n.parse::<i64>().ok())
        .map_or(Value::Null, Value::Int))
}

fn vector_to_array(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(text) = args.first().and_then(Value::as_text) else {
        return Ok(args.first().cloned().unwrap_or(Value::Null));
    };
    let mut items = Vec::new();
    for part in text.split_whitespace() {
        let n: i64 = part
            .parse()
            .map_err(|_| SqlError::invalid_input("int2vector", text))?;
        items.push(n.to_string());
    }
    Ok(Value::Text(format!("[{}]", items.join(","))))
}

/// Is `t` one of the `reg*` types, whose values are OIDs shown as names?
pub fn is_reg_type(t: Type) -> bool {
    matches!(
        t,
        Type::REGCLASS | Type::REGTYPE | Type::REGPROC | Type::REGNAMESPACE | Type::REGROLE
    )
}

/// The function that shows a `reg*` OID as its name (`None` for other types).
pub fn reg_output_symbol(t: Type) -> Option<&'static str> {
    Some(match t {
        Type::REGCLASS => symbol::REGCLASS_OUT,
        Type::REGNAMESPACE => symbol::REGNAMESPACE_OUT,
        Type::REGTYPE => reg_symbol::REGTYPE_OUT,
        Type::REGPROC => reg_symbol::REGPROC_OUT,
        Type::REGROLE => reg_symbol::REGROLE_OUT,
        _ => return None,
    })
}

/// The function that reads a `reg*` name as its OID (`None` for other types).
pub fn reg_input_symbol(t: Type) -> Option<&'static str> {
    Some(match t {
        Type::REGCLASS => symbol::REGCLASS_IN,
        Type::REGNAMESPACE => symbol::REGNAMESPACE_IN,
        Type::REGTYPE => reg_symbol::REGTYPE_IN,
        Type::REGPROC => reg_symbol::REGPROC_IN,
        Type::REGROLE => reg_symbol::REGROLE_IN,
        _ => return None,
    })
}

fn oid_arg(v: &Value) -> Option<Oid> {
    v.as_int().and_then(|i| Oid::try_from(i).ok())
}

fn text_arg(v: &Value) -> Option<&str> {
    v.as_text()
}

/// `pg_options_to_table(options)`: `name=value` items as (name, value) rows.
fn options_to_table(_: &Env, args: &[Value]) -> Result<crate::func::Rows> {
    let items: Vec<String> = match args.first() {
        Some(Value::Text(t)) => stored_strings(t),
        _ => Vec::new(),
    };
    Ok(Box::new(items.into_iter().map(|item| {
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (Value::Text(n.to_string()), Value::Text(v.to_string())),
            None => (Value::Text(item), Value::Null),
        };
        Ok(vec![name, value])
    })))
}

/// The strings of a stored `text[]` (a JSON array of strings), NULL elements skipped.
fn stored_strings(text: &str) -> Vec<String> {
    match crate::types::array::store::Array::decode(Type::TEXT, text) {
        Ok(a) => a
            .items
            .into_iter()
            .filter_map(|v| v.as_text().map(str::to_string))
            .collect(),
        Err(_) => Vec::new(),
    }
}

thread_local! {
    /// The channels the session on this thread listens on, kept current by the host.
    static LISTENING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The host's session now listens on `channels` (what `pg_listening_channels()` returns).
pub fn set_listening_channels(channels: Vec<String>) {
    LISTENING.with(|l| *l.borrow_mut() = channels);
}

/// `pg_listening_channels()`: the channels the session listens on.
fn listening_channels(_: &Env, _: &[Value]) -> Result<crate::func::Rows> {
    let channels = LISTENING.with(|l| l.borrow().clone());
    Ok(Box::new(
        channels.into_iter().map(|c| Ok(vec![Value::Text(c)])),
    ))
}

/// `pg_partition_ancestors(rel)`: minipg has no partitions, so a relation is its own only
/// ancestor.
fn partition_ancestors(_: &Env, args: &[Value]) -> Result<crate::func::Rows> {
    let row = vec![args.first().cloned().unwrap_or(Value::Null)];
    Ok(Box::new(std::iter::once(Ok(row))))
}

/// minipg's databases are UTF8, always.
fn database_encoding(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Text("UTF8".into()))
}

/// The built-in tablespaces have no location of their own.
fn empty_text(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Text(String::new()))
}

fn null_fn(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Null)
}

/// The one comment minipg's catalog has: PostgreSQL's on schema `public`.
fn no_description(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Null)
}

fn true_fn(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(1))
}

fn false_fn(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(0))
}

fn zero_oid(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(0))
}

/// `format_type(oid, typmod)` with a NULL typmod as PostgreSQL treats it (`character`, not
/// `bpchar`), and `???` for an OID the catalog does not have.
pub fn format_type_text(oid: Oid, typmod: Option<Typmod>) -> String {
    let Some(info) = Type::lookup(oid) else {
        return "???".to_string();
    };
    let ty = Type(info.oid);
    match typmod {
        None => {
            if ty == Type::BPCHAR {
                "character".to_string()
            } else if ty.elem() == Some(Type::BPCHAR) {
                "character[]".to_string()
            } else {
                types::format_type(ty, -1)
            }
        }
        Some(t) => types::format_type(ty, t),
    }
}

fn format_type(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(oid) = args.first().and_then(oid_arg) else {
        return Ok(Value::Null);
    };
    let typmod = args
        .get(1)
        .and_then(Value::as_int)
        .and_then(|t| Typmod::try_from(t).ok());
    Ok(Value::Text(format_type_text(oid, typmod)))
}

fn type_is_visible(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg).map(Type::lookup) {
        Some(Some(_)) => Value::Int(1),
        _ => Value::Null,
    })
}

fn function_is_visible(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg).and_then(proc_by_oid) {
        Some(_) => Value::Int(1),
        None => Value::Null,
    })
}

/// Where role names come from: the host installs its directory of roles (the data
/// directory's global catalog) once per process. Without one, only the bootstrap superuser
/// and `pg_database_owner` are known.
pub trait RoleDirectory: Send + Sync {
    fn name(&self, oid: Oid) -> Option<String>;
    fn oid(&self, name: &str) -> Option<Oid>;
}

static ROLE_DIRECTORY: std::sync::OnceLock<Box<dyn RoleDirectory>> = std::sync::OnceLock::new();

/// Installs the host's directory of roles (the first call wins).
pub fn set_role_directory(directory: Box<dyn RoleDirectory>) {
    let _ = ROLE_DIRECTORY.set(directory);
}

/// `acldefault(kind, owner)`: the owner's privileges on an object of `kind` ('r' relation,
/// 's' sequence, 'n' schema, 'd' database, 'f' function, 'T' type, 'l' language), stored as
/// a one-element text array.
fn acldefault(_: &Env, args: &[Value]) -> Result<Value> {
    let (Some(Value::Text(kind)), Some(owner)) =
        (args.first(), args.get(1).and_then(Value::as_int))
    else {
        return Ok(Value::Null);
    };
    let letters = match kind.as_str() {
        "r" => "arwdDxt",
        "s" => "rwU",
        "n" => "UC",
        "d" => "CTc",
        "f" | "p" => "X",
        "T" | "l" => "U",
        _ => return Ok(Value::Text("[]".into())),
    };
    let name = role_name(Oid::try_from(owner).unwrap_or(0));
    let item = format!("{name}={letters}/{name}");
    Ok(Value::Text(format!(
        "[\"{}\"]",
        item.replace('\\', "\\\\").replace('"', "\\\"")
    )))
}

/// The name of role `oid` (PostgreSQL's `unknown (OID=n)` for one that does not exist).
pub fn role_name(oid: Oid) -> String {
    if let Some(d) = ROLE_DIRECTORY.get() {
        return d
            .name(oid)
            .unwrap_or_else(|| format!("unknown (OID={oid})"));
    }
    match oid {
        BOOTSTRAP_SUPERUSER => BOOTSTRAP_SUPERUSER_NAME.to_string(),
        DATABASE_OWNER_ROLE => "pg_database_owner".to_string(),
        other => format!("unknown (OID={other})"),
    }
}

/// The OID of role `name`, if it exists.
pub fn role_oid(name: &str) -> Option<Oid> {
    if let Some(d) = ROLE_DIRECTORY.get() {
        return d.oid(name);
    }
    match name {
        BOOTSTRAP_SUPERUSER_NAME => Some(BOOTSTRAP_SUPERUSER),
        "pg_database_owner" => Some(DATABASE_OWNER_ROLE),
        _ => None,
    }
}

fn get_userbyid(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg) {
        Some(oid) => Value::Text(role_name(oid)),
        None => Value::Null,
    })
}

/// `UTF8` is encoding 6, the one minipg speaks; `SQL_ASCII` is 0.
fn encoding_to_char(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(
        match args.first().and_then(Value::as_int) {
            Some(6) => "UTF8",
            Some(0) => "SQL_ASCII",
            _ => "",
        }
        .to_string(),
    ))
}

fn char_to_encoding(_: &Env, args: &[Value]) -> Result<Value> {
    let name = args.first().and_then(text_arg).unwrap_or("");
    Ok(Value::Int(
        match name.to_ascii_uppercase().replace(['-', '_'], "").as_str() {
            "UTF8" | "UNICODE" => 6,
            "SQLASCII" => 0,
            _ => -1,
        },
    ))
}

/// Expressions in minipg's catalog are stored already as PostgreSQL prints them.
fn get_expr(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(args.first().cloned().unwrap_or(Value::Null))
}

/// `pg_size_pretty`: bytes, kB, MB, GB, TB, PB, each unit kept while the value is below
/// 10,240 of it (rounded half away from zero at each step, as PostgreSQL does).
fn size_pretty(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(v) = args.first() else {
        return Ok(Value::Null);
    };
    let size: i128 = match v {
        Value::Int(i) => i128::from(*i),
        Value::Text(t) => {
            // numeric: its integral part (a fraction only shows below 10 kB).
            let t = t.trim();
            if t == "NaN" {
                return Ok(Value::Text("NaN PB".into()));
            }
            if let Some(frac_at) = t.find('.') {
                let whole: i128 = t[..frac_at].parse().unwrap_or(0);
                if whole.abs() < 10_240 {
                    return Ok(Value::Text(format!("{t} bytes")));
                }
                whole
            } else {
                match t.parse::<i128>() {
                    Ok(n) => n,
                    Err(_) => return Ok(Value::Text(format!("{t} bytes"))),
                }
            }
        }
        Value::Float(f) => *f as i128,
        _ => return Ok(Value::Null),
    };
    const LIMIT: i128 = 10 * 1024;
    const LIMIT2: i128 = LIMIT * 2 - 1;
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if size.abs() < LIMIT {
        return Ok(Value::Text(format!("{size} bytes")));
    }
    // One extra low bit is kept for rounding half away from zero.
    let half_rounded = |x: i128| (x + if x > 0 { 1 } else { -1 }) / 2;
    let mut value = size >> 9;
    for (i, unit) in UNITS.iter().enumerate() {
        if value.abs() < LIMIT2 || i == UNITS.len() - 1 {
            return Ok(Value::Text(format!("{} {unit}", half_rounded(value))));
        }
        value >>= 10;
    }
    Ok(Value::Null)
}

/// Splits a possibly qualified name (`public.things`, `"My Table"`) as PostgreSQL's
/// `stringToQualifiedNameList` does: unquoted parts folded to lower case, `""` inside quotes.
/// 42602 `invalid name syntax` when it is not one.
pub fn parse_qualified_name(s: &str) -> Result<Vec<String>> {
    let bad = || SqlError::new(sqlstate::INVALID_NAME, "invalid name syntax");
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    loop {
        let mut part = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(bad()),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        part.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        part.push(*c);
                        i += 1;
                    }
                }
            }
        } else {
            while let Some(c) = chars.get(i) {
                if *c == '.' || c.is_whitespace() {
                    break;
                }
                part.extend(c.to_lowercase());
                i += 1;
            }
            if part.is_empty() {
                return Err(bad());
            }
        }
        parts.push(part);
        skip_ws(&mut i);
        match chars.get(i) {
            None => break,
            Some('.') => {
                i += 1;
                skip_ws(&mut i);
            }
            Some(_) => return Err(bad()),
        }
    }
    Ok(parts)
}

/// The type a `regtype` input names (`int4`, `integer`, `pg_catalog.int4`,
/// `character varying(10)`, `text[]`), if the catalog has it.
pub fn parse_type_name(s: &str) -> Option<Type> {
    let mut t = s.trim().to_string();
    let mut array = false;
    while let Some(rest) = t.strip_suffix("[]") {
        array = true;
        t = rest.trim_end().to_string();
    }
    // A typmod is accepted and ignored, as by regtypein.
    if let Some(open) = t.find('(')
        && t.ends_with(')')
    {
        let (head, _) = t.split_at(open);
        t = head.trim_end().to_string();
    }
    let lowered = if t.starts_with('"') && t.ends_with('"') && t.len() >= 2 {
        t.clone()
    } else {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let name = lowered
        .strip_prefix("pg_catalog.")
        .unwrap_or(&lowered)
        .to_string();
    let base = if name.starts_with('"') {
        let inner = name.trim_matches('"');
        if inner == "char" {
            Some(Type::CHAR)
        } else {
            types::all_types()
                .find(|ti| ti.name == inner)
                .map(|ti| Type(ti.oid))
        }
    } else {
        Type::by_name(&name)
    }?;
    if array { base.array_of() } else { Some(base) }
}

fn regtype_in(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(s) = args.first().and_then(text_arg) else {
        return Ok(Value::Null);
    };
    regtype_oid(s).map(|oid| Value::Int(i64::from(oid)))
}

/// `regtype` input: a type name or a number; 42704 `type "x" does not exist`.
pub fn regtype_oid(s: &str) -> Result<Oid> {
    if let Some(oid) = numeric_oid(s) {
        return Ok(oid);
    }
    parse_type_name(s).map(|t| t.oid()).ok_or_else(|| {
        SqlError::new(
            sqlstate::UNDEFINED_OBJECT,
            format!("type \"{}\" does not exist", s.trim()),
        )
    })
}

/// An all-digits `reg*` input is the OID itself, as in PostgreSQL.
pub fn numeric_oid(s: &str) -> Option<Oid> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse().ok()
    } else {
        None
    }
}

fn regtype_out(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg) {
        Some(0) => Value::Text("-".into()),
        Some(oid) if Type::lookup(oid).is_some() => Value::Text(format_type_text(oid, None)),
        Some(oid) => Value::Text(oid.to_string()),
        None => args.first().cloned().unwrap_or(Value::Null),
    })
}

fn to_regtype(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(s) = args.first().and_then(text_arg) else {
        return Ok(Value::Null);
    };
    Ok(parse_type_name(s).map_or(Value::Null, |t| Value::Int(i64::from(t.oid()))))
}

fn regproc_in(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(s) = args.first().and_then(text_arg) else {
        return Ok(Value::Null);
    };
    if let Some(oid) = numeric_oid(s) {
        return Ok(Value::Int(i64::from(oid)));
    }
    if s.trim() == "-" {
        return Ok(Value::Int(0));
    }
    let parts = parse_qualified_name(s)?;
    let name = match parts.as_slice() {
        [n] => n.clone(),
        [schema, n] if schema == "pg_catalog" => n.clone(),
        _ => {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_FUNCTION,
                format!("function \"{}\" does not exist", s.trim()),
            ));
        }
    };
    let mut found = procs().filter(|(_, b)| b.name == name);
    match (found.next(), found.next()) {
        (Some((oid, _)), None) => Ok(Value::Int(i64::from(oid))),
        (Some(_), Some(_)) => Err(SqlError::new(
            sqlstate::AMBIGUOUS_FUNCTION,
            format!("more than one function named \"{}\"", s.trim()),
        )),
        _ => Err(SqlError::new(
            sqlstate::UNDEFINED_FUNCTION,
            format!("function \"{}\" does not exist", s.trim()),
        )),
    }
}

fn to_regproc(env: &Env, args: &[Value]) -> Result<Value> {
    Ok(regproc_in(env, args).unwrap_or(Value::Null))
}

fn regproc_out(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg) {
        Some(0) => Value::Text("-".into()),
        Some(oid) => {
            Value::Text(proc_by_oid(oid).map_or_else(|| oid.to_string(), |b| b.name.to_string()))
        }
        None => args.first().cloned().unwrap_or(Value::Null),
    })
}

fn regrole_in(_: &Env, args: &[Value]) -> Result<Value> {
    let Some(s) = args.first().and_then(text_arg) else {
        return Ok(Value::Null);
    };
    if let Some(oid) = numeric_oid(s) {
        return Ok(Value::Int(i64::from(oid)));
    }
    let parts = parse_qualified_name(s)?;
    match parts.as_slice() {
        [name] => role_oid(name)
            .map(|o| Value::Int(i64::from(o)))
            .ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_OBJECT,
                    format!("role \"{name}\" does not exist"),
                )
            }),
        _ => Err(SqlError::new(sqlstate::INVALID_NAME, "invalid name syntax")),
    }
}

fn to_regrole(env: &Env, args: &[Value]) -> Result<Value> {
    Ok(regrole_in(env, args).unwrap_or(Value::Null))
}

fn regrole_out(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg) {
        Some(0) => Value::Text("-".into()),
        // A role that does not exist prints as its number, as PostgreSQL's regroleout.
        Some(oid) => match role_name(oid) {
            n if n.starts_with("unknown (OID=") => Value::Text(oid.to_string()),
            n => Value::Text(n),
        },
        None => args.first().cloned().unwrap_or(Value::Null),
    })
}

/// Rows that are SQL syntax rather than functions in PostgreSQL (`current_timestamp`…) and
/// internal constructors: not `pg_proc` rows.
fn is_proc(b: &Builtin) -> bool {
    !matches!(b.kind, Kind::Operator)
        && !matches!(
            b.name,
            "current_timestamp" | "current_date" | "localtimestamp" | "localtime"
        )
        && !b.name.starts_with("pg_array_")
}

/// The argument types as `pg_proc.proargtypes` has them (a variadic's array type).
pub fn proargtypes(b: &Builtin) -> Vec<Type> {
    let mut args = b.args.to_vec();
    if b.variadic
        && let Some(last) = args.last_mut()
        && *last != Type::ANY
        && let Some(arr) = last.array_of()
    {
        *last = arr;
    }
    args
}

fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The `pg_proc` OID of a catalog row (see the module doc).
pub fn proc_oid(b: &Builtin) -> Oid {
    let args = proargtypes(b);
    let arg_oids: Vec<Oid> = args.iter().map(|t| t.oid()).collect();
    if let Some((oid, _, _)) = oids::PG_PROC
        .iter()
        .find(|(_, name, a)| *name == b.name && *a == arg_oids.as_slice())
    {
        return *oid;
    }
    let key = format!(
        "{}({})",
        b.name,
        arg_oids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    HASHED_PROC_OID_BASE + (fnv1a(&key) & 0x00ff_ffff)
}

/// Every `pg_proc` row: one per distinct name and argument types, with its OID.
pub fn procs() -> impl Iterator<Item = (Oid, &'static Builtin)> {
    static PROCS: OnceLock<Vec<(Oid, &'static Builtin)>> = OnceLock::new();
    PROCS
        .get_or_init(|| {
            crate::func::freeze_catalog();
            let mut seen = std::collections::HashSet::new();
            builtins()
                .chain([&crate::func::COUNT, &crate::func::MIN, &crate::func::MAX])
                .filter(|b| is_proc(b))
                .filter(|b| seen.insert((b.name, proargtypes(b))))
                .map(|b| (proc_oid(b), b))
                .collect()
        })
        .iter()
        .copied()
}

/// The catalog row of `pg_proc` OID `oid`.
pub fn proc_by_oid(oid: Oid) -> Option<&'static Builtin> {
    static BY_OID: OnceLock<HashMap<Oid, &'static Builtin>> = OnceLock::new();
    BY_OID.get_or_init(|| procs().collect()).get(&oid).copied()
}

/// `pg_get_function_arguments`: the argument types as PostgreSQL lists them.
pub fn function_arguments_text(b: &Builtin) -> String {
    let args = proargtypes(b);
    let n = args.len();
    args.iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format_type_text(t.oid(), None);
            if b.variadic && i + 1 == n {
                format!("VARIADIC {name}")
            } else {
                name
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `pg_get_function_result`: the result type, `SETOF …` for a set-returning function.
pub fn function_result_text(b: &Builtin) -> String {
    let ret = format_type_text(b.ret.oid(), None);
    if b.kind == Kind::SetReturning {
        let ret = if b.out_columns.is_empty() {
            ret
        } else {
            "record".to_string()
        };
        format!("SETOF {ret}")
    } else {
        ret
    }
}

fn function_arguments(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg).and_then(proc_by_oid) {
        Some(b) => Value::Text(function_arguments_text(b)),
        None => Value::Null,
    })
}

fn function_result(_: &Env, args: &[Value]) -> Result<Value> {
    Ok(match args.first().and_then(oid_arg).and_then(proc_by_oid) {
        Some(b) => Value::Text(function_result_text(b)),
        None => Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: crate::func::ScalarFn, args: &[Value]) -> Value {
        f(&Env::default(), args).expect("runs")
    }

    #[test]
    fn proc_oids_are_unique_and_match_postgresql() {
        let mut oids: Vec<Oid> = procs().map(|(o, _)| o).collect();
        let n = oids.len();
        oids.sort_unstable();
        oids.dedup();
        assert_eq!(oids.len(), n, "two pg_proc rows share an OID");
        // select oid from pg_proc where proname = 'lower' (PostgreSQL 15): 870.
        let lower = procs().find(|(_, b)| b.name == "lower" && b.args == [Type::TEXT]);
        assert_eq!(lower.map(|(o, _)| o), Some(870));
    }

    #[test]
    fn format_type_as_postgresql() {
        // select format_type(1042, NULL), format_type(1042, -1), format_type(99999, NULL)
        assert_eq!(format_type_text(1042, None), "character");
        assert_eq!(format_type_text(1042, Some(-1)), "bpchar");
        assert_eq!(format_type_text(99_999, None), "???");
        assert_eq!(
            run(format_type, &[Value::Int(1043), Value::Int(24)]),
            Value::Text("character varying(20)".into())
        );
    }

    #[test]
    fn size_pretty_as_postgresql() {
        // select pg_size_pretty(0::bigint), … on PostgreSQL 15.
        let p = |n: i64| run(size_pretty, &[Value::Int(n)]);
        assert_eq!(p(0), Value::Text("0 bytes".into()));
        assert_eq!(p(10_239), Value::Text("10239 bytes".into()));
        assert_eq!(p(10_240), Value::Text("10 kB".into()));
        assert_eq!(p(1_048_575), Value::Text("1024 kB".into()));
        assert_eq!(p(123_456_789), Value::Text("118 MB".into()));
        assert_eq!(p(-10_240), Value::Text("-10 kB".into()));
        assert_eq!(
            run(size_pretty, &[Value::Text("12345678901234".into())]),
            Value::Text("11 TB".into())
        );
        assert_eq!(
            run(size_pretty, &[Value::Text("1.5".into())]),
            Value::Text("1.5 bytes".into())
        );
    }

    #[test]
    fn qualified_names_split_as_postgresql() {
        assert_eq!(
            parse_qualified_name("public.Things").expect("ok"),
            ["public", "things"]
        );
        assert_eq!(
            parse_qualified_name("\"our schema2\".\"counted rows\"").expect("ok"),
            ["our schema2", "counted rows"]
        );
        assert_eq!(
            parse_qualified_name("a..b").expect_err("bad").sqlstate,
            sqlstate::INVALID_NAME
        );
    }

    #[test]
    fn regtype_reads_and_shows_names() {
        assert_eq!(regtype_oid("int4").expect("int4"), 23);
        assert_eq!(regtype_oid("integer").expect("integer"), 23);
        assert_eq!(regtype_oid("pg_catalog.text").expect("text"), 25);
        assert_eq!(regtype_oid("character varying(10)").expect("varchar"), 1043);
        assert_eq!(regtype_oid("int4[]").expect("array"), 1007);
        let e = regtype_oid("nope").expect_err("missing");
        assert_eq!(e.sqlstate, sqlstate::UNDEFINED_OBJECT);
        assert_eq!(e.message, "type \"nope\" does not exist");
        assert_eq!(
            run(regtype_out, &[Value::Int(1184)]),
            Value::Text("timestamp with time zone".into())
        );
        assert_eq!(run(regtype_out, &[Value::Int(0)]), Value::Text("-".into()));
    }

    #[test]
    fn function_descriptions() {
        let concat = procs().find(|(_, b)| b.name == "concat").map(|(_, b)| b);
        assert_eq!(
            concat.map(function_arguments_text).as_deref(),
            Some("VARIADIC \"any\"")
        );
    }
}
