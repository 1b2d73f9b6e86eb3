//! `cargo fuzz run protocol_decode`: see [`minipg_fuzz::protocol_decode`] for what it feeds and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| minipg_fuzz::protocol_decode::run(data));
