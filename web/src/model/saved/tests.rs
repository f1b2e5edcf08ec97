//! What a reload reads back: each record round-trips, and text an older
//! version (or a hand) wrote, or garbage, reads without a panic.

use std::sync::Arc;

use super::*;
use crate::model::models::{default_model, pairs};

const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");

/// Text that is not what a record holds: none of it may panic.
const GARBAGE: &[&str] = &[
    "",
    "null",
    "42",
    "\"text\"",
    "[]",
    "[1,2]",
    "{",
    "{\"provider\":",
    "sk-bare-key-of-an-older-version",
    "{\"a\":1,}",
    "\u{0}\u{ffff}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

fn sells_several() -> (&'static str, ModelId) {
    *pairs()
        .iter()
        .find(|(p, m)| default_model(info_for(p)) != *m)
        .expect("some provider sells more than one model")
}

#[test]
fn settings_round_trip() {
    let (p, m) = sells_several();
    let kept = StoredSettings {
        provider: p.to_string(),
        mock: true,
        base_url: "https://eu.example.com/\"reve\"".into(),
        proxy_url: "http://127.0.0.1:8788".into(),
        options: Options {
            aspect_ratio: "16:9".into(),
            version: "latest".into(),
            test_time_scaling: "3".into(),
            upscale_factor: "2".into(),
            remove_background: true,
            output_format: "webp".into(),
        },
        models: vec![[p.to_string(), m.as_str().to_string()]],
        compare: vec![format!("{p} {m}"), "reve".into()],
    };
    assert_eq!(StoredSettings::read(&kept.to_text()), Some(kept.clone()));
    assert_eq!(kept.models(), vec![(p.to_string(), m)]);
    let compare = kept.compare().expect("two ticks");
    assert!(compare.is_ticked(p, m));
    assert!(compare.is_ticked("reve", info_for("reve").model.id));
}

#[test]
fn settings_an_earlier_version_kept_as_json_come_back() {
    let (p, m) = sells_several();
    let text = format!(
        "{{\"provider\":\"{p}\",\"mock\":true,\"base_url\":\"https://eu.example.com/\\\"reve\\\"\",\
         \"proxy_url\":\"\",\"options\":{{\"aspect_ratio\":\"16:9\",\"version\":\"\",\
         \"test_time_scaling\":\"3\",\"upscale_factor\":\"\",\"remove_background\":true,\
         \"output_format\":\"webp\"}},\"models\":[[\"{p}\",\"{m}\"]],\"compare\":[\"reve\"]}}"
    );
    let kept = StoredSettings::read_json(&text).expect("an object");
    assert_eq!(kept.provider, p);
    assert!(kept.mock);
    assert_eq!(kept.base_url, "https://eu.example.com/\"reve\"");
    assert_eq!(kept.options.aspect_ratio, "16:9");
    assert!(kept.options.remove_background);
    assert_eq!(kept.models(), vec![(p.to_string(), m)]);
    assert_eq!(kept.compare, vec!["reve".to_string()]);
    // This version reads only its own lines: the JSON is read once more
    // (from the views' chunk), then kept as lines.
    assert_eq!(StoredSettings::read(&text), None);
    assert_eq!(StoredSettings::read_json(&kept.to_text()), None);
    assert_eq!(StoredSettings::read(&kept.to_text()), Some(kept));
}

#[test]
fn settings_of_the_page_are_what_is_kept() {
    let (p, m) = sells_several();
    let mut settings = Settings {
        provider: p.to_string(),
        ..Settings::default()
    };
    settings.set_model(m);
    settings.connection.set_key(p, "sk-never-kept".into());
    let kept = StoredSettings::of(&settings, &Compare::of(&[(p, m)]));
    assert_eq!(kept.provider, p);
    assert_eq!(kept.models, vec![[p.to_string(), m.as_str().to_string()]]);
    assert_eq!(kept.compare, vec![format!("{p} {m}")]);
    assert!(!kept.to_text().contains("sk-never-kept"));
}

/// Settings another version kept, read: fal, no mock, background removed,
/// two models this version does not sell, and ticks of which only fal's is
/// known.
fn keeps_what_this_version_knows(kept: &StoredSettings) {
    assert_eq!((kept.provider.as_str(), kept.mock), ("fal", false));
    assert!(kept.options.remove_background);
    assert_eq!(kept.models.len(), 2);
    assert_eq!(kept.models(), Vec::new());
    // Unknown providers are not ticked; an unknown model is the default's tick.
    let compare = kept.compare().expect("ticks were kept");
    assert_eq!(compare.ticked(), &[("fal", default_model(info_for("fal")))]);
}

#[test]
fn settings_of_another_version_keep_what_this_one_knows() {
    let text = r#"{"provider":"fal","mock":"yes","options":{"aspect_ratio":7,
        "remove_background":true},"models":[["fal","no-such-model"],["nobody","reve-2.1"],
        ["fal"],"fal",[1,2]],"compare":["nobody", 3, "fal no-such-model"],"extra":{}}"#;
    let kept = StoredSettings::read_json(text).expect("an object");
    keeps_what_this_version_knows(&kept);
    assert_eq!(kept.options.aspect_ratio, "");
    // The same in lines, with a name a later version added and a model
    // without its provider.
    let lines = "reve-remix/2\nprovider=fal\nmock=\nremove_background=1\nlater=x\n\
                 model=fal no-such-model\nmodel=nobody reve-2.1\nmodel=fal\ncompare=nobody\n\
                 compare=fal no-such-model";
    keeps_what_this_version_knows(&StoredSettings::read(lines).expect("our lines"));
    assert_eq!(StoredSettings::default().compare(), None);
    for (empty, read) in [
        (
            "{}",
            StoredSettings::read_json as fn(&str) -> Option<StoredSettings>,
        ),
        ("reve-remix/2", StoredSettings::read),
    ] {
        assert_eq!(read(empty), Some(StoredSettings::default()));
        for text in GARBAGE {
            assert_eq!(read(text), None, "{text:?}");
        }
    }
}

#[test]
fn a_pending_run_round_trips_and_needs_its_job() {
    let run = PendingRun {
        started_ms: 1_767_225_600_123,
        job: r#"{"provider":"fal","id":"j-1"}"#.into(),
        prompt: "a cat, <img>0</img>\n\"quoted\"".into(),
    };
    assert_eq!(PendingRun::read(&run.to_json()), Some(run));
    assert_eq!(
        PendingRun::read(r#"{"started_ms":12.7,"job":"x"}"#),
        Some(PendingRun {
            started_ms: 12,
            job: "x".into(),
            prompt: String::new(),
        })
    );
    assert_eq!(PendingRun::read(r#"{"started_ms":1}"#), None);
    assert_eq!(PendingRun::read(r#"{"job":"x"}"#), None);
    assert_eq!(PendingRun::read(r#"{"started_ms":"1","job":"x"}"#), None);
    for text in GARBAGE {
        assert_eq!(PendingRun::read(text), None, "{text:?}");
    }
}

#[test]
fn keys_round_trip_and_an_older_bare_key_is_not_read() {
    let keys = vec![
        ("fal".to_string(), "key-1=".to_string()),
        ("reve".to_string(), "pa\"ss\\word\u{e9}\n".to_string()),
    ];
    assert_eq!(keys_from(&keys_text(&keys)), Some(keys));
    assert_eq!(keys_from(&keys_text(&[])), None);
    assert_eq!(keys_from("reve-remix/2\nfal=\nreve="), None);
    assert_eq!(
        keys_from("reve-remix/2\nfal=a\nreve=b\nfal=c"),
        Some(vec![
            ("reve".to_string(), "b".to_string()),
            ("fal".to_string(), "c".to_string())
        ])
    );
    for text in GARBAGE {
        assert_eq!(keys_from(text), None, "{text:?}");
    }
}

#[test]
fn keys_an_earlier_version_kept_as_json_come_back() {
    assert_eq!(
        keys_from_json(r#"{"fal":"key-1","reve":"pa\"ss"}"#),
        Some(vec![
            ("fal".to_string(), "key-1".to_string()),
            ("reve".to_string(), "pa\"ss".to_string())
        ])
    );
    assert_eq!(keys_from_json("{}"), None);
    assert_eq!(keys_from_json(r#"{"fal":"","reve":3}"#), None);
    assert_eq!(
        keys_from_json(r#"{"fal":"a","reve":"b","fal":"c"}"#),
        Some(vec![
            ("reve".to_string(), "b".to_string()),
            ("fal".to_string(), "c".to_string())
        ])
    );
    assert_eq!(keys_from(r#"{"fal":"key-1"}"#), None);
    for text in GARBAGE {
        assert_eq!(keys_from_json(text), None, "{text:?}");
    }
}

fn accepts() -> Accepts {
    Accepts::new(info_for("fal"), None)
}

#[test]
fn a_board_comes_back_in_order_with_what_it_was_shrunk_from() {
    let mut board = Board::default();
    assert!(board.add_bytes("a.png", PNG.to_vec(), &accepts()));
    board.last_shrunk_from(2_000_000);
    assert!(board.add_url("https://example.com/b.jpg?x=1", &accepts()));
    assert!(board.add_bytes("c.png", PNG.to_vec(), &accepts()));
    let kept = SavedImage::of(&board);
    assert_eq!(kept.len(), 3);
    assert_eq!(kept[0].shrunk_from, Some(2_000_000));
    let mut back = Board::default();
    SavedImage::restore(kept.clone(), &mut back, &accepts());
    assert_eq!(SavedImage::of(&back), kept);
}

#[test]
fn a_kept_tile_that_is_no_image_is_dropped_without_an_alert() {
    let kept = vec![
        SavedImage {
            name: "x.png".into(),
            source: Source::Bytes(Arc::from(&b"not an image"[..])),
            shrunk_from: Some(9),
        },
        SavedImage {
            name: "y".into(),
            source: Source::Url("javascript:alert(1)".into()),
            shrunk_from: None,
        },
        SavedImage {
            name: "z.png".into(),
            source: Source::Bytes(Arc::from(PNG)),
            shrunk_from: Some(0),
        },
    ];
    let mut board = Board::default();
    SavedImage::restore(kept, &mut board, &accepts());
    assert_eq!(board.images().len(), 1);
    assert_eq!(board.images()[0].shrunk_from, None);
    assert!(board.rejected().is_empty());
}

fn finished(bytes: Option<&[u8]>, src: &str) -> Finished {
    Finished {
        src: ImageUrl::new(src),
        bytes: bytes.map(Arc::from),
        file_name: "reve-remix-fal-20250101-120304.png".into(),
        prompt: "a cat".into(),
        provider: info_for("fal").name,
        elapsed_ms: 2100.0,
        credits: Some(0.25),
        job_id: Some("j-1".into()),
    }
}

fn shown(_: &[u8], mime: &str) -> ImageUrl {
    ImageUrl::new(format!("blob:{mime}"))
}

#[test]
fn a_result_comes_back_from_its_bytes_or_its_url() {
    let with_bytes = finished(Some(PNG), "blob:gone");
    let back = SavedResult::of(&with_bytes).finished(shown).expect("bytes");
    assert_eq!(back.src.as_str(), "blob:image/png");
    assert_eq!(
        Finished {
            src: with_bytes.src.clone(),
            ..back
        },
        with_bytes
    );
    let with_url = finished(None, "https://cdn.example.com/out.png");
    assert_eq!(
        SavedResult::of(&with_url).finished(shown),
        Some(with_url.clone())
    );
    assert_eq!(run_of(&with_url).map(|r| r.phase), Some(Phase::Completed));
}

#[test]
fn a_result_with_nothing_to_show_or_an_unknown_provider_reads_safely() {
    // An object URL died with its page; no URL at all; no preview made.
    assert_eq!(
        SavedResult::of(&finished(None, "blob:http://x/1")).finished(shown),
        None
    );
    assert_eq!(SavedResult::of(&finished(None, "")).finished(shown), None);
    let none = |_: &[u8], _: &str| ImageUrl::default();
    assert_eq!(
        SavedResult::of(&finished(Some(PNG), "")).finished(none),
        None
    );
    let mut odd = SavedResult::of(&finished(Some(b"??"), ""));
    odd.provider = "Someone else".into();
    odd.elapsed_ms = f64::NAN;
    odd.credits = Some(f64::INFINITY);
    let back = odd.finished(shown).expect("bytes");
    assert_eq!(back.src.as_str(), "blob:image/png");
    assert_eq!(
        (back.provider, back.elapsed_ms, back.credits),
        ("", 0.0, None)
    );
    assert!(run_of(&back).is_none());
}

#[test]
fn a_week_old_session_of_another_tab_is_stale() {
    let now = 1_767_225_600_000.0;
    let mine = session_id(now, 42);
    assert_eq!(mine, "1767225600000-42");
    assert!(!is_stale(
        &format!("{mine}.images"),
        &mine,
        now + 2.0 * STALE_MS
    ));
    let day_old = session_id(now - 86_400_000.0, 7);
    assert!(!is_stale(&format!("{day_old}.result"), &mine, now));
    let old = session_id(now - STALE_MS - 1.0, 7);
    assert!(is_stale(&format!("{old}.lane.fal.reve-2.1"), &mine, now));
    assert!(is_stale("hand-written", &mine, now));
    assert!(is_stale("", &mine, now));
}
