//! `protocol_decode`: the pure codec of `wire::protocol` on arbitrary bytes.
//!
//! The input is read as a client's byte stream, twice: once as a startup packet followed by
//! regular messages (what a backend sees), and once as a stream of server messages (what the
//! test clients decode). Checks, beyond "never panics": every frontend message and startup
//! packet that decodes re-encodes to bytes that decode to the same value (the round-trip
//! invariant of `wire::protocol::frontend`), and framing always consumes bytes or asks for more.

use bytes::BytesMut;
use wire::protocol::{backend, framing, frontend};

/// Feeds `data` to every decoder of `wire::protocol`.
pub fn run(data: &[u8]) {
    frontend_stream(data);
    backend_stream(data);
}

fn frontend_stream(data: &[u8]) {
    let mut buf = BytesMut::from(data);
    match framing::try_startup_frame(&mut buf) {
        Ok(Some(body)) => {
            if let Ok(packet) = frontend::decode_startup(body) {
                check_startup_roundtrip(&packet);
            }
        }
        Ok(None) | Err(_) => return,
    }
    while let Ok(Some((tag, body))) = framing::try_frame(&mut buf) {
        if let Ok(msg) = frontend::decode(tag, body) {
            check_roundtrip(&msg);
        }
    }
}

fn backend_stream(data: &[u8]) {
    let mut buf = BytesMut::from(data);
    while let Ok(Some((tag, body))) = backend::try_backend_frame(&mut buf) {
        // Only "never panics" is checked: the test decoder keeps a subset of the error fields.
        let _ = backend::decode(tag, body);
    }
}

fn check_startup_roundtrip(packet: &frontend::StartupPacket) {
    let mut buf = BytesMut::new();
    frontend::encode_startup(packet, &mut buf);
    let body = framing::try_startup_frame(&mut buf)
        .expect("a re-encoded startup packet frames")
        .expect("a re-encoded startup packet is complete");
    assert!(buf.is_empty(), "startup framing left bytes behind");
    let again = frontend::decode_startup(body).expect("a re-encoded startup packet decodes");
    assert_eq!(&again, packet, "startup packet round trip");
}

fn check_roundtrip(msg: &frontend::FrontendMessage) {
    let mut buf = BytesMut::new();
    frontend::encode(msg, &mut buf);
    let (tag, body) = framing::try_frame(&mut buf)
        .expect("a re-encoded message frames")
        .expect("a re-encoded message is complete");
    assert!(buf.is_empty(), "framing left bytes behind");
    let again = frontend::decode(tag, body).expect("a re-encoded message decodes");
    assert_eq!(&again, msg, "frontend message round trip");
}
