//! The proxy's decision on any ask: see `reve_remix_proxy_fuzz::rules`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_proxy_fuzz::rules(data));
