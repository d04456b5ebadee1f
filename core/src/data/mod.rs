//! Facts kept as data, one table per file, every row naming where it came from. Each
//! table has a test holding its invariants; tables that age name the date they were
//! written, and the findings built on them show it.

pub mod addon_api_lifecycle;
pub mod api_lifecycle;
pub mod image_lifecycle;
pub mod k8s_releases;
pub mod peer_checks;
pub mod standards;
