//! Prompt parsing, checking, rewriting and renumbering on any text: never
//! panics, and renumbering keeps the number of references.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reve_remix_core::prompt::{ReferenceSyntax, check, move_image, references, remove_image, rewrite};

fuzz_target!(|input: (&str, u8, u8)| {
    let (prompt, a, b) = input;
    let (a, b) = (usize::from(a % 8), usize::from(b % 8));
    let _ = check(prompt, a);
    let _ = rewrite(prompt, ReferenceSyntax::PlainIndex);
    let count = references(prompt).count();
    assert_eq!(
        references(&rewrite(prompt, ReferenceSyntax::ImgTag)).count(),
        count
    );
    assert_eq!(references(&remove_image(prompt, a).prompt).count(), count);
    assert_eq!(references(&move_image(prompt, a, b)).count(), count);
});
