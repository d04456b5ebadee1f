//! The header: examples, opening files and folders, downloads, share link, theme.

use std::rc::Rc;

use kubecheck_core::{Report, RuleInfo};
use kubecheck_web::examples::EXAMPLES;
use kubecheck_web::settings::Theme;
use kubecheck_web::share;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::dom;
use crate::state::{Action, Shared};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub text: Rc<String>,
    pub report: Shared<Report>,
    pub rules: Shared<Vec<RuleInfo>>,
    pub theme: Theme,
    pub share_link: Option<String>,
    pub on_action: Callback<Action>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let on_example = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            let example = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i));
            select.set_value("");
            if let Some(example) = example {
                on_action.emit(Action::Load(example.text.to_owned()));
            }
        })
    };
    let on_files = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let files = input
                .files()
                .map(|f| dom::manifest_files(&f))
                .unwrap_or_default();
            input.set_value("");
            if files.is_empty() {
                on_action.emit(Action::Notice(Some(
                    "no .yaml, .yml or .json files were chosen".into(),
                )));
                return;
            }
            let on_action = on_action.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_action.emit(match dom::read_files(files).await {
                    Ok(text) => Action::Load(text),
                    Err(e) => Action::Notice(Some(e)),
                });
            });
        })
    };
    let on_json = {
        let report = props.report.clone();
        Callback::from(move |_| {
            let json = serde_json::to_string_pretty(&*report).unwrap_or_default();
            dom::download("kubecheck-report.json", "application/json", &json);
        })
    };
    let on_sarif = {
        let (report, rules) = (props.report.clone(), props.rules.clone());
        Callback::from(move |_| {
            let sarif = kubecheck_core::output::sarif(&report, &rules);
            let sarif = serde_json::to_string_pretty(&sarif).unwrap_or_default();
            dom::download("kubecheck.sarif", "application/sarif+json", &sarif);
        })
    };
    let on_share = {
        let (text, on_action) = (props.text.clone(), props.on_action.clone());
        Callback::from(move |_| match dom::set_hash(&share::encode(&text)) {
            Some(link) => {
                dom::copy_to_clipboard(&link);
                on_action.emit(Action::Shared(link));
            }
            None => on_action.emit(Action::Notice(Some(
                "could not build the share link".into(),
            ))),
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });
    let theme_label = match props.theme {
        Theme::Auto => "Theme: system",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    html! {
        <header class="toolbar">
            <h1>{ "kubecheck" }</h1>
            <div class="actions">
                <label class="sr-only" for="example">{ "Load an example" }</label>
                <select id="example" onchange={on_example}>
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                        <option value={i.to_string()}>{ ex.name }</option>
                    }) }
                </select>
                <label class="button">
                    { "Open files" }
                    <input type="file" class="sr-only" multiple=true accept=".yaml,.yml,.json"
                        aria-label="Open manifest files" onchange={on_files.clone()} />
                </label>
                <label class="button">
                    { "Open folder" }
                    <input type="file" class="sr-only" webkitdirectory=true multiple=true
                        aria-label="Open a folder of manifests" onchange={on_files} />
                </label>
                <button type="button" onclick={on_json}>{ "Report JSON" }</button>
                <button type="button" onclick={on_sarif}>{ "SARIF" }</button>
                <button type="button" onclick={on_share}
                    title="Put the manifests in the link (after #, never sent to a server)">{ "Share link" }</button>
                <button type="button" onclick={props.on_action.reform(|_| Action::CycleTheme)}
                    aria-label={format!("{theme_label} (change)")}>{ theme_label }</button>
            </div>
            if let Some(link) = &props.share_link {
                <div class="share">
                    <label for="share-link">{ "Link with your manifests (copied if the browser allowed it):" }</label>
                    <input id="share-link" readonly=true value={link.clone()} onfocus={select_all} />
                </div>
            }
        </header>
    }
}
