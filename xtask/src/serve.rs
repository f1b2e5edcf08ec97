//! `cargo xtask serve`: the mock provider on 127.0.0.1:8787 and `trunk serve`
//! on 127.0.0.1:8080; Ctrl-C stops both.

use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::util::{Result, cmd, exec, root, step};
use crate::{package, setup, site};

pub const MOCK_ADDR: &str = "127.0.0.1:8787";
pub const SITE_URL: &str = "http://127.0.0.1:8080/";

pub fn run(args: &[String]) -> Result {
    let mut job_seconds = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--job-seconds" => {
                job_seconds = Some(it.next().ok_or("--job-seconds needs a value")?.clone())
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (serve takes --job-seconds N)"
                ));
            }
        }
    }
    setup::run()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    step("build the mock provider", || {
        exec(cmd(&cargo).args(["build", "--package", "reve-remix-mock"]))
    })?;
    // The examples import the package (copied next to them into dist/).
    package::run()?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot catch Ctrl-C: {e}"))?;

    let mut mock_cmd = cmd(&root()
        .join("target/debug/reve-remix-mock")
        .to_string_lossy());
    mock_cmd.args(["--addr", MOCK_ADDR]);
    if let Some(secs) = &job_seconds {
        mock_cmd.args(["--job-seconds", secs]);
    }
    let mock = mock_cmd
        .spawn()
        .map_err(|e| format!("cannot start the mock: {e}"))?;
    let trunk = match cmd("trunk").args(["serve", "--offline"]).spawn() {
        Ok(t) => t,
        Err(e) => {
            stop_all(&mut [mock]);
            return Err(format!("cannot start trunk: {e}"));
        }
    };
    let mut children = [mock, trunk];
    println!("\n  mock provider: http://{MOCK_ADDR}/");
    println!("  the app:       {SITE_URL}   (trunk is building it; Ctrl-C stops both)");
    println!("  the examples:  {SITE_URL}examples/  (the JS package by hand)");
    println!("  the widget:    {SITE_URL}examples/embed.html\n");
    let dist = root().join("dist");

    let result = loop {
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
        if let Some((name, status)) = exited(&mut children) {
            break Err(format!("{name} stopped ({status}); stopping the other"));
        }
        // trunk replaces dist/ on every rebuild: put the widget and the examples back.
        if dist.join("index.html").is_file()
            && site::extras_stale(&dist)
            && let Err(e) = site::add_extras(&dist)
        {
            eprintln!("  cannot add the widget and the examples: {e}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    stop_all(&mut children);
    result
}

fn exited(children: &mut [Child; 2]) -> Option<(&'static str, String)> {
    for (i, name) in ["the mock provider", "trunk serve"].into_iter().enumerate() {
        if let Ok(Some(status)) = children[i].try_wait() {
            return Some((name, status.to_string()));
        }
    }
    None
}

fn stop_all(children: &mut [Child]) {
    for child in children.iter_mut() {
        let _ = child.kill();
    }
    for child in children.iter_mut() {
        let _ = child.wait();
    }
}
