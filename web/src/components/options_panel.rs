//! The options the chosen provider takes, and only those: aspect ratio,
//! output format, upscale, version, test-time scaling, remove background.

use leptos::prelude::*;
use reve_remix_core::provider::{ProviderInfo, RemixOption};

use super::dyn_view::{Dyn, flag, on_checked, on_value, text};
use crate::model::Options;

/// Upscale factors offered.
const UPSCALES: &[&str] = &["2", "3", "4"];

/// A `<select>` of the provider's `choices` plus "Default", bound to one
/// option, shown only when the provider takes `option`.
fn choice_select(
    provider: Signal<&'static ProviderInfo>,
    options: RwSignal<Options>,
    option: RemixOption,
    id: &'static str,
    label: &'static str,
    choices: fn(&'static ProviderInfo) -> &'static [&'static str],
    field: fn(&mut Options) -> &mut String,
) -> impl IntoView {
    let current = move || options.with(|o| field(&mut o.clone()).clone());
    let entries = move || {
        choices(provider.get())
            .iter()
            .map(|c| {
                let c = *c;
                view! { <option value=c selected=flag(move || current() == c)>{c}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="field" hidden=flag(move || !provider.get().supports(option))>
            <label for=id>{label}</label>
            <select
                id=id
                on:change=on_value(move |v| options.update(|o| *field(o) = v))
            >
                <option value="" selected=flag(move || current().is_empty())>"Default"</option>
                {entries}
            </select>
        </div>
    }
}

/// A text field bound to one option, shown only when the provider takes it.
fn text_field(
    provider: Signal<&'static ProviderInfo>,
    options: RwSignal<Options>,
    option: RemixOption,
    id: &'static str,
    label: &'static str,
    placeholder: fn(&'static ProviderInfo) -> String,
    field: fn(&mut Options) -> &mut String,
) -> impl IntoView {
    view! {
        <div class="field" hidden=flag(move || !provider.get().supports(option))>
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                placeholder=text(move || placeholder(provider.get()))
                prop:value=text(move || options.with(|o| field(&mut o.clone()).clone()))
                on:input=on_value(move |v| options.update(|o| *field(o) = v))
            />
        </div>
    }
}

/// The option fields of the chosen provider.
#[component]
pub fn OptionsPanel(
    /// The chosen provider: which options it takes, and their choices.
    provider: Signal<&'static ProviderInfo>,
    /// The options as the form holds them.
    options: RwSignal<Options>,
    /// What is wrong with an option's value ("" when nothing is).
    problem: Dyn<String>,
) -> impl IntoView {
    let hide = move |opt: RemixOption| flag(move || !provider.get().supports(opt));
    view! {
        <fieldset class="options">
            <legend>"Options"</legend>
            {choice_select(
                provider,
                options,
                RemixOption::AspectRatio,
                "aspect-ratio",
                "Aspect ratio",
                |i| i.model.aspect_ratios,
                |o| &mut o.aspect_ratio,
            )}
            {choice_select(
                provider,
                options,
                RemixOption::OutputFormat,
                "output-format",
                "Output format",
                |i| i.model.output_formats,
                |o| &mut o.output_format,
            )}
            {choice_select(
                provider,
                options,
                RemixOption::UpscaleFactor,
                "upscale",
                "Upscale",
                |_| UPSCALES,
                |o| &mut o.upscale_factor,
            )}
            {text_field(
                provider,
                options,
                RemixOption::Version,
                "version",
                "Version",
                |_| "latest".to_string(),
                |o| &mut o.version,
            )}
            {text_field(
                provider,
                options,
                RemixOption::TestTimeScaling,
                "tts",
                "Test-time scaling",
                |i| {
                    let (lo, hi) = i.model.test_time_scaling.unwrap_or((1, 1));
                    format!("{lo} to {hi}")
                },
                |o| &mut o.test_time_scaling,
            )}
            <label class="check" hidden=hide(RemixOption::RemoveBackground)>
                <input
                    type="checkbox"
                    prop:checked=flag(move || options.with(|o| o.remove_background))
                    on:change=on_checked(move |v| options.update(|o| o.remove_background = v))
                />
                "Remove background"
            </label>
            <p class="problem">{problem}</p>
        </fieldset>
    }
}
