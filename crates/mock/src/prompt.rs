//! Prompts as the providers read them: the `<img>N</img>` references of
//! Reve Remix (and, through [`tagged`], Reve 2.1's `<frame>N</frame>`),
//! and the v1 prompt's limits.

use crate::check::{Invalid, Kind, MAX_PROMPT_CHARS};

/// A prompt: present, not blank, at most 2560 characters, every
/// `<img>N</img>` naming one of the `image_count` images.
pub fn check_prompt(prompt: &str, image_count: usize, field: &str) -> Result<(), Invalid> {
    if prompt.trim().is_empty() {
        return Err(Invalid::new(
            field,
            Kind::Empty,
            format!("{field} must not be empty"),
        ));
    }
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(Invalid::new(
            field,
            Kind::TooLong,
            format!("{field} is {chars} characters; the limit is {MAX_PROMPT_CHARS}"),
        ));
    }
    for n in references(prompt) {
        if n >= image_count {
            return Err(Invalid::new(
                field,
                Kind::Reference,
                format!(
                    "{field} refers to <img>{n}</img> but only {image_count} image(s) were sent (numbered from 0)"
                ),
            ));
        }
    }
    Ok(())
}

/// The image numbers a prompt refers to, in order.
///
/// The documents write a reference as `<img>N</img>`, N counting from 0 in
/// the order the images are sent ("XML img tags like <img>0</img>" in
/// OneRouter's spec): N is decimal digits inside one tag. Around them, the
/// tag's name in any case and spaces or tabs are still the same reference
/// (`<IMG> 1 </img>`), as the client reads them too; a line break, any
/// other space or character, or no digits at all make it text
/// (`<img>\n1</img>`, `<img>one</img>`). A number too big to count is
/// `usize::MAX`, which names no image.
pub fn references(prompt: &str) -> Vec<usize> {
    tagged(prompt, "img")
}

/// The numbers a prompt writes inside `<name>N</name>`, in order, read as
/// [`references`] reads `<img>N</img>` (Reve 2.1 writes `<frame>N</frame>`).
pub fn tagged(prompt: &str, name: &str) -> Vec<usize> {
    let open = format!("<{name}>");
    let close_tag = format!("</{name}>");
    let b = prompt.as_bytes();
    let tag = |at: usize, name: &[u8]| {
        b.get(at..at + name.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
    };
    let blanks = |mut at: usize| {
        while matches!(b.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(lt) = b
        .get(at..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        let start = at + lt;
        at = start + 1;
        if !tag(start, open.as_bytes()) {
            continue;
        }
        let digits_at = blanks(start + open.len());
        let digits = b[digits_at..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let close = blanks(digits_at + digits);
        if digits == 0 || !tag(close, close_tag.as_bytes()) {
            continue;
        }
        let n = prompt[digits_at..digits_at + digits]
            .parse()
            .unwrap_or(usize::MAX);
        out.push(n);
        at = close + close_tag.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        assert_eq!(
            references("the cat in <img>0</img> on <IMG>12</img>, <img>x</img> <img>"),
            vec![0, 12]
        );
        assert_eq!(
            references("<img> 2 </img> <img>\t4</img> <img>007</img> <img><img>5</img>"),
            vec![2, 4, 7, 5]
        );
        for text in [
            "<img>\n1</img>",
            "<img>\u{a0}1</img>",
            "<img>1 2</img>",
            "<img>-1</img>",
            "<img>１</img>",
        ] {
            assert_eq!(references(text), Vec::<usize>::new(), "{text:?}");
        }
        assert_eq!(
            references("<img>99999999999999999999999</img>"),
            vec![usize::MAX]
        );
        assert!(check_prompt("<img>1</img>", 1, "prompt").is_err());
        assert!(check_prompt("<img>0</img>", 1, "prompt").is_ok());
        assert!(check_prompt(&"é".repeat(2560), 1, "prompt").is_ok());
        assert_eq!(
            check_prompt(&"é".repeat(2561), 1, "prompt").map_err(|e| e.kind),
            Err(Kind::TooLong)
        );
    }

    /// The mock counts references as the client does: two readings of the
    /// documents, written apart, that must agree on every prompt.
    mod against_the_client {
        use proptest::prelude::*;

        fn near_tags() -> impl Strategy<Value = String> {
            let piece = prop::sample::select(
                &[
                    "<img>",
                    "</img>",
                    "<IMG>",
                    "</Img>",
                    "<img",
                    "img>",
                    "<",
                    ">",
                    " ",
                    "\t",
                    "\n",
                    "\u{a0}",
                    "0",
                    "1",
                    "7",
                    "42",
                    "007",
                    "99999999999999999999",
                    "x",
                    "é",
                    "１",
                    "-",
                ][..],
            );
            prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]
            #[test]
            fn same_references_as_the_client(prompt in near_tags()) {
                let client: Vec<usize> = reve_remix_core::prompt::references(&prompt)
                    .map(|r| r.index)
                    .collect();
                prop_assert_eq!(super::references(&prompt), client, "{:?}", prompt);
            }
        }
    }
}
