//! The Network view: which workload of the text reaches which (and from outside) under
//! its NetworkPolicies, as `kubecheck netpol` prints it. A cell opens the answer for its
//! pair, and each deciding rule is a link that selects it in the editor.

use std::rc::Rc;

use kubecheck_core::netpol::matrix::{Answer, Located, Reach, SideAnswer};
use kubecheck_web::network::View;
use yew::prelude::*;

use crate::state::{Action, Shared, Span};

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    /// The view of the last check's text, built by the check worker.
    pub network: Shared<Option<View>>,
    /// The pair whose answer is asked for (from, to), and the answer once it came.
    pub question: Option<(String, String)>,
    pub answer: Option<Rc<Answer>>,
    pub on_action: Callback<Action>,
}

fn cell_text(reach: &Reach) -> String {
    match reach {
        Reach::All => "all".into(),
        Reach::Ports(ports) => ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Reach::None => "—".into(),
        Reach::Unknown => "?".into(),
    }
}

fn cell_class(reach: &Reach) -> &'static str {
    match reach {
        Reach::All => "reach-all",
        Reach::Ports(_) => "reach-ports",
        Reach::None => "reach-none",
        Reach::Unknown => "reach-unknown",
    }
}

fn cell_meaning(reach: &Reach) -> String {
    match reach {
        Reach::All => "reaches every port".into(),
        Reach::Ports(ports) => format!("reaches ports {}", cell_text(&Reach::Ports(ports.clone()))),
        Reach::None => "cannot reach".into(),
        Reach::Unknown => "not judged (Calico or Cilium policies)".into(),
    }
}

#[function_component(NetworkView)]
pub fn network_view(props: &NetworkProps) -> Html {
    let (workloads, cells) = match props.network.as_ref() {
        None => return html! {},
        Some(View::TooLarge(message)) => {
            return html! {
                <details class="network" data-testid="network">
                    <summary>{ "Network" }</summary>
                    <p class="hint">{ message }</p>
                </details>
            }
        }
        Some(View::Matrix(matrix)) => (&matrix.workloads, &matrix.cells),
    };
    let columns = workloads.len();
    let rows = cells.chunks(columns.max(1));
    html! {
        <details class="network" data-testid="network">
            <summary>{ format!("Network: which of the {columns} workloads reach which") }</summary>
            <p class="hint">{ "Rows send, columns receive; a cell opens the rules that decide it." }</p>
            <div class="matrix-scroll">
                <table class="matrix">
                    <thead>
                        <tr>
                            <th scope="col">{ "from \\ to" }</th>
                            { for workloads.iter().map(|w| html! { <th scope="col">{ w }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for rows.map(|row| {
                            let from = row.first().map(|c| c.from.clone()).unwrap_or_default();
                            html! {
                                <tr>
                                    <th scope="row">{ &from }</th>
                                    { for row.iter().map(|cell| {
                                        let pair = (cell.from.clone(), cell.to.clone());
                                        let is_selected = props.question.as_ref() == Some(&pair);
                                        let onclick = props.on_action.reform(move |_| {
                                            Action::Explain(pair.0.clone(), pair.1.clone())
                                        });
                                        html! {
                                            <td class={classes!(cell_class(&cell.reach), is_selected.then_some("selected"))}>
                                                <button type="button" data-testid="network-cell"
                                                    data-from={cell.from.clone()} data-to={cell.to.clone()}
                                                    aria-label={format!("{} to {}: {}", cell.from, cell.to, cell_meaning(&cell.reach))}
                                                    aria-pressed={is_selected.to_string()}
                                                    {onclick}>
                                                    { cell_text(&cell.reach) }
                                                </button>
                                            </td>
                                        }
                                    }) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if let Some(answer) = &props.answer {
                <div class="network-answer" data-testid="network-answer" aria-live="polite">
                    <p>
                        <code>{ &answer.from }</code>{ " → " }<code>{ &answer.to }</code>{ ": " }
                        <strong>{ if answer.allowed { "allowed" } else { "denied" } }</strong>
                    </p>
                    { side("egress", &answer.egress, &props.on_action) }
                    { side("ingress", &answer.ingress, &props.on_action) }
                </div>
            }
        </details>
    }
}

/// One direction of an answer: its verdict, why, and the deciding rules as links.
fn side(direction: &str, side: &SideAnswer, on_action: &Callback<Action>) -> Html {
    html! {
        <div class={format!("side verdict-{}", side.verdict)}>
            <p><span class="direction">{ direction }</span>{ ": " }{ &side.explanation }</p>
            if !side.rules.is_empty() {
                <ul>
                    { for side.rules.iter().map(|rule| located(rule, on_action)) }
                </ul>
            }
        </div>
    }
}

fn located(rule: &Located, on_action: &Callback<Action>) -> Html {
    let span = Span {
        line: rule.line,
        column: rule.column,
        end_line: rule.end_line,
        end_column: rule.end_column,
    };
    html! {
        <li data-testid="network-rule" data-line={rule.line.to_string()}>
            <button type="button" class="link"
                onclick={on_action.reform(move |_| Action::Focus(span))}
                aria-label={format!("Go to line {}: {} {}", rule.line, rule.policy, rule.pointer)}>
                <span class="loc">{ format!("line {}", rule.line) }</span>{ " " }
                <code>{ &rule.policy }</code>{ " " }<code>{ &rule.pointer }</code>
            </button>
        </li>
    }
}
