//! The input as Kubernetes objects: parsed sources, objects with typed views, pod templates.

mod input;
mod object;
mod patches;
mod pod;
mod typed;
mod value_span;
mod views;
pub mod workloads;

pub use input::{Input, InputError, ParsedDocument, Source};
pub use object::{with_pods, Object};
pub(crate) use patches::evidently_partial;
pub use pod::{ContainerKind, ContainerRef, PodTemplate};
pub use typed::typed_with_repair;
pub use value_span::span_in_value;
pub use views::{ContainerView, MetadataView, PodSpecView, StringMap};
