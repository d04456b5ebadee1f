//! Pod Security: the Pod Security Standards controls and best practice beyond them.

pub mod privileged_container;
