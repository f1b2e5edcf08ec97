//! Prompt checks, `<img>N</img>` references, rewriting and renumbering.
//! Native only: proptest does not run on wasm32.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use reve_remix_core::ErrorCode;
use reve_remix_core::prompt::{
    MAX_PROMPT_CHARS, ReferenceSyntax, char_count, check, insert_image, move_image, references,
    remove_image, renumber, retag, rewrite,
};

fn code(prompt: &str, images: usize) -> Option<ErrorCode> {
    check(prompt, images, MAX_PROMPT_CHARS)
        .err()
        .map(|e| e.code)
}

fn indices(prompt: &str) -> Vec<usize> {
    references(prompt).map(|r| r.index).collect()
}

#[test]
fn empty_prompt_after_trimming() {
    for prompt in ["", " ", "\n\t  ", "\u{3000}"] {
        assert_eq!(code(prompt, 1), Some(ErrorCode::EmptyPrompt), "{prompt:?}");
    }
    assert_eq!(code(" a ", 0), None);
}

#[test]
fn prompt_length_counts_unicode_scalar_values() {
    // 2560 four-byte characters: 10,240 bytes, still within the limit.
    let at_limit = "😀".repeat(MAX_PROMPT_CHARS);
    assert_eq!(char_count(&at_limit), 2560);
    assert_eq!(code(&at_limit, 0), None);
    let over = format!("{at_limit}é");
    let e = check(&over, 0, MAX_PROMPT_CHARS).expect_err("too long");
    assert_eq!(e.code, ErrorCode::PromptTooLong);
    assert_eq!(
        e.message,
        "The prompt is 2,561 characters long; the limit is 2,560. Shorten it by 1."
    );
    assert_eq!(code(&"a".repeat(5000), 0), Some(ErrorCode::PromptTooLong));
}

#[test]
fn references_are_listed_with_byte_ranges() {
    let prompt = "Put the cät from <img>0</img> on <img>1</img>'s sofa";
    let refs: Vec<_> = references(prompt).collect();
    assert_eq!(refs.len(), 2);
    assert_eq!(
        (refs[0].index, &prompt[refs[0].range.clone()]),
        (0, "<img>0</img>")
    );
    assert_eq!(
        (refs[1].index, &prompt[refs[1].range.clone()]),
        (1, "<img>1</img>")
    );
    assert_eq!(refs[0].range.start, "Put the cät from ".len());
    assert_eq!(&prompt[refs[1].digits.clone()], "1");
}

#[test]
fn near_misses_are_references_and_other_tags_are_text() {
    assert_eq!(
        indices("<img> 2 </img> <IMG>3</Img> <img>\t4</img> <img>007</img>"),
        [2, 3, 4, 7]
    );
    for text in [
        "<img></img>",
        "<img>x</img>",
        "<img>-1</img>",
        "<img>1.5</img>",
        "<img>1<img>",
        "<img>1</img",
        "<img src=a.png>",
        "< img>1</img>",
        "<img>1 2</img>",
        "<img>\n1</img>",
        "<img>１</img>", // a full-width digit is not ASCII
    ] {
        assert_eq!(indices(text), Vec::<usize>::new(), "{text:?}");
    }
    // A broken tag does not swallow the good one after it.
    assert_eq!(indices("<img><img>5</img>"), [5]);
    assert_eq!(indices("<<img>6</img>>"), [6]);
}

#[test]
fn unknown_reference_names_n_and_the_images_there_are() {
    let e = check("Mix <img>0</img> with <img>3</img>", 2, MAX_PROMPT_CHARS).expect_err("3 of 2");
    assert_eq!(e.code, ErrorCode::UnknownReference);
    assert_eq!(
        e.message,
        "The prompt refers to <img>3</img>, but there are only 2 images (<img>0</img> to <img>1</img>)."
    );
    assert_eq!(
        check("<img>1</img>", 1, MAX_PROMPT_CHARS)
            .expect_err("1 of 1")
            .message,
        "The prompt refers to <img>1</img>, but there is only 1 image (<img>0</img>)."
    );
    assert_eq!(
        check("<img>0</img>", 0, MAX_PROMPT_CHARS)
            .expect_err("0 of 0")
            .message,
        "The prompt refers to <img>0</img>, but there are no images; add one or remove the reference."
    );
    // Reve 2.1's frames: the images there are, written as frames too.
    assert_eq!(
        check("A cat <frame>1</frame>", 1, MAX_PROMPT_CHARS)
            .expect_err("1 of 1")
            .message,
        "The prompt refers to <frame>1</frame>, but there is only 1 image (<frame>0</frame>)."
    );
    assert_eq!(
        check("<frame>0</frame> and <frame>4</frame>", 3, MAX_PROMPT_CHARS)
            .expect_err("4 of 3")
            .message,
        "The prompt refers to <frame>4</frame>, but there are only 3 images (<frame>0</frame> to <frame>2</frame>)."
    );
    assert_eq!(code("<img>0</img> <img>5</img>", 6), None);
    assert_eq!(code("<img>6</img>", 6), Some(ErrorCode::UnknownReference));
}

#[test]
fn huge_reference_numbers_do_not_overflow() {
    let digits = "99999999999999999999999999999999999999";
    let prompt = format!("<img>{digits}</img>");
    assert_eq!(indices(&prompt), [usize::MAX]);
    let e = check(&prompt, 6, MAX_PROMPT_CHARS).expect_err("huge");
    assert_eq!(e.code, ErrorCode::UnknownReference);
    assert!(
        e.message.contains(&format!("<img>{digits}</img>")),
        "{}",
        e.message
    );
    // Renumbering leaves a number it cannot read alone.
    assert_eq!(remove_image(&prompt, 0).prompt, prompt);
    assert_eq!(insert_image(&prompt, 0), prompt);
    assert_eq!(rewrite(&prompt, ReferenceSyntax::PlainIndex), digits);
}

#[test]
fn rewrite_for_each_syntax() {
    let prompt = "Blend <img>0</img> and <img> 01 </img>, keep (<IMG>2</IMG>).";
    assert_eq!(
        rewrite(prompt, ReferenceSyntax::ImgTag),
        "Blend <img>0</img> and <img>1</img>, keep (<img>2</img>)."
    );
    assert_eq!(
        rewrite(prompt, ReferenceSyntax::PlainIndex),
        "Blend 0 and 1, keep (2)."
    );
    // The bare number never runs into a word.
    assert_eq!(
        rewrite(
            "from<img>0</img>and<img>1</img>",
            ReferenceSyntax::PlainIndex
        ),
        "from 0 and 1"
    );
    assert_eq!(
        rewrite("no refs, <b>é</b>", ReferenceSyntax::PlainIndex),
        "no refs, <b>é</b>"
    );
    assert_eq!(rewrite("", ReferenceSyntax::ImgTag), "");
}

#[test]
fn retag_writes_the_tags_an_editor_shows() {
    let prompt = "from<img>0</img>and <frame> 01 </frame>.";
    for syntax in [ReferenceSyntax::ImgTag, ReferenceSyntax::FrameTag] {
        assert_eq!(retag(prompt, syntax), rewrite(prompt, syntax));
    }
    assert_eq!(
        retag(prompt, ReferenceSyntax::FrameTag),
        "from<frame>0</frame>and <frame>1</frame>."
    );
    // An editor never writes bare numbers: those hosts still see tags.
    assert_eq!(
        retag(prompt, ReferenceSyntax::PlainIndex),
        "from<img>0</img>and <img>1</img>."
    );
}

#[test]
fn removing_an_image_renumbers_later_ones_and_reports_orphans() {
    let prompt = "<img>0</img> then <img>1</img> then <img>2</img>";
    let after = remove_image(prompt, 1);
    assert_eq!(
        after.prompt,
        "<img>0</img> then <img>1</img> then <img>1</img>"
    );
    assert_eq!(after.orphaned.len(), 1);
    let orphan = &after.orphaned[0];
    assert_eq!(orphan.index, 1);
    assert_eq!(orphan.range, 18..30);
    assert_eq!(&after.prompt[orphan.range.clone()], "<img>1</img>");

    // Orphan ranges are into the new prompt, after shorter numbers before them.
    let prompt = "<img>10</img> é <img> 3 </img>";
    let after = remove_image(prompt, 3);
    assert_eq!(after.prompt, "<img>9</img> é <img> 3 </img>");
    let orphan = &after.orphaned[0];
    assert_eq!(&after.prompt[orphan.range.clone()], "<img> 3 </img>");
    assert_eq!(&after.prompt[orphan.digits.clone()], "3");

    // Untouched references keep their spelling.
    assert_eq!(remove_image("<IMG> 0 </IMG>", 2).prompt, "<IMG> 0 </IMG>");
}

#[test]
fn moving_and_inserting_images_keeps_every_reference_on_its_picture() {
    // Images a b c d; move a (0) to 2: b c a d.
    assert_eq!(
        move_image("<img>0</img><img>1</img><img>2</img><img>3</img>", 0, 2),
        "<img>2</img><img>0</img><img>1</img><img>3</img>"
    );
    // Move d (3) to 1: a d b c.
    assert_eq!(
        move_image("<img>0</img><img>1</img><img>2</img><img>3</img>", 3, 1),
        "<img>0</img><img>2</img><img>3</img><img>1</img>"
    );
    assert_eq!(move_image("<img>1</img>", 1, 1), "<img>1</img>");
    assert_eq!(
        insert_image("<img>0</img> <img>1</img>", 1),
        "<img>0</img> <img>2</img>"
    );
    assert_eq!(
        insert_image("<img>0</img> <img>1</img>", 2),
        "<img>0</img> <img>1</img>"
    );
    // The general form: swap 0 and 1, drop 2.
    let swapped = renumber("<img>0</img><img>1</img><img>2</img>", |i| match i {
        0 => Some(1),
        1 => Some(0),
        _ => None,
    });
    assert_eq!(swapped.prompt, "<img>1</img><img>0</img><img>2</img>");
    assert_eq!(swapped.orphaned.len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_text_is_handled_without_panics(
        prompt in "(<img>|</img>|<IMG>|[0-9 ]{1,3}|\\PC|é|😀){0,40}",
        images in 0usize..8,
        removed in 0usize..8,
    ) {
        let _ = check(&prompt, images, MAX_PROMPT_CHARS);
        for r in references(&prompt) {
            // Ranges are char boundaries and cover a tag.
            let tag = prompt.get(r.range.clone()).expect("range on char boundaries");
            prop_assert!(tag.starts_with('<') && tag.ends_with('>'));
            prop_assert!(prompt.get(r.digits.clone()).is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())));
        }
        // Rewriting into the exact syntax keeps every reference's number.
        let canonical = rewrite(&prompt, ReferenceSyntax::ImgTag);
        prop_assert_eq!(indices(&canonical), indices(&prompt));
        let _ = rewrite(&prompt, ReferenceSyntax::PlainIndex);
        let after = remove_image(&prompt, removed);
        for orphan in &after.orphaned {
            prop_assert_eq!(orphan.index, removed);
            prop_assert!(after.prompt.get(orphan.range.clone()).is_some());
        }
        prop_assert_eq!(references(&after.prompt).count(), references(&prompt).count());
    }

    #[test]
    fn moves_follow_the_pictures(
        n in 1usize..=6,
        from in 0usize..6,
        to in 0usize..6,
        refs in proptest::collection::vec(0usize..6, 0..10),
    ) {
        let (from, to) = (from % n, to % n);
        let refs: Vec<usize> = refs.into_iter().map(|r| r % n).collect();
        let prompt: String = refs.iter().map(|r| format!("look at <img>{r}</img>, ")).collect();
        let mut pictures: Vec<usize> = (0..n).collect();
        let picture = pictures.remove(from);
        pictures.insert(to, picture);
        let moved = move_image(&prompt, from, to);
        let after = indices(&moved);
        prop_assert_eq!(after.len(), refs.len());
        for (old, new) in refs.iter().zip(&after) {
            // The reference names the same picture it named before.
            prop_assert_eq!(pictures[*new], *old);
        }
        prop_assert_eq!(move_image(&moved, to, from), prompt);
    }

    #[test]
    fn removal_follows_the_pictures(
        n in 1usize..=6,
        removed in 0usize..6,
        refs in proptest::collection::vec(0usize..6, 0..10),
    ) {
        let removed = removed % n;
        let refs: Vec<usize> = refs.into_iter().map(|r| r % n).collect();
        let prompt: String = refs.iter().map(|r| format!("<img>{r}</img> ")).collect();
        let mut pictures: Vec<usize> = (0..n).collect();
        pictures.remove(removed);
        let after = remove_image(&prompt, removed);
        let orphan_starts: Vec<usize> = after.orphaned.iter().map(|o| o.range.start).collect();
        for (old, r) in refs.iter().zip(references(&after.prompt)) {
            if *old == removed {
                prop_assert!(orphan_starts.contains(&r.range.start));
            } else {
                prop_assert_eq!(pictures[r.index], *old);
            }
        }
    }
}
