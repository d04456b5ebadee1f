//! Patching: image pinning, removed and deprecated APIs, end-of-life versions.

pub(crate) mod api_migration;
pub mod deprecated_api_version;
pub mod end_of_life_image;
pub mod floating_image_tag;
pub mod frozen_registry_image;
pub(crate) mod image_ref;
pub mod image_registry_not_allowed;
pub mod image_without_digest;
pub mod kubernetes_version_eol;
pub mod latest_image_tag;
pub mod latest_tag_pull_policy;
pub mod malformed_image_digest;
pub mod removed_api_version;

#[cfg(test)]
mod api_tests;
