//! The parts of the typed views that are held for the whole check: the fields the rules
//! read, moved out of the `k8s-openapi` types once those are read. A `PodSpec` is 1.5 KB
//! and a `Container` 2.3 KB before any value is set (every optional struct is inline),
//! so a Deployment held 4 KB of views for a handful of fields. The full types are still
//! what is read, so values of the wrong type anywhere in them are found as before.
//!
//! The field names and types are those of `k8s-openapi`: a rule reads
//! `pod.spec.host_network` or `c.container.image` either way.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvFromSource, PodOS, PodSecurityContext, PodSpec, SecurityContext,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The fields of an `ObjectMeta` the rules read.
#[derive(Clone, Debug, Default)]
pub struct MetadataView {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub labels: Option<StringMap>,
    pub annotations: Option<StringMap>,
}

impl From<ObjectMeta> for MetadataView {
    fn from(meta: ObjectMeta) -> Self {
        MetadataView {
            name: meta.name,
            namespace: meta.namespace,
            labels: meta.labels.map(StringMap::from),
            annotations: meta.annotations.map(StringMap::from),
        }
    }
}

/// Labels or annotations: pairs sorted by key, one per key, as a `BTreeMap` holds them.
/// A `BTreeMap`'s first node is 540 bytes however few its entries, and an object has a
/// few labels: three maps were 1.6 KB of a Deployment's views.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StringMap(Vec<(String, String)>);

impl StringMap {
    pub const fn new() -> Self {
        StringMap(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, replacing the value it had.
    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl From<BTreeMap<String, String>> for StringMap {
    fn from(map: BTreeMap<String, String>) -> Self {
        StringMap(map.into_iter().collect())
    }
}

/// As a `BTreeMap` collects: of a repeated key, the last value.
impl FromIterator<(String, String)> for StringMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        pairs.into_iter().collect::<BTreeMap<_, _>>().into()
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// The fields of a pod spec the rules read, without its containers (see
/// [`super::PodTemplate::containers`]) and volumes (see [`super::PodTemplate::volumes`]).
#[derive(Clone, Debug, Default)]
pub struct PodSpecView {
    pub automount_service_account_token: Option<bool>,
    pub host_ipc: Option<bool>,
    pub host_network: Option<bool>,
    pub host_pid: Option<bool>,
    pub host_users: Option<bool>,
    pub os: Option<PodOS>,
    pub security_context: Option<PodSecurityContext>,
    pub service_account: Option<String>,
    pub service_account_name: Option<String>,
    pub share_process_namespace: Option<bool>,
}

impl From<PodSpec> for PodSpecView {
    fn from(spec: PodSpec) -> Self {
        PodSpecView {
            automount_service_account_token: spec.automount_service_account_token,
            host_ipc: spec.host_ipc,
            host_network: spec.host_network,
            host_pid: spec.host_pid,
            host_users: spec.host_users,
            os: spec.os,
            security_context: spec.security_context,
            service_account: spec.service_account,
            service_account_name: spec.service_account_name,
            share_process_namespace: spec.share_process_namespace,
        }
    }
}

/// The fields of a container the rules read; `resources`, `env`, probes and lifecycle
/// hooks are read from the object when a rule asks (see [`super::ContainerRef`]).
#[derive(Clone, Debug, Default)]
pub struct ContainerView {
    pub name: String,
    pub image: Option<String>,
    pub image_pull_policy: Option<String>,
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
    pub env_from: Option<Vec<EnvFromSource>>,
    pub ports: Option<Vec<ContainerPort>>,
    pub security_context: Option<SecurityContext>,
    pub volume_mounts: Option<Vec<VolumeMount>>,
}

impl From<Container> for ContainerView {
    fn from(c: Container) -> Self {
        ContainerView {
            name: c.name,
            image: c.image,
            image_pull_policy: c.image_pull_policy,
            command: c.command,
            args: c.args,
            env_from: c.env_from,
            ports: c.ports,
            security_context: c.security_context,
            volume_mounts: c.volume_mounts,
        }
    }
}
