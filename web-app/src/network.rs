//! What the Network view shows, as data the check worker sends to the page: the matrix of
//! which workload reaches which (`kubecheck netpol`'s), and the answer for one pair, both
//! the core's own (de)serialisable types, since the page has no parse of its own to build
//! them from.

use kubecheck_core::netpol::matrix::{self, Answer, Matrix, OUTSIDE};
use kubecheck_core::netpol::{Endpoint, Network};
use kubecheck_core::Input;
use serde::{Deserialize, Serialize};

/// Most workloads in the matrix: it grows with their square, and a wider table is not
/// readable beside the editor.
pub const MAX_WORKLOADS: usize = 24;

/// The view of a text with workloads: their matrix, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum View {
    Matrix(Matrix),
    TooLarge(String),
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
        _ => Some(View::Matrix(matrix::matrix(&network))),
    }
}

/// The answer for one pair of the matrix, `from` being a source row's name.
pub fn answer(input: &Input, from: &str, to: &str) -> Option<Answer> {
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
