//! The JSON reader against serde_json: see `reve_remix_fuzz::json::json`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::json::json(data));
