//! Options: the Pod Security level and version, the target Kubernetes version, rules on or
//! off (kept in local storage), and rule plugins loaded from disk.

use std::rc::Rc;

use kubecheck_core::pss::{PssLevel, LATEST_MINOR};
use kubecheck_core::RuleInfo;
use kubecheck_web::plugin::Plugin;
use kubecheck_web::settings::{Settings, OLDEST_MINOR};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, LoadedPlugin, Shared};
use crate::worker::{self, Call};

/// The oldest release offered as a target: old enough for the removed-API and seccomp
/// annotation rules, whose verdicts change across 1.16–1.25.
const OLDEST_KUBERNETES_MINOR: u32 = 16;

#[derive(Properties, PartialEq)]
pub struct OptionsProps {
    pub settings: Settings,
    pub rules: Shared<Vec<RuleInfo>>,
    pub plugins: Rc<Vec<LoadedPlugin>>,
    pub on_action: Callback<Action>,
}

#[function_component(OptionsPanel)]
pub fn options_panel(props: &OptionsProps) -> Html {
    let pss = props.settings.pss;
    let on_level = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetPssLevel(value.parse().unwrap_or(PssLevel::Restricted))
    });
    let on_version = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetPssMinor(value.parse().unwrap_or(LATEST_MINOR))
    });
    let on_kubernetes = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetKubernetesMinor(value.parse().ok())
    });
    let kubernetes = props.settings.kubernetes_minor;
    let on_plugin_files = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let files: Vec<File> = input
                .files()
                .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                .unwrap_or_default();
            input.set_value("");
            for file in files {
                let on_action = on_action.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    on_action.emit(match load_plugin(file).await {
                        Ok(loaded) => Action::AddPlugin(loaded),
                        Err(e) => Action::Notice(Some(e)),
                    });
                });
            }
        })
    };
    html! {
        <details class="options">
            <summary>{ "Options" }</summary>
            <div class="option-row">
                <label>
                    <span>{ "Pod Security level" }</span>
                    <select onchange={on_level}>
                        { for [PssLevel::Baseline, PssLevel::Restricted].into_iter().map(|level| html! {
                            <option value={level.as_str()} selected={pss.level == level}>{ level.as_str() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Target Kubernetes version" }</span>
                    <select onchange={on_kubernetes}>
                        <option value="" selected={kubernetes.is_none()}>{ "newest" }</option>
                        { for (OLDEST_KUBERNETES_MINOR..=LATEST_MINOR).rev().map(|minor| html! {
                            <option value={minor.to_string()} selected={kubernetes == Some(minor)}>{ format!("1.{minor}") }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Pod Security version" }</span>
                    <select onchange={on_version}>
                        { for (OLDEST_MINOR..=LATEST_MINOR).rev().map(|minor| html! {
                            <option value={minor.to_string()} selected={pss.minor == minor}>
                                { if minor == LATEST_MINOR { format!("v1.{minor} (latest)") } else { format!("v1.{minor}") } }
                            </option>
                        }) }
                    </select>
                </label>
            </div>
            <fieldset class="plugins">
                <legend>{ "Plugins" }</legend>
                <p class="hint">
                    { "Rule plugins (.wasm, kubecheck plugin ABI v1) run in this page, in a worker stopped after 5 s." }
                </p>
                <label class="button">
                    { "Load plugins" }
                    <input type="file" class="sr-only" multiple=true accept=".wasm,application/wasm"
                        aria-label="Load rule plugins (.wasm)" onchange={on_plugin_files} />
                </label>
                <ul>
                    { for props.plugins.iter().map(|loaded| {
                        let name = loaded.plugin.name.clone();
                        html! {
                            <li data-testid="plugin" data-plugin={name.clone()}>
                                <code>{ &loaded.plugin.name }</code>
                                { format!(" {} · {} · {} rule(s) ", loaded.plugin.version, loaded.plugin.file, loaded.plugin.rules().len()) }
                                <button type="button" aria-label={format!("Remove plugin {name}")}
                                    onclick={props.on_action.reform(move |_| Action::RemovePlugin(name.clone()))}>
                                    { "Remove" }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </fieldset>
            <fieldset class="rules">
                <legend>{ "Rules" }</legend>
                { for props.rules.iter().map(|rule| {
                    let id = rule.id.clone();
                    let onchange = props.on_action.reform(move |e: Event| {
                        Action::SetRule(id.clone(), e.target_unchecked_into::<HtmlInputElement>().checked())
                    });
                    html! {
                        <label class="rule-toggle">
                            <input type="checkbox" checked={props.settings.is_on(rule)} {onchange} />
                            <span class={classes!("badge", format!("sev-{}", rule.severity))}>{ rule.severity.as_str() }</span>
                            <span>{ &rule.title }</span>
                            <code>{ &rule.id }</code>
                        </label>
                    }
                }) }
                <button type="button" disabled={props.settings.rules.is_empty()}
                    onclick={props.on_action.reform(|_| Action::ResetRules)}>
                    { "Reset rules to defaults" }
                </button>
            </fieldset>
        </details>
    }
}

/// Reads a plugin file and asks it for its metadata, in a worker like every plugin call.
async fn load_plugin(file: File) -> Result<LoadedPlugin, String> {
    let name = file.name();
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("could not read `{name}`"))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let metadata = worker::call(&name, &bytes, Call::Metadata)
        .await
        .map_err(|e| format!("plugin `{name}` refused: {e}"))?;
    let plugin = Plugin::from_metadata(&name, &metadata)
        .map_err(|e| format!("plugin `{name}` refused: {e}"))?;
    Ok(LoadedPlugin {
        plugin,
        bytes: Rc::new(bytes),
    })
}
