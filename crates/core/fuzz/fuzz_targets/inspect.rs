//! `inspect` on any bytes: see `reve_remix_fuzz::image::inspect`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::image::inspect(data));
