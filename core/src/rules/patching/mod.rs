//! Patching: image pinning, removed APIs and versions.

pub mod latest_image_tag;
