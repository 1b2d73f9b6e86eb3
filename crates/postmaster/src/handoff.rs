//! Handing an accepted client socket to a pre-forked backend (`prefork_backends`).
//!
//! Each idle pre-forked backend shares a `SOCK_SEQPACKET` pair with the postmaster. A hand-off
//! is one message: the socket as `SCM_RIGHTS`, and a body of one kind byte (`u`: Unix socket,
//! `t`: TCP) followed by the client's address as the postmaster printed it (`[local]` or
//! `host(port)`). The postmaster closes its copy of the socket after the send; the backend
//! then runs exactly the session a backend forked at connect time runs.
//!
//! The other direction carries one message: a backend whose session ended cleanly, and whose
//! session state is gone, sends the single byte `i` ([`announce_idle`]) to ask for its next
//! connection; the postmaster reads it with [`recv_from_backend`]. A backend whose end was
//! closed by the postmaster (retired, or the rules changed by a reload) fails that send and
//! exits instead.
//!
//! Invariants: the postmaster only sends (never blocks: the pair is non-blocking on its side
//! and a full or closed pair means the backend is gone or stuck, and the connection is forked
//! for instead); a message carries exactly one descriptor; the receiving side closes any
//! descriptor that arrives with a malformed body.

use std::io::{IoSlice, IoSliceMut};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use nix::sys::socket::{
    AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags, SockFlag, SockType, recvmsg,
    sendmsg, socketpair,
};

use crate::listen::Conn;

/// The longest body: the kind byte and an address.
const MAX_BODY: usize = 256;

/// A new pair: (the postmaster's end, non-blocking; the backend's end).
pub fn pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let (pm, child) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )?;
    let fd = pm.as_raw_fd();
    // SAFETY: reading the flags of a descriptor we own.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: setting O_NONBLOCK on a descriptor we own.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((pm, child))
}

/// Postmaster: sends `conn` over `pm_end`. On success the caller drops `conn` (its copy).
pub fn send(pm_end: &OwnedFd, conn: &Conn) -> std::io::Result<()> {
    let (kind, fd, remote) = match conn {
        Conn::Unix(s) => (b'u', s.as_raw_fd(), conn.remote()),
        Conn::Tcp(s, _) => (b't', s.as_raw_fd(), conn.remote()),
    };
    let mut body = Vec::with_capacity(1 + remote.len());
    body.push(kind);
    body.extend_from_slice(&remote.as_bytes()[..remote.len().min(MAX_BODY - 1)]);
    let fds = [fd];
    let n = sendmsg::<()>(
        pm_end.as_raw_fd(),
        &[IoSlice::new(&body)],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::MSG_NOSIGNAL | MsgFlags::MSG_DONTWAIT,
        None,
    )?;
    if n != body.len() {
        return Err(std::io::Error::other("short hand-off message"));
    }
    Ok(())
}

/// What [`recv`] found.
pub enum Received {
    /// A client to serve.
    Conn(Conn),
    /// The postmaster closed its end (it retired this backend or is gone).
    Closed,
    /// Nothing yet (interrupted or spurious wake-up).
    Nothing,
}

/// Backend: tells the postmaster it waits for a connection again. An error (the postmaster
/// closed its end: the backend is not to be reused) means the backend exits.
pub fn announce_idle(child_end: RawFd) -> std::io::Result<()> {
    let n = nix::sys::socket::send(child_end, IDLE, MsgFlags::MSG_NOSIGNAL)?;
    if n != IDLE.len() {
        return Err(std::io::Error::other("short idle message"));
    }
    Ok(())
}

/// The message [`announce_idle`] sends.
const IDLE: &[u8] = b"i";

/// What [`recv_from_backend`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum FromBackend {
    /// The backend waits for a connection again.
    Idle,
    /// The backend closed its end (it is exiting).
    Closed,
    /// Nothing (yet), or a malformed message (ignored).
    Nothing,
}

/// Postmaster: reads what a backend that was handed a connection sent on `pm_end` (never
/// blocks: the postmaster's end is non-blocking).
pub fn recv_from_backend(pm_end: &OwnedFd) -> FromBackend {
    let mut body = [0u8; 8];
    match nix::sys::socket::recv(pm_end.as_raw_fd(), &mut body, MsgFlags::MSG_DONTWAIT) {
        Ok(0) => FromBackend::Closed,
        Ok(n) if &body[..n] == IDLE => FromBackend::Idle,
        Ok(_) => FromBackend::Nothing,
        Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => FromBackend::Nothing,
        Err(_) => FromBackend::Closed,
    }
}

/// Backend: takes one hand-off from `child_end`.
pub fn recv(child_end: RawFd) -> std::io::Result<Received> {
    let mut body = [0u8; MAX_BODY];
    let mut cmsg = nix::cmsg_space!([RawFd; 1]);
    let mut iov = [IoSliceMut::new(&mut body)];
    let msg = match recvmsg::<()>(
        child_end,
        &mut iov,
        Some(&mut cmsg),
        MsgFlags::MSG_DONTWAIT | MsgFlags::MSG_CMSG_CLOEXEC,
    ) {
        Ok(m) => m,
        Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => return Ok(Received::Nothing),
        Err(e) => return Err(e.into()),
    };
    let mut fd: Option<OwnedFd> = None;
    for c in msg.cmsgs()? {
        if let ControlMessageOwned::ScmRights(list) = c {
            for raw in list {
                // SAFETY: SCM_RIGHTS gave this process a new descriptor that nothing else owns.
                let owned = unsafe { OwnedFd::from_raw_fd(raw) };
                if fd.is_none() {
                    fd = Some(owned);
                }
            }
        }
    }
    let n = msg.bytes;
    let Some(fd) = fd else {
        return Ok(if n == 0 {
            Received::Closed
        } else {
            Received::Nothing
        });
    };
    let remote = String::from_utf8_lossy(&body[1.min(n)..n]).into_owned();
    Ok(match body.first().filter(|_| n > 0) {
        Some(b'u') => Received::Conn(Conn::Unix(UnixStream::from(fd))),
        Some(b't') => Received::Conn(Conn::Tcp(TcpStream::from(fd), remote)),
        _ => Received::Nothing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn a_unix_socket_arrives_usable_with_its_kind() {
        let (pm, child) = pair().unwrap();
        let (mut client, server) = UnixStream::pair().unwrap();
        send(&pm, &Conn::Unix(server)).unwrap();
        let Received::Conn(Conn::Unix(mut got)) = recv(child.as_raw_fd()).unwrap() else {
            panic!("expected a Unix socket");
        };
        client.write_all(b"hello").unwrap();
        let mut buf = [0u8; 5];
        got.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hello");
    }

    #[test]
    fn a_tcp_socket_keeps_the_printed_address() {
        let (pm, child) = pair().unwrap();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let _c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, _) = l.accept().unwrap();
        send(&pm, &Conn::Tcp(s, "127.0.0.1(5555)".into())).unwrap();
        match recv(child.as_raw_fd()).unwrap() {
            Received::Conn(c @ Conn::Tcp(..)) => assert_eq!(c.remote(), "127.0.0.1(5555)"),
            _ => panic!("expected a TCP socket"),
        }
    }

    #[test]
    fn nothing_pending_and_a_closed_postmaster_end_are_told_apart() {
        let (pm, child) = pair().unwrap();
        assert!(matches!(
            recv(child.as_raw_fd()).unwrap(),
            Received::Nothing
        ));
        drop(pm);
        assert!(matches!(recv(child.as_raw_fd()).unwrap(), Received::Closed));
    }

    #[test]
    fn a_backend_announces_itself_idle_until_the_postmaster_closes_its_end() {
        let (pm, child) = pair().unwrap();
        assert_eq!(recv_from_backend(&pm), FromBackend::Nothing);
        announce_idle(child.as_raw_fd()).unwrap();
        assert_eq!(recv_from_backend(&pm), FromBackend::Idle);
        assert_eq!(recv_from_backend(&pm), FromBackend::Nothing);
        drop(pm);
        assert!(announce_idle(child.as_raw_fd()).is_err());
        let (pm, child) = pair().unwrap();
        drop(child);
        assert_eq!(recv_from_backend(&pm), FromBackend::Closed);
    }
}
