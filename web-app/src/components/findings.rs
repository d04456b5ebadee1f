//! The findings, grouped by resource (worst first; a resource with many findings folds
//! all but its worst), with "apply all fixes". A long list renders its first resources
//! and a "show more" button: thousands of rows would take longer to lay out than the
//! check takes to run.

use std::collections::HashMap;
use std::rc::Rc;

use kubecheck_core::{Report, RuleInfo};
use kubecheck_web::rule_docs::section;
use kubecheck_web::view::{groups, Filters, Group};
use yew::prelude::*;

use super::finding::FindingRow;
use crate::state::{Action, Focus, Shared, Span};

/// Findings rendered before the list stops at a "show more" button, and how many more
/// each press shows. A resource is never cut in half, so a page may run a group over.
const PAGE: usize = 200;

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
    let limit = use_state_eq(|| PAGE);
    let groups = groups(&props.report.findings, &props.filters);
    // The groups whose first row falls within the limit.
    let mut rows = 0;
    let shown_groups = groups
        .iter()
        .take_while(|group| {
            let fits = rows < *limit;
            rows += group.findings.len();
            fits
        })
        .count();
    let not_shown: usize = groups[shown_groups..]
        .iter()
        .map(|g| g.findings.len())
        .sum();
    let show_more = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(*limit + PAGE))
    };
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
            { for groups[..shown_groups].iter().map(|group| {
                let row = |&index: &usize| {
                    let finding = &props.report.findings[index];
                    let why = why.get(&finding.rule).cloned();
                    let selected = props.focus.is_some_and(|f| f.span == Span::of(&finding.location));
                    // Keyed by what the finding is, so a check that adds or removes one
                    // finding moves the other rows instead of rebuilding them.
                    let key = format!("{}|{}|{}|{}", finding.rule, finding.location.document,
                        finding.location.path, finding.message);
                    html! {
                        <FindingRow {key} {index} finding={finding.clone()} {why} {selected}
                            on_action={props.on_action.clone()} />
                    }
                };
                let (shown, folded) = group.split();
                // A folded finding selected in the editor opens its fold.
                let holds_focus = folded.iter().any(|&i| {
                    props.focus.is_some_and(|f| f.span == Span::of(&props.report.findings[i].location))
                });
                html! {
                    <section class={classes!("group", group.folds().then_some("folded"))}
                        key={format!("{}|{}", props.report.findings[group.findings[0]].location.document, group.title)}
                        aria-label={group.title.clone()} data-testid="group">
                        <h3>
                            { &group.title }
                            if group.folds() {
                                <span class="group-counts">
                                    { Group::counts(&props.report.findings, &group.findings) }
                                </span>
                            }
                        </h3>
                        <ul>{ for shown.iter().map(row) }</ul>
                        if !folded.is_empty() {
                            <details class="more" open={holds_focus}>
                                <summary>{ format!("{} more ({})", folded.len(),
                                    Group::counts(&props.report.findings, folded)
                                        .split_once(": ").map_or(String::new(), |(_, c)| c.to_owned())) }</summary>
                                <ul>{ for folded.iter().map(row) }</ul>
                            </details>
                        }
                    </section>
                }
            }) }
            if not_shown > 0 {
                <button type="button" class="show-more" data-testid="show-more" onclick={show_more}>
                    { format!("Show more ({not_shown} finding{} in {} resource{})",
                        plural(not_shown), groups.len() - shown_groups, plural(groups.len() - shown_groups)) }
                </button>
            }
        </section>
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
