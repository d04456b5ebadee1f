//! One finding: what, where, why, how to fix, and the fix itself.

use std::rc::Rc;

use kubecheck_core::report::Finding;
use kubecheck_web::rule_docs::inlines;
use yew::prelude::*;

use super::rule_doc::inline;

use crate::state::{Action, Span};

#[derive(Properties, PartialEq)]
pub struct FindingProps {
    pub index: usize,
    pub finding: Finding,
    /// The rule's "Why is this bad?" text.
    pub why: Option<Rc<str>>,
    /// Its span is the one selected in the editor.
    pub selected: bool,
    pub on_action: Callback<Action>,
}

#[function_component(FindingRow)]
pub fn finding_row(props: &FindingProps) -> Html {
    let f = &props.finding;
    let loc = &f.location;
    let span = Span::of(loc);
    // The row itself reacts to clicks (select in the editor); its buttons do their own
    // thing only.
    let on_doc = {
        let (on_action, rule) = (props.on_action.clone(), f.rule.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_action.emit(Action::ShowDoc(Some(rule.clone())));
        })
    };
    let on_fix = {
        let (on_action, index) = (props.on_action.clone(), props.index);
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_action.emit(Action::ApplyFix(index));
        })
    };
    let fix = f.fix.as_ref().filter(|fix| !fix.edits.is_empty());
    html! {
        <li class={classes!("finding", format!("sev-{}", f.severity), props.selected.then_some("selected"))}
            aria-current={props.selected.then_some("true")}
            data-testid="finding"
            data-rule={f.rule.clone()}
            data-severity={f.severity.as_str()}
            data-line={loc.line.to_string()}
            onclick={props.on_action.reform(move |_| Action::Focus(span))}>
            <button type="button" class="goto"
                aria-label={format!("{} finding {} at line {}: {}", f.severity, f.rule, loc.line, f.message)}>
                <span class={classes!("badge", format!("sev-{}", f.severity))}>{ f.severity.as_str() }</span>
                <span class="message">{ for inlines(&f.message).into_iter().map(inline) }</span>
                <span class="loc">{ format!("line {}", loc.line) }</span>
            </button>
            if !f.related.is_empty() {
                <ol class="related" aria-label="Related places">
                    { for f.related.iter().enumerate().map(|(hop, related)| {
                        let span = Span::of(&related.location);
                        let on_related = props.on_action.reform(move |e: MouseEvent| {
                            e.stop_propagation();
                            Action::Focus(span)
                        });
                        html! {
                            // Each hop of a chain one step further in (a class: the
                            // page's CSP refuses inline styles).
                            <li class={format!("hop-{}", hop.min(4))} data-testid="related"
                                data-line={related.location.line.to_string()}>
                                <button type="button" class="link" onclick={on_related}
                                    aria-label={format!("Go to line {}: {}", related.location.line, related.message)}>
                                    <span class="loc">{ format!("line {}", related.location.line) }</span>
                                    { " " }
                                    <span class="message">{ for inlines(&related.message).into_iter().map(inline) }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            }
            <div class="meta">
                <code class="rule">{ &f.rule }</code>
                if !f.related_rules.is_empty() {
                    <span class="related-rules" title="Rules that found the same cause, folded into this finding">
                        { format!("also: {}", f.related_rules.join(", ")) }
                    </span>
                }
                <span class="category">{ f.category.to_string() }</span>
                if let Some(pss) = &f.pss {
                    <span class="pss">{ format!("PSS {} · {}", pss.level, pss.control) }</span>
                }
            </div>
            if !f.related.is_empty() {
                // A chain (workload → service account → binding → role → rule) or other
                // places that matter, each a link into the editor.
                <ol class="chain" aria-label="Related places">
                    { for f.related.iter().map(|r| related(r, &props.on_action)) }
                </ol>
            }
            <details onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <summary>{ "Why it matters and how to fix it" }</summary>
                if let Some(why) = &props.why {
                    <p class="why">{ for inlines(why).into_iter().map(inline) }</p>
                }
                <p class="remediation"><strong>{ "Fix: " }</strong>{ for inlines(&f.remediation).into_iter().map(inline) }</p>
                if let Some(fix) = fix {
                    <p class="fix-description">{ format!("Automatic fix: {}", fix.description) }</p>
                }
                <button type="button" class="link"
                    onclick={on_doc}>
                    { format!("Rule documentation (docs/rules.md#{})", f.rule) }
                </button>
            </details>
            if fix.is_some() {
                <button type="button" class="apply-fix" data-testid="apply-fix"
                    aria-label={format!("Apply fix for {} at line {}", f.rule, loc.line)}
                    onclick={on_fix}>
                    { "Apply fix" }
                </button>
            }
        </li>
    }
}

fn related(r: &kubecheck_core::report::Related, on_action: &Callback<Action>) -> Html {
    let span = Span::of(&r.location);
    let on_click = {
        let on_action = on_action.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_action.emit(Action::Focus(span));
        })
    };
    html! {
        <li>
            <button type="button" class="link" onclick={on_click}>
                <span class="loc">{ format!("line {}", r.location.line) }</span>
                { " " }
                { for inlines(&r.message).into_iter().map(inline) }
            </button>
        </li>
    }
}
