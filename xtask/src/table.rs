//! The proxy's table as the xtask needs it (its rules only, no server):
//! every provider, its key variable, and the mock standing in for each.

use reve_remix_proxy::rules::table::TABLE;

/// Each provider's key variable, from the proxy's own table.
pub fn key_vars() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|e| e.key_env)
}

/// `--upstream <id>=<mock>/<id>` for every provider.
pub fn mock_upstreams(mock_url: &str) -> Vec<String> {
    let mut a = Vec::new();
    for id in TABLE.iter().map(|e| e.provider.as_str()) {
        a.push("--upstream".to_string());
        a.push(format!("{id}={}/{id}", mock_url.trim_end_matches('/')));
    }
    a
}
