//! ProcGlobal: the PGPROC array, its three free lists, `init_process` / `proc_kill`, and each
//! process's status block (what `pg_stat_activity` shows) and process title.
//!
//! Owns:
//! - [`procarray`]: the `MaxBackends + auxiliary` PGPROC entries in the shared segment, each
//!   dedicated for life to one list, exactly as the 9.3 patch's InitProcGlobal partitions them:
//!   normal backends (`max_connections`), autovacuum (`autovacuum_max_workers + 1`), background
//!   workers (one per registered worker with shared-memory access), and a few auxiliary entries
//!   (the startup process) found by linear search;
//! - [`status`]: the per-process status block, written only by its owner under a change counter
//!   and read by anyone without a lock;
//! - [`ps_status`]: the process title `ps` shows;
//! - [`notify`]: the LISTEN/NOTIFY queue, read by each listening backend from its own
//!   position (an array parallel to the PGPROC entries).
//!
//! Never: used by the postmaster to take a lock (it only initialises the array while no child
//! exists); never holds the ProcGlobal spinlock across anything but list pointer updates.

/// Declares a `#[repr(u32)]` enum kept in a shared-memory atomic: each variant's stored value
/// and its spelling are written once, and `as_str`, `parse` and `from_u32` come from them.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal => $text:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u32)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)*
        }

        impl $name {
            /// Its spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The variant spelled `s`.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The variant stored as `v`.
            pub fn from_u32(v: u32) -> Option<$name> {
                match v {
                    $($value => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

pub mod notify;
pub mod procarray;
pub mod ps_status;
pub mod status;

pub use procarray::{
    BackendType, NUM_AUXILIARY_PROCS, PgProc, ProcError, ProcGlobalConfig, ProcList, activity,
    find_proc, free_count, init as init_proc_global, init_aux_process, init_process, my_proc,
    my_proc_number, proc_at, proc_count, proc_kill, shmem_size,
};
pub use status::{ActivityState, ProcSnapshot};
