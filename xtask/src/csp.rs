//! The site's Content-Security-Policy, written into `dist/index.html` as a
//! `<meta>` once the page is built (a static host then needs no header of
//! its own). Scripts: the site's own files, WebAssembly compilation, and the
//! page's inline loader by its SHA-256 (its text names the hashed file names, so
//! the hash is only known after the build). No other inline or foreign
//! script runs: a provider's string that slipped into the page could not.

use std::path::Path;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::util::{Result, read_text, write};

/// What the policy allows besides scripts. Images and fetches go to the
/// providers (any `https:` host, and the mock and a proxy on loopback over
/// plain HTTP in development); `data:` and `blob:` are the app's own
/// previews and results.
const REST: &str = "default-src 'self'; \
style-src 'self'; \
img-src 'self' data: blob: https: http://127.0.0.1:* http://localhost:*; \
connect-src 'self' data: blob: https: http://127.0.0.1:* http://localhost:*; \
object-src 'none'; base-uri 'none'; form-action 'none'";

const META_START: &str = "<meta http-equiv=\"Content-Security-Policy\"";

/// Write the policy into the built page at `index` (again after each
/// rebuild: an earlier policy is replaced, not repeated).
pub fn apply(index: &Path) -> Result {
    let html = read_text(index)?;
    let html = with_policy(&html)?;
    write(index, html)
}

/// `html` with one policy `<meta>` first in its `<head>`, allowing its
/// inline scripts by hash.
pub fn with_policy(html: &str) -> Result<String> {
    let html = without_policy(html);
    let hashes: Vec<String> = inline_scripts(&html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let policy = format!(
        "script-src 'self' 'wasm-unsafe-eval' {}; {REST}",
        hashes.join(" ")
    );
    let head = head_start(&html).ok_or("the built index.html has no <head> and no <html>")?;
    // Before anything that loads: a policy in a <meta> only governs what
    // the parser meets after it.
    Ok(format!(
        "{}\n    {META_START} content=\"{policy}\" />{}",
        &html[..head],
        &html[head..]
    ))
}

/// Where the head's content begins: after `<head>`, or, in a minified page
/// that leaves the optional tag out, after the `<html …>` start tag (a
/// `<meta>` there opens the head).
fn head_start(html: &str) -> Option<usize> {
    if let Some(at) = html.find("<head>") {
        return Some(at + "<head>".len());
    }
    let at = html.find("<html")?;
    Some(at + html[at..].find('>')? + 1)
}

fn without_policy(html: &str) -> String {
    let Some(start) = html.find(META_START) else {
        return html.to_string();
    };
    let end = html[start..]
        .find("/>")
        .map_or(html.len(), |e| start + e + 2);
    // The newline and indent written before it go too.
    let start = html[..start].trim_end_matches([' ', '\n']).len();
    format!("{}{}", &html[..start], &html[end..])
}

/// The text of each `<script>` that has no `src`, exactly as the browser
/// hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(|(at, _)| {
        let open_end = at + html[at..].find('>')?;
        let tag = &html[at..open_end];
        if tag.contains(" src=") {
            return None;
        }
        let body = open_end + 1;
        let close = body + html[body..].find("</script>")?;
        Some(&html[body..close])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head>\n<script type=\"module\">\nimport init from '/a.js';\n</script>\n<script src=\"/b.js\"></script></head></html>";

    #[test]
    fn the_inline_loader_is_allowed_by_its_hash_and_nothing_else_inline() {
        let html = with_policy(PAGE).expect("a page with a head");
        let digest = Sha256::digest(b"\nimport init from '/a.js';\n");
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(
            html.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{html}"
        );
        assert!(!html.contains("unsafe-inline"));
        assert!(
            html.find(META_START) < html.find("<script"),
            "the policy comes first"
        );
    }

    #[test]
    fn a_minified_page_without_its_head_tag_gets_the_policy_first_too() {
        let minified = "<!doctype html><html lang=en><meta charset=utf-8><script type=module>import init from '/a.js';</script></head><body></body></html>";
        let html = with_policy(minified).expect("a page");
        assert!(
            html.starts_with("<!doctype html><html lang=en>\n    <meta http-equiv"),
            "{html}"
        );
        assert!(html.find(META_START) < html.find("<script"));
        assert_eq!(with_policy(&html).expect("again"), html, "one policy");
    }

    #[test]
    fn a_rebuilt_page_keeps_one_policy() {
        let once = with_policy(PAGE).expect("a page with a head");
        assert_eq!(with_policy(&once).expect("still a page"), once);
        assert_eq!(once.matches(META_START).count(), 1);
    }
}
