//! Prompt checks and renumbering: see `reve_remix_fuzz::prompt::prompt`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reve_remix_fuzz::prompt::prompt(data));
