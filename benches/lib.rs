//! Criterion benchmarks of Pounce's kernels live in `benches/` of this package:
//! `cargo bench -p pounce-benches`.
