//! `cargo fuzz run session`: see [`minipg_fuzz::session`] for what it feeds and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| minipg_fuzz::session::run(data));
