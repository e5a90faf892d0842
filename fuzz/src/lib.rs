//! Fuzz targets for Pounce's readers. Each target is a function of the input bytes in
//! [`targets`] (engine readers) or [`scenario`] (pounce-sim's scenario parser), so that the
//! regression tests (`crates/pounce/tests/fuzz_regressions.rs`,
//! `crates/pounce-sim/tests/fuzz_regressions.rs`) replay saved inputs through exactly the code
//! the fuzzer ran.

pub mod scenario;
pub mod targets;
