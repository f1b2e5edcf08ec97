//! The end-to-end harness (`tests/`, package `reve-remix-e2e`): its
//! binaries start the built site, the mock and the release proxy, then run
//! the Node suites against them.

use std::process::Command;

use crate::proxy;
use crate::util::cmd;

/// `cargo run` of the harness's binary `bin`, driving the release proxy.
/// `release`: the harness (and the mock inside it) built optimized, for
/// timings: a debug mock spends hundreds of milliseconds rendering each
/// result, and a bench would time that instead of the client.
pub fn run(bin: &str, release: bool) -> Command {
    let cargo = crate::util::cargo();
    let mut c = cmd(&cargo);
    c.args(["run", "--quiet"]);
    if release {
        c.arg("--release");
    }
    c.args(["--package", "reve-remix-e2e", "--bin", bin])
        .env("REVE_REMIX_PROXY_BIN", proxy::binary());
    c
}
