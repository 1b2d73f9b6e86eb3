//! The extended query protocol: Parse, Bind, Describe, Execute, Close (Sync and Flush are in
//! `session`).
//!
//! Owns: the prepared statements (named, and the unnamed one replaced by each unnamed Parse or
//! simple Query) and the portals (named, and the unnamed one replaced by each unnamed Bind).
//! Portals are dropped at the end of their transaction; a statement closed while a portal
//! still uses it lives on inside that portal.
//! A portal runs its statement at its first Execute; without a row limit (and always for COPY,
//! whose data streams both ways) rows go to the client as they are produced; with one, a query
//! stays open in the SQL session (`spi::Session::open_portal`): `max_rows` > 0 sends at most
//! that many, then PortalSuspended, and the next Execute steps the same SQLite statement on,
//! so no result is ever materialized. The final CommandComplete of a row-returning SELECT
//! counts the rows of that last Execute, as PostgreSQL's does.
//!
//! Transactions: statements executed between two Syncs form the extended protocol's implicit
//! transaction (`spi::Session::begin_implicit` at Execute, `end_implicit` at Sync): all or
//! nothing, as in PostgreSQL; after an error the session skips to Sync, which rolls it back.
//! Errors are ERRORs with PostgreSQL's SQLSTATEs (26000 unknown statement, 34000 unknown portal,
//! 42P05/42P03 duplicates, 08P01 count mismatches); the session then skips until Sync.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::rc::Rc;

use crate::protocol::backend;
use crate::protocol::frontend::{Bind, Target};
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
    /// A query suspended by a row limit: its statement is open in the SQL session, which
    /// hands over the next rows at the next Execute.
    Open(spi::PortalId),
    /// A statement that cannot suspend (SHOW, EXPLAIN-like utilities with a few rows) ran
    /// whole under a row limit; rows from `sent` on are still to be sent.
    Buffered {
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
    pub(crate) fn bind(&mut self, bind: Bind) -> Result<(), Failure> {
        let portal = bind.portal;
        let statement = bind.statement.as_str();
        let (param_formats, params) = (&bind.param_formats, &bind.params);
        let result_formats = &bind.result_formats;
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
        // Binding the unnamed portal again drops the old one with its open statement.
        if let Some(old) = self.portals.remove(&portal) {
            self.close_session_portal(&old);
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
            let outcome = self.start_portal(portal, &stmt, &params, max_rows);
            portal.params = params;
            if outcome? {
                return Ok(());
            }
        }
        match &mut portal.state {
            PortalState::Open(id) => {
                let id = *id;
                self.fetch_open_portal(portal, &stmt, id, max_rows)
            }
            PortalState::Buffered { result, sent } => {
                let remaining = result.rows.len() - *sent;
                let batch = if max_rows > 0 {
                    remaining.min(max_rows as usize)
                } else {
                    remaining
                };
                for row in &result.rows[*sent..*sent + batch] {
                    write_data_row(
                        &mut self.conn.wbuf,
                        row,
                        &result.columns,
                        &portal.result_formats,
                    )?;
                    *sent += 1;
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
            PortalState::Done { select: true } => {
                backend::command_complete(&mut self.conn.wbuf, "SELECT 0");
                Ok(())
            }
            PortalState::Done { select: false } | PortalState::Ready => Err(Failure::error(
                spi::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "portal cannot be run again",
            )),
        }
    }

    /// A portal's first Execute. Without a row limit (and always for COPY) the statement runs
    /// whole with its rows streaming to the client; returns true when that is done. With one,
    /// a query is opened in the SQL session (rows follow in [`Self::fetch_open_portal`]) and
    /// anything else runs whole with its few rows kept for paging.
    ///
    /// The statement runs in the extended protocol's implicit transaction, which lasts until
    /// Sync — except a statement run whole that is the last before a Sync already received,
    /// which needs no transaction of its own beyond SQLite's autocommit (the same outcome,
    /// without a BEGIN and COMMIT per statement).
    fn start_portal(
        &mut self,
        portal: &mut Portal,
        stmt: &Rc<PreparedStatement>,
        params: &[spi::Value],
        max_rows: i32,
    ) -> Result<bool, Failure> {
        let whole = max_rows <= 0 || stmt.prepared.is_copy();
        if !(whole && self.conn.next_is_sync()) {
            self.session.begin_implicit();
        }
        if whole {
            let formats = &portal.result_formats;
            let result = self.run_statement(&stmt.sql, |s, conn, hooks| {
                let mut writer = RowWriter::portal(conn, hooks, stmt.prepared.columns(), formats);
                let result = s.execute_into(&stmt.prepared, params, &mut writer);
                writer.outcome(result)
            })?;
            self.send_notices(&result.notices);
            backend::command_complete(&mut self.conn.wbuf, &result.tag);
            portal.state = PortalState::Done {
                select: result.tag.starts_with("SELECT"),
            };
            return Ok(true);
        }
        if stmt.prepared.can_suspend() {
            let id = self.run_statement(&stmt.sql, |s, _, _| {
                s.open_portal(&stmt.prepared, params).map_err(Failure::from)
            })?;
            portal.state = PortalState::Open(id);
            return Ok(false);
        }
        let mut result = self.run_statement(&stmt.sql, |s, _, _| {
            s.execute(&stmt.prepared, params).map_err(Failure::from)
        })?;
        self.send_notices(&result.notices);
        // Encode as described: the statement's column types when they match the result's.
        let described = stmt.prepared.columns();
        if described.len() == result.columns.len() {
            result.columns = described.to_vec();
        }
        portal.state = PortalState::Buffered { result, sent: 0 };
        Ok(false)
    }

    /// Sends up to `max_rows` more rows of a suspended query, then PortalSuspended, or its
    /// CommandComplete when it is done. A row-returning SELECT's tag counts the rows of this
    /// Execute, as PostgreSQL's does; a write's counts the rows it changed.
    fn fetch_open_portal(
        &mut self,
        portal: &mut Portal,
        stmt: &Rc<PreparedStatement>,
        id: spi::PortalId,
        max_rows: i32,
    ) -> Result<(), Failure> {
        let limit = u64::try_from(max_rows).unwrap_or(0);
        let formats = &portal.result_formats;
        let outcome = self.run_statement(&stmt.sql, |s, conn, hooks| {
            let mut writer =
                RowWriter::portal(conn, hooks, stmt.prepared.columns(), formats).rows_only();
            let result = s.fetch_portal(id, limit, &mut writer);
            let sent = writer.rows;
            writer.outcome(result).map(|f| (f, sent))
        });
        let (fetched, sent) = match outcome {
            Ok(v) => v,
            Err(e) => {
                portal.state = PortalState::Done { select: false };
                return Err(e);
            }
        };
        match fetched {
            spi::Fetched::Suspended => backend::portal_suspended(&mut self.conn.wbuf),
            spi::Fetched::Done(result) => {
                let select = result.tag.starts_with("SELECT");
                let tag = if select {
                    format!("SELECT {sent}")
                } else {
                    result.tag
                };
                backend::command_complete(&mut self.conn.wbuf, &tag);
                portal.state = PortalState::Done { select };
            }
        }
        Ok(())
    }

    /// Closes the SQL session's statement of a portal that is dropped.
    fn close_session_portal(&mut self, portal: &Portal) {
        if let PortalState::Open(id) = portal.state {
            self.session.close_portal(id);
        }
    }

    /// Close: closing something that does not exist is not an error.
    pub(crate) fn close(&mut self, target: Target, name: &str) {
        match target {
            Target::Statement => {
                self.statements.remove(name);
            }
            Target::Portal => {
                if let Some(p) = self.portals.remove(name) {
                    self.close_session_portal(&p);
                }
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
