//! The shared-memory segment and the process-shared primitives that live in it.
//!
//! Owns:
//! - [`segment`]: the one `MAP_SHARED` anonymous segment the postmaster creates before its first
//!   fork, sized up front by [`SizeBuilder`] ("add size, then allocate"), with a bump allocator
//!   and a small named index ([`init_struct`]);
//! - [`spinlock`]: a process-shared spinlock implementing `lock_api::RawMutex` that PANICs
//!   (aborts) when it is stuck, so a lock holder killed by SIGKILL becomes a crash reset instead
//!   of a hang;
//! - [`latch`]: the sleep/wake primitive every process waits on;
//! - [`pmdeath`]: how a child notices that the postmaster died;
//! - [`pmchild`]: the child-slot array (PostgreSQL's PMChildFlags), the dead-man switch;
//! - [`pmsignal`]: flags a child raises for the postmaster, followed by SIGUSR1;
//! - [`walindex`]: SQLite's WAL-index locks, as atomic words instead of `fcntl` locks.
//!
//! Architecture invariants:
//! - Everything stored in the segment is `#[repr(C)]`, valid when all-zero, made of atomics
//!   and plain integers, and refers to other parts of the segment by offset, never by pointer.
//! - The postmaster reads shared state only through atomics and never takes a lock in here;
//!   it treats what it reads as possibly corrupt.
//! - Nothing here starts a thread or holds a lock across `fork`.

pub mod interrupt;
pub mod latch;
pub mod pmchild;
pub mod pmdeath;
pub mod pmsignal;
pub mod segment;
pub mod spinlock;
pub mod walindex;

mod futex;

pub use latch::{Latch, WaitEvents};
pub use segment::{
    ShmemArray, ShmemError, ShmemSafe, SizeBuilder, create_segment, init_struct, init_struct_typed,
    reset_segment, segment_size,
};
pub use spinlock::{ShmMutex, ShmMutexGuard, SpinLock};
