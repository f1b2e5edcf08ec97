//! The fuzz targets' committed corpora (`fuzz/seeds/<target>/`), replayed
//! on the stable toolchain through the same checks the targets run
//! (`fuzz/src`, included here by path): every crash once found and fixed
//! keeps its input there, so it stays fixed under `cargo test`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::path::Path;
use std::time::Instant;

fn replay(target: &str) {
    let check = checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .expect("a known target");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no seeds", dir.display());
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (name, _) in checks::TARGETS {
        assert!(dir.join(name).is_dir(), "no seeds for {name}");
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
