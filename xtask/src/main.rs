//! `cargo xtask <command>`: the project's own build tool, so that a new
//! machine needs nothing but Rust and Node to build, test and serve.

mod app_split;
mod bench;
mod csp;
mod dead_shims;
mod edge;
mod fuzz;
// The fuzz targets' seeds kept elsewhere in the repository (fixtures/images,
// the recorded answers): the one table the stable replay reads too.
#[path = "../../crates/core/fuzz/src/shared.rs"]
mod fuzz_shared;
mod harness;
mod minify;
mod mock;
mod package;
mod page;
mod precompress;
mod proxy;
mod release_wasm;
mod serve;
mod setup;
mod short_imports;
mod site;
mod size;
mod table;
mod test;
mod unused_classes;
mod util;
mod wasm_profile;
mod wasm_read;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  setup     install what is missing: wasm target, wasm-bindgen, wasm-opt, esbuild,
            wasm-split, nightly's rust-src, Chromium + chromedriver, the browser
            tests' npm packages (--site: what build, package and serve need;
            --dev: that and trunk, which serve --dev runs)
  serve     the app (release build) on http://127.0.0.1:8080, the mock provider on
            :8787 and the proxy in front of it on :8788 (--dev: debug build with reload)
  proxy     the proxy that adds the keys (reve-remix-proxy, release): see --help;
            --edge: its Cloudflare Worker build under workerd, with the same options
  test      every check CI runs, stopping at the first failure
  build     the static site in dist/ (release)
  package   the npm package in target/pkg/
  bench     sizes and timings, with their goals and the peers' figures beside ours;
            `bench sizes` (what is built), `bench proxy`, `bench load` (first load
            beside an Uppy dashboard page over emulated links) run one part alone
  fuzz      every cargo-fuzz target for --seconds N (default 60) or --runs N each, on nightly;
            installs cargo-fuzz if missing; prints executions and coverage";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "setup" => setup::command(rest),
        "serve" => serve::run(rest),
        "test" => test::run(rest),
        "build" => setup::site().and_then(|()| site::build()),
        "package" => setup::site().and_then(|()| package::run()),
        "bench" => bench::run(rest),
        "proxy" => proxy::run(rest),
        "fuzz" => fuzz::run(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {command}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
