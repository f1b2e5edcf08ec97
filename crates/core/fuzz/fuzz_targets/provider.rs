//! Each provider's `on_response` at each step: see
//! `reve_remix_fuzz::provider::response`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::provider::response(data));
