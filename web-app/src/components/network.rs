//! The Network view: which workload of the text reaches which (and from outside) under
//! its NetworkPolicies, as `kubecheck netpol` prints it. A cell opens the answer for its
//! pair, and each deciding rule is a link that selects it in the editor.

use kubecheck_core::netpol::matrix::{self, Answer, Located, Matrix, Reach, SideAnswer, OUTSIDE};
use kubecheck_core::netpol::{Endpoint, Network};
use kubecheck_core::Input;
use yew::prelude::*;

use crate::state::{Action, Shared, Span};

/// Most workloads in the matrix: it grows with their square, and a wider table is not
/// readable beside the editor.
const MAX_WORKLOADS: usize = 24;

#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    pub input: Shared<Input>,
    pub on_action: Callback<Action>,
}

/// The matrix of the input, or why there is none (`Err`): built once per parse.
struct View {
    matrix: Result<Matrix, String>,
}

impl View {
    fn of(input: &Input) -> Option<View> {
        let (objects, _) = input.objects();
        let network = Network::build(&objects);
        match network.workloads.len() {
            0 => None,
            n if n > MAX_WORKLOADS => Some(View {
                matrix: Err(format!(
                    "{n} workloads: the view shows at most {MAX_WORKLOADS}; `kubecheck netpol` answers for any number"
                )),
            }),
            _ => Some(View {
                matrix: Ok(matrix::matrix(&network)),
            }),
        }
    }
}

/// The answer for one pair of the matrix, `from` being a source row's name.
fn answer(input: &Input, from: &str, to: &str) -> Option<Answer> {
    let (objects, _) = input.objects();
    let network = Network::build(&objects);
    let names = network.names();
    let endpoint = |name: &str| match name {
        OUTSIDE => Some(Endpoint::Outside(None)),
        _ => names.iter().position(|n| n == name).map(Endpoint::Workload),
    };
    let (from_endpoint, to_endpoint) = (endpoint(from)?, endpoint(to)?);
    Some(matrix::explain(
        input,
        &network,
        (from, from_endpoint),
        (to, to_endpoint),
        None,
    ))
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
    let view = use_memo(props.input.clone(), |input| View::of(input));
    let selected = use_state(|| None::<(String, String)>);
    let Some(view) = view.as_ref() else {
        return html! {};
    };
    let matrix = match &view.matrix {
        Ok(matrix) => matrix,
        Err(message) => {
            return html! {
                <details class="network" data-testid="network">
                    <summary>{ "Network" }</summary>
                    <p class="hint">{ message }</p>
                </details>
            }
        }
    };
    let columns = matrix.workloads.len();
    let rows = matrix.cells.chunks(columns.max(1));
    let answer = selected
        .as_ref()
        .and_then(|(from, to)| Some((from, to, answer(&props.input, from, to)?)));
    html! {
        <details class="network" data-testid="network">
            <summary>{ format!("Network: which of the {columns} workloads reach which") }</summary>
            <p class="hint">{ "Rows send, columns receive; a cell opens the rules that decide it." }</p>
            <div class="matrix-scroll">
                <table class="matrix">
                    <thead>
                        <tr>
                            <th scope="col">{ "from \\ to" }</th>
                            { for matrix.workloads.iter().map(|w| html! { <th scope="col">{ w }</th> }) }
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
                                        let is_selected = selected.as_ref() == Some(&pair);
                                        let onclick = {
                                            let selected = selected.clone();
                                            Callback::from(move |_| selected.set(Some(pair.clone())))
                                        };
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
            if let Some((from, to, answer)) = answer {
                <div class="network-answer" data-testid="network-answer" aria-live="polite">
                    <p>
                        <code>{ from }</code>{ " → " }<code>{ to }</code>{ ": " }
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
