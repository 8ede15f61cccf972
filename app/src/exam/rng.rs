//! The seeded generator that shuffles a paper and draws its questions and values.
//!
//! Randomness comes from [`Rng`], a small seeded generator rather than the `rand` crate, because
//! an attempt must look the same after a reload (the seed is stored with the attempt) and the
//! same code runs in wasm: the page shuffles options the same way the server does.

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, passes BigCrush, and gives the same
/// numbers on every platform. Not for secrets; only for shuffling.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (0 when n is 0). Lemire's multiply-and-reject: a plain `% n` would favour
    /// small numbers slightly.
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            if (product as u64) >= threshold {
                return (product >> 64) as usize;
            }
        }
    }

    /// 0..n in a uniformly random order (Fisher-Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            order.swap(i, j);
        }
        order
    }
}
