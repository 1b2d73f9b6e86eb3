//! The client backend process: what a child forked for an accepted connection runs.
//!
//! Signals: SIGINT cancels the running statement, SIGTERM ends the session (FATAL 57P01),
//! SIGHUP re-reads the configuration between queries, SIGUSR1 only sets the latch, SIGUSR2
//! (from the postmaster, at its cap of unfinished startups) ends a startup still waiting for
//! its client — ignored once the startup packet is handled — and SIGQUIT is quick-die. All handlers set atomics and the latch; the wire session acts on them.
//!
//! The [`wire::BackendHooks`] implemented here connect the protocol session to shared memory:
//! the PGPROC from the normal-backend list, the status block `pg_stat_activity` reads, the
//! process title, cancel keys, and latch waits that also watch the socket.

use std::os::fd::RawFd;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use shmem::{WaitEvents, latch};
use wire::{BackendHooks, HookError, WaitOutcome};

use crate::listen::Conn;

/// True until the startup packet has been handled (cleared on entering `attach`).
static IN_STARTUP: AtomicBool = AtomicBool::new(true);
/// The postmaster asked this unfinished startup to give up (SIGUSR2 while `IN_STARTUP`).
static EVICTED: AtomicBool = AtomicBool::new(false);
/// SIGQUIT in every child (the shared one).
pub use shmem::interrupt::quickdie;
use shmem::interrupt::{self, Disposition, Restart};

extern "C" fn on_sigint(_: libc::c_int) {
    spi::interrupt::request_cancel();
    latch::set_my_latch_from_handler();
}

extern "C" fn on_sigterm(sig: libc::c_int) {
    spi::interrupt::request_terminate();
    interrupt::handle_shutdown_request(sig);
}

/// SIGUSR2: the postmaster has too many unfinished startups and this one is the oldest. Acted
/// on only before the startup packet is handled; afterwards the session is a real one. It is
/// also the signal the kernel sends when the postmaster dies (`shmem::pmdeath`), whose
/// handling (end at once, busy or not) this handler would otherwise replace.
extern "C" fn on_sigusr2(_: libc::c_int) {
    if IN_STARTUP.load(Ordering::SeqCst) {
        EVICTED.store(true, Ordering::SeqCst);
        latch::set_my_latch_from_handler();
    } else {
        shmem::pmdeath::on_signal_if_orphaned();
    }
}

/// Waits on this backend's latch for `socket` (readable or writeable) on `fd`, postmaster death
/// or `timeout`; `ready` is the outcome when the socket is. A set latch is reset and reported as
/// [`WaitOutcome::Interrupted`].
fn wait_socket(
    socket: WaitEvents,
    ready: WaitOutcome,
    fd: RawFd,
    timeout: Option<Duration>,
) -> WaitOutcome {
    let l = latch::my_latch();
    let mut ev = WaitEvents::LATCH_SET | socket | WaitEvents::POSTMASTER_DEATH;
    if timeout.is_some() {
        ev |= WaitEvents::TIMEOUT;
    }
    let r = l.wait_socket(ev, fd, timeout);
    if r.contains(WaitEvents::POSTMASTER_DEATH) {
        return WaitOutcome::PostmasterDeath;
    }
    if r.contains(WaitEvents::LATCH_SET) {
        l.reset();
        return WaitOutcome::Interrupted;
    }
    if r.contains(socket) {
        return ready;
    }
    WaitOutcome::Timeout
}

/// Polls the client's socket for up to `client_busy_poll` µs (never past the caller's
/// `timeout`) before the backend sleeps in [`wait_socket`]: true when it became readable (or
/// hung up: the read will tell). Between polls the process yields the CPU, so a runnable
/// process (a client on this machine, another backend) is not kept from it.
///
/// Why: a client with one statement in flight sends its next one a few microseconds after it
/// reads the answer, and a backend asleep by then pays a wake-up for each statement: on a
/// virtual machine's idle CPU that is most of a one-client round trip. Ends at once when the
/// latch is set (an interrupt, a notification), so nothing waits behind it.
fn busy_poll(fd: RawFd, timeout: Option<Duration>) -> bool {
    let us = guc::builtin::CLIENT_BUSY_POLL.get();
    if us <= 0 {
        return false;
    }
    let mut poll_for = Duration::from_micros(us.unsigned_abs());
    if let Some(t) = timeout {
        poll_for = poll_for.min(t);
    }
    let deadline = Instant::now() + poll_for;
    let l = latch::my_latch();
    loop {
        // The latch first, as wait_socket reports it before the socket.
        if l.is_set() {
            return false;
        }
        // The client's socket, and the postmaster-death pipe (EOF once the postmaster is
        // gone: a client that keeps its backend busy must not keep it from noticing).
        let mut p = [fd, shmem::pmdeath::watch_fd()].map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        // SAFETY: polls two descriptors of this process (a negative one is ignored) without
        // waiting.
        if unsafe { libc::poll(p.as_mut_ptr(), 2, 0) } > 0 {
            return p[1].revents == 0;
        }
        if Instant::now() >= deadline {
            return false;
        }
        // SAFETY: sched_yield has no arguments and no effect but scheduling.
        unsafe { libc::sched_yield() };
    }
}

/// An evicted startup that is still waiting for its client's bytes holds nothing (no PGPROC,
/// no database, its slot only ASSIGNED): it ends at once, as an authentication timeout does.
fn exit_if_evicted() {
    if IN_STARTUP.load(Ordering::SeqCst) && EVICTED.load(Ordering::SeqCst) {
        tracing::debug!("incomplete startup ended: too many connections in startup");
        // SAFETY: _exit ends this child at once; it holds no shared state yet.
        unsafe { libc::_exit(1) };
    }
}

struct Hooks {
    slot: usize,
    remote: String,
    /// The `ps` title, "postmaster: user database remote " up to `title_prefix` bytes, then
    /// the state: rewritten in place twice per statement, without formatting.
    title: String,
    title_prefix: usize,
    config_file: PathBuf,
    /// The process may serve another session (see [`prefork_main`]).
    reuse: bool,
}

fn random_key() -> i32 {
    let mut k = 0i32;
    // SAFETY: getrandom writes at most 4 bytes into the local integer.
    let n = unsafe { libc::getrandom((&mut k as *mut i32).cast(), 4, 0) };
    if n != 4 {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        k = (t ^ std::process::id().rotate_left(16)) as i32;
    }
    k
}

impl Hooks {
    fn title(&mut self, state: &str) {
        self.title.truncate(self.title_prefix);
        self.title.push_str(state);
        proc::ps_status::set(&self.title);
    }
}

impl Hooks {
    /// 53300 for a process with no child slot, or one the postmaster evicted.
    fn too_many(&self) -> Result<(), HookError> {
        if self.slot == 0 || EVICTED.load(Ordering::SeqCst) {
            return Err(HookError {
                sqlstate: spi::sqlstate::TOO_MANY_CONNECTIONS,
                message: "sorry, too many clients already".into(),
            });
        }
        Ok(())
    }
}

impl BackendHooks for Hooks {
    fn admit(&mut self) -> Result<(), HookError> {
        self.too_many()
    }

    fn attach(&mut self, user: &str, database: &str) -> Result<i32, HookError> {
        IN_STARTUP.store(false, Ordering::SeqCst);
        self.too_many()?;
        let p =
            proc::init_process(proc::BackendType::ClientBackend, "", self.slot).map_err(|e| {
                HookError {
                    sqlstate: e.sqlstate(),
                    message: e.to_string(),
                }
            })?;
        // The last superuser_reserved_connections slots are for superusers (checked with this
        // backend's own PGPROC taken, as PostgreSQL's InitPostgres does).
        let reserved = guc::builtin::SUPERUSER_RESERVED_CONNECTIONS.get().max(0) as usize;
        if reserved > 0
            && !spi::roles::identity().session_superuser
            && proc::free_count(proc::ProcList::Backend) < reserved
        {
            return Err(HookError {
                sqlstate: spi::sqlstate::TOO_MANY_CONNECTIONS,
                message: "remaining connection slots are reserved for non-replication superuser connections".into(),
            });
        }
        let key = random_key();
        p.set_cancel_key(key);
        p.status.set_connection(database, user);
        self.title = format!("postmaster: {user} {database} {} ", self.remote);
        self.title_prefix = self.title.len();
        self.title("idle");
        Ok(key)
    }

    fn report_activity(&mut self, state: &str, query: Option<&str>) {
        if let Some(p) = proc::my_proc() {
            let state = proc::ActivityState::parse(state).unwrap_or(proc::ActivityState::Undefined);
            p.status.report(state, query);
        }
        self.title(state);
    }

    fn wait_readable(&mut self, fd: RawFd, timeout: Option<Duration>) -> WaitOutcome {
        exit_if_evicted();
        if busy_poll(fd, timeout) {
            return WaitOutcome::Readable;
        }
        let outcome = wait_socket(
            WaitEvents::SOCKET_READABLE,
            WaitOutcome::Readable,
            fd,
            timeout,
        );
        if matches!(outcome, WaitOutcome::Interrupted) {
            exit_if_evicted();
        }
        outcome
    }

    fn wait_writable(&mut self, fd: RawFd, timeout: Option<Duration>) -> WaitOutcome {
        wait_socket(
            WaitEvents::SOCKET_WRITEABLE,
            WaitOutcome::Writable,
            fd,
            timeout,
        )
    }

    fn cancel_request(&mut self, pid: i32, key: i32) {
        if let Some(p) = proc::find_proc(pid)
            && p.backend_type() == Some(proc::BackendType::ClientBackend)
            && p.cancel_key() == key
        {
            // SAFETY: signalling a process that holds a client-backend PGPROC with this key.
            unsafe { libc::kill(pid, libc::SIGINT) };
        }
    }

    fn report_tls(&mut self, info: &wire::tls::TlsInfo) {
        if let Some(p) = proc::my_proc() {
            p.status
                .set_ssl(&format!("{} {} {}", info.version, info.cipher, info.bits));
        }
    }

    fn exit_after_session(&self) -> bool {
        !self.reuse
    }

    fn handle_pending_reload(&mut self) {
        if interrupt::take_config_reload() {
            for line in guc::reload(&self.config_file) {
                tracing::info!("{line}");
            }
        }
    }
}

/// The signal set-up of every backend, pre-forked or not.
fn install_backend_signals() {
    interrupt::install_child_handlers();
    // A backend's SIGINT and SIGTERM also end the running statement (no SA_RESTART: a send
    // blocked on a client that stopped reading returns EINTR).
    interrupt::set(libc::SIGINT, Disposition::Handler(on_sigint), Restart::No);
    interrupt::set(libc::SIGTERM, Disposition::Handler(on_sigterm), Restart::No);
    interrupt::set(
        libc::SIGUSR2,
        Disposition::Handler(on_sigusr2),
        Restart::Yes,
    );
    shmem::pmdeath::set_exit_on_death(true);
    crate::signals::unblock();
}

/// What the postmaster gives every backend it forks, pre-forked or not.
pub struct BackendStart {
    /// Its child slot (0: none was free; the session answers "too many clients").
    pub slot: usize,
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
}

/// The backend child's main: returns the exit code.
pub fn backend_main(conn: Conn, can_accept: wire::CanAccept, start: BackendStart) -> i32 {
    install_backend_signals();
    serve(conn, can_accept, &start, false)
}

/// A pre-forked backend's main (`prefork_backends`): prepares what does not depend on the
/// client — its signals, its latch, the role catalog opened and its login statements
/// prepared, and a connection to the default database (`postgres`: SQLite's open, WAL,
/// hooks, the function registrations; `spi::preopen`), which a client of that database
/// takes at login — then waits for the postmaster to hand it a connection and serves it as
/// [`backend_main`] does.
///
/// A session that ends cleanly (Terminate, or the client gone, with no FATAL) does not end
/// the process: it gives back its PGPROC, drops its session (SQLite connection and all),
/// clears what the session left in the process ([`forget_session`]), prepares again and tells
/// the postmaster it is idle (`handoff::announce_idle`); the next client gets a fresh PGPROC,
/// cancel key and title, as from a new process. At most [`SESSIONS_PER_PROCESS`] sessions.
/// It exits without a session when the postmaster retires it (SIGTERM: a shutdown, a reload,
/// fewer idle backends wanted) or closes its end, and at postmaster death.
pub fn prefork_main(handoff: std::os::fd::OwnedFd, start: BackendStart) -> i32 {
    use std::os::fd::AsRawFd;
    install_backend_signals();
    spi::roles::set_data_dir(&start.data_dir);
    spi::roles::prepare_login();
    spi::preopen::recycle_sessions();
    let settings = guc::snapshot();
    let l = latch::my_latch();
    for served in 1..=SESSIONS_PER_PROCESS {
        // Errors (the database is gone, its file is unreadable) are met again, and reported,
        // by the session that opens it.
        let opts = spi::OpenOptions {
            synchronous_commit: guc::builtin::SYNCHRONOUS_COMMIT.get(),
            ..spi::OpenOptions::default()
        };
        let _ = spi::preopen::open(&start.data_dir, spi::DEFAULT_DATABASE, &opts);
        // Titled once ready: a hand-off that arrives earlier waits in the socket pair
        // meanwhile.
        proc::ps_status::set("postmaster: waiting for a connection");
        if served > 1 {
            if interrupt::shutdown_requested()
                || spi::interrupt::terminate_pending()
                || crate::handoff::announce_idle(handoff.as_raw_fd()).is_err()
            {
                return 0;
            }
            // A startup again from here on: the postmaster reads the `i` before it hands
            // this process a connection, and until then must not take it for the oldest
            // unfinished startup.
            shmem::pmchild::mark_assigned(start.slot);
        }
        let conn = loop {
            // A connection already handed over is served even when this process is asked to
            // end (its session answers a terminate with FATAL 57P01; a reload's connection
            // was accepted before the reload), never dropped unanswered.
            match crate::handoff::recv(handoff.as_raw_fd()) {
                Ok(crate::handoff::Received::Conn(c)) => break c,
                Ok(crate::handoff::Received::Closed) | Err(_) => return 0,
                Ok(crate::handoff::Received::Nothing) => {}
            }
            if interrupt::shutdown_requested() || interrupt::take_config_reload() {
                return 0;
            }
            let r = l.wait_socket(
                WaitEvents::LATCH_SET | WaitEvents::SOCKET_READABLE | WaitEvents::POSTMASTER_DEATH,
                handoff.as_raw_fd(),
                None,
            );
            if r.contains(WaitEvents::POSTMASTER_DEATH) {
                return 1;
            }
            if r.contains(WaitEvents::LATCH_SET) {
                l.reset();
            }
        };
        let reuse = served < SESSIONS_PER_PROCESS;
        let code = serve(conn, wire::CanAccept::Ok, &start, reuse);
        if code != 0
            || !reuse
            || interrupt::shutdown_requested()
            || spi::interrupt::terminate_pending()
        {
            return code;
        }
        forget_session(&settings);
    }
    0
}

/// Between two sessions of one process: puts back what the last one changed in the process
/// as the fork left it (its PGPROC is already given back and its `spi::Session`, with the
/// SQLite connection, dropped): every setting as in `settings` (taken before the first
/// session), `spi`'s and `sql`'s per-session state (`spi::end_session`: identity, role
/// catalog transaction, clocks, caches keyed by connection, `random()`), the latch and the
/// startup flags. (The child slot goes back to ASSIGNED once the postmaster is told.)
fn forget_session(settings: &guc::Registry) {
    guc::restore(settings);
    spi::end_session();
    latch::my_latch().reset();
    EVICTED.store(false, Ordering::SeqCst);
    IN_STARTUP.store(true, Ordering::SeqCst);
}

/// How many sessions one pre-forked process serves before it exits (and the postmaster forks
/// a fresh one): a bound on whatever a session might leave behind that [`forget_session`]
/// does not know of, such as heap fragmentation.
const SESSIONS_PER_PROCESS: u32 = 1000;

/// Runs the session on `conn`; returns the exit code. `reuse`: the process may serve another
/// session after this one, so the session's state is dropped rather than left to the exit.
fn serve(conn: Conn, can_accept: wire::CanAccept, start: &BackendStart, reuse: bool) -> i32 {
    let BackendStart {
        slot,
        data_dir,
        config_file,
    } = start;
    let slot = *slot;
    let remote = conn.remote();
    let peer = conn.peer();
    proc::ps_status::set(&format!("postmaster: {remote} authentication"));
    spi::roles::set_data_dir(data_dir);
    // The roles catalog answers who may log in (unless a test server installed its own).
    let _ = wire::login::set_login_lookup(lookup_login_role);
    let cfg = wire::BackendConfig {
        data_dir: data_dir.clone(),
        can_accept,
        remote: remote.clone(),
        peer,
    };
    let mut hooks = Hooks {
        slot,
        remote,
        title: String::new(),
        title_prefix: 0,
        config_file: config_file.clone(),
        reuse,
    };
    let code = match conn {
        Conn::Unix(s) => wire::run_backend(s, &cfg, &mut hooks),
        Conn::Tcp(s, _) => wire::run_backend(s, &cfg, &mut hooks),
    };
    proc::proc_kill();
    code
}

/// The wire's role lookup: the data directory's role catalog.
fn lookup_login_role(name: &str) -> Result<Option<wire::login::LoginRole>, String> {
    Ok(
        spi::roles::login_role(name)?.map(|(r, member_of)| wire::login::LoginRole {
            oid: r.oid,
            name: r.name,
            superuser: r.superuser,
            can_login: r.can_login,
            password: r.password,
            valid_until: r.valid_until.map(|micros| {
                // timestamptz's stored form: microseconds since 2000-01-01 UTC.
                let epoch_2000 = std::time::UNIX_EPOCH + Duration::from_secs(946_684_800);
                if micros >= 0 {
                    epoch_2000 + Duration::from_micros(micros as u64)
                } else {
                    epoch_2000 - Duration::from_micros(micros.unsigned_abs())
                }
            }),
            member_of,
        }),
    )
}
