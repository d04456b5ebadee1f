//! The findings, grouped by resource, with "apply all fixes".

use std::collections::HashMap;
use std::rc::Rc;

use kubecheck_core::{Report, RuleInfo};
use kubecheck_web::rule_docs::section;
use kubecheck_web::view::{groups, Filters};
use yew::prelude::*;

use super::finding::FindingRow;
use crate::state::{Action, Focus, Shared, Span};

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    pub report: Shared<Report>,
    pub rules: Shared<Vec<RuleInfo>>,
    pub filters: Filters,
    /// The span selected in the editor, to highlight the finding it came from.
    pub focus: Option<Focus>,
    pub on_action: Callback<Action>,
}

#[function_component(Findings)]
pub fn findings(props: &FindingsProps) -> Html {
    // Parsed once per rule set, not once per finding and render.
    let why = use_memo(props.rules.clone(), |rules| {
        rules
            .iter()
            .filter_map(|r| {
                Some((
                    r.id.clone(),
                    Rc::from(section(&r.help, "Why is this bad?")?),
                ))
            })
            .collect::<HashMap<String, Rc<str>>>()
    });
    let groups = groups(&props.report.findings, &props.filters);
    let fixable = props
        .report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|fix| !fix.edits.is_empty()))
        .count();
    let hidden =
        props.report.findings.len() - groups.iter().map(|g| g.findings.len()).sum::<usize>();
    html! {
        <section class="findings" aria-label="Findings">
            <div class="findings-head">
                <h2>{ "Findings" }</h2>
                <button type="button" class="apply-all" disabled={fixable == 0}
                    onclick={props.on_action.reform(|_| Action::ApplyAll)}>
                    { format!("Apply all fixes ({fixable})") }
                </button>
            </div>
            if hidden > 0 {
                <p class="hint">{ format!("{hidden} hidden by the filters above") }</p>
            }
            { for groups.iter().map(|group| html! {
                <section class="group" aria-label={group.title.clone()}>
                    <h3>{ &group.title }</h3>
                    <ul>
                        { for group.findings.iter().map(|&index| {
                            let finding = &props.report.findings[index];
                            let why = why.get(&finding.rule).cloned();
                            let selected = props.focus.is_some_and(|f| f.span == Span::of(&finding.location));
                            html! {
                                <FindingRow {index} finding={finding.clone()} {why} {selected}
                                    on_action={props.on_action.clone()} />
                            }
                        }) }
                    </ul>
                </section>
            }) }
        </section>
    }
}
