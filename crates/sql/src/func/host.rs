//! Functions over server state, carried out by the host that runs statements (the `spi`
//! crate registers each `symbol`): who and where the session is, settings, other backends,
//! sequences (`nextval`, `currval`, `setval`, `lastval`, `pg_get_serial_sequence`) and
//! comments (`obj_description`, `col_description`). Their signatures live here, with the
//! rest of the catalog.

use crate::func::rows::{host, not_strict};
use crate::func::{Builtin, Volatility};
use crate::types::Type;

/// Symbols the host registers.
pub mod symbol {
    pub const VERSION: &str = "pg_host_version";
    pub const CURRENT_DATABASE: &str = "pg_host_current_database";
    pub const CURRENT_USER: &str = "pg_host_current_user";
    pub const SESSION_USER: &str = "pg_host_session_user";
    pub const CURRENT_SCHEMA: &str = "pg_host_current_schema";
    pub const BACKEND_PID: &str = "pg_host_backend_pid";
    pub const SLEEP: &str = "pg_host_sleep";
    pub const CANCEL_BACKEND: &str = "pg_host_cancel_backend";
    pub const TERMINATE_BACKEND: &str = "pg_host_terminate_backend";
    pub const CURRENT_SETTING: &str = "pg_host_current_setting";
    pub const SET_CONFIG: &str = "pg_host_set_config";
    pub const NEXTVAL: &str = "pg_host_nextval";
    pub const CURRVAL: &str = "pg_host_currval";
    pub const SETVAL: &str = "pg_host_setval";
    pub const LASTVAL: &str = "pg_host_lastval";
    pub const SERIAL_SEQUENCE: &str = "pg_host_serial_sequence";
    pub const OBJ_DESCRIPTION: &str = "pg_host_obj_description";
    pub const COL_DESCRIPTION: &str = "pg_host_col_description";
    pub const NOTIFY: &str = "pg_host_notify";
}

/// The sequence argument of `nextval`, `currval` and `setval`. PostgreSQL's is `regclass`;
/// until `regclass` reads relation names, it is `text`, resolved along `search_path` when
/// the function runs (PostgreSQL's behaviour for `nextval('s'::text)`). The host's functions
/// take either a name or an OID, so switching this to `Type::REGCLASS` is the whole change.
pub const SEQUENCE_ARG: Type = Type::REGCLASS;

/// The functions that write a sequence: a statement calling one writes the database.
pub const SEQUENCE_WRITERS: &[&str] = &[symbol::NEXTVAL, symbol::SETVAL];

use Volatility::{Stable, Volatile};

pub static FUNCTIONS: &[Builtin] = &[
    host("version", &[], Type::TEXT, symbol::VERSION, Stable),
    host(
        "current_database",
        &[],
        Type::NAME,
        symbol::CURRENT_DATABASE,
        Stable,
    ),
    host(
        "current_user",
        &[],
        Type::NAME,
        symbol::CURRENT_USER,
        Stable,
    ),
    host(
        "session_user",
        &[],
        Type::NAME,
        symbol::SESSION_USER,
        Stable,
    ),
    host(
        "current_schema",
        &[],
        Type::NAME,
        symbol::CURRENT_SCHEMA,
        Stable,
    ),
    host(
        "pg_backend_pid",
        &[],
        Type::INT4,
        symbol::BACKEND_PID,
        Stable,
    ),
    host(
        "pg_sleep",
        &[Type::FLOAT8],
        Type::VOID,
        symbol::SLEEP,
        Volatile,
    ),
    host(
        "pg_cancel_backend",
        &[Type::INT4],
        Type::BOOL,
        symbol::CANCEL_BACKEND,
        Volatile,
    ),
    host(
        "pg_terminate_backend",
        &[Type::INT4],
        Type::BOOL,
        symbol::TERMINATE_BACKEND,
        Volatile,
    ),
    host(
        "pg_terminate_backend",
        &[Type::INT4, Type::INT8],
        Type::BOOL,
        symbol::TERMINATE_BACKEND,
        Volatile,
    ),
    host(
        "current_setting",
        &[Type::TEXT],
        Type::TEXT,
        symbol::CURRENT_SETTING,
        Stable,
    ),
    host(
        "current_setting",
        &[Type::TEXT, Type::BOOL],
        Type::TEXT,
        symbol::CURRENT_SETTING,
        Stable,
    ),
    not_strict(host(
        "set_config",
        &[Type::TEXT, Type::TEXT, Type::BOOL],
        Type::TEXT,
        symbol::SET_CONFIG,
        Volatile,
    )),
    host(
        "nextval",
        &[SEQUENCE_ARG],
        Type::INT8,
        symbol::NEXTVAL,
        Volatile,
    ),
    host(
        "currval",
        &[SEQUENCE_ARG],
        Type::INT8,
        symbol::CURRVAL,
        Volatile,
    ),
    host(
        "setval",
        &[SEQUENCE_ARG, Type::INT8],
        Type::INT8,
        symbol::SETVAL,
        Volatile,
    ),
    host(
        "setval",
        &[SEQUENCE_ARG, Type::INT8, Type::BOOL],
        Type::INT8,
        symbol::SETVAL,
        Volatile,
    ),
    host("lastval", &[], Type::INT8, symbol::LASTVAL, Volatile),
    not_strict(host(
        "pg_notify",
        &[Type::TEXT, Type::TEXT],
        Type::VOID,
        symbol::NOTIFY,
        Volatile,
    )),
    host(
        "pg_get_serial_sequence",
        &[Type::TEXT, Type::TEXT],
        Type::TEXT,
        symbol::SERIAL_SEQUENCE,
        Stable,
    ),
    host(
        "obj_description",
        &[Type::OID, Type::NAME],
        Type::TEXT,
        symbol::OBJ_DESCRIPTION,
        Stable,
    ),
    host(
        "obj_description",
        &[Type::OID],
        Type::TEXT,
        symbol::OBJ_DESCRIPTION,
        Stable,
    ),
    host(
        "col_description",
        &[Type::OID, Type::INT4],
        Type::TEXT,
        symbol::COL_DESCRIPTION,
        Stable,
    ),
];
