//! The root: owns the state and the check worker, checks a paste at once and typing
//! after a pause, runs the plugins on each check, persists settings.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use kubecheck_web::checker::Request;
use yew::prelude::*;

use super::editor::{Edit, Editor};
use super::errors::Errors;
use super::findings::Findings;
use super::network::NetworkView;
use super::options::OptionsPanel;
use super::rule_doc::RuleDoc;
use super::summary::Summary;
use super::toolbar::Toolbar;
use crate::check_worker::CheckWorker;
use crate::dom;
use crate::state::{Action, State};
use crate::worker::{self, Call};

/// Pause after the last keystroke before re-checking: the check runs in the check
/// worker, but each answer re-renders the findings, which is wasted on a word half typed.
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

    let checks = {
        let dispatch = state.dispatcher();
        use_memo((), move |_| {
            CheckWorker::start(move |reply| {
                if let Some(action) = Action::of_reply(reply) {
                    dispatch.dispatch(action);
                }
            })
        })
    };

    // Each check asked for goes to the check worker as soon as the state asking for it
    // has rendered.
    {
        let (checks, request) = (checks.clone(), state.check_request());
        let dispatch = state.dispatcher();
        use_effect_with(state.check_seq, move |_| match &*checks {
            Ok(checks) => checks.send(&request),
            Err(e) => dispatch.dispatch(Action::Notice(Some(e.clone()))),
        });
    }

    // Each check's answer runs the plugins, one fresh worker per plugin call, and their
    // answers join the check in the check worker; answers for an older check are
    // dropped there or by the reducer.
    {
        let checks = checks.clone();
        let (plugins, input) = (state.plugins.clone(), state.plugin_input.clone());
        use_effect_with(state.checked_seq, move |seq| {
            let seq = *seq;
            if let (Some(input), false, Ok(checks)) = (input, plugins.is_empty(), &*checks) {
                let checks = checks.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let mut outcomes = Vec::new();
                    for loaded in plugins.iter() {
                        let call = Call::Check(&input);
                        outcomes.push(worker::call(&loaded.plugin.name, &loaded.bytes, call).await);
                    }
                    checks.send(&Request::Join { seq, outcomes });
                });
            }
        });
    }

    // The Network view's question, asked again of each new check.
    {
        let question = state.question.clone();
        use_effect_with((question, state.checked_seq), move |(question, seq)| {
            if let (Some((from, to)), Ok(checks)) = (question, &*checks) {
                checks.send(&Request::Explain {
                    seq: *seq,
                    from: from.clone(),
                    to: to.clone(),
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
                        checking={state.checking}
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
                    <NetworkView
                        network={state.network.clone()}
                        question={state.question.clone()}
                        answer={state.answer.clone()}
                        on_action={on_action.clone()}
                    />
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
