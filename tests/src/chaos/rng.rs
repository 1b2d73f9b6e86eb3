//! A tiny deterministic random number generator for the chaos run: xorshift64* seeded through
//! splitmix64, so that seeds 0, 1, 2… give unrelated streams and no state is ever zero.
//!
//! Not for anything that needs unpredictability: the same seed always gives the same numbers,
//! which is the point (a failing run names its seed).

/// xorshift64* (Vigna): 64 bits of state, never zero.
#[derive(Debug, Clone)]
pub struct XorShift {
    state: u64,
}

impl XorShift {
    /// A generator for `seed`; any seed, 0 included, gives a good non-zero state.
    pub fn new(seed: u64) -> XorShift {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        XorShift {
            state: if z == 0 { 0x9E37_79B9_7F4A_7C15 } else { z },
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo + 1;
        // The high bits of xorshift64* are its best; modulo bias is irrelevant at these spans.
        lo + (self.next_u64() >> 11) % span
    }

    /// An index below `n` (0 when `n` is 0).
    pub fn index(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        self.range(0, n as u64 - 1) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        den > 0 && self.range(0, den - 1) < num
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seeds_differ() {
        let (mut a, mut b, mut c) = (XorShift::new(7), XorShift::new(7), XorShift::new(8));
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..100).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        assert_ne!(XorShift::new(0).next_u64(), 0);
    }

    #[test]
    fn range_stays_inside_and_reaches_both_ends() {
        let mut r = XorShift::new(42);
        let mut seen = [false; 10];
        for _ in 0..10_000 {
            let v = r.range(1, 10);
            assert!((1..=10).contains(&v));
            seen[(v - 1) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "{seen:?}");
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.range(9, 3), 9);
        assert_eq!(r.index(0), 0);
    }

    #[test]
    fn chance_is_roughly_right() {
        let mut r = XorShift::new(3);
        let hits = (0..10_000).filter(|_| r.chance(1, 4)).count();
        assert!((2_000..3_000).contains(&hits), "{hits}");
        assert!(!r.chance(1, 0));
        assert!(r.chance(4, 4));
    }
}
