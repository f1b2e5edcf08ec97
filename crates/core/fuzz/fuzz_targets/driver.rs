//! One `Driver` per provider over an arbitrary run: see
//! `reve_remix_fuzz::driver::driver`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::driver::driver(data));
