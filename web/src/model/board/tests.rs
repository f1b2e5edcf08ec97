use reve_remix_core::provider::{fal, reve};

use super::*;
use reve_remix_core::prompt::ReferenceSyntax;

const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");
const JPEG: &[u8] = reve_remix_fixtures::bytes("jpeg_baseline_80x60.jpg");
const WEBP: &[u8] = reve_remix_fixtures::bytes("webp_lossy_70x50.webp");
const GIF: &[u8] = reve_remix_fixtures::bytes("notes.gif");

fn reve() -> Accepts {
    Accepts::new(&reve::INFO, None)
}

fn names(board: &Board) -> Vec<&str> {
    board.images().iter().map(|i| i.name.as_str()).collect()
}

/// a.png, b.jpg and c.webp; the prompt refers to all three.
fn three_and_a_prompt() -> Board {
    let mut board = Board::default();
    assert!(board.add_bytes("a.png", PNG.to_vec(), &reve()));
    assert!(board.add_bytes("b.jpg", JPEG.to_vec(), &reve()));
    assert!(board.add_bytes("c.webp", WEBP.to_vec(), &reve()));
    board.edit_prompt("<img>0</img> with <img>2</img> and <img>1</img>".into());
    board
}

#[test]
fn files_are_checked_by_the_core_and_a_rejection_keeps_the_board() {
    let mut board = Board::default();
    assert!(board.add_bytes("cat.png", PNG.to_vec(), &reve()));
    board.begin_adding();
    assert!(!board.add_bytes("notes.heic", GIF.to_vec(), &reve()));
    assert_eq!(names(&board), ["cat.png"]);
    let info = board.images()[0].info.expect("inspected");
    assert_eq!((info.width, info.height), (64, 48));
    let [rejected] = board.rejected() else {
        panic!("one rejection: {:?}", board.rejected())
    };
    assert_eq!(rejected.name, "notes.heic");
    assert!(rejected.reason.contains("GIF"), "{}", rejected.reason);
    assert_eq!(
        rejected.original, None,
        "only a file too large may be shrunk"
    );
    // The next add starts a new list.
    board.begin_adding();
    assert!(board.rejected().is_empty());
}

#[test]
fn a_file_too_large_is_kept_for_shrink_and_add() {
    let mut board = Board::default();
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    assert!(!board.add_bytes("big.png", big, &reve()));
    let (name, bytes) = board.start_shrinking(0).expect("offered");
    assert_eq!(name, "big.png");
    assert!(board.rejected()[0].shrinking);
    let fitted = ReadFile::new("big.webp".into(), WEBP.to_vec());
    board.shrunk(&bytes, Ok(fitted), &reve());
    assert_eq!(names(&board), ["big.webp"]);
    assert_eq!(board.images()[0].shrunk_from, Some(1_600_000));
    assert!(board.rejected().is_empty());
}

#[test]
fn with_auto_fit_a_file_too_large_waits_unlisted_for_its_fit() {
    let mut board = Board::default();
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    assert!(!board.add_bytes("big.png", big, &reve().fitting(true)));
    assert!(board.rejected()[0].quiet, "not listed while it fits");
    let waiting = board.start_quiet_fits();
    assert_eq!(waiting.len(), 1);
    assert!(board.start_quiet_fits().is_empty(), "started once");
    // A fit that fails is listed with its reason.
    board.shrunk(
        &waiting[0].1,
        Err("big.png could not be decoded.".into()),
        &reve(),
    );
    let entry = &board.rejected()[0];
    assert!(!entry.quiet && !entry.shrinking);
    assert_eq!(entry.reason, "big.png could not be decoded.");
}

#[test]
fn a_shrink_that_fails_says_why_in_its_entry() {
    let mut board = Board::default();
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    board.add_bytes("big.png", big, &reve());
    let (_, bytes) = board.start_shrinking(0).expect("offered");
    board.shrunk(&bytes, Err("big.png could not be decoded.".into()), &reve());
    let entry = &board.rejected()[0];
    assert_eq!(entry.reason, "big.png could not be decoded.");
    assert!(!entry.shrinking && entry.original.is_none());
    assert!(board.start_shrinking(0).is_none(), "not offered again");
}

#[test]
fn the_board_stops_at_the_providers_limit_or_a_lower_cap() {
    let mut board = Board::default();
    let fal = Accepts::new(&fal::INFO, None);
    for i in 0..6 {
        assert!(board.add_bytes(&format!("{i}.png"), PNG.to_vec(), &fal));
    }
    assert!(!board.add_bytes("7.png", PNG.to_vec(), &fal));
    assert!(board.rejected()[0].reason.contains("fal takes at most 6"));
    assert!(
        fal.summary(6)
            .starts_with("6 of 6 images (fal takes up to 6): the board is full")
    );

    let capped = Accepts::new(&fal::INFO, Some(2));
    assert_eq!(capped.max, 2);
    assert_eq!(
        capped.summary(1),
        "1 of 2 images (this board takes up to 2): 1 more can be added."
    );
    assert!(!board.add_url("https://example.com/a.png", &capped));
    assert!(
        board.rejected()[1]
            .reason
            .contains("this board takes at most 2")
    );
}

#[test]
fn a_url_needs_a_web_address_and_is_named_by_its_last_segment() {
    let mut board = Board::default();
    assert!(board.add_url(" https://images.example.com/cats/cat.png?w=2#x ", &reve()));
    assert_eq!(names(&board), ["cat.png"]);
    assert_eq!(
        board.images()[0].source,
        Source::Url("https://images.example.com/cats/cat.png?w=2#x".into())
    );
    assert!(!board.add_url("file:///home/me/cat.png", &reve()));
    assert!(board.rejected()[0].reason.contains("is not a web address"));
}

#[test]
fn removing_an_image_renumbers_the_prompt_and_flags_its_references() {
    let mut board = three_and_a_prompt();
    board.remove(1);
    assert_eq!(names(&board), ["a.png", "c.webp"]);
    // c moved down to 1; the reference to the removed b is kept and flagged.
    assert_eq!(
        board.prompt(),
        "<img>0</img> with <img>1</img> and <img>1</img>"
    );
    assert_eq!(board.orphaned(), [2]);
    let refs = board.references(ReferenceSyntax::ImgTag);
    assert_eq!(refs[1], ("<img>1</img> → c.webp".to_string(), false));
    assert_eq!(
        refs[2],
        ("<img>1</img> → its image was removed".to_string(), true)
    );
    assert!(
        board
            .orphan_warning()
            .is_some_and(|w| w.contains("refers to an image that was removed"))
    );
    // Editing the prompt is the fix: the flag goes.
    board.edit_prompt("<img>0</img> with <img>1</img>".into());
    assert!(board.orphaned().is_empty() && board.orphan_warning().is_none());
}

#[test]
fn keep_as_is_unflags_without_touching_the_prompt() {
    let mut board = three_and_a_prompt();
    board.remove(2);
    assert_eq!(board.orphaned(), [1]);
    board.keep_orphans();
    assert!(board.orphaned().is_empty());
    assert_eq!(
        board.prompt(),
        "<img>0</img> with <img>2</img> and <img>1</img>"
    );
}

#[test]
fn undo_puts_the_tile_the_prompt_and_its_flags_back() {
    let mut board = three_and_a_prompt();
    board.remove(2);
    board.remove(1);
    assert_eq!(board.removed(), Some("b.jpg"));
    board.undo_removal();
    assert_eq!(names(&board), ["a.png", "b.jpg"]);
    assert_eq!(
        board.prompt(),
        "<img>0</img> with <img>2</img> and <img>1</img>"
    );
    assert_eq!(board.orphaned(), [1], "the flag of the first removal stays");
    assert_eq!(board.removed(), None, "one step of undo");
}

#[test]
fn undo_after_an_edit_keeps_the_edit_and_puts_the_tile_last() {
    let mut board = three_and_a_prompt();
    board.remove(0);
    board.edit_prompt("<img>0</img> only".into());
    board.undo_removal();
    assert_eq!(names(&board), ["b.jpg", "c.webp", "a.png"]);
    assert_eq!(board.prompt(), "<img>0</img> only");
}

#[test]
fn any_other_change_to_the_board_ends_the_chance_to_undo() {
    let mut board = three_and_a_prompt();
    board.remove(0);
    board.add_url("https://example.com/d.png", &reve());
    assert_eq!(board.removed(), None);
    board.remove(0);
    board.move_image(0, 1);
    assert_eq!(board.removed(), None);
    board.undo_removal();
    assert_eq!(names(&board), ["d.png", "c.webp"]);
}

#[test]
fn moving_an_image_takes_its_references_along() {
    let mut board = three_and_a_prompt();
    board.move_image(2, 0);
    assert_eq!(names(&board), ["c.webp", "a.png", "b.jpg"]);
    assert_eq!(
        board.prompt(),
        "<img>1</img> with <img>0</img> and <img>2</img>"
    );
    // Out of range, or onto itself: nothing moves.
    board.move_image(0, 3);
    board.move_image(1, 1);
    assert_eq!(names(&board), ["c.webp", "a.png", "b.jpg"]);
}

#[test]
fn a_reference_names_its_image_or_says_there_is_none() {
    let mut board = Board::default();
    board.add_bytes("cat.png", PNG.to_vec(), &reve());
    board.edit_prompt("Put <img>0</img> on <img>1</img>".into());
    assert_eq!(
        board.references(ReferenceSyntax::ImgTag),
        [
            ("<img>0</img> → cat.png".to_string(), false),
            ("<img>1</img> → no image 1".to_string(), true)
        ]
    );
}

#[test]
fn a_reference_is_written_over_the_selection_counted_in_utf16() {
    let mut board = Board::default();
    board.edit_prompt("A ✨ 🐱 in the snow".into());
    // After "A ✨ 🐱" (the cat is two UTF-16 units), over nothing.
    let caret = board.insert_reference(1, Some((6, 6)), ReferenceSyntax::ImgTag);
    assert_eq!(board.prompt(), "A ✨ 🐱<img>1</img> in the snow");
    assert_eq!(caret, 6 + 12);
    // Over a selection; and at the end when there is no cursor.
    board.insert_reference(0, Some((0, 1)), ReferenceSyntax::ImgTag);
    assert!(board.prompt().starts_with("<img>0</img> ✨"));
    board.insert_reference(2, None, ReferenceSyntax::ImgTag);
    assert!(board.prompt().ends_with("snow<img>2</img>"));
}

#[test]
fn reve_2_1_writes_frames_and_a_switch_of_model_rewrites_the_prompt() {
    let mut board = three_and_a_prompt();
    board.edit_prompt("A ".into());
    let caret = board.insert_reference(7, None, ReferenceSyntax::FrameTag);
    assert_eq!(board.prompt(), "A <frame>7</frame>");
    assert_eq!(caret, 18);
    board.edit_prompt("<img>0</img> with <frame>2</frame> and <img>1</img>".into());
    assert_eq!(
        board.references(ReferenceSyntax::FrameTag)[1],
        ("<frame>2</frame> → c.webp".to_string(), false)
    );
    assert!(board.use_syntax(ReferenceSyntax::FrameTag));
    assert_eq!(
        board.prompt(),
        "<frame>0</frame> with <frame>2</frame> and <frame>1</frame>"
    );
    assert!(
        !board.use_syntax(ReferenceSyntax::FrameTag),
        "nothing left to rewrite"
    );
    // A removed image's flag survives the rewrite.
    board.remove(1);
    assert!(board.use_syntax(ReferenceSyntax::ImgTag));
    assert_eq!(
        board.prompt(),
        "<img>0</img> with <img>1</img> and <img>1</img>"
    );
    assert!(board.orphan_warning().is_some());
}

#[test]
fn previews_are_made_for_files_and_are_the_url_itself_for_urls() {
    let mut board = Board::new(|bytes, mime| ImageUrl::new(format!("{mime}:{}", bytes.len())));
    board.add_bytes("a.png", PNG.to_vec(), &reve());
    board.add_url("https://example.com/b.png", &reve());
    assert_eq!(
        board.images()[0].preview.as_str(),
        format!("image/png:{}", PNG.len())
    );
    assert_eq!(
        board.images()[1].preview.as_str(),
        "https://example.com/b.png"
    );
    board.clear();
    assert!(board.images().is_empty() && board.prompt().is_empty());
}

#[test]
fn a_header_read_once_is_judged_by_the_provider_of_the_add() {
    // Read as a split page reads it (before it knows where it goes), then
    // added for Reve: over its 1.5 MB, so offered to shrink like add_bytes.
    let mut big = PNG.to_vec();
    big.resize(1_600_000, 0);
    let read = ReadFile::new("big.png".into(), big);
    assert!(read.header.is_ok(), "a PNG, whatever its size");
    let mut board = Board::default();
    assert!(!board.add_read(read, &reve()));
    assert!(
        board.rejected()[0].original.is_some(),
        "Shrink and add offered"
    );
    assert!(board.rejected()[0].reason.contains("1.5 MB"));
    // Not an image: its reason is the core's, as add_bytes lists it.
    let mut by_bytes = Board::default();
    by_bytes.add_bytes("notes.gif", GIF.to_vec(), &reve());
    board.add_read(ReadFile::new("notes.gif".into(), GIF.to_vec()), &reve());
    assert_eq!(board.rejected()[1].reason, by_bytes.rejected()[0].reason);
}
