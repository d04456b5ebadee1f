//! What the Network view shows, as data the check worker sends to the page: the matrix of
//! which workload reaches which (`kubecheck netpol`'s), and the answer for one pair. The
//! core's matrix types are made to be printed; these are their plain, (de)serialisable
//! copies, since the page has no parse of its own to build them from.

use kubecheck_core::netpol::matrix::{self, Answer, Located, Reach, SideAnswer, OUTSIDE};
use kubecheck_core::netpol::{Endpoint, Network};
use kubecheck_core::Input;
use serde::{Deserialize, Serialize};

/// Most workloads in the matrix: it grows with their square, and a wider table is not
/// readable beside the editor.
pub const MAX_WORKLOADS: usize = 24;

/// The view of a text with workloads: their matrix, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum View {
    Matrix {
        /// Destinations in input order; the sources are `outside`, then these.
        workloads: Vec<String>,
        /// Row by row, as [`matrix::Matrix`] orders them.
        cells: Vec<Cell>,
    },
    TooLarge(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub from: String,
    pub to: String,
    pub reach: CellReach,
}

/// [`Reach`], what a source reaches of a destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CellReach {
    All,
    Ports(Vec<u16>),
    None,
    Unknown,
}

/// [`Answer`] for the pair `from` → `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairAnswer {
    pub from: String,
    pub to: String,
    pub allowed: bool,
    pub egress: Side,
    pub ingress: Side,
}

/// [`SideAnswer`]: one direction's verdict, why, and the rules that decide it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub verdict: String,
    pub explanation: String,
    pub rules: Vec<Rule>,
}

/// [`Located`]: a deciding rule and its span in the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub policy: String,
    pub pointer: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The view of `input`: `None` when it holds no workload.
pub fn view(input: &Input) -> Option<View> {
    let (objects, _) = input.objects();
    let network = Network::build(&objects);
    match network.workloads.len() {
        0 => None,
        n if n > MAX_WORKLOADS => Some(View::TooLarge(format!(
            "{n} workloads: the view shows at most {MAX_WORKLOADS}; `kubecheck netpol` answers for any number"
        ))),
        _ => {
            let matrix = matrix::matrix(&network);
            Some(View::Matrix {
                workloads: matrix.workloads,
                cells: matrix
                    .cells
                    .into_iter()
                    .map(|c| Cell {
                        from: c.from,
                        to: c.to,
                        reach: match c.reach {
                            Reach::All => CellReach::All,
                            Reach::Ports(ports) => CellReach::Ports(ports),
                            Reach::None => CellReach::None,
                            Reach::Unknown => CellReach::Unknown,
                        },
                    })
                    .collect(),
            })
        }
    }
}

/// The answer for one pair of the matrix, `from` being a source row's name.
pub fn answer(input: &Input, from: &str, to: &str) -> Option<PairAnswer> {
    let (objects, _) = input.objects();
    let network = Network::build(&objects);
    let names = network.names();
    let endpoint = |name: &str| match name {
        OUTSIDE => Some(Endpoint::Outside(None)),
        _ => names.iter().position(|n| n == name).map(Endpoint::Workload),
    };
    let (from_endpoint, to_endpoint) = (endpoint(from)?, endpoint(to)?);
    let Answer {
        allowed,
        egress,
        ingress,
        ..
    } = matrix::explain(
        input,
        &network,
        (from, from_endpoint),
        (to, to_endpoint),
        None,
    );
    Some(PairAnswer {
        from: from.to_owned(),
        to: to.to_owned(),
        allowed,
        egress: side(egress),
        ingress: side(ingress),
    })
}

fn side(side: SideAnswer) -> Side {
    Side {
        verdict: side.verdict.to_owned(),
        explanation: side.explanation,
        rules: side
            .rules
            .into_iter()
            .map(|r: Located| Rule {
                policy: r.policy,
                pointer: r.pointer,
                line: r.line,
                column: r.column,
                end_line: r.end_line,
                end_column: r.end_column,
            })
            .collect(),
    }
}
