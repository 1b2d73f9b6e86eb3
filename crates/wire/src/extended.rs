//! The extended query protocol: Parse, Bind, Describe, Execute, Close (Sync and Flush are in
//! `session`).
//!
//! Owns: the prepared statements (named, and the unnamed one replaced by each unnamed Parse or
//! simple Query) and the portals (named, and the unnamed one replaced by each unnamed Bind).
//! Portals are dropped at the end of their transaction; a statement closed while a portal
//! still uses it lives on inside that portal.
//! A portal runs its statement at its first Execute; without a row limit (and always for COPY,
//! whose data streams both ways) rows go to the client as they are produced; with one, the
//! SQL layer buffers all rows, and later
//! Executes page through them: `max_rows` > 0 sends at most that many, then PortalSuspended, and
//! the next Execute resumes where the last stopped. The final CommandComplete of a row-returning
//! SELECT counts the rows of that last Execute, as PostgreSQL's does.
//! Errors are ERRORs with PostgreSQL's SQLSTATEs (26000 unknown statement, 34000 unknown portal,
//! 42P05/42P03 duplicates, 08P01 count mismatches); the session then skips until Sync.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::rc::Rc;

use bytes::Bytes;

use crate::protocol::backend;
use crate::protocol::frontend::Target;
use crate::protocol::{Format, Oid};
use crate::report::Failure;
use crate::session::{Backend, RowWriter, describe_columns, write_data_row};
use crate::values::{self, decode_param};

/// A Parse'd statement.
pub struct PreparedStatement {
    prepared: spi::Prepared,
    /// Parameter types used to decode Bind values: the client's where it gave one, else the
    /// SQL layer's inference.
    param_types: Vec<sql::Type>,
    /// The same as announced in ParameterDescription.
    param_oids: Vec<Oid>,
    sql: String,
}

/// Where a portal stands.
enum PortalState {
    /// Bound, not executed yet.
    Ready,
    /// Executed; rows from `sent` on are still to be sent.
    Running {
        result: spi::QueryResult,
        sent: usize,
    },
    /// All rows and the CommandComplete have been sent.
    Done { select: bool },
}

/// A bound statement.
pub struct Portal {
    statement: Rc<PreparedStatement>,
    params: Vec<spi::Value>,
    /// One format per result column.
    result_formats: Vec<Format>,
    state: PortalState,
}

fn format_of(code: i16) -> Result<Format, Failure> {
    match code {
        0 => Ok(Format::Text),
        1 => Ok(Format::Binary),
        other => Err(Failure::error(
            spi::sqlstate::INVALID_PARAMETER_VALUE,
            format!("unsupported format code: {other}"),
        )),
    }
}

/// PostgreSQL's rule for format-code lists: none = all text, one = for all, else one each.
fn expand_formats(
    codes: &[i16],
    n: usize,
    what: impl FnOnce() -> String,
) -> Result<Vec<Format>, Failure> {
    match codes.len() {
        0 => Ok(vec![Format::Text; n]),
        1 => Ok(vec![format_of(codes[0])?; n]),
        len if len == n => codes.iter().map(|&c| format_of(c)).collect(),
        _ => Err(Failure::error(spi::sqlstate::PROTOCOL_VIOLATION, what())),
    }
}

fn statement_missing(name: &str) -> Failure {
    if name.is_empty() {
        Failure::error(
            spi::sqlstate::INVALID_SQL_STATEMENT_NAME,
            "unnamed prepared statement does not exist",
        )
    } else {
        Failure::error(
            spi::sqlstate::INVALID_SQL_STATEMENT_NAME,
            format!("prepared statement \"{name}\" does not exist"),
        )
    }
}

fn portal_missing(name: &str) -> Failure {
    Failure::error(
        spi::sqlstate::INVALID_CURSOR_NAME,
        format!("portal \"{name}\" does not exist"),
    )
}

impl<S: Read + Write + AsRawFd> Backend<'_, S> {
    /// Parse.
    pub(crate) fn parse(
        &mut self,
        name: String,
        query: &str,
        param_types: &[Oid],
    ) -> Result<(), Failure> {
        if !name.is_empty() && self.statements.contains_key(&name) {
            return Err(Failure::error(
                spi::sqlstate::DUPLICATE_PREPARED_STATEMENT,
                format!("prepared statement \"{name}\" already exists"),
            ));
        }
        let prepared = if param_types.is_empty() {
            self.session.prepare(query)
        } else {
            self.session.prepare_typed(query, param_types)
        }
        .map_err(Failure::from)?;
        let inferred = prepared.param_types();
        let n = inferred.len().max(param_types.len());
        let param_types: Vec<sql::Type> = (0..n)
            .map(|i| match param_types.get(i) {
                Some(&oid) if oid != 0 => sql::Type(oid),
                _ => inferred.get(i).copied().unwrap_or(sql::Type::TEXT),
            })
            .collect();
        let param_oids = param_types
            .iter()
            .map(|t| values::reported_oid(*t))
            .collect();
        self.statements.insert(
            name,
            Rc::new(PreparedStatement {
                prepared,
                param_types,
                param_oids,
                sql: query.to_owned(),
            }),
        );
        backend::parse_complete(&mut self.conn.wbuf);
        Ok(())
    }

    /// Bind.
    pub(crate) fn bind(
        &mut self,
        portal: String,
        statement: &str,
        param_formats: &[i16],
        params: &[Option<Bytes>],
        result_formats: &[i16],
    ) -> Result<(), Failure> {
        let stmt = self
            .statements
            .get(statement)
            .cloned()
            .ok_or_else(|| statement_missing(statement))?;
        let formats = expand_formats(param_formats, params.len(), || {
            format!(
                "bind message has {} parameter formats but {} parameters",
                param_formats.len(),
                params.len()
            )
        })?;
        if params.len() != stmt.param_oids.len() {
            return Err(Failure::error(
                spi::sqlstate::PROTOCOL_VIOLATION,
                format!(
                    "bind message supplies {} parameters, but prepared statement \"{statement}\" requires {}",
                    params.len(),
                    stmt.param_oids.len()
                ),
            ));
        }
        let ncols = stmt.prepared.columns().len();
        let result_formats = expand_formats(result_formats, ncols, || {
            format!(
                "bind message has {} result formats but query has {ncols} columns",
                result_formats.len()
            )
        })?;
        if !portal.is_empty() && self.portals.contains_key(&portal) {
            return Err(Failure::error(
                spi::sqlstate::DUPLICATE_CURSOR,
                format!("cursor \"{portal}\" already exists"),
            ));
        }
        let mut values = Vec::with_capacity(params.len());
        for (i, (p, format)) in params.iter().zip(&formats).enumerate() {
            values.push(decode_param(
                p.as_deref(),
                stmt.param_types[i],
                *format,
                i + 1,
            )?);
        }
        self.portals.insert(
            portal,
            Portal {
                statement: stmt,
                params: values,
                result_formats,
                state: PortalState::Ready,
            },
        );
        backend::bind_complete(&mut self.conn.wbuf);
        Ok(())
    }

    /// Describe.
    pub(crate) fn describe(&mut self, target: Target, name: &str) -> Result<(), Failure> {
        let (statement, formats) = match target {
            Target::Statement => {
                let stmt = self
                    .statements
                    .get(name)
                    .cloned()
                    .ok_or_else(|| statement_missing(name))?;
                backend::parameter_description(&mut self.conn.wbuf, &stmt.param_oids);
                (stmt, Vec::new())
            }
            Target::Portal => {
                let p = self.portals.get(name).ok_or_else(|| portal_missing(name))?;
                (p.statement.clone(), p.result_formats.clone())
            }
        };
        let columns = statement.prepared.columns();
        if columns.is_empty() {
            backend::no_data(&mut self.conn.wbuf);
        } else {
            backend::row_description(&mut self.conn.wbuf, &describe_columns(columns, &formats));
        }
        Ok(())
    }

    /// Execute.
    pub(crate) fn execute(&mut self, name: &str, max_rows: i32) -> Result<(), Failure> {
        let mut portal = self
            .portals
            .remove(name)
            .ok_or_else(|| portal_missing(name))?;
        let outcome = self.execute_portal(&mut portal, max_rows);
        // The portal stays (even after an error, until its transaction ends), as in PostgreSQL.
        self.portals.insert(name.to_owned(), portal);
        outcome
    }

    fn execute_portal(&mut self, portal: &mut Portal, max_rows: i32) -> Result<(), Failure> {
        let stmt = portal.statement.clone();
        if stmt.prepared.is_empty() {
            backend::empty_query_response(&mut self.conn.wbuf);
            return Ok(());
        }
        if let PortalState::Ready = portal.state {
            let params = std::mem::take(&mut portal.params);
            if max_rows <= 0 || stmt.prepared.is_copy() {
                // All rows at once: they stream to the client as SQLite produces them (and
                // COPY's data streams both ways, whatever the row limit).
                let formats = &portal.result_formats;
                let result = self.run_statement(&stmt.sql, |s, conn, hooks| {
                    let mut writer =
                        RowWriter::portal(conn, hooks, stmt.prepared.columns(), formats);
                    let result = s.execute_into(&stmt.prepared, &params, &mut writer);
                    writer.outcome(result)
                });
                portal.params = params;
                let result = result?;
                self.send_notices(&result.notices);
                backend::command_complete(&mut self.conn.wbuf, &result.tag);
                portal.state = PortalState::Done {
                    select: result.tag.starts_with("SELECT"),
                };
                return Ok(());
            }
            // A row limit: the rows are kept for the next Execute (the portal is suspended).
            let result = self.run_statement(&stmt.sql, |s, _, _| {
                s.execute(&stmt.prepared, &params).map_err(Failure::from)
            });
            portal.params = params;
            let result = result?;
            self.send_notices(&result.notices);
            portal.state = PortalState::Running { result, sent: 0 };
        }
        let (result, sent) = match &mut portal.state {
            PortalState::Running { result, sent } => (result, sent),
            PortalState::Done { select: true } => {
                backend::command_complete(&mut self.conn.wbuf, "SELECT 0");
                return Ok(());
            }
            PortalState::Done { select: false } | PortalState::Ready => {
                return Err(Failure::error(
                    spi::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "portal cannot be run again",
                ));
            }
        };
        // Encode as described: the statement's column types when they match the result's shape.
        let described = stmt.prepared.columns();
        let columns = if described.len() == result.columns.len() {
            described
        } else {
            &result.columns[..]
        };
        let remaining = result.rows.len() - *sent;
        let batch = if max_rows > 0 {
            remaining.min(max_rows as usize)
        } else {
            remaining
        };
        for row in &result.rows[*sent..*sent + batch] {
            write_data_row(&mut self.conn.wbuf, row, columns, &portal.result_formats)?;
            *sent += 1;
            if self.conn.wbuf.len() > crate::connection::WRITE_HIGH_WATER {
                self.conn.flush()?;
            }
        }
        if *sent < result.rows.len() {
            backend::portal_suspended(&mut self.conn.wbuf);
            return Ok(());
        }
        let select = result.tag.starts_with("SELECT");
        let tag = if select && batch != result.rows.len() {
            format!("SELECT {batch}")
        } else {
            result.tag.clone()
        };
        backend::command_complete(&mut self.conn.wbuf, &tag);
        portal.state = PortalState::Done { select };
        Ok(())
    }

    /// Close: closing something that does not exist is not an error.
    pub(crate) fn close(&mut self, target: Target, name: &str) {
        match target {
            Target::Statement => {
                self.statements.remove(name);
            }
            Target::Portal => {
                self.portals.remove(name);
            }
        }
        backend::close_complete(&mut self.conn.wbuf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_lists_follow_postgresql_rules() {
        assert_eq!(
            expand_formats(&[], 2, String::new).unwrap(),
            vec![Format::Text; 2]
        );
        assert_eq!(
            expand_formats(&[1], 3, String::new).unwrap(),
            vec![Format::Binary; 3]
        );
        assert_eq!(
            expand_formats(&[0, 1], 2, String::new).unwrap(),
            vec![Format::Text, Format::Binary]
        );
        assert!(
            matches!(expand_formats(&[0, 1], 3, String::new), Err(Failure::Error(f)) if f.sqlstate == spi::sqlstate::PROTOCOL_VIOLATION)
        );
        assert!(
            matches!(expand_formats(&[2], 1, String::new), Err(Failure::Error(f)) if f.sqlstate == spi::sqlstate::INVALID_PARAMETER_VALUE)
        );
    }
}
