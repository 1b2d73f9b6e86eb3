//! TLS for client connections (rustls with the ring provider): the server configuration the
//! postmaster loads from `ssl_cert_file` and `ssl_key_file` and installs before forking, the
//! handshake after an SSLRequest answered `S`, and the encrypted transport the connection uses
//! from then on.
//!
//! The transport is a layer over the socket's descriptor: [`TlsLayer::fill`] moves ciphertext
//! from the socket into rustls (one non-blocking `recv`) and every decrypted byte into the
//! connection's input buffer; [`TlsLayer::send`] encrypts output and writes all of it with
//! `MSG_NOSIGNAL`, waiting on `poll` when the socket is full. Invariants: after `fill` no
//! plaintext stays inside rustls (the connection's waits only look at the socket, so leftover
//! plaintext would never be read); the handshake runs under the startup deadline and stops on
//! SIGTERM or postmaster death like every other startup wait.
//! Never: blocks in `recv`; sends a byte in clear after the `S`.

use std::io::{self, Read, Write};
use std::os::fd::RawFd;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::BytesMut;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};

use crate::error::{Result, WireError};
use crate::{BackendHooks, WaitOutcome};

/// A loaded TLS configuration.
#[derive(Clone)]
pub struct TlsSetup {
    /// rustls' server configuration.
    pub config: Arc<ServerConfig>,
    /// The `tls-server-end-point` channel-binding data of the server certificate (RFC 5929),
    /// when its signature algorithm names a hash; SCRAM-SHA-256-PLUS is offered only then.
    pub end_point: Option<Vec<u8>>,
}

static CONFIG: Mutex<Option<TlsSetup>> = Mutex::new(None);

/// Builds the server configuration from PEM files.
pub fn load_server_config(
    cert_file: &Path,
    key_file: &Path,
) -> std::result::Result<TlsSetup, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_file)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| {
            format!(
                "could not load server certificate file \"{}\": {e}",
                cert_file.display()
            )
        })?;
    if certs.is_empty() {
        return Err(format!(
            "could not load server certificate file \"{}\": no certificate found",
            cert_file.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|e| {
        format!(
            "could not load private key file \"{}\": {e}",
            key_file.display()
        )
    })?;
    let end_point = auth::scram::tls_server_end_point(&certs[0]);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("could not set up TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            format!(
                "private key file \"{}\" does not match server certificate \"{}\": {e}",
                key_file.display(),
                cert_file.display()
            )
        })?;
    Ok(TlsSetup {
        config: Arc::new(config),
        end_point,
    })
}

/// Makes `config` the one new connections use (`None`: SSLRequest is answered `N`). Called in
/// the postmaster; backends inherit it.
pub fn install_server_config(config: Option<TlsSetup>) {
    *CONFIG.lock().unwrap_or_else(|p| p.into_inner()) = config;
}

/// The installed configuration.
pub fn server_config() -> Option<TlsSetup> {
    CONFIG.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The socket descriptor as a byte stream for rustls: non-blocking reads, writes without
/// SIGPIPE.
struct FdIo {
    fd: RawFd,
    /// Writes do not wait (the session is being terminated).
    dontwait: bool,
}

impl Read for FdIo {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: `buf` is a live, exclusively borrowed buffer of `buf.len()` bytes.
        let n = unsafe {
            libc::recv(
                self.fd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }
}

impl Write for FdIo {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let flags = libc::MSG_NOSIGNAL | if self.dontwait { libc::MSG_DONTWAIT } else { 0 };
        // SAFETY: `buf` holds `buf.len()` initialized bytes; send only reads them.
        let n = unsafe { libc::send(self.fd, buf.as_ptr().cast(), buf.len(), flags) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Waits up to a second for the socket to take more bytes.
fn wait_writable(fd: RawFd) -> io::Result<()> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: `pfd` is a valid pollfd on the stack and the count is 1.
    let rc = unsafe { libc::poll(&mut pfd, 1, 1000) };
    if rc < 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
    Ok(())
}

/// The TLS session of one connection.
pub struct TlsLayer {
    conn: ServerConnection,
    end_point: Option<Vec<u8>>,
}

/// What `pg_stat_ssl` shows for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    /// `TLSv1.2` or `TLSv1.3`.
    pub version: String,
    /// The cipher suite, in OpenSSL's spelling where PostgreSQL's clients expect it.
    pub cipher: String,
    /// Symmetric key bits.
    pub bits: i32,
}

impl TlsLayer {
    /// Runs the server side of the handshake on `fd` (after the `S` was sent).
    /// `Ok(None)`: the client went away or the deadline passed (logged; end quietly).
    pub fn accept(
        setup: TlsSetup,
        fd: RawFd,
        hooks: &mut dyn BackendHooks,
        deadline: Instant,
    ) -> Result<Option<TlsLayer>> {
        let conn = ServerConnection::new(setup.config)
            .map_err(|e| WireError::Io(io::Error::other(e.to_string())))?;
        let mut layer = TlsLayer {
            conn,
            end_point: setup.end_point,
        };
        while layer.conn.is_handshaking() {
            layer.write_out(fd)?;
            if !layer.conn.is_handshaking() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                tracing::info!("could not accept SSL connection: timeout");
                return Ok(None);
            }
            match hooks.wait_readable(fd, Some(deadline - now)) {
                WaitOutcome::Readable | WaitOutcome::Writable => {}
                WaitOutcome::Timeout => continue,
                WaitOutcome::Interrupted => {
                    if spi::interrupt::terminate_pending() {
                        return Ok(None);
                    }
                    continue;
                }
                WaitOutcome::PostmasterDeath => return Ok(None),
            }
            match layer.conn.read_tls(&mut FdIo {
                fd,
                dontwait: false,
            }) {
                Ok(0) => {
                    tracing::info!("could not accept SSL connection: EOF detected");
                    return Ok(None);
                }
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(WireError::Io(e)),
            }
            if let Err(e) = layer.conn.process_new_packets() {
                // Send the alert rustls queued, then give up.
                let _ = layer.write_out(fd);
                tracing::info!("could not accept SSL connection: {e}");
                return Ok(None);
            }
        }
        layer.write_out(fd)?;
        Ok(Some(layer))
    }

    /// The `tls-server-end-point` channel-binding data, when available.
    pub fn end_point(&self) -> Option<&[u8]> {
        self.end_point.as_deref()
    }

    /// The negotiated protocol and cipher.
    pub fn info(&self) -> TlsInfo {
        let version = match self.conn.protocol_version().and_then(|v| v.as_str()) {
            Some("TLSv1_3") => "TLSv1.3".to_owned(),
            Some("TLSv1_2") => "TLSv1.2".to_owned(),
            Some(other) => other.to_owned(),
            None => String::new(),
        };
        let iana = self
            .conn
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or("");
        let cipher = match iana {
            "TLS13_AES_256_GCM_SHA384" => "TLS_AES_256_GCM_SHA384",
            "TLS13_AES_128_GCM_SHA256" => "TLS_AES_128_GCM_SHA256",
            "TLS13_CHACHA20_POLY1305_SHA256" => "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => "ECDHE-RSA-AES256-GCM-SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => "ECDHE-RSA-AES128-GCM-SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => "ECDHE-ECDSA-AES256-GCM-SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => "ECDHE-ECDSA-AES128-GCM-SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" => "ECDHE-RSA-CHACHA20-POLY1305",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" => "ECDHE-ECDSA-CHACHA20-POLY1305",
            other => other,
        }
        .to_owned();
        let bits = if iana.contains("AES_128") { 128 } else { 256 };
        TlsInfo {
            version,
            cipher,
            bits,
        }
    }

    /// Writes every pending TLS record to the socket.
    fn write_out(&mut self, fd: RawFd) -> Result<()> {
        while self.conn.wants_write() {
            let terminating = spi::interrupt::terminate_pending();
            let mut io = FdIo {
                fd,
                dontwait: terminating,
            };
            match self.conn.write_tls(&mut io) {
                Ok(0) => return Err(WireError::Io(io::ErrorKind::WriteZero.into())),
                Ok(_) => {}
                Err(e) => match e.raw_os_error() {
                    Some(libc::EINTR) if spi::interrupt::terminate_pending() => {
                        return Err(WireError::Io(e));
                    }
                    Some(libc::EINTR) => {}
                    Some(libc::EAGAIN) if terminating => return Err(WireError::Io(e)),
                    Some(libc::EAGAIN) => wait_writable(fd).map_err(WireError::Io)?,
                    _ => return Err(WireError::Io(e)),
                },
            }
        }
        Ok(())
    }

    /// Whether encrypted bytes wait to be sent.
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// One step of sending that never waits: the ciphertext already made goes out until the
    /// socket is full, then (if all of it went) as much of `data` as the layer takes is
    /// encrypted. Returns how many bytes of `data` were taken and whether anything moved.
    pub fn send_some(&mut self, fd: RawFd, data: &[u8]) -> Result<(usize, bool)> {
        let mut progressed = false;
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut FdIo { fd, dontwait: true }) {
                Ok(0) => return Err(WireError::Io(io::ErrorKind::WriteZero.into())),
                Ok(_) => progressed = true,
                Err(e) => match e.raw_os_error() {
                    Some(libc::EINTR) => {}
                    Some(libc::EAGAIN) => return Ok((0, progressed)),
                    _ => return Err(WireError::Io(e)),
                },
            }
        }
        if data.is_empty() {
            return Ok((0, true));
        }
        let n = self.conn.writer().write(data).map_err(WireError::Io)?;
        Ok((n, true))
    }

    /// Encrypts and sends all of `wbuf`.
    pub fn send(&mut self, fd: RawFd, wbuf: &mut BytesMut) -> Result<()> {
        while !wbuf.is_empty() {
            let n = self.conn.writer().write(wbuf).map_err(WireError::Io)?;
            let _ = wbuf.split_to(n);
            self.write_out(fd)?;
        }
        self.write_out(fd)
    }

    /// One non-blocking read of ciphertext, then every decrypted byte into `rbuf`. `Ok(false)`
    /// on EOF (the client closed, with or without close_notify).
    pub fn fill(&mut self, fd: RawFd, rbuf: &mut BytesMut, scratch: &mut [u8]) -> Result<bool> {
        let mut eof = false;
        loop {
            match self.conn.read_tls(&mut FdIo {
                fd,
                dontwait: false,
            }) {
                Ok(0) => eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(WireError::Io(e)),
            }
            break;
        }
        self.process_and_drain(fd, rbuf, scratch, eof)
    }

    /// Processes the records rustls holds and moves every decrypted byte into `rbuf`.
    /// `Ok(false)` on EOF.
    pub fn process_and_drain(
        &mut self,
        fd: RawFd,
        rbuf: &mut BytesMut,
        scratch: &mut [u8],
        mut eof: bool,
    ) -> Result<bool> {
        let state = match self.conn.process_new_packets() {
            Ok(s) => s,
            Err(e) => {
                let _ = self.write_out(fd);
                return Err(WireError::Io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("SSL error: {e}"),
                )));
            }
        };
        let closed = state.peer_has_closed();
        // Alerts or key updates rustls wants to answer.
        self.write_out(fd)?;
        let before = rbuf.len();
        loop {
            match self.conn.reader().read(scratch) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => rbuf.extend_from_slice(&scratch[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    eof = true;
                    break;
                }
                Err(e) => return Err(WireError::Io(e)),
            }
        }
        // Bytes that came with the close are handed over first; the next fill sees the EOF.
        Ok(rbuf.len() > before || !(eof || closed))
    }
}
