//! COPY's binary format (PostgreSQL's `PGCOPY` files): an 11-byte signature, a flags word and a
//! header extension, then per row an `int16` field count and per field an `int32` length
//! (`-1` for NULL) and the value in its type's binary (send/recv) form, then an `int16` `-1`.
//!
//! [`BinaryReader`] takes rows off the incoming stream as they complete (resumable, so a row
//! split across network chunks costs nothing extra); [`header`], [`encode_row`] and
//! [`TRAILER`] write the format. Errors are PostgreSQL's (22P04 with its messages).

use super::BAD_COPY_FILE_FORMAT;
use crate::error::{Result, SqlError};

/// The file signature.
pub const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// The end-of-data marker (field count -1).
pub const TRAILER: &[u8] = &[0xff, 0xff];

/// The header COPY TO writes: signature, no flags, no extension.
pub fn header() -> Vec<u8> {
    let mut h = SIGNATURE.to_vec();
    h.extend_from_slice(&0i32.to_be_bytes());
    h.extend_from_slice(&0i32.to_be_bytes());
    h
}

/// Appends one row: `fields[i]` is the value's binary form, `None` for NULL.
pub fn encode_row(out: &mut Vec<u8>, fields: &[Option<Vec<u8>>]) {
    let n = i16::try_from(fields.len()).unwrap_or(i16::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    for f in fields {
        match f {
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(b) => {
                let len = i32::try_from(b.len()).unwrap_or(i32::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(b);
            }
        }
    }
}

fn bad(msg: &str) -> SqlError {
    SqlError::new(BAD_COPY_FILE_FORMAT, msg)
}

/// What [`BinaryReader::next_row`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum BinNext {
    /// A row's fields (`None` is NULL).
    Row(Vec<Option<Vec<u8>>>),
    /// No more rows.
    End,
    /// More input is needed.
    NeedMore,
}

/// Reads binary COPY data as it arrives.
#[derive(Debug, Default)]
pub struct BinaryReader {
    buf: Vec<u8>,
    pos: usize,
    header_done: bool,
    finished: bool,
    trailer_seen: bool,
    /// Rows read so far (CONTEXT's line numbers).
    pub lineno: u64,
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

impl BinaryReader {
    pub fn new() -> BinaryReader {
        BinaryReader::default()
    }

    pub fn feed(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    pub fn finish(&mut self) {
        self.finished = true;
    }

    fn avail(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// The header; `Ok(false)` when more input is needed.
    fn read_header(&mut self) -> Result<bool> {
        let a = self.avail();
        let need_more = |have: usize, want: usize| have < want;
        if need_more(a.len(), 11) {
            if self.finished {
                return Err(bad("COPY file signature not recognized"));
            }
            return Ok(false);
        }
        if &a[..11] != SIGNATURE {
            return Err(bad("COPY file signature not recognized"));
        }
        if a.len() < 15 {
            if self.finished {
                return Err(bad("invalid COPY file header (missing flags)"));
            }
            return Ok(false);
        }
        let flags = be_i32(&a[11..15]);
        if flags & (1 << 16) != 0 {
            return Err(bad("invalid COPY file header (WITH OIDS)"));
        }
        if (flags & !(1 << 16)) >> 16 != 0 {
            return Err(bad("unrecognized critical flags in COPY file header"));
        }
        if a.len() < 19 {
            if self.finished {
                return Err(bad("invalid COPY file header (missing length)"));
            }
            return Ok(false);
        }
        let ext = be_i32(&a[15..19]);
        let Ok(ext) = usize::try_from(ext) else {
            return Err(bad("invalid COPY file header (missing length)"));
        };
        if a.len() - 19 < ext {
            if self.finished {
                return Err(bad("invalid COPY file header (wrong length)"));
            }
            return Ok(false);
        }
        self.pos += 19 + ext;
        self.header_done = true;
        Ok(true)
    }

    /// The next row, checked to have `width` fields.
    pub fn next_row(&mut self, width: usize) -> Result<BinNext> {
        if !self.header_done && !self.read_header()? {
            return Ok(BinNext::NeedMore);
        }
        if self.trailer_seen {
            if !self.avail().is_empty() {
                self.lineno += 1;
                return Err(bad("received copy data after EOF marker"));
            }
            return Ok(if self.finished {
                BinNext::End
            } else {
                BinNext::NeedMore
            });
        }
        let a = self.avail();
        if a.len() < 2 {
            if !self.finished {
                return Ok(BinNext::NeedMore);
            }
            if a.is_empty() {
                return Ok(BinNext::End);
            }
            self.lineno += 1;
            return Err(bad("unexpected EOF in COPY data"));
        }
        let count = i16::from_be_bytes([a[0], a[1]]);
        if count == -1 {
            self.pos += 2;
            self.trailer_seen = true;
            return self.next_row(width);
        }
        let row_no = self.lineno + 1;
        if usize::try_from(count).ok() != Some(width) {
            self.lineno = row_no;
            return Err(bad(&format!(
                "row field count is {count}, expected {width}"
            )));
        }
        // Find the whole row before taking anything.
        let mut at = 2;
        let mut spans = Vec::with_capacity(width);
        for _ in 0..width {
            if a.len() < at + 4 {
                return self.short(row_no);
            }
            let len = be_i32(&a[at..at + 4]);
            at += 4;
            if len == -1 {
                spans.push(None);
                continue;
            }
            let Ok(len) = usize::try_from(len) else {
                self.lineno = row_no;
                return Err(bad("invalid field size"));
            };
            if a.len() - at < len {
                return self.short(row_no);
            }
            spans.push(Some((at, len)));
            at += len;
        }
        let fields = spans
            .into_iter()
            .map(|s| s.map(|(from, len)| a[from..from + len].to_vec()))
            .collect();
        self.pos += at;
        self.lineno = row_no;
        Ok(BinNext::Row(fields))
    }

    fn short(&mut self, row_no: u64) -> Result<BinNext> {
        if self.finished {
            self.lineno = row_no;
            return Err(bad("unexpected EOF in COPY data"));
        }
        Ok(BinNext::NeedMore)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], width: usize, chunk: usize) -> Result<Vec<Vec<Option<Vec<u8>>>>> {
        let mut r = BinaryReader::new();
        let mut pieces = data.chunks(chunk.max(1));
        let mut out = Vec::new();
        loop {
            match r.next_row(width)? {
                BinNext::Row(f) => out.push(f),
                BinNext::End => return Ok(out),
                BinNext::NeedMore => match pieces.next() {
                    Some(p) => r.feed(p),
                    None => r.finish(),
                },
            }
        }
    }

    #[test]
    fn rows_round_trip_in_any_chunking() {
        let rows = vec![
            vec![Some(vec![0, 0, 0, 1]), None],
            vec![Some(Vec::new()), Some(b"abc".to_vec())],
        ];
        let mut data = header();
        for r in &rows {
            encode_row(&mut data, r);
        }
        data.extend_from_slice(TRAILER);
        for chunk in 1..=data.len() {
            assert_eq!(read_all(&data, 2, chunk).unwrap(), rows);
        }
        // Without the trailer the end of input ends the data too.
        assert_eq!(read_all(&data[..data.len() - 2], 2, 7).unwrap(), rows);
    }

    #[test]
    fn postgresql_errors() {
        assert_eq!(
            read_all(b"PGCOPY\n", 1, 4).unwrap_err().message,
            "COPY file signature not recognized"
        );
        let mut d = header();
        d.extend_from_slice(&[0, 2]);
        assert_eq!(
            read_all(&d, 1, 100).unwrap_err().message,
            "row field count is 2, expected 1"
        );
        let mut d = header();
        d.extend_from_slice(&[0, 1, 0, 0, 0, 9, 1]);
        assert_eq!(
            read_all(&d, 1, 3).unwrap_err().message,
            "unexpected EOF in COPY data"
        );
        let mut d = header();
        d.extend_from_slice(&[0, 1, 0xff, 0xff, 0xff, 0xfe]);
        assert_eq!(
            read_all(&d, 1, 3).unwrap_err().message,
            "invalid field size"
        );
        let mut d = header();
        d.extend_from_slice(&[0xff, 0xff, 0]);
        assert_eq!(
            read_all(&d, 1, 3).unwrap_err().message,
            "received copy data after EOF marker"
        );
        let mut d = SIGNATURE.to_vec();
        d.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            read_all(&d, 1, 3).unwrap_err().message,
            "invalid COPY file header (WITH OIDS)"
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        for _ in 0..3000 {
            let mut data = header();
            let n = (seed % 40) as usize;
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                data.push((seed & 0xff) as u8 % 5 * 63);
            }
            let _ = read_all(&data, 1 + (seed % 3) as usize, 1 + (seed % 7) as usize);
        }
    }
}
