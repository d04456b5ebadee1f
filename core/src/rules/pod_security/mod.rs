//! Pod Security: the Pod Security Standards controls and best practice beyond them.

// The Pod Security Standards controls, one rule each (upstream check id in `pss`).
pub mod apparmor_unconfined;
mod capabilities;
pub mod custom_selinux_options;
pub mod dangerous_capabilities;
pub mod host_namespaces;
pub mod host_path_volume;
pub mod host_ports;
pub mod non_restricted_volume_type;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod probe_custom_host;
#[cfg(test)]
mod pss_tests;
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

// Pod Security Admission: namespace labels and the policy that came before them.
mod admission;
pub mod admission_rejected_workload;
pub mod admission_warned_workload;
pub mod invalid_pod_security_label;
pub mod namespace_without_pod_security;
pub mod permissive_security_context_constraints;
pub mod pod_security_policy;

// Best practice beyond the Pod Security Standards.
pub mod automount_service_account_token;
pub mod missing_resource_limits;
pub mod net_raw_capability;
pub mod no_seccomp_profile;
pub(crate) mod pss_overlap;
pub mod sensitive_host_path;
pub mod share_process_namespace;
pub mod sys_admin_capability;
pub mod writable_root_filesystem;

#[cfg(test)]
mod admission_tests;
#[cfg(test)]
mod best_practice_tests;
