//! One Kubernetes object of the input.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;

use super::pod::PodTemplate;
use super::views::MetadataView;
use crate::yaml::{from_node, Node, TypeError};

/// The `apiVersion` and `kind` a list gives those of its items that have neither.
#[derive(Clone, Debug)]
pub(crate) struct TypeMeta {
    pub api_version: String,
    pub kind: String,
}

impl TypeMeta {
    pub(crate) fn new(api_version: &str, kind: &str) -> Self {
        TypeMeta {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Object<'a> {
    /// Position in [`super::Input::objects`]; plugins name resources by it.
    pub id: usize,
    /// Index into [`super::Input::sources`].
    pub source: usize,
    /// Index of the YAML document in its source.
    pub document: usize,
    /// Pointer of the object in its document: empty, or `/items/N` inside a list
    /// (`/items/N/items/M` inside nested lists).
    pub prefix: String,
    pub node: &'a Node,
    pub api_version: ecow::EcoString,
    pub kind: ecow::EcoString,
    /// `api_version` and `kind` come from the enclosing list, not from `node`: kubectl
    /// gives them to list items that have neither (`PodList` items are Pods).
    pub type_from_list: bool,
    pub metadata: MetadataView,
    /// Every pod template of the object, each with its own pointers: one for a Pod or a
    /// built-in workload, several for custom resources such as a RayCluster (head and
    /// worker groups) or a JobSet (one per replicated job).
    pub pods: Vec<PodTemplate>,
    /// A Kustomize patch or an evident fragment ([`super::patches`]): judged only for
    /// what it sets, like a partial template.
    pub partial: bool,
    /// Values whose type does not match the Kubernetes schema, found while reading the
    /// typed views; pointers are relative to the object.
    pub type_errors: Vec<TypeError>,
}

/// Every pod template of `objects` with its object, in object order.
pub fn with_pods<'o, 'a>(
    objects: &'o [Object<'a>],
) -> impl Iterator<Item = (&'o Object<'a>, &'o PodTemplate)> {
    objects
        .iter()
        .flat_map(|object| object.pods.iter().map(move |pod| (object, pod)))
}

impl<'a> Object<'a> {
    pub fn name(&self) -> Option<&str> {
        self.metadata.name.as_deref()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata.namespace.as_deref()
    }

    /// The API group without the version: `""` for the core group.
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata
            .annotations
            .as_ref()?
            .get(key)
            .map(String::as_str)
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.metadata.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// The object as JSON, as plugins get it: with the `apiVersion` and `kind` it took
    /// from its list, if it did ([`crate::objects::ObjectJson`] streams the same).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(crate::objects::ObjectJson(self)).unwrap_or_default()
    }

    /// The node at `pointer` (relative to the object).
    pub fn at(&self, pointer: &str) -> Option<&'a Node> {
        crate::pointer::resolve(self.node, pointer)
    }

    /// A typed view of the part of the object at `pointer`; `None` if it is absent or
    /// does not fit `T`.
    pub fn typed<T: DeserializeOwned>(&self, pointer: &str) -> Option<T> {
        from_node(self.at(pointer)?, pointer).ok()
    }

    /// The typed view of the part of the object at `pointer` as the object's views were
    /// read: values of the wrong type set aside (their errors were recorded then). For
    /// the parts of a view that are read when a rule asks instead of held.
    pub fn typed_as_read<T: DeserializeOwned>(&self, pointer: &str) -> Option<T> {
        super::typed_with_repair(self.at(pointer)?, pointer).0.ok()
    }

    /// `Kind/name` (or `Kind/namespace/name`) for messages.
    pub fn display_name(&self) -> String {
        match (self.namespace(), self.name()) {
            (Some(ns), Some(name)) => format!("{}/{ns}/{name}", self.kind),
            (None, Some(name)) => format!("{}/{name}", self.kind),
            _ => self.kind.to_string(),
        }
    }

    pub(crate) fn read(
        id: usize,
        source: usize,
        document: usize,
        prefix: String,
        node: &'a Node,
        list_type: Option<TypeMeta>,
    ) -> Result<Self, String> {
        let field = |name: &str| {
            node.get(name)
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
        };
        if node.as_map().is_none() {
            return Err(format!(
                "document is a {}, not a Kubernetes object (a mapping with `apiVersion` and `kind`)",
                node.type_name()
            ));
        }
        let (mut api_version, mut kind) = (field("apiVersion"), field("kind"));
        let type_from_list = api_version.is_none() && kind.is_none() && list_type.is_some();
        if let (true, Some(list)) = (type_from_list, &list_type) {
            api_version = Some(list.api_version.as_str()).filter(|a| !a.is_empty());
            kind = Some(list.kind.as_str());
        }
        let (api_version, kind) = match (api_version, kind) {
            (Some(a), Some(k)) => (a.to_owned(), k.to_owned()),
            (None, Some(_)) => {
                return Err("not a Kubernetes object: `apiVersion` is missing".into())
            }
            (Some(_), None) => return Err("not a Kubernetes object: `kind` is missing".into()),
            (None, None) => {
                return Err("not a Kubernetes object: `apiVersion` and `kind` are missing".into())
            }
        };
        let mut type_errors = Vec::new();
        let metadata = match node.get("metadata") {
            Some(meta) => {
                let (meta, errors) = super::typed_with_repair::<ObjectMeta>(meta, "/metadata");
                type_errors.extend(errors);
                MetadataView::from(meta?)
            }
            None => MetadataView::default(),
        };
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        let pods = PodTemplate::read_all(group, &kind, node, &metadata, &mut type_errors)?;
        Ok(Object {
            id,
            source,
            document,
            prefix,
            node,
            api_version: api_version.into(),
            kind: kind.into(),
            type_from_list,
            metadata,
            pods,
            partial: false,
            type_errors,
        })
    }
}
