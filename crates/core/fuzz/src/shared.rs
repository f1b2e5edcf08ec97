//! Seeds the fuzz targets take from files the tests already keep instead
//! of from committed copies under `fuzz/seeds/`: the image fixtures and the
//! recorded provider answers. Read by the stable replay
//! (`crates/core/tests/fuzz_replay.rs`) and by `cargo xtask fuzz`, which
//! copies them into the target's corpus; both include this file by path.

use std::path::{Path, PathBuf};

/// `(target, folder under the repository's root, file-name suffix)`.
pub const SHARED_SEEDS: [(&str, &str, &str); 2] = [
    ("inspect", "fixtures/images", ""),
    ("json", "crates/core/tests/recorded", ".json"),
];

/// The shared seed files of `target`, `root` being the repository's root,
/// sorted; none for a target without a row above.
pub fn shared_seeds(root: &Path, target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (_, folder, suffix) in SHARED_SEEDS.iter().filter(|(t, _, _)| *t == target) {
        let dir = root.join(folder);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path());
        files.extend(entries.filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
        }));
    }
    files.sort();
    files
}
