//! The front end's error: PostgreSQL's fields (SQLSTATE, message, detail, hint, position), and
//! the SQLSTATE codes minipg uses, named as in PostgreSQL's `errcodes.txt`.
//!
//! Invariant: every code minipg reports is a constant in [`sqlstate`] and listed in
//! [`sqlstate::ALL`], so a code that crossed SQLite as text maps back to its constant.

/// SQLSTATE codes (PostgreSQL's `errcodes.txt` names, upper-cased).
pub mod sqlstate {
    macro_rules! codes {
        ($($name:ident = $code:literal),* $(,)?) => {
            $(pub const $name: &str = $code;)*
            /// Every code above.
            pub const ALL: &[&str] = &[$($code),*];
        };
    }
    codes! {
        SUCCESSFUL_COMPLETION = "00000",
        WARNING = "01000",
        WARNING_PRIVILEGE_NOT_REVOKED = "01006",
        WARNING_PRIVILEGE_NOT_GRANTED = "01007",
        NO_DATA = "02000",
        CONNECTION_EXCEPTION = "08000",
        CONNECTION_FAILURE = "08006",
        PROTOCOL_VIOLATION = "08P01",
        FEATURE_NOT_SUPPORTED = "0A000",
        CARDINALITY_VIOLATION = "21000",
        DATA_EXCEPTION = "22000",
        STRING_DATA_RIGHT_TRUNCATION = "22001",
        NULL_VALUE_NOT_ALLOWED = "22004",
        INVALID_USE_OF_ESCAPE_CHARACTER = "2200C",
        ARRAY_SUBSCRIPT_ERROR = "2202E",
        CHARACTER_NOT_IN_REPERTOIRE = "22021",
        DATETIME_FIELD_OVERFLOW = "22008",
        SUBSTRING_ERROR = "22011",
        DIVISION_BY_ZERO = "22012",
        INVALID_ARGUMENT_FOR_LOG = "2201E",
        INVALID_ARGUMENT_FOR_NTILE = "22014",
        INVALID_ARGUMENT_FOR_NTH_VALUE = "22016",
        INVALID_PRECEDING_OR_FOLLOWING_SIZE = "22013",
        INVALID_ARGUMENT_FOR_POWER_FUNCTION = "2201F",
        INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION = "2201G",
        INVALID_ESCAPE_CHARACTER = "22019",
        INVALID_ESCAPE_SEQUENCE = "22025",
        INVALID_PARAMETER_VALUE = "22023",
        INVALID_REGULAR_EXPRESSION = "2201B",
        INVALID_ROW_COUNT_IN_LIMIT_CLAUSE = "2201W",
        INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE = "2201X",
        INVALID_DATETIME_FORMAT = "22007",
        INVALID_TIME_ZONE_DISPLACEMENT_VALUE = "22009",
        INTERVAL_FIELD_OVERFLOW = "22015",
        NUMERIC_VALUE_OUT_OF_RANGE = "22003",
        SEQUENCE_GENERATOR_LIMIT_EXCEEDED = "2200H",
        INVALID_TEXT_REPRESENTATION = "22P02",
        INVALID_BINARY_REPRESENTATION = "22P03",
        BAD_COPY_FILE_FORMAT = "22P04",
        INVALID_JSON_TEXT = "22032",
        SQL_JSON_MEMBER_NOT_FOUND = "2203A",
        UNTRANSLATABLE_CHARACTER = "22P05",
        NOT_NULL_VIOLATION = "23502",
        FOREIGN_KEY_VIOLATION = "23503",
        UNIQUE_VIOLATION = "23505",
        CHECK_VIOLATION = "23514",
        ACTIVE_SQL_TRANSACTION = "25001",
        READ_ONLY_SQL_TRANSACTION = "25006",
        NO_ACTIVE_SQL_TRANSACTION = "25P01",
        IN_FAILED_SQL_TRANSACTION = "25P02",
        IDLE_IN_TRANSACTION_SESSION_TIMEOUT = "25P03",
        INVALID_SQL_STATEMENT_NAME = "26000",
        INVALID_AUTHORIZATION_SPECIFICATION = "28000",
        INVALID_GRANT_OPERATION = "0LP01",
        INVALID_PASSWORD = "28P01",
        DEPENDENT_OBJECTS_STILL_EXIST = "2BP01",
        INVALID_CURSOR_NAME = "34000",
        INVALID_SAVEPOINT_SPECIFICATION = "3B001",
        INVALID_CATALOG_NAME = "3D000",
        INVALID_SCHEMA_NAME = "3F000",
        SERIALIZATION_FAILURE = "40001",
        SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION = "42000",
        SYNTAX_ERROR = "42601",
        INSUFFICIENT_PRIVILEGE = "42501",
        INVALID_NAME = "42602",
        INVALID_COLUMN_DEFINITION = "42611",
        NAME_TOO_LONG = "42622",
        DUPLICATE_COLUMN = "42701",
        AMBIGUOUS_COLUMN = "42702",
        UNDEFINED_COLUMN = "42703",
        UNDEFINED_OBJECT = "42704",
        DUPLICATE_OBJECT = "42710",
        DUPLICATE_ALIAS = "42712",
        DUPLICATE_FUNCTION = "42723",
        AMBIGUOUS_FUNCTION = "42725",
        GROUPING_ERROR = "42803",
        DATATYPE_MISMATCH = "42804",
        WRONG_OBJECT_TYPE = "42809",
        INVALID_FOREIGN_KEY = "42830",
        GENERATED_ALWAYS = "428C9",
        CANNOT_COERCE = "42846",
        UNDEFINED_FUNCTION = "42883",
        RESERVED_NAME = "42939",
        UNDEFINED_TABLE = "42P01",
        UNDEFINED_PARAMETER = "42P02",
        DUPLICATE_CURSOR = "42P03",
        DUPLICATE_DATABASE = "42P04",
        DUPLICATE_PREPARED_STATEMENT = "42P05",
        DUPLICATE_SCHEMA = "42P06",
        DUPLICATE_TABLE = "42P07",
        AMBIGUOUS_PARAMETER = "42P08",
        AMBIGUOUS_ALIAS = "42P09",
        INVALID_COLUMN_REFERENCE = "42P10",
        INVALID_TABLE_DEFINITION = "42P16",
        INDETERMINATE_DATATYPE = "42P18",
        INVALID_SCHEMA_DEFINITION = "42P15",
        INVALID_RECURSION = "42P19",
        WINDOWING_ERROR = "42P20",
        COLLATION_MISMATCH = "42P21",
        INDETERMINATE_COLLATION = "42P22",
        PROGRAM_LIMIT_EXCEEDED = "54000",
        STATEMENT_TOO_COMPLEX = "54001",
        TOO_MANY_COLUMNS = "54011",
        TOO_MANY_ARGUMENTS = "54023",
        INSUFFICIENT_RESOURCES = "53000",
        DISK_FULL = "53100",
        OUT_OF_MEMORY = "53200",
        TOO_MANY_CONNECTIONS = "53300",
        OBJECT_NOT_IN_PREREQUISITE_STATE = "55000",
        OBJECT_IN_USE = "55006",
        CANT_CHANGE_RUNTIME_PARAM = "55P02",
        LOCK_NOT_AVAILABLE = "55P03",
        QUERY_CANCELED = "57014",
        ADMIN_SHUTDOWN = "57P01",
        CRASH_SHUTDOWN = "57P02",
        CANNOT_CONNECT_NOW = "57P03",
        IO_ERROR = "58030",
        CONFIG_FILE_ERROR = "F0000",
        INTERNAL_ERROR = "XX000",
        DATA_CORRUPTED = "XX001",
    }

    /// The constant for a code given as text, if minipg knows it.
    pub fn known(code: &str) -> Option<&'static str> {
        ALL.iter().copied().find(|c| *c == code)
    }
}

/// An error with PostgreSQL's fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    pub sqlstate: &'static str,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character position in the statement text, as PostgreSQL reports it.
    pub position: Option<usize>,
}

impl SqlError {
    pub fn new(sqlstate: &'static str, message: impl Into<String>) -> Self {
        SqlError {
            sqlstate,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the position unless one is already known (the innermost position wins).
    pub fn at(mut self, position: Option<usize>) -> Self {
        if self.position.is_none() {
            self.position = position;
        }
        self
    }

    /// 22P02 `invalid input syntax for type NAME: "TEXT"`.
    pub fn invalid_input(type_name: &str, text: &str) -> Self {
        SqlError::new(
            sqlstate::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    }

    /// 22003 with `message` (e.g. `integer out of range`).
    pub fn out_of_range(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, message)
    }

    /// 22012 `division by zero`.
    pub fn division_by_zero() -> Self {
        SqlError::new(sqlstate::DIVISION_BY_ZERO, "division by zero")
    }

    /// 0A000 with `message`.
    pub fn not_supported(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, message)
    }

    /// 42601 with `message`.
    pub fn syntax(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::SYNTAX_ERROR, message)
    }

    /// XX000 with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::INTERNAL_ERROR, message)
    }
}

/// The front end's result type.
pub type Result<T, E = SqlError> = std::result::Result<T, E>;
