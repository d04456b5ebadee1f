//! Patching: image pinning, removed and deprecated APIs, end-of-life versions.

pub(crate) mod api_migration;
pub mod deprecated_api_version;
pub mod latest_image_tag;
pub mod removed_api_version;

#[cfg(test)]
mod api_tests;
