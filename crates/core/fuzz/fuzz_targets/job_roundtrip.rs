//! Any job through `to_json` and back: see `reve_remix_fuzz::job::roundtrip`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::job::roundtrip(data));
