//! The document tree: every value keeps the span it was read from.

use ecow::EcoString;
use serde::{Deserialize, Serialize};

/// A position in a source text. Lines and columns are 1-based and count Unicode scalar
/// values, so they are the same in every place the core runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A half-open range `[start, end)` in a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// How a scalar was written: resolution of plain scalars follows YAML 1.1 as the
/// Kubernetes API machinery does (`yes` is a boolean there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    Block,
}

/// What a scalar resolves to. A number is not held: it is read again from the scalar's
/// text when asked for ([`Scalar::int`], [`Scalar::float`]), by the resolution that
/// found it a number. Holding it made every node of the tree 8 bytes larger, for the few
/// numbers a check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int,
    Float,
    Str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's text after unescaping; for strings this is the value. An `EcoString`
    /// is 16 bytes, as a `Box<str>` (a `String`'s capacity word made every node of the
    /// tree 8 bytes larger), and holds up to 15 bytes without an allocation: most keys
    /// and values of a manifest (`name`, `image`, `containerPort`, `true`, `8080`).
    pub text: EcoString,
    pub style: ScalarStyle,
    pub value: ScalarValue,
}

/// A collection's items are a boxed slice, not a `Vec`: the tree is built once and not
/// grown, and a `Vec`'s capacity word made every node 8 bytes larger.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Box<[Node]>),
    Map(Box<[Entry]>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// Mappings up to this many entries find their repeated keys by comparing, not hashing.
pub(super) const SMALL_MAP: usize = 16;

/// The entries the API server reads, in order: of a repeated key only the last (complex
/// keys, which it never reads by name, all kept). Comparing keys costs less than hashing
/// them for the small mappings nearly every manifest has.
pub(crate) fn entries_in_effect(entries: &[Entry]) -> impl Iterator<Item = &Entry> {
    let last: Option<std::collections::HashMap<&str, usize>> =
        (entries.len() > SMALL_MAP).then(|| {
            entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| Some((e.key_str()?, i)))
                .collect()
        });
    entries
        .iter()
        .enumerate()
        .filter(move |(i, e)| match (e.key_str(), &last) {
            (None, _) => true,
            (Some(key), Some(last)) => last.get(key) == Some(i),
            (Some(key), None) => !entries[i + 1..].iter().any(|l| l.key_str() == Some(key)),
        })
        .map(|(_, e)| e)
}

/// A scalar's value with its number read ([`Scalar::resolved`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Scalar {
    pub fn resolved(&self) -> Resolved<'_> {
        match self.value {
            ScalarValue::Null => Resolved::Null,
            ScalarValue::Bool(b) => Resolved::Bool(b),
            ScalarValue::Int => match self.int() {
                Some(i) => Resolved::Int(i),
                None => Resolved::Float(super::resolve::float_of(&self.text)),
            },
            ScalarValue::Float => Resolved::Float(super::resolve::float_of(&self.text)),
            ScalarValue::Str => Resolved::Str(&self.text),
        }
    }

    /// An integer's value (`None` unless the scalar resolved to an integer).
    pub fn int(&self) -> Option<i64> {
        match self.value {
            ScalarValue::Int => super::resolve::int_of(&self.text),
            _ => None,
        }
    }

    /// A number's value as a float: an integer's converted (`None` for anything else).
    pub fn float(&self) -> Option<f64> {
        match self.value {
            ScalarValue::Int | ScalarValue::Float => Some(super::resolve::float_of(&self.text)),
            _ => None,
        }
    }
}

impl Entry {
    /// The key as text; complex (non-scalar) keys have none.
    pub fn key_str(&self) -> Option<&str> {
        match &self.key.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
/// A value and where it was read. 40 bytes, and a tree is mostly nodes: whether a
/// collection was written in flow style (`{}`, `[]`) is read off the text at its start
/// by the few that ask (`crate::fix`), not held in every node.
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn null_at(span: Span) -> Node {
        Node {
            value: Value::Scalar(Scalar {
                text: EcoString::new(),
                style: ScalarStyle::Plain,
                value: ScalarValue::Null,
            }),
            span,
        }
    }

    /// The value of `key` in a mapping. With duplicate keys the last one wins, as in
    /// the API server's decoder.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key_str() == Some(key)),
            _ => None,
        }
    }

    pub fn index(&self, i: usize) -> Option<&Node> {
        match &self.value {
            Value::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// A string scalar's text; `None` for anything else (numbers and booleans included).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) if s.value == ScalarValue::Str => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(Scalar {
                value: ScalarValue::Bool(b),
                ..
            }) => Some(*b),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(
            &self.value,
            Value::Scalar(Scalar {
                value: ScalarValue::Null,
                ..
            })
        )
    }

    /// A short name of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(s) => match s.value {
                ScalarValue::Null => "null",
                ScalarValue::Bool(_) => "boolean",
                ScalarValue::Int => "integer",
                ScalarValue::Float => "number",
                ScalarValue::Str => "string",
            },
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    /// The tree is most of a check's memory: a field added to every node shows here.
    #[test]
    fn a_node_is_40_bytes() {
        assert_eq!(std::mem::size_of::<super::Node>(), 40);
    }
}
