//! The checks behind every fuzz target, kept apart from libFuzzer so that a
//! stable-toolchain test (`crates/core/tests/fuzz_replay.rs`, which includes
//! this file by path) replays the committed corpora through the very same
//! code: a crash fixed once stays fixed. Each `fuzz_targets/*.rs` is one
//! line calling one function here with the raw input bytes.
//!
//! Every function panics (an assertion) when the property fails, and only
//! then. Inputs are read with [`arbitrary::Unstructured`] or, where a seed
//! from `tests/recorded` should stay readable, a fixed byte layout
//! described on the function.

pub mod driver;
pub mod image;
pub mod job;
pub mod json;
pub mod prompt;
pub mod provider;
pub mod shared;

use reve_remix_core::id::ProviderId;

/// The key every check runs with: no error message may ever show it.
pub const KEY: &str = "sk-fuzz-SECRET-0123456789";

/// Every provider id, in the table's order (an input byte picks one): the
/// core's own table, so a provider added there is fuzzed without a change here.
pub fn ids() -> Vec<ProviderId> {
    reve_remix_core::provider::providers()
        .iter()
        .map(|p| p.id)
        .collect()
}

/// A check: panics when its property fails on the input.
pub type Check = fn(&[u8]);

/// Every target's name and check, for the replay test (the fuzz targets
/// of the same names call the same functions).
pub const TARGETS: [(&str, Check); 8] = [
    ("inspect", image::inspect),
    ("prompt", prompt::prompt),
    ("json", json::json),
    ("provider", provider::response),
    ("stream", provider::stream),
    ("driver", driver::driver),
    ("job", job::job),
    ("job_roundtrip", job::roundtrip),
];
