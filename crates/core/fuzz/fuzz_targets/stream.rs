//! The stream line parsers (SSE, NDJSON): see `reve_remix_fuzz::provider::stream`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::provider::stream(data));
