//! Counts per severity, which double as the severity filter, and the category filter.

use kubecheck_core::{Category, Report, Severity};
use kubecheck_web::view::{categories, Filters};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::{Action, Shared};

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub report: Shared<Report>,
    pub filters: Filters,
    pub generation: u64,
    pub check_ms: f64,
    /// The text changed and the typing pause has not passed yet.
    pub stale: bool,
    /// A check is with the check worker.
    pub checking: bool,
    pub plugins_pending: bool,
    pub on_action: Callback<Action>,
}

#[function_component(Summary)]
pub fn summary(props: &SummaryProps) -> Html {
    let s = &props.report.summary;
    let count = |severity: Severity| match severity {
        Severity::Critical => s.critical,
        Severity::High => s.high,
        Severity::Medium => s.medium,
        Severity::Low => s.low,
        Severity::Info => s.info,
    };
    let on_category = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetCategory(value.parse::<Category>().ok())
    });
    let headline = match (s.findings, s.errors) {
        (0, 0) => "No findings".to_owned(),
        (n, 0) => format!("{n} finding{}", plural(n)),
        (n, e) => format!("{n} finding{}, {e} error{}", plural(n), plural(e)),
    };
    // What the findings wait for, if anything (tests read it: a paste never waits for
    // the typing pause).
    let pending = if props.stale {
        "typing"
    } else if props.checking {
        "checking"
    } else if props.plugins_pending {
        "plugins"
    } else {
        "false"
    };
    html! {
        <section class="summary" data-testid="summary"
            data-generation={props.generation.to_string()}
            data-findings={s.findings.to_string()}
            data-errors={s.errors.to_string()}
            data-check-ms={format!("{:.2}", props.check_ms)}
            data-pending={pending}
            aria-label="Summary">
            <p class="headline" aria-live="polite">
                <strong>{ headline }</strong>
                { format!(" in {} resource{}", s.resources, plural(s.resources)) }
                if s.suppressed > 0 {
                    { format!(" · {} suppressed", s.suppressed) }
                }
                <span class="timing">
                    { if props.stale || props.checking {
                        "checking…".to_owned()
                    } else if props.plugins_pending {
                        "running plugins…".to_owned()
                    } else {
                        format!("checked in {:.1} ms", props.check_ms)
                    } }
                </span>
            </p>
            <div class="filters" role="group" aria-label="Show severities">
                { for Severity::ALL.into_iter().map(|severity| {
                    let shown = !props.filters.hidden.contains(&severity);
                    html! {
                        <button type="button"
                            class={classes!("sev-toggle", format!("sev-{severity}"))}
                            aria-pressed={shown.to_string()}
                            title={format!("Show or hide {severity} findings")}
                            onclick={props.on_action.reform(move |_| Action::ToggleSeverity(severity))}>
                            <span class="count">{ count(severity) }</span>
                            { format!(" {severity}") }
                        </button>
                    }
                }) }
                <label class="category-filter">
                    <span>{ "Category" }</span>
                    <select onchange={on_category}>
                        <option value="" selected={props.filters.category.is_none()}>{ "all" }</option>
                        { for categories(&props.report.findings).into_iter().chain(props.filters.category.clone()).map(|c| html! {
                            <option value={c.as_str().to_owned()} selected={props.filters.category.as_ref() == Some(&c)}>{ c.as_str().to_owned() }</option>
                        }) }
                    </select>
                </label>
            </div>
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
