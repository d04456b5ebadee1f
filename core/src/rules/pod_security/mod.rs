//! Pod Security: the Pod Security Standards controls and best practice beyond them.

// The Pod Security Standards controls, one rule each (upstream check id in `pss`).
pub mod apparmor_unconfined;
pub mod custom_selinux_options;
pub mod dangerous_capabilities;
pub mod host_namespaces;
pub mod host_path_volume;
pub mod host_ports;
pub mod non_restricted_volume_type;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod probe_custom_host;
pub mod root_user_id;
pub mod run_as_root;
pub mod seccomp_not_enforced;
mod standards;
pub mod unconfined_seccomp;
pub mod unmasked_proc_mount;
pub mod unmasked_proc_mount_restricted;
pub mod unrestricted_capabilities;
pub mod unsafe_sysctls;
pub mod windows_host_process;
