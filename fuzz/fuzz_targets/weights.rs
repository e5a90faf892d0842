#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pounce_fuzz::targets::weights(data));
