//! Prompt parsing, checking, rewriting and renumbering on any text.

use arbitrary::{Arbitrary, Unstructured};
use reve_remix_core::prompt::{
    ReferenceSyntax, check, move_image, references, remove_image, rewrite,
};

/// Never panics, and renumbering keeps the number of references. The
/// input is read as libFuzzer's `(&str, u8, u8)` would be, so corpora
/// written by the earlier typed target still mean the same.
pub fn prompt(data: &[u8]) {
    let Ok((prompt, a, b)) = <(&str, u8, u8)>::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (a, b) = (usize::from(a % 8), usize::from(b % 8));
    let _ = check(prompt, a, reve_remix_core::prompt::MAX_PROMPT_CHARS);
    let _ = rewrite(prompt, ReferenceSyntax::PlainIndex);
    let count = references(prompt).count();
    assert_eq!(
        references(&rewrite(prompt, ReferenceSyntax::ImgTag)).count(),
        count
    );
    assert_eq!(references(&remove_image(prompt, a).prompt).count(), count);
    assert_eq!(references(&move_image(prompt, a, b)).count(), count);
}
