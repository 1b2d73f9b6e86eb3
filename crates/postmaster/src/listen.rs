//! Listen sockets: the Unix socket `<dir>/.s.PGSQL.<port>` with its `.lock` file, and TCP on
//! `listen_addresses` (`localhost` by default, `*` for every IPv4 address, empty for none).
//!
//! Listeners are non-blocking; the server loop polls them and accepts until `WouldBlock`.
//! Children close every listener right after fork.

use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use crate::datadir::process_alive;
use crate::error::PmError;

/// A listening socket.
pub enum Listener {
    /// The Unix socket and its lock file.
    Unix {
        listener: UnixListener,
        path: PathBuf,
        lock: PathBuf,
    },
    /// A TCP socket.
    Tcp(TcpListener),
}

/// An accepted connection.
pub enum Conn {
    /// Over the Unix socket.
    Unix(UnixStream),
    /// Over TCP, with the peer's address as PostgreSQL prints it.
    Tcp(TcpStream, String),
}

impl Conn {
    /// The client's IP address (`None` over the Unix socket).
    pub fn peer(&self) -> Option<std::net::IpAddr> {
        match self {
            Conn::Unix(_) => None,
            Conn::Tcp(s, _) => s.peer_addr().ok().map(|a| a.ip()),
        }
    }

    /// `[local]` or `host(port)`.
    pub fn remote(&self) -> String {
        match self {
            Conn::Unix(_) => "[local]".to_owned(),
            Conn::Tcp(_, r) => r.clone(),
        }
    }
}

impl Listener {
    /// The descriptor to poll.
    pub fn fd(&self) -> RawFd {
        match self {
            Listener::Unix { listener, .. } => listener.as_raw_fd(),
            Listener::Tcp(l) => l.as_raw_fd(),
        }
    }

    /// Accepts one pending connection (None when there is none).
    pub fn accept(&self) -> Option<Conn> {
        match self {
            Listener::Unix { listener, .. } => listener.accept().ok().map(|(s, _)| Conn::Unix(s)),
            Listener::Tcp(l) => l.accept().ok().map(|(s, a)| {
                let _ = s.set_nodelay(true);
                Conn::Tcp(s, format!("{}({})", a.ip(), a.port()))
            }),
        }
    }

    /// Removes the socket file and its lock (at shutdown).
    pub fn remove_files(&self) {
        if let Listener::Unix { path, lock, .. } = self {
            let _ = fs::remove_file(path);
            let _ = fs::remove_file(lock);
        }
    }
}

/// Creates the socket's lock file as PostgreSQL does: `O_CREAT | O_EXCL | O_NOFOLLOW`, mode
/// 0600, so a file or symlink planted there is never followed or truncated. One left by a
/// dead postmaster (or anything that is not a regular file with a live pid) is unlinked —
/// the name itself, never what a symlink points to — and creation is tried again.
fn create_lock_file(lock: &Path, socket: &Path) -> Result<fs::File, PmError> {
    for _ in 0..10 {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(lock)
        {
            Ok(f) => return Ok(f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let md = fs::symlink_metadata(lock).ok();
                let regular = md.as_ref().is_some_and(|m| m.file_type().is_file());
                if regular {
                    let pid: i32 = fs::OpenOptions::new()
                        .read(true)
                        .custom_flags(libc::O_NOFOLLOW)
                        .open(lock)
                        .ok()
                        .and_then(|mut f| {
                            use std::io::Read;
                            let mut s = String::new();
                            f.read_to_string(&mut s).ok()?;
                            s.lines().next()?.trim().parse().ok()
                        })
                        .unwrap_or(0);
                    if pid != std::process::id() as i32 && process_alive(pid) {
                        return Err(PmError::Fatal(format!(
                            "lock file \"{}\" already exists: is another postmaster (PID {pid}) using socket file \"{}\"?",
                            lock.display(),
                            socket.display()
                        )));
                    }
                }
                if let Err(e) = fs::remove_file(lock)
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    return Err(PmError::io(
                        format!("could not remove old lock file \"{}\"", lock.display()),
                        e,
                    ));
                }
            }
            Err(e) => {
                return Err(PmError::io(
                    format!("could not create lock file \"{}\"", lock.display()),
                    e,
                ));
            }
        }
    }
    Err(PmError::Fatal(format!(
        "could not create lock file \"{}\": it keeps reappearing",
        lock.display()
    )))
}

fn unix_listener(dir: &str, port: i64) -> Result<Listener, PmError> {
    let path = PathBuf::from(dir).join(format!(".s.PGSQL.{port}"));
    let lock = PathBuf::from(format!("{}.lock", path.display()));
    let mut f = create_lock_file(&lock, &path)?;
    let _ = fs::remove_file(&path);
    let _ = writeln!(f, "{}", std::process::id());
    let listener = UnixListener::bind(&path).map_err(|e| {
        PmError::io(
            format!("could not bind Unix socket \"{}\"", path.display()),
            e,
        )
    })?;
    let mode = guc::builtin::UNIX_SOCKET_PERMISSIONS.get().clamp(0, 0o777) as u32;
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).map_err(|e| {
        PmError::io(
            format!("could not set permissions of file \"{}\"", path.display()),
            e,
        )
    })?;
    let group = guc::builtin::UNIX_SOCKET_GROUP.get();
    if !group.is_empty() {
        let gid = match group.parse::<u32>() {
            Ok(gid) => Some(nix::unistd::Gid::from_raw(gid)),
            Err(_) => nix::unistd::Group::from_name(&group)
                .ok()
                .flatten()
                .map(|g| g.gid),
        };
        let Some(gid) = gid else {
            return Err(PmError::Fatal(format!("group \"{group}\" does not exist")));
        };
        nix::unistd::chown(&path, None, Some(gid)).map_err(|e| {
            PmError::io(
                format!("could not set group of file \"{}\"", path.display()),
                std::io::Error::from(e),
            )
        })?;
    }
    listener
        .set_nonblocking(true)
        .map_err(|e| PmError::io("could not make the Unix socket non-blocking", e))?;
    Ok(Listener::Unix {
        listener,
        path,
        lock,
    })
}

fn tcp_listeners(addr: &str, port: i64) -> Result<Vec<Listener>, PmError> {
    let hosts: Vec<String> = match addr {
        "*" => vec!["0.0.0.0".to_owned()],
        "localhost" => vec!["127.0.0.1".to_owned()],
        other => vec![other.to_owned()],
    };
    let mut out = Vec::new();
    for h in hosts {
        let addrs = (h.as_str(), port as u16)
            .to_socket_addrs()
            .map_err(|e| PmError::io(format!("could not translate host name \"{h}\""), e))?;
        for a in addrs {
            let l =
                TcpListener::bind(a).map_err(|e| PmError::io(format!("could not bind {a}"), e))?;
            l.set_nonblocking(true)
                .map_err(|e| PmError::io("could not make a socket non-blocking", e))?;
            tracing::info!("listening on IPv4 address \"{}\", port {port}", a.ip());
            out.push(Listener::Tcp(l));
        }
    }
    Ok(out)
}

/// Opens every configured listener.
pub fn open_listeners(
    socket_dirs: &str,
    listen_addresses: &str,
    port: i64,
) -> Result<Vec<Listener>, PmError> {
    if !(1..=65535).contains(&port) {
        return Err(PmError::Fatal(format!("invalid port number {port}")));
    }
    let mut out = Vec::new();
    for a in listen_addresses
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        out.extend(tcp_listeners(a, port)?);
    }
    for d in socket_dirs
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let l = unix_listener(d, port)?;
        if let Listener::Unix { path, .. } = &l {
            tracing::info!("listening on Unix socket \"{}\"", path.display());
        }
        out.push(l);
    }
    if out.is_empty() {
        return Err(PmError::Fatal("no socket created for listening".into()));
    }
    Ok(out)
}
