//! Helpers shared by the message writers: a body whose length word is back-patched, and C strings.

use bytes::{BufMut, BytesMut};

/// Writes `tag` (if any), a placeholder length, the body `f` writes, then back-patches the length
/// (which counts itself but not the tag). A body over `i32::MAX` bytes cannot be framed: the
/// length saturates and the peer will refuse it, which is all a sender of such a thing deserves.
pub fn with_length(buf: &mut BytesMut, tag: Option<u8>, f: impl FnOnce(&mut BytesMut)) {
    if let Some(tag) = tag {
        buf.put_u8(tag);
    }
    let base = buf.len();
    buf.put_i32(0);
    f(buf);
    let len = i32::try_from(buf.len() - base).unwrap_or(i32::MAX);
    buf[base..base + 4].copy_from_slice(&len.to_be_bytes());
}

/// A NUL-terminated string. Callers pass strings without NUL; one inside would end the string early
/// on the peer's side, so it is cut there rather than sent.
pub fn put_cstr(buf: &mut BytesMut, s: &str) {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    buf.put_slice(&bytes[..end]);
    buf.put_u8(0);
}

/// A count field (int16), saturating.
pub fn put_count16(buf: &mut BytesMut, n: usize) {
    buf.put_i16(i16::try_from(n).unwrap_or(i16::MAX));
}

/// A length-prefixed value (int32 length, -1 for NULL).
pub fn put_nullable(buf: &mut BytesMut, value: Option<&[u8]>) {
    match value {
        None => buf.put_i32(-1),
        Some(v) => {
            buf.put_i32(i32::try_from(v.len()).unwrap_or(i32::MAX));
            buf.put_slice(v);
        }
    }
}
