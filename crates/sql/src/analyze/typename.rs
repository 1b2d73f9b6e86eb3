//! Type names as written in SQL (`integer`, `varchar(10)`, `numeric(10,2)`, `timestamp(3) with
//! time zone`, `int[]`, `pg_catalog.int4`, `"char"`) → a catalog type and its typmod.

use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, ObjectName, TimezoneInfo,
    TypeModifier,
};

use crate::error::{Result, SqlError, sqlstate};
use crate::types::{Type, Typmod, char_typmod, numeric_typmod};

/// A resolved type name. `serial` marks `serial`/`bigserial`/`smallserial` (a column type only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TypeName {
    pub ty: Type,
    pub typmod: Typmod,
    pub serial: bool,
}

fn plain(ty: Type) -> TypeName {
    TypeName {
        ty,
        typmod: -1,
        serial: false,
    }
}

fn undefined(name: &str) -> SqlError {
    SqlError::new(
        sqlstate::UNDEFINED_OBJECT,
        format!("type \"{name}\" does not exist"),
    )
}

fn char_len(len: &Option<CharacterLength>, default: Option<i32>) -> Result<Typmod> {
    match len {
        Some(CharacterLength::IntegerLength { length, .. }) => {
            let n = i32::try_from(*length).unwrap_or(i32::MAX);
            if n < 1 {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    "length for type varchar must be at least 1",
                ));
            }
            if n > 10_485_760 {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    "length for type varchar cannot exceed 10485760",
                ));
            }
            Ok(char_typmod(n))
        }
        Some(CharacterLength::Max) => Err(SqlError::syntax("syntax error at or near \"max\"")),
        None => Ok(default.map_or(-1, char_typmod)),
    }
}

fn numeric_mod(info: &ExactNumberInfo) -> Result<Typmod> {
    let check = |p: u64| -> Result<i32> {
        if !(1..=1000).contains(&p) {
            return Err(SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("NUMERIC precision {p} must be between 1 and 1000"),
            ));
        }
        Ok(i32::try_from(p).unwrap_or(1000))
    };
    match info {
        ExactNumberInfo::None => Ok(-1),
        ExactNumberInfo::Precision(p) => Ok(numeric_typmod(check(*p)?, 0)),
        ExactNumberInfo::PrecisionAndScale(p, s) => {
            let p = check(*p)?;
            if !(-1000..=1000).contains(s) {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("NUMERIC scale {s} must be between -1000 and 1000"),
                ));
            }
            Ok(numeric_typmod(p, i32::try_from(*s).unwrap_or(0)))
        }
    }
}

fn precision(p: &Option<u64>) -> Typmod {
    p.map_or(-1, |p| i32::try_from(p.min(6)).unwrap_or(6))
}

/// Resolves a type name.
pub(crate) fn resolve(dt: &DataType) -> Result<TypeName> {
    Ok(match dt {
        DataType::Character(len) | DataType::Char(len) => TypeName {
            typmod: char_len(len, Some(1))?,
            ..plain(Type::BPCHAR)
        },
        DataType::CharacterVarying(len) | DataType::CharVarying(len) | DataType::Varchar(len) => {
            TypeName {
                typmod: char_len(len, None)?,
                ..plain(Type::VARCHAR)
            }
        }
        DataType::Uuid => plain(Type::UUID),
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => TypeName {
            typmod: numeric_mod(info)?,
            ..plain(Type::NUMERIC)
        },
        DataType::Float(info) => match info {
            ExactNumberInfo::Precision(p) if *p >= 1 && *p <= 24 => plain(Type::FLOAT4),
            ExactNumberInfo::Precision(p) if *p >= 25 && *p <= 53 => plain(Type::FLOAT8),
            ExactNumberInfo::Precision(p) if *p < 1 => {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    "precision for type float must be at least 1 bit",
                ));
            }
            ExactNumberInfo::Precision(_) => {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    "precision for type float must be less than 54 bits",
                ));
            }
            _ => plain(Type::FLOAT8),
        },
        DataType::SmallInt(_) | DataType::Int2(_) => plain(Type::INT2),
        DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => plain(Type::INT4),
        DataType::BigInt(_) | DataType::Int8(_) => plain(Type::INT8),
        DataType::Float4 | DataType::Real => plain(Type::FLOAT4),
        DataType::Float8 | DataType::DoublePrecision | DataType::Double(_) => plain(Type::FLOAT8),
        DataType::Bool | DataType::Boolean => plain(Type::BOOL),
        DataType::Date => plain(Type::DATE),
        DataType::Time(p, tz) => match tz {
            TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => {
                return Err(SqlError::not_supported(
                    "type time with time zone is not supported",
                ));
            }
            _ => TypeName {
                typmod: precision(p),
                ..plain(Type::TIME)
            },
        },
        DataType::Timestamp(p, tz) => TypeName {
            typmod: precision(p),
            ..plain(match tz {
                TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => Type::TIMESTAMPTZ,
                _ => Type::TIMESTAMP,
            })
        },
        DataType::Interval { precision: p, .. } => TypeName {
            typmod: precision(p),
            ..plain(Type::INTERVAL)
        },
        DataType::JSON => plain(Type::JSON),
        DataType::JSONB => plain(Type::JSONB),
        DataType::Regclass => plain(Type::REGCLASS),
        DataType::Text => plain(Type::TEXT),
        DataType::Bytea => plain(Type::BYTEA),
        DataType::Array(elem) => {
            let inner = match elem {
                ArrayElemTypeDef::SquareBracket(t, _)
                | ArrayElemTypeDef::AngleBracket(t)
                | ArrayElemTypeDef::Parenthesis(t)
                | ArrayElemTypeDef::ParenthesisNotNull(t)
                | ArrayElemTypeDef::Qualified(t, _) => resolve(t)?,
                ArrayElemTypeDef::None => return Err(undefined("array")),
            };
            let elem_ty = if inner.ty.is_array() {
                inner.ty.elem().unwrap_or(inner.ty)
            } else {
                inner.ty
            };
            let Some(arr) = elem_ty.array_of() else {
                return Err(undefined(&format!("{}[]", elem_ty.name())));
            };
            TypeName {
                ty: arr,
                typmod: inner.typmod,
                serial: false,
            }
        }
        DataType::Custom(name, mods) => custom(name, mods)?,
        other => return Err(undefined(&other.to_string().to_lowercase())),
    })
}

fn custom(name: &ObjectName, mods: &[TypeModifier]) -> Result<TypeName> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) if i.quote_style.is_some() => i.value.clone(),
            Some(i) => i.value.to_lowercase(),
            None => p.to_string(),
        })
        .collect();
    let base = match parts.as_slice() {
        [n] => n.as_str(),
        [schema, n] if schema == "pg_catalog" => n.as_str(),
        _ => return Err(undefined(&parts.join("."))),
    };
    // `"char"` quoted is the one-byte internal type, not `char` (= bpchar).
    let quoted = name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .is_some_and(|i| i.quote_style.is_some());
    if quoted && base == "char" {
        return Ok(plain(Type::CHAR));
    }
    let nums: Vec<i64> = mods
        .iter()
        .filter_map(|m| m.to_string().trim().parse().ok())
        .collect();
    let serial = |ty| TypeName {
        ty,
        typmod: -1,
        serial: true,
    };
    Ok(match base {
        "serial" | "serial4" => serial(Type::INT4),
        "bigserial" | "serial8" => serial(Type::INT8),
        "smallserial" | "serial2" => serial(Type::INT2),
        "int2" => plain(Type::INT2),
        "int4" => plain(Type::INT4),
        "int8" => plain(Type::INT8),
        "float4" => plain(Type::FLOAT4),
        "float8" => plain(Type::FLOAT8),
        "bool" => plain(Type::BOOL),
        "timestamptz" => TypeName {
            typmod: nums.first().map_or(-1, |p| i32::try_from(*p).unwrap_or(6)),
            ..plain(Type::TIMESTAMPTZ)
        },
        "varchar" | "bpchar" => {
            let ty = if base == "varchar" {
                Type::VARCHAR
            } else {
                Type::BPCHAR
            };
            TypeName {
                typmod: nums
                    .first()
                    .map_or(-1, |n| char_typmod(i32::try_from(*n).unwrap_or(1))),
                ..plain(ty)
            }
        }
        "decimal" | "numeric" => TypeName {
            typmod: match nums.as_slice() {
                [p] => numeric_typmod(i32::try_from(*p).unwrap_or(1000), 0),
                [p, s] => numeric_typmod(
                    i32::try_from(*p).unwrap_or(1000),
                    i32::try_from(*s).unwrap_or(0),
                ),
                _ => -1,
            },
            ..plain(Type::NUMERIC)
        },
        other => match Type::by_name(other) {
            Some(t) if !t.is_pseudo() || matches!(t, Type::RECORD | Type::VOID) => plain(t),
            _ => return Err(undefined(other)),
        },
    })
}
