//! The settings' rules.

use super::*;

fn on(provider: &str) -> Settings {
    Settings {
        provider: provider.to_string(),
        ..Settings::default()
    }
}

#[test]
fn the_mock_serves_each_provider_under_its_id_with_the_mock_key() {
    let s = on("fal");
    let cfg = s.config();
    assert_eq!(cfg.base_url.as_deref(), Some("http://127.0.0.1:8787/fal"));
    assert_eq!(
        cfg.api_key.map(|k| k.expose().to_string()).as_deref(),
        Some(MOCK_KEY)
    );
    assert_eq!(cfg.proxy_url, None);
}

#[test]
fn a_typed_base_url_and_key_win_and_a_real_provider_needs_a_key() {
    let mut s = on("reve");
    s.connection.set_mock(false);
    assert_eq!(s.connection.key_for("reve"), None);
    assert_eq!(
        s.config().base_url.as_deref(),
        Some(provider::reve::INFO.base_url)
    );
    s.connection.set_key("reve", "  sk-1 ".into());
    s.connection.base_url = " https://eu.example.com/reve ".into();
    let cfg = s.config();
    assert_eq!(
        cfg.api_key.map(|k| k.expose().to_string()).as_deref(),
        Some("sk-1")
    );
    assert_eq!(cfg.base_url.as_deref(), Some("https://eu.example.com/reve"));
}

#[test]
fn each_provider_is_sent_its_own_key_and_no_other() {
    let mut s = on("reve");
    s.connection.set_mock(false);
    s.connection.set_key("reve", "reve-key".into());
    s.connection.set_key("fal", "fal-key".into());
    let key = |s: &Settings| s.config().api_key.map(|k| k.expose().to_string());
    assert_eq!(key(&s).as_deref(), Some("reve-key"));
    s.provider = "fal".into();
    assert_eq!(key(&s).as_deref(), Some("fal-key"));
    s.provider = "replicate".into();
    assert_eq!(key(&s), None, "no key typed for Replicate");
    s.connection.set_key("fal", String::new());
    assert_eq!(s.connection.typed_key("fal"), "");
}

#[test]
fn through_the_proxy_no_key_is_sent_and_the_mock_is_left() {
    let mut s = on("replicate");
    s.connection.set_key("replicate", "sk-1".into());
    s.connection.set_through_proxy(true);
    assert!(!s.connection.mock);
    let cfg = s.config();
    assert_eq!(cfg.proxy_url.as_deref(), Some(DEFAULT_PROXY_URL));
    assert_eq!(cfg.api_key, None);
    // A proxy typed before is kept; the mock turns it off again.
    s.connection.proxy_url = "https://proxy.example.com".into();
    s.connection.set_through_proxy(true);
    assert_eq!(s.connection.proxy_url, "https://proxy.example.com");
    s.connection.set_mock(true);
    assert!(!s.connection.proxied());
}

#[test]
fn a_provider_browsers_cannot_reach_asks_for_a_proxy_until_one_is_set() {
    let mut s = on("replicate");
    assert!(
        !s.connection.needs_proxy(s.info()),
        "the mock answers browsers"
    );
    s.connection.set_mock(false);
    assert!(s.connection.needs_proxy(s.info()));
    s.connection.proxy_url = "https://proxy.example.com/remix".into();
    assert!(!s.connection.needs_proxy(s.info()));
    assert!(!on("reve").connection.needs_proxy(&provider::reve::INFO));
}

#[test]
fn forget_drops_the_key_and_the_wish_to_remember_it() {
    let mut c = Connection {
        remember_key: true,
        ..Connection::default()
    };
    c.set_key("reve", "sk-1".into());
    c.set_key("fal", "fal-1".into());
    c.forget_key();
    assert!(c.keys.is_empty() && !c.remember_key);
}

#[test]
fn options_the_provider_does_not_take_are_left_out_of_the_input() {
    let mut s = on("reve");
    s.options = Options {
        aspect_ratio: "16:9".into(),
        output_format: "jpeg".into(),
        test_time_scaling: " 3 ".into(),
        upscale_factor: "2".into(),
        ..Options::default()
    };
    let mut board = Board::default();
    board.edit_prompt("a cat".into());
    let input = s.input(&board);
    assert_eq!(input.prompt, "a cat");
    assert_eq!(input.aspect_ratio.as_deref(), Some("16:9"));
    assert_eq!(input.test_time_scaling, Some(3));
    assert_eq!(input.upscale_factor, Some(2));
    assert_eq!(input.output_format, None, "Reve has no output format");
    s.provider = "fal".into();
    let input = s.input(&board);
    assert_eq!(input.output_format.as_deref(), Some("jpeg"));
    assert_eq!(
        input.test_time_scaling, None,
        "fal has no test-time scaling"
    );
}

#[test]
fn test_time_scaling_that_is_no_number_is_said_at_once() {
    let mut o = Options {
        test_time_scaling: "lots".into(),
        ..Options::default()
    };
    let said = o.unreadable(&provider::reve::INFO).expect("unreadable");
    assert!(
        said.starts_with("Test-time scaling must be a whole number from"),
        "{said}"
    );
    assert_eq!(
        o.unreadable(&provider::fal::INFO),
        None,
        "fal does not take it"
    );
    o.test_time_scaling = "4".into();
    assert_eq!(o.unreadable(&provider::reve::INFO), None);
}

#[test]
fn an_unknown_provider_is_said_to_be_unknown_and_never_run() {
    // The entry shown meanwhile is the table's first; the run is refused.
    assert_eq!(info_for("nope").id, provider::providers()[0].id);
    let nope = on("Fal");
    let e = nope.choice_problem().expect("not a provider id");
    assert_eq!(e.code, reve_remix_core::ErrorCode::UnknownProvider);
    assert!(e.message.contains("\"Fal\""), "{}", e.message);
    assert!(on("fal").choice_problem().is_none());
    let mut fal = on("fal");
    assert_eq!(fal.accepts().max, 8, "fal opens on Reve 2.1");
    fal.set_model(ModelId::ReveRemix);
    assert_eq!(fal.accepts().max, 6);
}

#[test]
fn the_model_is_kept_per_provider_and_sent_with_the_run() {
    let mut s = Settings::default();
    assert_eq!((s.provider.as_str(), s.model()), ("fal", ModelId::Reve21));
    assert_eq!(s.config().model, Some(ModelId::Reve21));
    s.set_model(ModelId::ReveRemix);
    s.provider = "wavespeed".into();
    assert_eq!(s.model(), ModelId::Reve21, "WaveSpeedAI opens on Reve 2.1");
    s.set_model(ModelId::ReveRemixFast);
    s.provider = "fal".into();
    assert_eq!(
        s.config().model,
        Some(ModelId::ReveRemix),
        "fal kept its own"
    );
    assert_eq!(s.model_of("wavespeed"), ModelId::ReveRemixFast);
    // A model the provider does not sell (storage, a hand) is not used.
    s.models = vec![("runware".into(), ModelId::ReveRemix)];
    assert_eq!(s.model_of("runware"), ModelId::Reve21);
    let lane = s.for_run("replicate", ModelId::Reve21);
    assert_eq!(
        (lane.info().id.as_str(), lane.info().model.max_images),
        ("replicate", 8)
    );
}

#[test]
fn a_direct_call_that_may_be_blocked_says_so_and_points_to_the_proxy() {
    let mut s = on("reve");
    assert_eq!(s.blocked_advice(), None, "the mock answers browsers");
    s.connection.set_mock(false);
    let advice = s.blocked_advice().expect("Reve direct, CORS unknown");
    assert!(
        advice.contains("Reve may not answer calls from web pages (CORS)"),
        "{advice}"
    );
    assert!(advice.contains("\"Through the proxy\""), "{advice}");
    s.provider = "replicate".into();
    assert!(
        s.blocked_advice()
            .is_some_and(|a| a.contains("Replicate does not answer calls from web pages"))
    );
    s.provider = "fal".into();
    assert_eq!(s.blocked_advice(), None, "fal answers browsers");
    s.provider = "reve".into();
    s.connection.set_through_proxy(true);
    assert_eq!(s.blocked_advice(), None, "through the proxy");
}

#[test]
fn a_model_asked_by_name_runs_where_sold_and_is_unknown_model_elsewhere() {
    let mut s = on("fal");
    assert_eq!(s.model(), ModelId::Reve21, "fal opens on Reve 2.1");
    s.model_asked = Some(" reve-remix ".into());
    assert_eq!(s.model(), ModelId::ReveRemix);
    assert_eq!(s.config().model, Some(ModelId::ReveRemix));
    assert!(s.choice_problem().is_none());
    // Reve's own API does not sell Reve 2.1.
    s.provider = "reve".into();
    s.model_asked = Some("reve-2.1".into());
    let e = s.choice_problem().expect("not sold here");
    assert_eq!(e.code, reve_remix_core::ErrorCode::UnknownModel);
    assert!(
        e.message.contains("does not sell Reve 2.1"),
        "{}",
        e.message
    );
    // No provider sells it.
    s.model_asked = Some("reve-9".into());
    let e = s.choice_problem().expect("unknown");
    assert_eq!(e.code, reve_remix_core::ErrorCode::UnknownModel);
    // A comparison's card runs its own model.
    assert!(s.for_run("fal", ModelId::Reve21).choice_problem().is_none());
}

#[test]
fn the_proxy_token_is_sent_trimmed_and_never_shown_by_debug() {
    let mut s = on("fal");
    assert_eq!(s.connection.token(), None);
    s.connection.set_token(" v1.123.abc.sig ");
    assert_eq!(s.connection.typed_token(), " v1.123.abc.sig ", "as typed");
    assert_eq!(
        s.connection
            .token()
            .map(|t| t.expose().to_string())
            .as_deref(),
        Some("v1.123.abc.sig")
    );
    assert!(!format!("{s:?}").contains("v1.123"), "Debug masks it");
    s.connection.set_token("   ");
    assert_eq!(s.connection.token(), None);
    s.connection.set_token("");
    assert_eq!(s.connection.proxy_token, None);
}
