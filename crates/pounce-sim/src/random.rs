//! Seeded random helpers shared by the generators: one ChaCha8 stream per purpose, so that adding
//! draws to one stream never shifts another.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Stream `stream` of the ChaCha8 generator seeded with `seed`.
pub(crate) fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A uniform index below `n` (> 0), drawn the same way on every platform.
pub(crate) fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    rng.random_range(0..n as u64) as usize
}

/// A uniform whole number from `lo` to `hi` inclusive.
pub(crate) fn between(rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> u32 {
    rng.random_range(lo..=hi)
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Running sums of non-negative weights (negative weights count as 0), for drawing by weight.
pub(crate) fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .into_iter()
        .map(|w| {
            acc += w.max(0.0);
            acc
        })
        .collect()
}
