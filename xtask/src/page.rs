//! The release site's page and stylesheet, written by the xtask from the
//! same `index.html` that `trunk serve` reads for `serve --dev`: its
//! `<link data-trunk …>` lines give way to the stylesheet (minified by
//! esbuild, named by its hash) and the app's parts (the glue, a preload of
//! its wasm, wasm-split's loader) with their Subresource Integrity hashes,
//! and one inline module that starts the app. trunk is then only `serve
//! --dev`'s tool: a release build, a first `serve` and the tests do not
//! wait for it to compile.

use std::path::Path;

use crate::minify::integrity;
use crate::util::{Result, cmd, exec, read, read_text, root, write};

/// The page template, at the repository's root (trunk's `target`).
const TEMPLATE: &str = "index.html";
const TRUNK_LINK: &str = "<link data-trunk ";

/// A file of `dist/` the page names, with its integrity hash.
struct Named {
    name: String,
    integrity: String,
}

impl Named {
    fn of(dist: &Path, name: &str) -> Result<Self> {
        Ok(Self {
            name: name.to_string(),
            integrity: integrity(&read(&dist.join(name))?),
        })
    }
}

/// The app's files in `dist/` that its page loads before it is usable.
pub struct AppFiles {
    /// wasm-bindgen's glue, which the page imports.
    pub glue: String,
    /// The first screen's wasm, which the glue fetches.
    pub wasm: String,
    /// wasm-split's loader, which the glue imports.
    pub loader: String,
}

/// `dist/index.html` and the stylesheet beside it, for the app's `files`
/// already in `dist`.
pub fn write_page(dist: &Path, files: &AppFiles) -> Result {
    let template = read_text(&root().join(TEMPLATE))?;
    let css = stylesheet(dist, &css_href(&template)?)?;
    let html = page(
        &template,
        &css,
        &Named::of(dist, &files.glue)?,
        &Named::of(dist, &files.wasm)?,
        &Named::of(dist, &files.loader)?,
    )?;
    write(&dist.join("index.html"), html)
}

/// The stylesheet the template names (`<link data-trunk rel="css" href=…>`),
/// minified into `dist` as `style-<hash>.css`.
fn stylesheet(dist: &Path, href: &str) -> Result<Named> {
    let out = dist.join("style.css");
    exec(
        cmd(&crate::minify::esbuild().to_string_lossy())
            .arg(root().join(href))
            .args(["--minify", "--log-level=warning"])
            .arg(format!("--outfile={}", out.display())),
    )?;
    let bytes = read(&out)?;
    let name = format!("style-{}.css", crate::site::build_hash(&[&bytes])?);
    std::fs::rename(&out, dist.join(&name))
        .map_err(|e| format!("cannot rename {}: {e}", out.display()))?;
    Ok(Named {
        integrity: integrity(&bytes),
        name,
    })
}

/// The `href` of the template's one trunk CSS link.
fn css_href(template: &str) -> Result<String> {
    let links: Vec<&str> = trunk_links(template)
        .filter(|l| l.contains("rel=\"css\""))
        .collect();
    let [link] = links[..] else {
        return Err(format!(
            "{TEMPLATE} should have one <link data-trunk rel=\"css\">, has {}",
            links.len()
        ));
    };
    attribute(link, "href").ok_or_else(|| format!("{TEMPLATE}: no href in `{link}`"))
}

fn trunk_links(template: &str) -> impl Iterator<Item = &str> {
    template
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(TRUNK_LINK))
}

/// `name="value"` of a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

/// The page: the template, its trunk links replaced and its lines joined
/// (no text spans two of them), with the stylesheet, the preloads and the
/// module that starts the app at the end of its head.
fn page(template: &str, css: &Named, glue: &Named, wasm: &Named, loader: &Named) -> Result<String> {
    for link in trunk_links(template) {
        if !link.contains("rel=\"css\"") && !link.contains("rel=\"rust\"") {
            return Err(format!(
                "{TEMPLATE}: `{link}` is a trunk asset the release page does not build"
            ));
        }
    }
    let head: String = [
        format!(
            "<link rel=stylesheet href=/{} integrity={}>",
            css.name, css.integrity
        ),
        // Fetched at once, side by side: the glue imports the loader, and
        // fetches the wasm, only once it runs.
        format!(
            "<link rel=modulepreload crossorigin href=/{} integrity={}>",
            glue.name, glue.integrity
        ),
        format!(
            "<link rel=preload as=fetch type=application/wasm crossorigin href=/{} integrity={}>",
            wasm.name, wasm.integrity
        ),
        format!(
            "<link rel=modulepreload crossorigin href=/{} integrity={}>",
            loader.name, loader.integrity
        ),
        format!(
            "<script type=module>import init from'/{}';await init({{module_or_path:'/{}'}})</script>",
            glue.name, wasm.name
        ),
    ]
    .concat();
    let body: String = template
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(TRUNK_LINK))
        .collect();
    let Some(at) = body.find("</head>") else {
        return Err(format!("{TEMPLATE} has no </head>"));
    };
    Ok(format!("{}{head}{}", &body[..at], &body[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE_TEXT: &str = "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <title>Reve Remix</title>\n    <link data-trunk rel=\"rust\" href=\"web/Cargo.toml\" data-bin=\"reve-remix-web\" />\n    <link data-trunk rel=\"css\" href=\"web/style.css\" />\n  </head>\n  <body></body>\n</html>\n";

    fn named(name: &str) -> Named {
        Named {
            name: name.into(),
            integrity: format!("sha384-{name}"),
        }
    }

    fn built(template: &str) -> Result<String> {
        page(
            template,
            &named("style-1.css"),
            &named("app-1.js"),
            &named("app-1_bg.wasm"),
            &named("split-1.js"),
        )
    }

    #[test]
    fn the_page_loads_the_stylesheet_and_the_parts_and_keeps_the_rest() {
        let html = built(TEMPLATE_TEXT).expect("builds");
        assert!(!html.contains("data-trunk"), "{html}");
        assert!(html.starts_with("<!doctype html><html lang=\"en\"><head><title>Reve Remix</title><link rel=stylesheet href=/style-1.css integrity=sha384-style-1.css>"), "{html}");
        assert!(html.contains(
            "<link rel=modulepreload crossorigin href=/app-1.js integrity=sha384-app-1.js>"
        ));
        assert!(html.contains("as=fetch type=application/wasm crossorigin href=/app-1_bg.wasm integrity=sha384-app-1_bg.wasm>"));
        assert!(html.contains("href=/split-1.js integrity=sha384-split-1.js>"));
        assert!(
            html.ends_with(
                "await init({module_or_path:'/app-1_bg.wasm'})</script></head><body></body></html>"
            ),
            "{html}"
        );
    }

    #[test]
    fn the_stylesheet_is_the_one_the_template_names() {
        assert_eq!(css_href(TEMPLATE_TEXT).expect("one"), "web/style.css");
        let two = TEMPLATE_TEXT.replace(
            "</head>",
            "<link data-trunk rel=\"css\" href=\"b.css\" />\n</head>",
        );
        assert!(css_href(&two).is_err());
    }

    #[test]
    fn a_trunk_asset_the_page_does_not_build_is_an_error_not_a_silent_drop() {
        let sass = TEMPLATE_TEXT.replace(
            "</head>",
            "<link data-trunk rel=\"copy-dir\" href=\"img\" />\n</head>",
        );
        let err = built(&sass).expect_err("refused");
        assert!(err.contains("copy-dir"), "{err}");
    }

    #[test]
    fn the_committed_template_builds() {
        let template = std::fs::read_to_string(root().join(TEMPLATE)).expect("committed");
        assert_eq!(css_href(&template).expect("one css link"), "web/style.css");
        built(&template).expect("builds");
    }
}
