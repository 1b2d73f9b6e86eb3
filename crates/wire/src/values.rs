//! Values on the wire: RowDescription's fields, DataRow's columns and Bind's parameters, each
//! through the `sql` crate's text and binary I/O for the value's type, with the session's
//! settings (DateStyle, TimeZone, IntervalStyle, extra_float_digits).
//!
//! Invariant: a value that cannot be shown in the asked format is an ERROR with PostgreSQL's
//! SQLSTATE (and no half-written row is left in the buffer); a parameter that does not read as
//! its type is 22P02/22P03/22021…, never a panic.

use bytes::{BufMut, BytesMut};
use sql::{Type, Value};

use crate::protocol::backend::{self, FieldDescription, put_value_with};
use crate::protocol::{Format, Oid};
use crate::report::Failure;

/// The OID announced for a column or parameter: `unknown` is reported as `text`, as
/// PostgreSQL 10+ resolves unknown-typed output.
pub(crate) fn reported_oid(t: Type) -> Oid {
    if t == Type::UNKNOWN || t.0 == 0 {
        Type::TEXT.oid()
    } else {
        t.oid()
    }
}

/// RowDescription's fields for `columns` in these formats.
pub(crate) fn describe_columns(
    columns: &[spi::Column],
    formats: &[Format],
) -> Vec<FieldDescription> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| FieldDescription {
            name: c.name.clone(),
            table_oid: c.table_oid,
            column_id: c.attnum,
            type_oid: reported_oid(c.ty),
            type_size: c.ty.info().len,
            type_modifier: c.typmod,
            format: formats.get(i).copied().unwrap_or(Format::Text).code(),
        })
        .collect()
}

fn put_column(b: &mut BytesMut, v: &Value, ty: Type, format: Format) -> Result<(), Failure> {
    if v.is_null() {
        b.put_i32(-1);
        return Ok(());
    }
    match format {
        Format::Text => {
            let text = spi::output(ty, v).unwrap_or_default();
            put_value_with::<Failure>(b, |b| {
                b.put_slice(text.as_bytes());
                Ok(())
            })
        }
        Format::Binary => {
            let mut out = Vec::new();
            spi::runtime::with_env(|env| sql::types::io::send(ty, env, v, &mut out))
                .map_err(|e| Failure::from(spi::SpiError::from(e)))?;
            put_value_with::<Failure>(b, |b| {
                b.put_slice(&out);
                Ok(())
            })
        }
    }
}

/// Writes one DataRow of values of `columns`' types in `formats`.
pub(crate) fn write_data_row(
    buf: &mut BytesMut,
    row: &[Value],
    columns: &[spi::Column],
    formats: &[Format],
) -> Result<(), Failure> {
    backend::data_row_with(buf, row.len(), |b| {
        for (i, v) in row.iter().enumerate() {
            let ty = columns.get(i).map_or(Type::TEXT, |c| c.ty);
            let format = formats.get(i).copied().unwrap_or(Format::Text);
            put_column(b, v, ty, format)?;
        }
        Ok(())
    })
}

/// A Bind parameter of type `ty` (its `index` is 1-based, for messages).
pub(crate) fn decode_param(
    bytes: Option<&[u8]>,
    ty: Type,
    format: Format,
    index: usize,
) -> Result<Value, Failure> {
    let Some(bytes) = bytes else {
        return Ok(Value::Null);
    };
    let ty = if Type::lookup(ty.oid()).is_some() && !ty.is_pseudo() {
        ty
    } else {
        Type::TEXT
    };
    let decoded = spi::runtime::with_env(|env| match format {
        Format::Text => match std::str::from_utf8(bytes) {
            Ok(s) => sql::types::io::input(ty, env, s, -1),
            Err(_) => Err(sql::SqlError::new(
                sql::sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                "invalid byte sequence for encoding \"UTF8\"",
            )),
        },
        Format::Binary => sql::types::io::recv(ty, env, bytes, -1),
    });
    decoded.map_err(|e| {
        let mut err = spi::SpiError::from(e);
        if format == Format::Binary && err.sqlstate == sql::sqlstate::INVALID_BINARY_REPRESENTATION
        {
            err.message = format!("incorrect binary data format in bind parameter {index}");
        }
        Failure::from(err)
    })
}
