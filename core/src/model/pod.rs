//! One view of the pod template of every workload kind, so each rule is written once.

use k8s_openapi::api::core::v1::{
    Container, EnvVar, Lifecycle, PodSpec, Probe, ResourceRequirements, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use serde::de::DeserializeOwned;

use super::object::Object;
use super::typed::typed_with_repair;
use super::views::{ContainerView, MetadataView, PodSpecView};
use crate::yaml::{Node, TypeError};

pub use kubecheck_plugin_abi::input::ContainerKind;
use kubecheck_plugin_abi::input::POD_SPEC_PATHS;

use super::workloads::{custom_workload, generic_templates, templates_of, FoundTemplate, Shape};

/// A container of any kind with the pointer to it (relative to the object).
#[derive(Clone, Debug)]
pub struct ContainerRef {
    pub kind: ContainerKind,
    pub index: usize,
    pub pointer: String,
    pub container: ContainerView,
}

impl ContainerRef {
    pub fn name(&self) -> &str {
        &self.container.name
    }

    /// Pointer to a field below this container, e.g. `securityContext/privileged`.
    pub fn at(&self, relative: &str) -> String {
        format!("{}/{relative}", self.pointer)
    }

    /// The container's `resources`, read from `object` when asked (see
    /// [`PodTemplate::volumes`]): its two maps were a kilobyte a container, held for
    /// one rule.
    pub fn resources(&self, object: &Object<'_>) -> Option<ResourceRequirements> {
        object.typed_as_read(&self.at("resources")).flatten()
    }

    /// The container's `env`, read from `object` when asked (see
    /// [`PodTemplate::volumes`]): 360 bytes a variable, held for the few secret rules.
    pub fn env(&self, object: &Object<'_>) -> Vec<EnvVar> {
        object
            .typed_as_read::<Option<Vec<EnvVar>>>(&self.at("env"))
            .flatten()
            .unwrap_or_default()
    }

    /// The container's probe at `field` (`livenessProbe`, `readinessProbe`,
    /// `startupProbe`), read from `object` when asked: three probes and the lifecycle
    /// hooks were 1.5 KB a container, held for one rule.
    pub fn probe(&self, object: &Object<'_>, field: &str) -> Option<Probe> {
        self.field_as_read(object, field)
    }

    /// The container's `lifecycle`, read from `object` when asked (see
    /// [`ContainerRef::probe`]).
    pub fn lifecycle(&self, object: &Object<'_>) -> Option<Lifecycle> {
        self.field_as_read(object, "lifecycle")
    }

    /// The container's `field` as [`Object::typed_as_read`] reads it; a field the
    /// container does not set costs no pointer and no typed read.
    fn field_as_read<T: DeserializeOwned>(&self, object: &Object<'_>, field: &str) -> Option<T> {
        let node = object.at(&self.pointer)?.get(field)?;
        typed_with_repair::<Option<T>>(node, &self.at(field))
            .0
            .ok()
            .flatten()
    }
}

#[derive(Clone, Debug)]
pub struct PodTemplate {
    /// Pointer to the pod spec, relative to the object.
    pub spec_pointer: String,
    /// Pointer to the pod's metadata (the template's, or the Pod's own).
    pub meta_pointer: String,
    /// The pod spec's fields the rules read: its containers are in
    /// [`PodTemplate::containers`] (with ephemeral containers), and
    /// [`PodTemplate::volumes`] reads its volumes when asked.
    pub spec: PodSpecView,
    pub metadata: MetadataView,
    /// Containers, then init containers, then ephemeral containers.
    pub containers: Vec<ContainerRef>,
    /// An overlay that an operator completes, or part of a patch: judged only for what
    /// it sets (see `crate::rules::partial`).
    pub partial: bool,
}

impl PodTemplate {
    /// Pointer to a field below the pod spec, e.g. `hostNetwork`.
    pub fn at(&self, relative: &str) -> String {
        format!("{}/{relative}", self.spec_pointer)
    }

    /// The pod's volumes, read from `object` (the object of this template) when asked
    /// and dropped after use: a typed `Volume` holds every volume source inline, 3 KB
    /// each, which the few volume rules did not need held for the whole check.
    pub fn volumes(&self, object: &Object<'_>) -> Vec<Volume> {
        object
            .typed_as_read::<Option<Vec<Volume>>>(&self.at("volumes"))
            .flatten()
            .unwrap_or_default()
    }

    /// Finds and reads the pod templates of `root` (an object of `kind` in API `group`):
    /// the built-in workloads' one, those the table of custom resources names, or what
    /// the generic search finds in other kinds. A template that cannot be read is an
    /// error, never a silently missing view: every pod rule would go quiet.
    pub(crate) fn read_all(
        group: &str,
        kind: &str,
        root: &Node,
        object_meta: &MetadataView,
        errors: &mut Vec<TypeError>,
    ) -> Result<Vec<PodTemplate>, String> {
        let found = match POD_SPEC_PATHS.iter().find(|(k, _)| *k == kind) {
            Some((_, path)) => vec![FoundTemplate {
                pointer: (*path).to_owned(),
                shape: Shape::Spec,
                partial: false,
            }],
            None => match custom_workload(group, kind) {
                Some(row) => templates_of(row, root),
                // A CRD's schema describes templates; it is not one.
                None if kind == "CustomResourceDefinition" => Vec::new(),
                None => generic_templates(root),
            },
        };
        let mut templates = Vec::with_capacity(found.len());
        for template in found {
            let spec_pointer = match template.shape {
                Shape::Template => format!("{}/spec", template.pointer),
                Shape::Spec => template.pointer.clone(),
            };
            let Some(spec_node) = crate::pointer::resolve(root, &spec_pointer) else {
                continue;
            };
            let mut pod = Self::read_at(spec_pointer, spec_node, root, object_meta, errors)?;
            pod.partial = template.partial;
            templates.push(pod);
        }
        Ok(templates)
    }

    /// Pointer to where the template starts (its metadata and spec, or the pod spec of a
    /// template without metadata): a finding at or below it is about this template.
    pub fn root_pointer(&self) -> &str {
        match self.meta_pointer.strip_suffix("/metadata") {
            Some(parent) if self.spec_pointer == format!("{parent}/spec") && !parent.is_empty() => {
                parent
            }
            _ => &self.spec_pointer,
        }
    }

    fn read_at(
        spec_pointer: String,
        spec_node: &Node,
        root: &Node,
        object_meta: &MetadataView,
        errors: &mut Vec<TypeError>,
    ) -> Result<PodTemplate, String> {
        let meta_pointer = match spec_pointer.strip_suffix("/spec") {
            Some(parent) => format!("{parent}/metadata"),
            None => format!("{spec_pointer}/metadata"),
        };
        let (spec, spec_errors) = typed_with_repair::<PodSpec>(spec_node, &spec_pointer);
        errors.extend(spec_errors);
        let mut spec = spec?;
        let metadata = match crate::pointer::resolve(root, &meta_pointer) {
            Some(node) if meta_pointer != "/metadata" => {
                let (meta, meta_errors) = typed_with_repair::<ObjectMeta>(node, &meta_pointer);
                errors.extend(meta_errors);
                meta?.into()
            }
            Some(_) => object_meta.clone(),
            None => MetadataView::default(),
        };
        let mut containers = Vec::new();
        for kind in [
            ContainerKind::Container,
            ContainerKind::Init,
            ContainerKind::Ephemeral,
        ] {
            let list: Vec<Container> = match kind {
                ContainerKind::Container => std::mem::take(&mut spec.containers),
                ContainerKind::Init => spec.init_containers.take().unwrap_or_default(),
                // Ephemeral containers share every field that matters to the rules.
                ContainerKind::Ephemeral => {
                    match crate::pointer::resolve(spec_node, &format!("/{}", kind.field())) {
                        // Its errors were recorded with the spec's.
                        Some(node) => {
                            typed_with_repair::<Vec<Container>>(
                                node,
                                &format!("{spec_pointer}/{}", kind.field()),
                            )
                            .0?
                        }
                        None => Vec::new(),
                    }
                }
            };
            containers.extend(list.into_iter().enumerate().map(|(index, container)| {
                ContainerRef {
                    kind,
                    index,
                    pointer: format!("{spec_pointer}/{}/{index}", kind.field()),
                    container: container.into(),
                }
            }));
        }
        // A vector grown from empty holds four containers at least: most pods have one.
        containers.shrink_to_fit();
        Ok(PodTemplate {
            spec_pointer,
            meta_pointer,
            spec: spec.into(),
            metadata,
            containers,
            partial: false,
        })
    }
}
