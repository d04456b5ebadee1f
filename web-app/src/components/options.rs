//! Options: the Pod Security level and version, and rules on or off. Kept in local storage.

use kubecheck_core::pss::{PssLevel, LATEST_MINOR};
use kubecheck_core::RuleInfo;
use kubecheck_web::settings::{Settings, OLDEST_MINOR};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, Shared};

/// The oldest release offered as a target: old enough for the removed-API and seccomp
/// annotation rules, whose verdicts change across 1.16–1.25.
const OLDEST_KUBERNETES_MINOR: u32 = 16;

#[derive(Properties, PartialEq)]
pub struct OptionsProps {
    pub settings: Settings,
    pub rules: Shared<Vec<RuleInfo>>,
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
