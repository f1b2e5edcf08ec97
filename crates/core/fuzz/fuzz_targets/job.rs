//! `Job::from_json` on any text: see `reve_remix_fuzz::job::job`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::job::job(data));
