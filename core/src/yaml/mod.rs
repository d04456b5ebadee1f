//! YAML and JSON reading with spans.

mod de;
pub mod lines;
mod node;
mod parse;
mod quick_scan;
mod resolve;
mod to_json;

pub use de::{from_node, from_node_collecting, TypeError};
pub use node::{Entry, Node, Pos, Resolved, Scalar, ScalarStyle, ScalarValue, Span, Value};
pub use parse::{
    parse_documents, parse_documents_apart, parse_documents_with_saphyr, parse_documents_within,
    quick_scan_refusals, AliasBudget, Document, DuplicateKey, ParseError, ALIAS_BUDGET_RATIO,
    MAX_DEPTH, MIN_ALIAS_BUDGET,
};
pub use resolve::{resolve_plain, resolve_plain_is_string};
pub use to_json::{same_as_json, to_json};
