//! The process title `ps` shows (PostgreSQL's ps_status.c, Linux only).
//!
//! `ps` reads `/proc/PID/cmdline`, which is the memory where the kernel placed argv. To change
//! it we write over that memory. It is short (`postmaster -D data`), so, as PostgreSQL does, we
//! move the environment strings that follow it to the heap and use their space too. `comm` (the
//! 15-byte name `top` shows) is set with `prctl(PR_SET_NAME)`.
//!
//! [`init`] must run in `main` once the command line has been parsed (std's `args()` reads argv
//! lazily, so parse first), before any thread starts. [`set`] is then cheap and may be called by
//! any process forked from it. Setting a title never fails loudly: without a usable area only
//! `comm` changes.

use std::ffi::{CStr, CString, c_char};
use std::sync::atomic::{AtomicUsize, Ordering};

static AREA_START: AtomicUsize = AtomicUsize::new(0);
static AREA_LEN: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" {
    static mut environ: *mut *mut c_char;
}

fn read_stat_fields() -> Option<(usize, usize, usize, usize)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_comm = &stat[stat.rfind(')')? + 1..];
    // Fields after comm start at field 3 (state); arg_start is field 48.
    let f: Vec<&str> = after_comm.split_whitespace().collect();
    let get = |n: usize| f.get(n - 3).and_then(|s| s.parse::<usize>().ok());
    Some((get(48)?, get(49)?, get(50)?, get(51)?))
}

/// Claims the argv area (and the environment area right after it) for process titles.
pub fn init() {
    if AREA_LEN.load(Ordering::Relaxed) != 0 {
        return;
    }
    let Some((arg_start, arg_end, env_start, env_end)) = read_stat_fields() else {
        return;
    };
    if arg_start == 0 || arg_end <= arg_start {
        return;
    }
    let mut end = arg_end;
    if env_start == arg_end && env_end > env_start {
        // Copy the environment to the heap and point `environ` at the copies, so its old
        // strings can be overwritten.
        // SAFETY: single-threaded at this point (documented precondition); environ is a
        // NULL-terminated array of NUL-terminated strings owned by the C runtime; we build a new
        // leaked array of leaked copies and switch the global pointer to it.
        unsafe {
            let mut copies: Vec<*mut c_char> = Vec::new();
            let mut p = environ;
            while !p.is_null() && !(*p).is_null() {
                let s = CStr::from_ptr(*p);
                copies.push(CString::from(s).into_raw());
                p = p.add(1);
            }
            copies.push(std::ptr::null_mut());
            environ = Box::leak(copies.into_boxed_slice()).as_mut_ptr();
        }
        end = env_end;
    }
    AREA_START.store(arg_start, Ordering::Relaxed);
    AREA_LEN.store(end - arg_start, Ordering::Relaxed);
}

thread_local! {
    static LAST: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static DIRTY: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The bytes of `title` that become `comm` (the kernel keeps 15).
fn comm_of(title: &str) -> &[u8] {
    &title.as_bytes()[..title.len().min(15)]
}

/// Sets the title to `title` (truncated to the area) and `comm` to its first 15 bytes. Does
/// nothing when the title is unchanged, and skips `prctl` when `comm` would not change (a
/// backend sets its title twice per statement).
pub fn set(title: &str) {
    let (unchanged, same_comm) = LAST.with(|l| {
        let mut l = l.borrow_mut();
        let unchanged = *l == title;
        let same_comm = !l.is_empty() && comm_of(&l) == comm_of(title);
        if !unchanged {
            l.clear();
            l.push_str(title);
        }
        (unchanged, same_comm)
    });
    if unchanged {
        return;
    }
    let start = AREA_START.load(Ordering::Relaxed);
    let len = AREA_LEN.load(Ordering::Relaxed);
    if start != 0 && len > 1 {
        let n = title.len().min(len - 1);
        // Bytes past n that may not be NUL: the whole area until the first title, then the
        // previous title's.
        let dirty = DIRTY.with(|d| d.replace(Some(n))).unwrap_or(len).min(len);
        // SAFETY: [start, start+len) is this process's argv (+ moved environ) area, which the
        // kernel mapped writable on our stack and which nothing reads any more after init
        // (environ now points elsewhere, std parsed argv already). We write n bytes and pad
        // up to `dirty` (≤ len) with NUL, staying inside the area.
        unsafe {
            let dst = start as *mut u8;
            std::ptr::copy_nonoverlapping(title.as_ptr(), dst, n);
            if dirty > n {
                std::ptr::write_bytes(dst.add(n), 0, dirty - n);
            }
        }
    }
    if same_comm {
        return;
    }
    let mut comm = [0u8; 16];
    let short = comm_of(title);
    comm[..short.len()].copy_from_slice(short);
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16 bytes from a live local.
    unsafe { libc::prctl(libc::PR_SET_NAME, comm.as_ptr() as libc::c_ulong, 0, 0, 0) };
}
