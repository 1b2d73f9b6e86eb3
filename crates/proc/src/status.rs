//! The per-process status block inside each PGPROC (PostgreSQL's PgBackendStatus, reduced).
//!
//! Written only by the process that owns the PGPROC; read by any process without a lock using
//! the change counter protocol: the writer makes the counter odd, writes, makes it even again;
//! a reader copies the fields and retries when the counter was odd or changed meanwhile.
//! Strings are stored in `AtomicU64` words so that a racing read is never undefined behaviour,
//! only possibly torn (and then retried).

use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A fixed-capacity string in shared memory.
#[repr(C)]
pub struct ShmStr<const WORDS: usize> {
    len: AtomicU32,
    words: [AtomicU64; WORDS],
}

impl<const WORDS: usize> ShmStr<WORDS> {
    const CAP: usize = WORDS * 8;

    fn store(&self, s: &str) {
        let mut end = s.len().min(Self::CAP);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let bytes = &s.as_bytes()[..end];
        for (i, w) in self.words.iter().enumerate() {
            let mut chunk = [0u8; 8];
            let lo = (i * 8).min(bytes.len());
            let hi = (i * 8 + 8).min(bytes.len());
            chunk[..hi - lo].copy_from_slice(&bytes[lo..hi]);
            w.store(u64::from_le_bytes(chunk), Ordering::Relaxed);
            if hi == bytes.len() {
                break;
            }
        }
        self.len.store(end as u32, Ordering::Relaxed);
    }

    fn load(&self) -> String {
        let len = (self.len.load(Ordering::Relaxed) as usize).min(Self::CAP);
        let mut out = Vec::with_capacity(len);
        for w in &self.words {
            if out.len() >= len {
                break;
            }
            out.extend_from_slice(&w.load(Ordering::Relaxed).to_le_bytes());
        }
        out.truncate(len);
        String::from_utf8_lossy(&out).into_owned()
    }
}

stored_enum! {
    /// What a backend is doing; its spelling is `pg_stat_activity.state`'s (empty for
    /// `Undefined`, which shows as NULL).
    pub enum ActivityState {
        /// No state reported (not a client backend, or starting).
        Undefined = 0 => "",
        /// Waiting for a command.
        Idle = 1 => "idle",
        /// Running a query.
        Active = 2 => "active",
        /// In a transaction block, waiting for a command.
        IdleInTransaction = 3 => "idle in transaction",
        /// In a failed transaction block.
        IdleInTransactionAborted = 4 => "idle in transaction (aborted)",
    }
}

/// The status block.
#[repr(C)]
pub struct ProcStatus {
    changecount: AtomicU32,
    state: AtomicU32,
    backend_start_us: AtomicI64,
    query_start_us: AtomicI64,
    datname: ShmStr<8>,
    usename: ShmStr<8>,
    name: ShmStr<12>,
    query: ShmStr<128>,
    /// Client backends over TLS: `version cipher bits` (for `pg_stat_ssl`); empty otherwise.
    ssl: ShmStr<8>,
}

/// A consistent copy of one process's status.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcSnapshot {
    /// Process id.
    pub pid: i32,
    /// `client backend`, `autovacuum launcher`, `startup`, or a worker's name.
    pub backend_type: String,
    /// Database, when connected to one.
    pub datname: Option<String>,
    /// User, when connected.
    pub usename: Option<String>,
    /// Client backends' state.
    pub state: ActivityState,
    /// The current or last query.
    pub query: Option<String>,
    /// When the process started.
    pub backend_start: Option<SystemTime>,
    /// When the current or last query started.
    pub query_start: Option<SystemTime>,
    /// TLS `version cipher bits`, when the client connected over TLS.
    pub ssl: Option<String>,
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

fn from_us(us: i64) -> Option<SystemTime> {
    (us > 0).then(|| UNIX_EPOCH + Duration::from_micros(us as u64))
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl ProcStatus {
    fn begin_write(&self) {
        self.changecount.fetch_add(1, Ordering::SeqCst);
    }

    fn end_write(&self) {
        self.changecount.fetch_add(1, Ordering::SeqCst);
    }

    /// When the process took its PGPROC (its session's start, for a backend), if it holds one.
    pub fn backend_start(&self) -> Option<SystemTime> {
        from_us(self.backend_start_us.load(Ordering::Relaxed))
    }

    /// Owner: fills the block when the process takes its PGPROC.
    pub(crate) fn start(&self, name: &str) {
        self.begin_write();
        self.state
            .store(ActivityState::Undefined as u32, Ordering::Relaxed);
        self.backend_start_us.store(now_us(), Ordering::Relaxed);
        self.query_start_us.store(0, Ordering::Relaxed);
        self.datname.store("");
        self.usename.store("");
        self.name.store(name);
        self.query.store("");
        self.ssl.store("");
        self.end_write();
    }

    /// Owner: records the database and user once connected.
    pub fn set_connection(&self, datname: &str, usename: &str) {
        self.begin_write();
        self.datname.store(datname);
        self.usename.store(usename);
        self.end_write();
    }

    /// Owner: records the connection's TLS parameters (`version cipher bits`).
    pub fn set_ssl(&self, ssl: &str) {
        self.begin_write();
        self.ssl.store(ssl);
        self.end_write();
    }

    /// Owner: records a state change and, when given, a new query (which restarts query_start).
    pub fn report(&self, state: ActivityState, query: Option<&str>) {
        self.begin_write();
        self.state.store(state as u32, Ordering::Relaxed);
        if let Some(q) = query {
            self.query.store(q);
            self.query_start_us.store(now_us(), Ordering::Relaxed);
        }
        self.end_write();
    }

    /// Owner: clears the block at release.
    pub(crate) fn clear(&self) {
        self.begin_write();
        self.state.store(0, Ordering::Relaxed);
        self.backend_start_us.store(0, Ordering::Relaxed);
        self.query_start_us.store(0, Ordering::Relaxed);
        self.datname.store("");
        self.usename.store("");
        self.name.store("");
        self.query.store("");
        self.ssl.store("");
        self.end_write();
    }

    /// Anyone: a consistent copy (None if the writer kept changing it, which does not happen
    /// with a live writer that writes rarely).
    pub(crate) fn snapshot(&self, pid: i32) -> Option<ProcSnapshot> {
        for _ in 0..1000 {
            let before = self.changecount.load(Ordering::SeqCst);
            if before % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let snap = ProcSnapshot {
                pid,
                backend_type: self.name.load(),
                datname: opt(self.datname.load()),
                usename: opt(self.usename.load()),
                state: ActivityState::from_u32(self.state.load(Ordering::Relaxed))
                    .unwrap_or(ActivityState::Undefined),
                query: opt(self.query.load()),
                backend_start: from_us(self.backend_start_us.load(Ordering::Relaxed)),
                query_start: from_us(self.query_start_us.load(Ordering::Relaxed)),
                ssl: opt(self.ssl.load()),
            };
            std::sync::atomic::fence(Ordering::SeqCst);
            if self.changecount.load(Ordering::SeqCst) == before {
                return Some(snap);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroed() -> Box<ProcStatus> {
        // SAFETY: ProcStatus is made of atomics only; all-zero is its valid initial state.
        unsafe { Box::new(std::mem::zeroed()) }
    }

    #[test]
    fn strings_round_trip_and_truncate_on_char_boundaries() {
        let s = zeroed();
        s.start("SPI worker 1");
        s.set_connection("postgres", "alice");
        let long = "é".repeat(600);
        s.report(ActivityState::Active, Some(&long));
        let snap = s.snapshot(7).expect("snapshot");
        assert_eq!(snap.backend_type, "SPI worker 1");
        assert_eq!(snap.datname.as_deref(), Some("postgres"));
        assert_eq!(snap.state, ActivityState::Active);
        let q = snap.query.expect("query");
        assert_eq!(q.len(), 1024);
        assert!(q.chars().all(|c| c == 'é'));
        s.clear();
        assert_eq!(s.snapshot(7).expect("snap").datname, None);
    }
}
