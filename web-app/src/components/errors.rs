//! Documents that could not be read: each error is a button that marks its place.

use kubecheck_core::Report;
use yew::prelude::*;

use crate::state::{Action, Shared, Span};

#[derive(Properties, PartialEq)]
pub struct ErrorsProps {
    pub report: Shared<Report>,
    pub on_action: Callback<Action>,
}

#[function_component(Errors)]
pub fn errors(props: &ErrorsProps) -> Html {
    if props.report.errors.is_empty() {
        return html! {};
    }
    html! {
        <section class="errors" aria-label="Errors">
            <h2>{ "Errors" }</h2>
            <ul>
                { for props.report.errors.iter().map(|e| {
                    if let Some(plugin) = &e.plugin {
                        return html! {
                            <li data-testid="error" data-plugin={plugin.clone()}>
                                <span class="badge sev-error">{ "plugin" }</span>
                                <code>{ plugin }</code>{ " " }
                                <span class="message">{ &e.message }</span>
                            </li>
                        };
                    }
                    let span = Span { line: e.line, column: e.column, end_line: e.line, end_column: e.column };
                    html! {
                        <li data-testid="error" data-line={e.line.to_string()}>
                            <button type="button" class="goto"
                                onclick={props.on_action.reform(move |_| Action::Focus(span))}>
                                <span class="badge sev-error">{ "error" }</span>
                                <span class="message">{ &e.message }</span>
                                <span class="loc">{ format!("line {}:{}", e.line, e.column) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
