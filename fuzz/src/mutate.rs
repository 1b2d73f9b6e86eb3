//! A small deterministic mutator, for replaying the targets without libFuzzer: a plain
//! `cargo test` (stable toolchain, no sanitizer) runs every seed of `corpus/<target>/` and a few
//! thousand inputs derived from them by bit flips, byte insertions and deletions, splices and
//! "interesting" integers written over length words. Seeded, so a failure reproduces.

/// xorshift64*: enough randomness for mutation, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero-ized seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Integers that tend to break length and count fields.
const INTERESTING: &[i32] = &[
    -1,
    0,
    1,
    3,
    4,
    5,
    7,
    8,
    127,
    128,
    255,
    256,
    0x7fff,
    0x8000,
    0xffff,
    10_000,
    10_001,
    1 << 30,
    (1 << 30) + 1,
    i32::MAX,
    i32::MIN,
];

/// Returns a mutation of `input`; `other` is spliced in sometimes.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next_u64() as u8;
            }
            2 => {
                let i = rng.below(out.len() + 1);
                out.insert(i, rng.next_u64() as u8);
            }
            3 if !out.is_empty() => {
                let i = rng.below(out.len());
                let n = 1 + rng.below((out.len() - i).min(16));
                out.drain(i..i + n);
            }
            4 if out.len() >= 4 => {
                let i = rng.below(out.len() - 3);
                let v = INTERESTING[rng.below(INTERESTING.len())];
                out[i..i + 4].copy_from_slice(&v.to_be_bytes());
            }
            5 if !other.is_empty() => {
                let cut = rng.below(out.len() + 1);
                let from = rng.below(other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            _ => {
                let i = rng.below(out.len() + 1);
                out.truncate(i);
            }
        }
    }
    out
}
