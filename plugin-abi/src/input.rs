//! What `kubecheck_check` receives (section 4), with helpers that find pod templates and
//! containers in every workload kind, each with its JSON pointer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ABI_VERSION;

/// The input document. `O` is how each object is held (see [`Resource`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckInput<O = Value> {
    pub abi_version: i32,
    /// This plugin's `settings` from the host's config; `null` when none are given.
    #[serde(default)]
    pub settings: Value,
    pub resources: Vec<Resource<O>>,
}

impl<O> CheckInput<O> {
    /// The input of this ABI version.
    pub fn new(settings: Value, resources: Vec<Resource<O>>) -> Self {
        CheckInput {
            abi_version: ABI_VERSION,
            settings,
            resources,
        }
    }
}

impl CheckInput {
    /// The settings as a typed value; absent settings read as `{}`, so a struct whose
    /// fields have `#[serde(default)]` gets its defaults.
    pub fn settings<T: DeserializeOwned>(&self) -> Result<T, String> {
        let settings = match &self.settings {
            Value::Null => Value::Object(Default::default()),
            other => other.clone(),
        };
        serde_json::from_value(settings).map_err(|e| format!("invalid settings: {e}"))
    }
}

/// One Kubernetes object of the input, as JSON (YAML resolved the way the API server
/// resolves it).
///
/// `O` is how the object is held: a JSON value when read, and whatever serialises as
/// one when a host writes the input (the wasm engine streams its parsed trees).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resource<O = Value> {
    /// What findings name the resource by.
    pub id: u64,
    /// The file (or `-` for stdin) the object comes from, for messages.
    pub source: String,
    pub object: O,
}

impl Resource {
    /// The value at a JSON pointer relative to the object (`""` is the object).
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.object.pointer(pointer)
    }

    /// `pointer` if it resolves, else its longest prefix that does: ABI v1 findings must
    /// point at an existing value, so a finding about a missing field points at its
    /// closest parent. A string that is not a JSON pointer is returned unchanged.
    pub fn existing<'p>(&self, pointer: &'p str) -> &'p str {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return pointer;
        }
        let mut prefix = pointer;
        while self.at(prefix).is_none() {
            match prefix.rfind('/') {
                Some(slash) => prefix = &prefix[..slash],
                None => return "",
            }
        }
        prefix
    }

    /// The string at a JSON pointer, if it is a string.
    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.at(pointer)?.as_str()
    }

    /// A typed view of the value at `pointer`, e.g. a k8s-openapi struct; `None` if absent
    /// or of another shape.
    pub fn typed<T: DeserializeOwned>(&self, pointer: &str) -> Option<T> {
        T::deserialize(self.at(pointer)?).ok()
    }

    pub fn api_version(&self) -> &str {
        self.str_at("/apiVersion").unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.str_at("/kind").unwrap_or_default()
    }

    pub fn name(&self) -> Option<&str> {
        self.str_at("/metadata/name")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.str_at("/metadata/namespace")
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.at("/metadata/labels")?.get(key)?.as_str()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.at("/metadata/annotations")?.get(key)?.as_str()
    }

    /// `Kind/name` or `Kind/namespace/name`, for messages.
    pub fn display_name(&self) -> String {
        match (self.namespace(), self.name()) {
            (Some(ns), Some(name)) => format!("{}/{ns}/{name}", self.kind()),
            (None, Some(name)) => format!("{}/{name}", self.kind()),
            _ => self.kind().to_owned(),
        }
    }

    /// The pod template of a Pod, a workload (Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, ReplicationController, Job, CronJob), a PodTemplate, or a custom
    /// resource embedding one at `spec.template.spec` the way Argo Rollouts do.
    pub fn pod_template(&self) -> Option<PodTemplate<'_>> {
        let spec_pointer = match POD_SPEC_PATHS.iter().find(|(k, _)| *k == self.kind()) {
            Some((_, path)) => *path,
            None => EMBEDDED_TEMPLATE_PATHS.iter().copied().find(|path| {
                self.at(&format!("{path}/containers"))
                    .is_some_and(Value::is_array)
            })?,
        };
        let spec = self.at(spec_pointer).filter(|s| s.is_object())?;
        let meta_pointer = match spec_pointer.strip_suffix("/spec") {
            Some(parent) => format!("{parent}/metadata"),
            None => "/metadata".to_owned(),
        };
        Some(PodTemplate {
            metadata: self.at(&meta_pointer),
            spec_pointer: spec_pointer.to_owned(),
            meta_pointer,
            spec,
        })
    }

    /// Every container of the pod template (containers, then init, then ephemeral).
    pub fn containers(&self) -> Vec<Container<'_>> {
        self.pod_template()
            .map(|t| t.containers())
            .unwrap_or_default()
    }
}

/// Where the pod spec sits in each built-in workload kind, relative to the object.
pub const POD_SPEC_PATHS: &[(&str, &str)] = &[
    ("Pod", "/spec"),
    ("Deployment", "/spec/template/spec"),
    ("StatefulSet", "/spec/template/spec"),
    ("DaemonSet", "/spec/template/spec"),
    ("ReplicaSet", "/spec/template/spec"),
    ("ReplicationController", "/spec/template/spec"),
    ("Job", "/spec/template/spec"),
    ("CronJob", "/spec/jobTemplate/spec/template/spec"),
    ("PodTemplate", "/template/spec"),
];

/// Custom resources that embed a pod template the way built-in workloads do (Argo
/// Rollouts, OpenKruise, ...).
pub const EMBEDDED_TEMPLATE_PATHS: &[&str] = &[
    "/spec/template/spec",
    "/spec/jobTemplate/spec/template/spec",
];

/// A pod spec and its metadata, with their pointers relative to the object.
#[derive(Clone, Debug)]
pub struct PodTemplate<'a> {
    pub spec_pointer: String,
    /// The template's metadata (for a Pod: the object's own).
    pub meta_pointer: String,
    pub spec: &'a Value,
    pub metadata: Option<&'a Value>,
}

impl<'a> PodTemplate<'a> {
    /// Pointer to a field below the pod spec, e.g. `at("hostNetwork")`.
    pub fn at(&self, relative: &str) -> String {
        format!("{}/{relative}", self.spec_pointer)
    }

    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut containers = Vec::new();
        for kind in [
            ContainerKind::Container,
            ContainerKind::Init,
            ContainerKind::Ephemeral,
        ] {
            let Some(list) = self.spec.get(kind.field()).and_then(Value::as_array) else {
                continue;
            };
            containers.extend(list.iter().enumerate().map(|(index, value)| Container {
                kind,
                index,
                pointer: format!("{}/{}/{index}", self.spec_pointer, kind.field()),
                value,
            }));
        }
        containers
    }

    /// The pod spec as a typed value (the SDK's `k8s-openapi` feature gives
    /// `k8s_openapi::api::core::v1::PodSpec`); `None` if it does not fit the type.
    pub fn typed<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(self.spec).ok()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    /// The pod spec field that lists containers of this kind.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name a container of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// One container with its pointer relative to the object.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    pub kind: ContainerKind,
    pub index: usize,
    pub pointer: String,
    pub value: &'a Value,
}

impl Container<'_> {
    pub fn name(&self) -> Option<&str> {
        self.value.get("name")?.as_str()
    }

    pub fn image(&self) -> Option<&str> {
        self.value.get("image")?.as_str()
    }

    /// Pointer to a field below the container, e.g. `at("securityContext/privileged")`.
    pub fn at(&self, relative: &str) -> String {
        format!("{}/{relative}", self.pointer)
    }

    /// The value of a field below the container, e.g. `get("securityContext/privileged")`.
    pub fn get(&self, relative: &str) -> Option<&Value> {
        self.value.pointer(&format!("/{relative}"))
    }

    /// The container as a typed value (e.g. `k8s_openapi::api::core::v1::Container`);
    /// `None` if it does not fit the type.
    pub fn typed<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(self.value).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(object: Value) -> Resource {
        Resource {
            id: 0,
            source: "x.yaml".into(),
            object,
        }
    }

    #[test]
    fn containers_of_every_kind_carry_pointers() {
        let cron = resource(
            json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {
            "metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i"}], "initContainers": [{"name": "init"}]}}}}}}),
        );
        let template = cron.pod_template().unwrap();
        assert_eq!(
            template.meta_pointer,
            "/spec/jobTemplate/spec/template/metadata"
        );
        assert_eq!(template.metadata.unwrap()["labels"]["a"], "b");
        let containers = cron.containers();
        assert_eq!(containers.len(), 2);
        assert_eq!(
            containers[1].pointer,
            "/spec/jobTemplate/spec/template/spec/initContainers/0"
        );
        assert_eq!(containers[1].kind.noun(), "init container");
        assert_eq!(
            containers[0].at("image"),
            "/spec/jobTemplate/spec/template/spec/containers/0/image"
        );
        assert_eq!(containers[0].image(), Some("i"));

        let pod = resource(json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": {
            "ephemeralContainers": [{"name": "debug", "securityContext": {"privileged": true}}]}}));
        let template = pod.pod_template().unwrap();
        assert_eq!(template.meta_pointer, "/metadata");
        let debug = &pod.containers()[0];
        assert_eq!(debug.pointer, "/spec/ephemeralContainers/0");
        assert_eq!(debug.get("securityContext/privileged"), Some(&json!(true)));
    }

    #[test]
    fn custom_resources_with_a_template_are_found_and_others_are_not() {
        let rollout = resource(
            json!({"kind": "Rollout", "spec": {"template": {"spec": {"containers": []}}}}),
        );
        assert_eq!(
            rollout.pod_template().unwrap().spec_pointer,
            "/spec/template/spec"
        );
        let config = resource(json!({"kind": "ConfigMap", "data": {"containers": "x"}}));
        assert!(config.pod_template().is_none());
        assert!(config.containers().is_empty());
        let broken = resource(json!({"kind": "Deployment", "spec": {"template": {"spec": 3}}}));
        assert!(broken.pod_template().is_none());
    }

    #[test]
    fn metadata_helpers_read_the_object() {
        let svc = resource(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop", "labels": {"team": "a"}, "annotations": {"x": "y"}}}));
        assert_eq!(svc.api_version(), "v1");
        assert_eq!(svc.display_name(), "Service/shop/web");
        assert_eq!(svc.label("team"), Some("a"));
        assert_eq!(svc.annotation("x"), Some("y"));
        assert_eq!(svc.label("missing"), None);
    }

    #[test]
    fn pointers_to_missing_fields_become_their_closest_parent() {
        let pod = resource(json!({"kind": "Pod", "spec": {"containers": [{"name": "a/b"}]}}));
        assert_eq!(
            pod.existing("/spec/containers/0/name"),
            "/spec/containers/0/name"
        );
        assert_eq!(
            pod.existing("/spec/containers/0/securityContext/privileged"),
            "/spec/containers/0"
        );
        assert_eq!(pod.existing("/spec/containers/01"), "/spec/containers");
        assert_eq!(pod.existing("/metadata/labels"), "");
        assert_eq!(pod.existing(""), "");
        assert_eq!(pod.existing("spec"), "spec");
    }

    #[test]
    fn settings_default_from_null() {
        #[derive(Deserialize)]
        struct Settings {
            #[serde(default)]
            registries: Vec<String>,
        }
        let input: CheckInput =
            serde_json::from_value(json!({"abiVersion": 1, "resources": []})).unwrap();
        assert!(input.settings::<Settings>().unwrap().registries.is_empty());
    }
}
