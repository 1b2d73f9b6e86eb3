//! A bounds-checked cursor over one message body.
//!
//! Every getter returns a protocol error instead of panicking when the body is too short, and
//! [`MessageReader::finish`] insists that nothing is left over (PostgreSQL's `pq_getmsgend`).

use bytes::Bytes;

use crate::error::{Result, WireError};

/// Reads the fields of one message body in order.
#[derive(Debug)]
pub struct MessageReader {
    body: Bytes,
    pos: usize,
    what: &'static str,
}

impl MessageReader {
    /// A reader over `body`; `what` names the message in error texts.
    pub fn new(body: Bytes, what: &'static str) -> Self {
        MessageReader { body, pos: 0, what }
    }

    fn short(&self) -> WireError {
        WireError::protocol(format!(
            "invalid message format: {} message is truncated",
            self.what
        ))
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<Bytes> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.short())?;
        if end > self.body.len() {
            return Err(self.short());
        }
        let out = self.body.slice(self.pos..end);
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let b = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&b);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    /// A big-endian int16.
    pub fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    /// A big-endian int32.
    pub fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    /// A big-endian uint32 (an OID).
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A NUL-terminated string that must be valid UTF-8.
    pub fn cstr(&mut self) -> Result<String> {
        let rest = &self.body[self.pos..];
        let Some(nul) = rest.iter().position(|&b| b == 0) else {
            return Err(WireError::protocol(format!(
                "invalid string in message: {} message has an unterminated string",
                self.what
            )));
        };
        let s = std::str::from_utf8(&rest[..nul])
            .map_err(|_| {
                WireError::protocol(format!(
                    "invalid string in message: {} message has a string that is not valid UTF-8",
                    self.what
                ))
            })?
            .to_owned();
        self.pos += nul + 1;
        Ok(s)
    }

    /// A count field (int16) that must not be negative.
    pub fn count16(&mut self) -> Result<usize> {
        let n = self.i16()?;
        usize::try_from(n).map_err(|_| {
            WireError::protocol(format!(
                "invalid message format: negative count in {} message",
                self.what
            ))
        })
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.body.len() - self.pos
    }

    /// Succeeds only when the whole body was consumed.
    pub fn finish(self) -> Result<()> {
        if self.pos == self.body.len() {
            Ok(())
        } else {
            Err(WireError::protocol(format!(
                "invalid message format: {} message has {} trailing bytes",
                self.what,
                self.body.len() - self.pos
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_in_order_and_checks_the_end() {
        let mut r = MessageReader::new(
            Bytes::from_static(b"\x01\x00\x02\x00\x00\x00\x03ab\0"),
            "test",
        );
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.i16().unwrap(), 2);
        assert_eq!(r.i32().unwrap(), 3);
        assert_eq!(r.cstr().unwrap(), "ab");
        r.finish().unwrap();
    }

    #[test]
    fn short_bodies_and_bad_strings_are_protocol_errors() {
        let mut r = MessageReader::new(Bytes::from_static(b"\x01"), "test");
        assert!(matches!(r.i16(), Err(WireError::Protocol(_))));
        let mut r = MessageReader::new(Bytes::from_static(b"abc"), "test");
        assert!(matches!(r.cstr(), Err(WireError::Protocol(_))));
        let mut r = MessageReader::new(Bytes::from_static(b"\xff\xfe\0"), "test");
        assert!(matches!(r.cstr(), Err(WireError::Protocol(_))));
        let mut r = MessageReader::new(Bytes::from_static(b"\xff\xff"), "test");
        assert!(matches!(r.count16(), Err(WireError::Protocol(_))));
        let r = MessageReader::new(Bytes::from_static(b"x"), "test");
        assert!(matches!(r.finish(), Err(WireError::Protocol(_))));
        let mut r = MessageReader::new(Bytes::from_static(b"x"), "test");
        assert!(r.bytes(usize::MAX).is_err());
    }
}
