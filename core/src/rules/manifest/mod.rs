//! Problems of the manifest itself that can hide or change any security setting.

pub mod duplicate_key;
pub mod invalid_field_type;
