//! The tools setup installs from npm, each at an exact version into the
//! tools dir, and the npm packages of the folders that have a lock file.

use std::path::Path;

use crate::util::{Result, cmd, exec, output, root, tools_dir};

use super::{BINARYEN_VERSION, TYPESCRIPT_VERSION};

fn need_npm() -> Result {
    if output(cmd("npm").arg("--version")).is_none() {
        return Err("npm is not installed: install Node.js 20 or newer with npm, then run `cargo xtask setup` again".into());
    }
    Ok(())
}

/// A command from an npm package, installed into the tools dir at an exact
/// version and run through a `node …` wrapper in the tools dir's `bin/`
/// (which `util::tool_path` puts first on PATH).
struct NpmTool {
    package: &'static str,
    version: &'static str,
    /// The command's script inside the package.
    script: &'static str,
    /// The wrapper's name: what trunk and the test steps call.
    command: &'static str,
    /// Why this one, for the wrapper's comment.
    why: &'static str,
}

pub(super) fn wasm_opt() -> Result {
    npm_tool(&NpmTool {
        package: "binaryen",
        version: BINARYEN_VERSION,
        script: "bin/wasm-opt",
        command: "wasm-opt",
        why: "Debian's binaryen breaks Rust's wasm",
    })
}

pub(super) fn esbuild() -> Result {
    let node_modules = tools_dir().join("node_modules");
    let have = crate::util::installed_npm_version(&node_modules, "esbuild");
    if have.as_deref() == Some(crate::minify::ESBUILD_VERSION) && crate::minify::esbuild().is_file()
    {
        crate::say!(
            "    esbuild {} already installed",
            crate::minify::ESBUILD_VERSION
        );
        return Ok(());
    }
    need_npm()?;
    exec(
        cmd("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools_dir())
            .arg(format!("esbuild@{}", crate::minify::ESBUILD_VERSION)),
    )?;
    // The binary comes in its platform package (npm here may not run
    // install scripts, which is fine: it is called directly).
    let bin = crate::minify::esbuild();
    if bin.is_file() {
        Ok(())
    } else {
        Err(format!("{} is missing after npm install", bin.display()))
    }
}

pub(super) fn typescript() -> Result {
    npm_tool(&NpmTool {
        package: "typescript",
        version: TYPESCRIPT_VERSION,
        script: "bin/tsc",
        command: "tsc",
        why: "tsc --noEmit --strict checks the package's .d.ts",
    })
}

fn npm_tool(tool: &NpmTool) -> Result {
    let tools = tools_dir();
    let node_modules = tools.join("node_modules");
    let wrapper = tools.join("bin").join(tool.command);
    let script = format!(
        "#!/bin/sh\n# {} {} from npm ({})\nexec node \"{}\" \"$@\"\n",
        tool.package,
        tool.version,
        tool.why,
        node_modules.join(tool.package).join(tool.script).display()
    );
    let have = crate::util::installed_npm_version(&node_modules, tool.package);
    if have.as_deref() == Some(tool.version)
        && std::fs::read_to_string(&wrapper).ok().as_deref() == Some(script.as_str())
    {
        crate::say!(
            "    {} {} already installed in {}",
            tool.package,
            tool.version,
            tools.display()
        );
        return Ok(());
    }
    need_npm()?;
    std::fs::create_dir_all(tools.join("bin"))
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    if have.as_deref() != Some(tool.version) {
        exec(
            cmd("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&tools)
                .arg(format!("{}@{}", tool.package, tool.version)),
        )?;
    }
    std::fs::write(&wrapper, script)
        .map_err(|e| format!("cannot write {}: {e}", wrapper.display()))?;
    make_executable(&wrapper)?;
    let major = tool.version.split('.').next().unwrap_or(tool.version);
    match output(cmd(tool.command).arg("--version")) {
        Some(v) if v.contains(major) => {
            crate::say!("    {v}");
            Ok(())
        }
        Some(v) => Err(format!(
            "`{} --version` says `{v}` after installing {} {}",
            tool.command, tool.package, tool.version
        )),
        None => Err(format!(
            "{} does not run after installing {} {}",
            tool.command, tool.package, tool.version
        )),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot make {} executable: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result {
    Ok(())
}

/// `npm ci` in `dir`, unless its node_modules holds what its lock file names.
pub fn npm_packages(dir: &Path) -> Result {
    let shown = dir.strip_prefix(root()).unwrap_or(dir).display();
    let lock = std::fs::read_to_string(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read {shown}/package-lock.json: {e}"))?;
    // npm writes node_modules/.package-lock.json on install; when it names the
    // same versions as the lock file, nothing changed since.
    let installed =
        std::fs::read_to_string(dir.join("node_modules/.package-lock.json")).unwrap_or_default();
    let wanted = lock_packages(&lock);
    if !wanted.is_empty() && wanted == lock_packages(&installed) {
        // Name only what package.json asks for; the rest come with those.
        let manifest = std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
        let direct: Vec<&str> = wanted
            .iter()
            .filter(|p| {
                let name = &p[..p.rfind('@').unwrap_or(p.len())];
                manifest.contains(&format!("\"{name}\":"))
            })
            .map(String::as_str)
            .collect();
        crate::say!(
            "    already installed ({} packages: {})",
            wanted.len(),
            direct.join(", ")
        );
        return Ok(());
    }
    need_npm()?;
    exec(
        cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
}

/// `name@version` of every package a package-lock.json names, but those
/// for a given OS or CPU only (esbuild's binaries: the lock file names one
/// per platform, npm installs this machine's alone), which would otherwise
/// make every run reinstall.
fn lock_packages(lock: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = lock;
    while let Some(i) = rest.find("\"node_modules/") {
        rest = &rest[i + 14..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        let Some(v) = rest.find("\"version\": \"") else {
            break;
        };
        let vs = &rest[v + 12..];
        let version = &vs[..vs.find('"').unwrap_or(0)];
        // This entry's fields: up to the next entry.
        let entry = &rest[..rest.find("\"node_modules/").unwrap_or(rest.len())];
        if !entry.contains("\"os\": [") && !entry.contains("\"cpu\": [") {
            out.push(format!("{name}@{version}"));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_packages_reads_names_and_versions() {
        let lock = r#"{"packages": {"": {"name": "x"}, "node_modules/playwright-core": {"version": "1.65.1", "dev": true}}}"#;
        assert_eq!(
            lock_packages(lock),
            vec!["playwright-core@1.65.1".to_string()]
        );
    }

    #[test]
    fn lock_packages_leaves_out_what_is_for_one_platform_only() {
        let lock = r#"{"packages": {
            "node_modules/@esbuild/darwin-arm64": {"version": "0.28.2", "cpu": ["arm64"], "optional": true, "os": ["darwin"]},
            "node_modules/esbuild": {"version": "0.28.2", "optionalDependencies": {"@esbuild/darwin-arm64": "0.28.2"}},
            "node_modules/bufferutil": {"version": "4.0.9", "optional": true}
        }}"#;
        assert_eq!(
            lock_packages(lock),
            vec!["bufferutil@4.0.9".to_string(), "esbuild@0.28.2".to_string()]
        );
    }
}
