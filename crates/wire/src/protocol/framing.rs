//! Cutting the client's byte stream into messages, with PostgreSQL's hard limits.
//!
//! Two shapes exist: the startup packet (`int32 length` then the body, no type byte) and every
//! later message (`byte type`, `int32 length`, body). The length counts itself. Invariants: a
//! length below the minimum or above the limit is refused as soon as the length word is in,
//! before any body byte is awaited; an unknown type byte is refused as soon as it arrives.

use bytes::{Buf, Bytes, BytesMut};

use super::{MAX_MESSAGE_LENGTH, MAX_STARTUP_PACKET_LENGTH};
use crate::error::{Result, WireError};

/// Type bytes a frontend may send after startup.
pub const FRONTEND_MESSAGE_TYPES: &[u8] = b"QPBDESCHXFdcfp";

/// Messages that PostgreSQL limits to PQ_SMALL_MESSAGE_LIMIT (10,000 bytes) because they carry
/// at most a name: Sync, Flush, Terminate, Close, Describe, Execute, CopyDone, CopyFail.
const SMALL_MESSAGE_TYPES: &[u8] = b"SHXCDEcf";
const SMALL_MESSAGE_LIMIT: usize = 10_000;

fn length_word(buf: &[u8]) -> i32 {
    i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]])
}

/// Takes one complete startup packet's body (after the length word) off the front of `buf`.
/// `Ok(None)`: more bytes are needed.
pub fn try_startup_frame(buf: &mut BytesMut) -> Result<Option<Bytes>> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = length_word(buf);
    let len = usize::try_from(len).unwrap_or(0);
    if !(8..=MAX_STARTUP_PACKET_LENGTH).contains(&len) {
        return Err(WireError::protocol("invalid length of startup packet"));
    }
    if buf.len() < len {
        return Ok(None);
    }
    let mut packet = buf.split_to(len).freeze();
    packet.advance(4);
    Ok(Some(packet))
}

/// What [`try_frame_within`] cut off the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A complete message: its type byte and body.
    Message(u8, Bytes),
    /// A message longer than the size limit (`max_message_size`), length word included: its
    /// type byte and length word were taken off, its body is still to come and must be
    /// skipped unread.
    TooLarge { tag: u8, len: usize },
}

/// Takes one complete regular message (type byte and body) off the front of `buf`.
/// `Ok(None)`: more bytes are needed.
pub fn try_frame(buf: &mut BytesMut) -> Result<Option<(u8, Bytes)>> {
    match try_frame_within(buf, MAX_MESSAGE_LENGTH)? {
        Some(Frame::Message(tag, body)) => Ok(Some((tag, body))),
        Some(Frame::TooLarge { tag, len }) => Err(WireError::protocol(format!(
            "invalid message length {len} for message type \"{}\"",
            char::from(tag)
        ))),
        None => Ok(None),
    }
}

/// [`try_frame`] with a size limit below the protocol's: a message whose length word exceeds
/// `max_len` (but not the protocol's 1 GiB) is [`Frame::TooLarge`] as soon as its length word
/// is in, before any body byte is read.
pub fn try_frame_within(buf: &mut BytesMut, max_len: usize) -> Result<Option<Frame>> {
    let Some(&tag) = buf.first() else {
        return Ok(None);
    };
    if !FRONTEND_MESSAGE_TYPES.contains(&tag) {
        return Err(WireError::protocol(format!(
            "invalid frontend message type {tag}"
        )));
    }
    if buf.len() < 5 {
        return Ok(None);
    }
    let declared = length_word(&buf[1..5]);
    let len = usize::try_from(declared).unwrap_or(0);
    let limit = if SMALL_MESSAGE_TYPES.contains(&tag) {
        SMALL_MESSAGE_LIMIT
    } else {
        MAX_MESSAGE_LENGTH
    };
    if len < 4 || len > limit {
        return Err(WireError::protocol(format!(
            "invalid message length {declared} for message type \"{}\"",
            char::from(tag)
        )));
    }
    if len > max_len {
        buf.advance(5);
        return Ok(Some(Frame::TooLarge { tag, len }));
    }
    if buf.len() < 1 + len {
        return Ok(None);
    }
    let mut msg = buf.split_to(1 + len).freeze();
    msg.advance(5);
    Ok(Some(Frame::Message(tag, msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(bytes: &[u8]) -> BytesMut {
        BytesMut::from(bytes)
    }

    #[test]
    fn startup_frames_wait_for_the_whole_packet() {
        let mut b = buf(&[0, 0, 0, 8, 4, 210]);
        assert!(try_startup_frame(&mut b).unwrap().is_none());
        b.extend_from_slice(&[22, 47, b'Q']);
        let body = try_startup_frame(&mut b).unwrap().unwrap();
        assert_eq!(&body[..], &[4, 210, 22, 47]);
        assert_eq!(&b[..], b"Q");
    }

    #[test]
    fn startup_lengths_outside_limits_are_refused_at_once() {
        for len in [0i32, 3, 7, -1, 10_001, i32::MAX] {
            let mut b = buf(&len.to_be_bytes());
            assert!(
                matches!(try_startup_frame(&mut b), Err(WireError::Protocol(_))),
                "{len}"
            );
        }
        let mut b = buf(&10_000i32.to_be_bytes());
        assert!(try_startup_frame(&mut b).unwrap().is_none());
    }

    #[test]
    fn regular_frames_split_exactly() {
        let mut b = buf(b"Q\0\0\0\x09abcd\0S\0\0\0\x04");
        let (t, body) = try_frame(&mut b).unwrap().unwrap();
        assert_eq!((t, &body[..]), (b'Q', &b"abcd\0"[..]));
        let (t, body) = try_frame(&mut b).unwrap().unwrap();
        assert_eq!((t, body.len()), (b'S', 0));
        assert!(try_frame(&mut b).unwrap().is_none());
    }

    #[test]
    fn partial_frames_wait() {
        let mut b = buf(b"Q\0\0");
        assert!(try_frame(&mut b).unwrap().is_none());
        b.extend_from_slice(b"\0\x06a");
        assert!(try_frame(&mut b).unwrap().is_none());
        b.extend_from_slice(b"\0");
        assert!(try_frame(&mut b).unwrap().is_some());
    }

    #[test]
    fn messages_over_the_size_limit_are_cut_at_their_length_word() {
        let mut b = buf(b"Q\0\x10\0\0abc");
        assert_eq!(
            try_frame_within(&mut b, 1 << 19).unwrap(),
            Some(Frame::TooLarge {
                tag: b'Q',
                len: 0x10_0000
            })
        );
        assert_eq!(&b[..], b"abc", "the body is left for the caller to skip");
        let mut b = buf(b"Q\0\0\0\x09abcd\0");
        assert!(matches!(
            try_frame_within(&mut b, 9).unwrap(),
            Some(Frame::Message(b'Q', _))
        ));
        // Small message types keep their own limit; past 1 GiB is still a violation.
        let mut b = buf(b"S\0\0\x27\x11");
        assert!(try_frame_within(&mut b, 4).is_err());
        let mut b = buf(b"Q\x40\0\0\x01");
        assert!(try_frame_within(&mut b, 1 << 20).is_err());
    }

    #[test]
    fn bad_types_and_lengths_are_refused_before_the_body() {
        let mut b = buf(b"Z");
        assert!(
            matches!(try_frame(&mut b), Err(WireError::Protocol(m)) if m.contains("invalid frontend message type 90"))
        );
        let mut b = buf(b"\0");
        assert!(try_frame(&mut b).is_err());
        let mut b = buf(b"Q\0\0\0\x03");
        assert!(try_frame(&mut b).is_err());
        let mut b = buf(b"Q\xff\xff\xff\xff");
        assert!(try_frame(&mut b).is_err());
        let mut b = buf(b"Q\x40\0\0\x01");
        assert!(try_frame(&mut b).is_err(), "just over 1 GiB");
        let mut b = buf(b"Q\x40\0\0\0");
        assert!(
            try_frame(&mut b).unwrap().is_none(),
            "exactly 1 GiB is allowed"
        );
        let mut b = buf(b"S\0\0\x27\x11");
        assert!(
            try_frame(&mut b).is_err(),
            "Sync over the small-message limit"
        );
    }
}
