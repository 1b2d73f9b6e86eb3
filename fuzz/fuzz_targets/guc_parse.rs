//! `cargo fuzz run guc_parse`: see [`minipg_fuzz::guc_parse`] for what it feeds and what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| minipg_fuzz::guc_parse::run(data));
