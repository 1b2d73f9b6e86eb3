//! Replays each target on its seed corpus and on seeded mutations of it: the stable-toolchain
//! stand-in for a fuzz run, and the regression suite for every input a fuzz run once found
//! (found inputs are added to `corpus/<target>/`).

use std::path::Path;

use crate::mutate::{Rng, mutate};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Every seed, then `mutations` inputs derived from random seeds.
fn replay(target: &str, mutations: usize, run: fn(&[u8])) {
    let seeds = corpus(target);
    for seed in &seeds {
        run(seed);
    }
    let mut rng = Rng::new(0x6d69_6e69_7067 ^ target.len() as u64);
    for _ in 0..mutations {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, a, b);
        run(&input);
    }
}

#[test]
fn protocol_decode_corpus_and_mutations() {
    replay("protocol_decode", 50_000, crate::protocol_decode::run);
}

#[test]
fn session_corpus_and_mutations() {
    replay("session", 1_500, crate::session::run);
}

#[test]
fn guc_parse_corpus_and_mutations() {
    replay("guc_parse", 5_000, crate::guc_parse::run);
}

#[test]
fn mutations_are_deterministic() {
    let mut a = Rng::new(7);
    let mut b = Rng::new(7);
    assert_eq!(
        mutate(&mut a, b"Q\0\0\0\x09abcd\0", b"S\0\0\0\x04"),
        mutate(&mut b, b"Q\0\0\0\x09abcd\0", b"S\0\0\0\x04")
    );
}
