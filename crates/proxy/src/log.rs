//! The one log line per request: method, provider, target host and path,
//! status, milliseconds, and the refusal's code. Never a key, a query
//! string (presigned URLs carry signatures) or a body.

use url::Url;

use crate::rules::{push_shown, shown_target};

/// Add the line to `out`: `POST fal https://queue.fal.run/fal-ai/reve/remix 200 12ms`, with the
/// refusal's code at the end when the proxy answered itself. `target` is
/// as [`target`] or [`Forward::shown`](crate::rules::Forward::shown) shows it.
pub fn write_line(
    out: &mut String,
    method: &str,
    provider: Option<&str>,
    target: &str,
    status: u16,
    ms: u128,
    refusal: Option<&str>,
) {
    use std::fmt::Write;
    push_shown(out, method, 10);
    out.push(' ');
    match provider {
        Some(p) => {
            push_shown(out, p, 20);
        }
        None => out.push('-'),
    }
    out.push(' ');
    out.push_str(target);
    let _ = write!(out, " {status} {ms}ms");
    if let Some(code) = refusal {
        out.push(' ');
        out.push_str(code);
    }
}

/// What a job submission adds to its line: its estimated cost and the
/// day's total with it, e.g. ` cost=$0.25 day=$1.75`.
pub fn spend_note(cost_micros: u64, day_micros: u64) -> String {
    [
        " cost=",
        &crate::spend::usd(cost_micros),
        " day=",
        &crate::spend::usd(day_micros),
    ]
    .concat()
}

/// A target header as the log shows it: scheme, host and path, or `-`.
pub fn target(raw: Option<&str>) -> String {
    raw.map_or_else(
        || "-".to_string(),
        |t| Url::parse(t.trim()).map_or_else(|_| "(not a URL)".to_string(), |u| shown_target(&u)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_no_query_and_no_control_characters() {
        let mut l = String::new();
        write_line(
            &mut l,
            "GET",
            Some("replicate"),
            &target(Some(
                "https://replicate.delivery/x.png?sig=SECRET&key=SECRET",
            )),
            200,
            7,
            None,
        );
        assert_eq!(l, "GET replicate https://replicate.delivery/x.png 200 7ms");
        let mut l = String::new();
        write_line(
            &mut l,
            "POST",
            Some("fal\n\u{1b}[31m"),
            &target(Some("nonsense")),
            403,
            0,
            Some("target_not_allowed"),
        );
        assert_eq!(l, "POST fal??[31m (not a URL) 403 0ms target_not_allowed");
    }
}
