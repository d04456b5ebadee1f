//! The root: owns the state, checks a paste at once and typing after a pause, persists
//! settings.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::editor::{Edit, Editor};
use super::errors::Errors;
use super::findings::Findings;
use super::network::NetworkView;
use super::options::OptionsPanel;
use super::rule_doc::RuleDoc;
use super::summary::Summary;
use super::toolbar::Toolbar;
use crate::dom;
use crate::state::{Action, State};
use crate::worker::{self, Call};

/// Pause after the last keystroke before re-checking: a check of a long text takes longer
/// than a frame, and a check per keystroke would hold up the next keystrokes.
const DEBOUNCE_MS: u32 = 120;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::load);
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);

    {
        let settings = state.settings.clone();
        let saver = state.clone();
        use_effect_with(settings, move |settings| {
            dom::set_theme(settings.theme.as_str());
            saver.save_settings();
        });
    }

    // Each check of the text runs the plugins, one fresh worker per plugin call; answers
    // for an older check are dropped by the reducer.
    {
        let dispatch = state.dispatcher();
        let (plugins, input) = (state.plugins.clone(), state.input.clone());
        use_effect_with(state.check_seq, move |seq| {
            let seq = *seq;
            if !plugins.is_empty() {
                wasm_bindgen_futures::spawn_local(async move {
                    let input = kubecheck_web::plugin::input_document(&input);
                    let mut outcomes = Vec::new();
                    for loaded in plugins.iter() {
                        let call = Call::Check(&input);
                        outcomes.push(worker::call(&loaded.plugin.name, &loaded.bytes, call).await);
                    }
                    dispatch.dispatch(Action::PluginOutcomes(seq, outcomes));
                });
            }
        });
    }

    // Both callbacks are created once, so components that only take them keep their
    // props equal across keystrokes and skip re-rendering.
    let on_input = use_callback(state.dispatcher(), move |edit: Edit, dispatch| {
        if edit.whole {
            // Dropping the timeout cancels a check still pending from typing.
            pending.borrow_mut().take();
            dispatch.dispatch(Action::Load(edit.text));
            return;
        }
        dispatch.dispatch(Action::Edit(edit.text));
        let dispatch = dispatch.clone();
        // Replacing the timeout drops (cancels) the previous one.
        *pending.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
            dispatch.dispatch(Action::Check)
        }));
    });
    let on_action = use_callback(state.dispatcher(), |action: Action, dispatch| {
        dispatch.dispatch(action)
    });

    let doc = state
        .doc
        .as_ref()
        .and_then(|id| state.rules.iter().find(|r| &r.id == id).cloned());

    html! {
        <>
            <Toolbar
                text={state.text.clone()}
                report={state.report.clone()}
                rules={state.rules.clone()}
                theme={state.settings.theme}
                share_link={state.share_link.clone()}
                on_action={on_action.clone()}
            />
            if let Some(notice) = &state.notice {
                <div class="notice" role="status">
                    <span>{ notice }</span>
                    <button type="button" onclick={on_action.reform(|_| Action::Notice(None))}
                        aria-label="Dismiss message">{ "×" }</button>
                </div>
            }
            <main class="layout">
                <section class="pane editor-pane" aria-label="Manifests">
                    <Editor
                        text={state.text.clone()}
                        report={state.report.clone()}
                        focus={state.focus}
                        on_input={on_input}
                        on_action={on_action.clone()}
                    />
                </section>
                <section class="pane results-pane" aria-label="Results">
                    <Summary
                        report={state.report.clone()}
                        filters={state.filters.clone()}
                        generation={state.generation}
                        check_ms={state.check_ms}
                        stale={state.stale}
                        plugins_pending={state.plugins_pending}
                        on_action={on_action.clone()}
                    />
                    <Errors report={state.report.clone()} on_action={on_action.clone()} />
                    <Findings
                        report={state.report.clone()}
                        rules={state.rules.clone()}
                        filters={state.filters.clone()}
                        focus={state.focus}
                        on_action={on_action.clone()}
                    />
                    <NetworkView input={state.input.clone()} on_action={on_action.clone()} />
                    <OptionsPanel
                        settings={state.settings.clone()}
                        rules={state.rules.clone()}
                        plugins={state.plugins.clone()}
                        on_action={on_action.clone()}
                    />
                </section>
            </main>
            if let Some(rule) = doc {
                <RuleDoc rule={rule} on_action={on_action} />
            }
            <footer class="footer">
                { "kubecheck runs entirely in this page: nothing you paste leaves your machine." }
            </footer>
        </>
    }
}
