//! Typed views (k8s-openapi structs) read straight from the spanned tree.
//!
//! Decoding follows the Kubernetes YAML decoder: a string field takes any scalar's text
//! (`image: 1.0` is the string `"1.0"`), `null` is the zero value, and the last of
//! duplicate keys wins. A type mismatch comes back as a [`TypeError`] with the JSON
//! pointer and span of the offending value, so it can be reported where it is.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};

use super::node::{entries_in_effect, Entry, Node, Resolved, ScalarValue, Span, Value};
use crate::pointer;

#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    /// Pointer of the offending value, relative to the document root.
    pub pointer: String,
    pub span: Span,
    pub message: String,
    located: bool,
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.message, self.pointer)
    }
}

impl std::error::Error for TypeError {}

impl de::Error for TypeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TypeError {
            pointer: String::new(),
            span: Span::default(),
            message: msg.to_string(),
            located: false,
        }
    }
}

/// Reads `node` (found at `base` in its document) as a `T`.
pub fn from_node<T: DeserializeOwned>(node: &Node, base: &str) -> Result<T, TypeError> {
    let root = Path::Root(base, None);
    T::deserialize(De { node, path: &root })
}

/// [`from_node`] that goes on past values of the wrong kind (a string for a boolean, a
/// mapping for a list, an integer out of range...): each is pushed to `errors` and read
/// as `null` would be, so one pass finds them all. What a visitor refuses of a value of
/// the right kind (an IntOrString given `true`) still ends the pass with an error.
pub fn from_node_collecting<T: DeserializeOwned>(
    node: &Node,
    base: &str,
    errors: &mut Vec<TypeError>,
) -> Result<T, TypeError> {
    let sink = RefCell::new(std::mem::take(errors));
    let root = Path::Root(base, Some(&sink));
    let result = T::deserialize(De { node, path: &root });
    *errors = sink.into_inner();
    result
}

enum Path<'p> {
    /// The base pointer, and where errors go when the pass goes on past them.
    Root(&'p str, Option<&'p RefCell<Vec<TypeError>>>),
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn sink(&self) -> Option<&RefCell<Vec<TypeError>>> {
        let mut path = self;
        loop {
            match path {
                Path::Root(_, sink) => return *sink,
                Path::Key(parent, _) | Path::Index(parent, _) => path = parent,
            }
        }
    }

    fn pointer(&self) -> String {
        match self {
            Path::Root(base, _) => (*base).to_owned(),
            Path::Key(parent, key) => format!("{}/{}", parent.pointer(), pointer::escape(key)),
            Path::Index(parent, i) => format!("{}/{i}", parent.pointer()),
        }
    }
}

struct De<'n, 'p> {
    node: &'n Node,
    path: &'p Path<'p>,
}

impl De<'_, '_> {
    fn locate<T>(&self, result: Result<T, TypeError>) -> Result<T, TypeError> {
        result.map_err(|mut e| {
            if !e.located {
                e.pointer = self.path.pointer();
                e.span = self.node.span;
                e.located = true;
            }
            e
        })
    }

    fn unexpected(&self) -> Unexpected<'_> {
        match &self.node.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => Unexpected::Unit,
                Resolved::Bool(b) => Unexpected::Bool(b),
                Resolved::Int(i) => Unexpected::Signed(i),
                Resolved::Float(f) => Unexpected::Float(f),
                Resolved::Str(text) => Unexpected::Str(text),
            },
            Value::Seq(_) => Unexpected::Seq,
            Value::Map(_) => Unexpected::Map,
        }
    }

    /// A value of the wrong kind: an error, or, in a collecting pass, an error recorded
    /// before the caller reads the value as `null`.
    fn mismatch(&self, expected: &dyn de::Expected) -> Result<(), TypeError> {
        self.tolerate(de::Error::invalid_type(self.unexpected(), expected))
    }

    fn tolerate(&self, error: TypeError) -> Result<(), TypeError> {
        let error = self.locate::<()>(Err(error)).unwrap_err();
        match self.path.sink() {
            Some(sink) => {
                sink.borrow_mut().push(error);
                Ok(())
            }
            None => Err(error),
        }
    }

    fn scalar_value(&self) -> Option<Resolved<'_>> {
        match &self.node.value {
            Value::Scalar(s) => Some(s.resolved()),
            _ => None,
        }
    }
}

macro_rules! integer {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
            let value = match self.scalar_value() {
                Some(Resolved::Int(i)) => Some(i),
                Some(Resolved::Float(f)) => json_integer(f),
                Some(Resolved::Null) => Some(0),
                _ => None,
            };
            let value = match value {
                Some(i) if <$ty>::try_from(i).is_ok() => i,
                // The error the visitor would give, checked here so a collecting pass
                // goes on.
                Some(i) => {
                    self.tolerate(de::Error::invalid_value(Unexpected::Signed(i), &visitor))?;
                    0
                }
                None => {
                    self.mismatch(&visitor)?;
                    0
                }
            };
            let r = visitor.visit_i64(value);
            self.locate(r)
        }
    )*};
}

/// A float the decoder's JSON writes as an integer, so an integer field takes it:
/// `runAsUser: 0.0` and `!!float "0"` are `0` in the JSON Go's encoder prints (digits
/// only for whole values below 1e21), and that is user 0, root, to the API server.
fn json_integer(f: f64) -> Option<i64> {
    let fits = f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64;
    fits.then_some(f as i64)
}

/// A whole float past `i64` that Go's encoder still prints as digits, within `u64`.
fn json_unsigned(f: f64) -> Option<u64> {
    let fits = f.fract() == 0.0 && f >= i64::MAX as f64 && f < u64::MAX as f64;
    fits.then_some(f as u64)
}

macro_rules! float {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
            let r = match self.scalar_value() {
                Some(Resolved::Int(i)) => visitor.visit_f64(i as f64),
                Some(Resolved::Float(f)) => visitor.visit_f64(f),
                Some(Resolved::Null) => visitor.visit_f64(0.0),
                _ => {
                    self.mismatch(&visitor)?;
                    visitor.visit_f64(0.0)
                }
            };
            self.locate(r)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = TypeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = match &self.node.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => visitor.visit_unit(),
                Resolved::Bool(b) => visitor.visit_bool(b),
                Resolved::Int(i) => visitor.visit_i64(i),
                // A whole float is an integer in the decoder's JSON (`port: 8080.0` is
                // `8080`), which an IntOrString or a plain JSON field then takes as one.
                Resolved::Float(f) => match json_integer(f) {
                    Some(i) => visitor.visit_i64(i),
                    None => match json_unsigned(f) {
                        Some(u) => visitor.visit_u64(u),
                        None => visitor.visit_f64(f),
                    },
                },
                Resolved::Str(text) => visitor.visit_str(text),
            },
            Value::Seq(items) => visitor.visit_seq(SeqAccess::new(items, self.path)),
            Value::Map(entries) => visitor.visit_map(MapAccess::new(entries, self.path)),
        };
        self.locate(r)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = match self.scalar_value() {
            Some(Resolved::Bool(b)) => visitor.visit_bool(b),
            Some(Resolved::Null) => visitor.visit_bool(false),
            _ => {
                self.mismatch(&visitor)?;
                visitor.visit_bool(false)
            }
        };
        self.locate(r)
    }

    integer!(deserialize_i8: i8 deserialize_i16: i16 deserialize_i32: i32 deserialize_i64: i64 deserialize_u8: u8 deserialize_u16: u16 deserialize_u32: u32 deserialize_u64: u64);
    float!(deserialize_f32 deserialize_f64);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = match &self.node.value {
            Value::Scalar(s) if s.value == ScalarValue::Null => visitor.visit_str(""),
            Value::Scalar(s) => visitor.visit_str(&s.text),
            _ => {
                self.mismatch(&visitor)?;
                visitor.visit_str("")
            }
        };
        self.locate(r)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        if self.node.is_null() {
            let r = visitor.visit_none();
            self.locate(r)
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = visitor.visit_unit();
        self.locate(r)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = match &self.node.value {
            Value::Seq(items) => visitor.visit_seq(SeqAccess::new(items, self.path)),
            _ if self.node.is_null() => visitor.visit_seq(SeqAccess::new(&[], self.path)),
            _ => {
                self.mismatch(&visitor)?;
                visitor.visit_seq(SeqAccess::new(&[], self.path))
            }
        };
        self.locate(r)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        let r = match &self.node.value {
            Value::Map(entries) => visitor.visit_map(MapAccess::new(entries, self.path)),
            _ if self.node.is_null() => visitor.visit_map(MapAccess::new(&[], self.path)),
            _ => {
                self.mismatch(&visitor)?;
                visitor.visit_map(MapAccess::new(&[], self.path))
            }
        };
        self.locate(r)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypeError> {
        let r = match &self.node.value {
            Value::Scalar(s) => visitor.visit_enum((&*s.text).into_deserializer()),
            _ => {
                self.mismatch(&visitor)?;
                visitor.visit_enum("".into_deserializer())
            }
        };
        self.locate(r)
    }

    /// Unknown fields are skipped without descending, so their depth costs nothing.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypeError> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'n, 'p> {
    items: &'n [Node],
    next: usize,
    path: &'p Path<'p>,
}

impl<'n, 'p> SeqAccess<'n, 'p> {
    fn new(items: &'n [Node], path: &'p Path<'p>) -> Self {
        SeqAccess {
            items,
            next: 0,
            path,
        }
    }
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, '_> {
    type Error = TypeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TypeError> {
        let Some(node) = self.items.get(self.next) else {
            return Ok(None);
        };
        let path = Path::Index(self.path, self.next);
        self.next += 1;
        seed.deserialize(De { node, path: &path }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

struct MapAccess<'n, 'p> {
    entries: Vec<&'n Entry>,
    next: usize,
    path: &'p Path<'p>,
}

impl<'n, 'p> MapAccess<'n, 'p> {
    /// Only the last of duplicate keys is shown to the visitor.
    fn new(all: &'n [Entry], path: &'p Path<'p>) -> Self {
        let entries: Vec<&Entry> = entries_in_effect(all).collect();
        MapAccess {
            entries,
            next: 0,
            path,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_> {
    type Error = TypeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TypeError> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(De {
            node: &entry.key,
            path: self.path,
        })
        .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TypeError> {
        let entry = self.entries[self.next];
        self.next += 1;
        let key = entry.key_str().unwrap_or("");
        let path = Path::Key(self.path, key);
        seed.deserialize(De {
            node: &entry.value,
            path: &path,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;
    use k8s_openapi::api::core::v1::{Container, PodSpec, SecurityContext};

    fn doc(text: &str) -> Node {
        parse_documents(text).remove(0).result.unwrap()
    }

    #[test]
    fn reads_k8s_types_the_way_the_api_server_does() {
        let node = doc("name: app\nimage: 1.0\nsecurityContext:\n  privileged: yes\nresources:\n  limits: {cpu: 0.5, memory: 64Mi}\n");
        let c: Container = from_node(&node, "").unwrap();
        assert_eq!(c.image.as_deref(), Some("1.0"));
        assert_eq!(c.security_context.unwrap().privileged, Some(true));
        assert_eq!(c.resources.unwrap().limits.unwrap()["cpu"].0, "0.5");
    }

    #[test]
    fn whole_floats_fill_integer_fields_as_in_the_decoders_json() {
        for zero in ["0.0", "!!float \"0\"", "-0.0", "0e3"] {
            let node = doc(&format!("runAsUser: {zero}\n"));
            let ctx: SecurityContext = from_node(&node, "").unwrap();
            assert_eq!(ctx.run_as_user, Some(0), "{zero}");
        }
        let node = doc("runAsUser: 1e3\n");
        let ctx: SecurityContext = from_node(&node, "").unwrap();
        assert_eq!(ctx.run_as_user, Some(1000));
        for bad in ["0.5", "1e19", ".inf", ".nan"] {
            let node = doc(&format!("runAsUser: {bad}\n"));
            assert!(from_node::<SecurityContext>(&node, "").is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_floats_are_integers_where_any_number_goes() {
        // sigs.k8s.io/yaml keeps `8080.0` as a float64 and Go's `json.Marshal` writes it
        // as `8080`, which IntOrString takes: the API server accepts the probe.
        use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
        for (text, port) in [
            ("8080.0", 8080),
            ("8.08e3", 8080),
            ("-0.0", 0),
            ("!!float 80", 80),
        ] {
            let node = doc(&format!("port: {text}\n"));
            let action: k8s_openapi::api::core::v1::HTTPGetAction = from_node(&node, "").unwrap();
            assert_eq!(action.port, IntOrString::Int(port), "{text}");
        }
        // Not whole, or past what Go prints as digits: not an integer.
        for text in ["8080.5", "1e21", ".inf"] {
            let node = doc(&format!("port: {text}\n"));
            assert!(
                from_node::<k8s_openapi::api::core::v1::HTTPGetAction>(&node, "").is_err(),
                "{text}"
            );
        }
        let node = doc("a: 1.0\nb: 1.5\n");
        let json: serde_json::Value = from_node(&node, "").unwrap();
        assert_eq!(json, serde_json::json!({"a": 1, "b": 1.5}));
    }

    #[test]
    fn a_wrong_type_names_its_pointer_and_span() {
        let node = doc("containers:\n- name: app\n  securityContext:\n    privileged: \"yes\"\n");
        let err = from_node::<PodSpec>(&node, "/spec").unwrap_err();
        assert_eq!(err.pointer, "/spec/containers/0/securityContext/privileged");
        assert_eq!((err.span.start.line, err.span.start.column), (4, 17));
        assert!(
            err.message.contains("expected a boolean"),
            "{}",
            err.message
        );
    }
}
