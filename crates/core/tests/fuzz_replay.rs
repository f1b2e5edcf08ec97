//! The fuzz targets' committed corpora (`fuzz/seeds/<target>/`, and the
//! shared seeds `fuzz/src/shared.rs` names: the image fixtures, the recorded
//! answers), replayed on the stable toolchain through the same checks the
//! targets run (`fuzz/src`, included here by path): every crash once found
//! and fixed keeps its input there, so it stays fixed under `cargo test`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every input of `target`: its committed seeds, if it has any, and its
/// shared ones, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = crate_dir.join("fuzz/seeds").join(target);
    let mut files = checks::shared::shared_seeds(&crate_dir.join("../.."), target);
    if dir.is_dir() {
        files.extend(
            std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.expect("a directory entry").path()),
        );
    }
    files.sort();
    files
}

fn replay(target: &str) {
    let check = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .expect("a known target");
    let files = inputs(target);
    assert!(!files.is_empty(), "{target}: no seeds");
    let started = Instant::now();
    for file in &files {
        let data = std::fs::read(file).expect("a seed file");
        if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
            panic!("{target}: {} fails: {panic:?}", file.display());
        }
    }
    eprintln!(
        "{target}: {} inputs in {:?}",
        files.len(),
        started.elapsed()
    );
}

#[test]
fn every_target_has_a_corpus_and_is_replayed() {
    for (name, _) in checks::TARGETS {
        assert!(!inputs(name).is_empty(), "no seeds for {name}");
    }
}

#[test]
fn inspect_corpus() {
    replay("inspect");
}

#[test]
fn prompt_corpus() {
    replay("prompt");
}

#[test]
fn json_corpus() {
    replay("json");
}

#[test]
fn provider_corpus() {
    replay("provider");
}

#[test]
fn stream_corpus() {
    replay("stream");
}

#[test]
fn driver_corpus() {
    replay("driver");
}

#[test]
fn job_corpus() {
    replay("job");
}

#[test]
fn job_roundtrip_corpus() {
    replay("job_roundtrip");
}
