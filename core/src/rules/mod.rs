//! The rule registry. One rule per file under its area's folder; `RULES` is the single
//! list, and its order is the order of `docs/rules.md`.

mod partial;
mod rule;
#[cfg(test)]
mod test_support;

pub mod control_plane;
pub mod encryption;
pub mod manifest;
pub mod network;
pub mod patching;
pub mod pod_security;
pub mod rbac;
pub mod secrets;

pub use crate::pss::PssControl;
pub use crate::rule_info::RuleInfo;
pub use rule::{Check, Ctx, Emitter, FixSpec, RawFinding, RawRelated, Rule, RELATED_PER_FINDING};

use crate::model::Object;
use crate::options::{EnabledRules, Options};

/// Every built-in rule, in documentation order.
pub static RULES: &[&Rule] = &[
    &manifest::duplicate_key::DUPLICATE_KEY,
    &manifest::invalid_field_type::INVALID_FIELD_TYPE,
    &pod_security::windows_host_process::WINDOWS_HOST_PROCESS,
    &pod_security::host_namespaces::HOST_NAMESPACES,
    &pod_security::privileged_container::PRIVILEGED_CONTAINER,
    &pod_security::dangerous_capabilities::DANGEROUS_CAPABILITIES,
    &pod_security::host_path_volume::HOST_PATH_VOLUME,
    &pod_security::host_ports::HOST_PORTS,
    &pod_security::probe_custom_host::PROBE_CUSTOM_HOST,
    &pod_security::apparmor_unconfined::APPARMOR_UNCONFINED,
    &pod_security::custom_selinux_options::CUSTOM_SELINUX_OPTIONS,
    &pod_security::unmasked_proc_mount::UNMASKED_PROC_MOUNT,
    &pod_security::unconfined_seccomp::UNCONFINED_SECCOMP,
    &pod_security::unsafe_sysctls::UNSAFE_SYSCTLS,
    &pod_security::non_restricted_volume_type::NON_RESTRICTED_VOLUME_TYPE,
    &pod_security::privilege_escalation::PRIVILEGE_ESCALATION,
    &pod_security::run_as_root::RUN_AS_ROOT,
    &pod_security::root_user_id::ROOT_USER_ID,
    &pod_security::seccomp_not_enforced::SECCOMP_NOT_ENFORCED,
    &pod_security::unrestricted_capabilities::UNRESTRICTED_CAPABILITIES,
    &pod_security::unmasked_proc_mount_restricted::UNMASKED_PROC_MOUNT_RESTRICTED,
    &pod_security::writable_root_filesystem::WRITABLE_ROOT_FILESYSTEM,
    &pod_security::missing_resource_limits::MISSING_RESOURCE_LIMITS,
    &pod_security::automount_service_account_token::AUTOMOUNT_SERVICE_ACCOUNT_TOKEN,
    &pod_security::share_process_namespace::SHARE_PROCESS_NAMESPACE,
    &pod_security::sensitive_host_path::SENSITIVE_HOST_PATH,
    &pod_security::net_raw_capability::NET_RAW_CAPABILITY,
    &pod_security::sys_admin_capability::SYS_ADMIN_CAPABILITY,
    &pod_security::no_seccomp_profile::NO_SECCOMP_PROFILE,
    &pod_security::namespace_without_pod_security::NAMESPACE_WITHOUT_POD_SECURITY,
    &pod_security::invalid_pod_security_label::INVALID_POD_SECURITY_LABEL,
    &pod_security::admission_rejected_workload::ADMISSION_REJECTED_WORKLOAD,
    &pod_security::admission_warned_workload::ADMISSION_WARNED_WORKLOAD,
    &pod_security::pod_security_policy::POD_SECURITY_POLICY,
    &pod_security::permissive_security_context_constraints::PERMISSIVE_SECURITY_CONTEXT_CONSTRAINTS,
    &rbac::rbac_full_access::RBAC_FULL_ACCESS,
    &rbac::rbac_secret_read::RBAC_SECRET_READ,
    &rbac::rbac_pod_creation::RBAC_POD_CREATION,
    &rbac::rbac_pod_exec::RBAC_POD_EXEC,
    &rbac::rbac_privilege_escalation::RBAC_PRIVILEGE_ESCALATION,
    &rbac::privileged_binding::PRIVILEGED_BINDING,
    &rbac::broad_subject_binding::BROAD_SUBJECT_BINDING,
    &rbac::unknown_role_reference::UNKNOWN_ROLE_REFERENCE,
    &rbac::privileged_service_account::PRIVILEGED_SERVICE_ACCOUNT,
    &rbac::invalid_rbac_rule::INVALID_RBAC_RULE,
    &control_plane::weak_authentication::WEAK_AUTHENTICATION,
    &control_plane::weak_authorization_mode::WEAK_AUTHORIZATION_MODE,
    &control_plane::unauthenticated_port::UNAUTHENTICATED_PORT,
    &control_plane::weak_admission_plugins::WEAK_ADMISSION_PLUGINS,
    &control_plane::audit_logging_disabled::AUDIT_LOGGING_DISABLED,
    &control_plane::profiling_enabled::PROFILING_ENABLED,
    &network::namespace_without_default_deny::NAMESPACE_WITHOUT_DEFAULT_DENY,
    &network::workload_ingress_not_isolated::WORKLOAD_INGRESS_NOT_ISOLATED,
    &network::workload_egress_not_isolated::WORKLOAD_EGRESS_NOT_ISOLATED,
    &network::network_policy_allows_all::NETWORK_POLICY_ALLOWS_ALL,
    &network::sensitive_port_reachable::SENSITIVE_PORT_REACHABLE,
    &network::network_policy_selects_nothing::NETWORK_POLICY_SELECTS_NOTHING,
    &network::invalid_network_policy::INVALID_NETWORK_POLICY,
    &network::network_policy_coverage_unknown::NETWORK_POLICY_COVERAGE_UNKNOWN,
    &network::load_balancer_without_source_ranges::LOAD_BALANCER_WITHOUT_SOURCE_RANGES,
    &network::node_port_service::NODE_PORT_SERVICE,
    &network::service_external_ips::SERVICE_EXTERNAL_IPS,
    &network::external_name_internal::EXTERNAL_NAME_INTERNAL,
    &network::ingress_wildcard_host::INGRESS_WILDCARD_HOST,
    &network::service_selects_nothing::SERVICE_SELECTS_NOTHING,
    &secrets::secrets_in_env::SECRETS_IN_ENV,
    &secrets::secret_in_command_line::SECRET_IN_COMMAND_LINE,
    &secrets::secret_in_config_map::SECRET_IN_CONFIG_MAP,
    &secrets::secret_in_metadata::SECRET_IN_METADATA,
    &secrets::secret_in_custom_resource::SECRET_IN_CUSTOM_RESOURCE,
    &secrets::secret_values_in_manifest::SECRET_VALUES_IN_MANIFEST,
    &secrets::secret_data_not_base64::SECRET_DATA_NOT_BASE64,
    &secrets::secret_as_env_var::SECRET_AS_ENV_VAR,
    &secrets::secret_volume_readable_mode::SECRET_VOLUME_READABLE_MODE,
    &secrets::missing_secret_key::MISSING_SECRET_KEY,
    &secrets::service_account_token_secret::SERVICE_ACCOUNT_TOKEN_SECRET,
    &encryption::ingress_without_tls::INGRESS_WITHOUT_TLS,
    &encryption::apiservice_insecure_skip_tls::APISERVICE_INSECURE_SKIP_TLS,
    &encryption::admission_webhook_insecure_transport::ADMISSION_WEBHOOK_INSECURE_TRANSPORT,
    &encryption::kubeconfig_insecure_skip_tls_verify::KUBECONFIG_INSECURE_SKIP_TLS_VERIFY,
    &encryption::mesh_plaintext_allowed::MESH_PLAINTEXT_ALLOWED,
    &encryption::metrics_scrape_insecure_tls::METRICS_SCRAPE_INSECURE_TLS,
    &encryption::operator_endpoint_insecure_transport::OPERATOR_ENDPOINT_INSECURE_TRANSPORT,
    &encryption::unencrypted_secrets_at_rest::UNENCRYPTED_SECRETS_AT_REST,
    &encryption::weak_encryption_provider::WEAK_ENCRYPTION_PROVIDER,
    &encryption::weak_tls_config::WEAK_TLS_CONFIG,
    &encryption::etcd_insecure_transport::ETCD_INSECURE_TRANSPORT,
    &encryption::apiserver_backend_tls_unverified::APISERVER_BACKEND_TLS_UNVERIFIED,
    &patching::latest_image_tag::LATEST_IMAGE_TAG,
    &patching::floating_image_tag::FLOATING_IMAGE_TAG,
    &patching::latest_tag_pull_policy::LATEST_TAG_PULL_POLICY,
    &patching::malformed_image_digest::MALFORMED_IMAGE_DIGEST,
    &patching::image_without_digest::IMAGE_WITHOUT_DIGEST,
    &patching::image_registry_not_allowed::IMAGE_REGISTRY_NOT_ALLOWED,
    &patching::removed_api_version::REMOVED_API_VERSION,
    &patching::deprecated_api_version::DEPRECATED_API_VERSION,
    &patching::kubernetes_version_eol::KUBERNETES_VERSION_EOL,
    &patching::frozen_registry_image::FROZEN_REGISTRY_IMAGE,
    &patching::end_of_life_image::END_OF_LIFE_IMAGE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The built-in rules `options` turn on, decided once per run.
pub fn enabled(options: &Options) -> EnabledRules<'static> {
    options.enabled_rules(RULES.iter().map(|rule| (*rule).into()))
}

/// The rule loop, the only one: runs over `objects`, in registry order, every rule that
/// `select` picks and `ctx` turns on. The native engine, the built-in rules compiled as
/// a plugin, and the Pod Security Admission view all run rules here.
///
/// A cross-object rule ([`Check::Input`]) runs once per analysis context, on that
/// context's objects only: two projects checked together are two clusters, and a
/// binding of one must not reach a workload of the other.
pub(crate) fn run<'a>(
    ctx: &Ctx<'a>,
    objects: &'a [Object<'a>],
    select: impl Fn(&Rule) -> bool,
) -> Vec<RawFinding> {
    let selected: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| select(rule) && ctx.runs(rule))
        .collect();
    // Rules are independent of one another: each may run on its own thread, and their
    // findings are joined in registry order.
    let mut findings: Vec<RawFinding> = crate::par::map(&selected, |rule| {
        let mut emitter = Emitter::new(rule.id);
        match rule.check {
            Check::Object(check) => {
                for object in objects {
                    check(ctx, object, &mut emitter);
                }
            }
            Check::Input(check) => {
                for context in contexts(ctx.input, objects) {
                    check(ctx, context, &mut emitter);
                }
            }
        }
        emitter.into_findings()
    })
    .into_iter()
    .flatten()
    .collect();
    partial::drop_omissions(objects, &mut findings);
    findings
}

/// `objects` cut into their analysis contexts. [`Input::parse`](crate::Input::parse)
/// keeps each context's sources together, so each context is one run of objects.
pub(crate) fn contexts<'o, 'a>(
    input: &'o crate::Input,
    objects: &'o [Object<'a>],
) -> impl Iterator<Item = &'o [Object<'a>]> {
    let context_of = |object: &Object<'_>| {
        input
            .sources
            .get(object.source)
            .and_then(|s| s.context.as_deref())
    };
    objects.chunk_by(move |a, b| context_of(a) == context_of(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options, Source};
    use std::collections::HashSet;

    /// The YAML blocks of a rule's `## Example`: the failing one, then the one after
    /// "Use instead:".
    fn examples(docs: &str) -> (String, String) {
        let section = docs
            .split("## Example")
            .nth(1)
            .expect("an `## Example` section");
        let blocks: Vec<String> = section
            .split("```yaml\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or_default().to_owned())
            .collect();
        assert!(
            section.contains("Use instead:"),
            "the example needs a `Use instead:` part"
        );
        assert!(
            blocks.len() >= 2,
            "the example needs a failing and a passing YAML block"
        );
        (blocks[0].clone(), blocks[1].clone())
    }

    fn findings_of(rule: &Rule, yaml: &str) -> usize {
        let options = Options {
            // Only the rule itself: rules that stay silent while an overlapping Pod
            // Security control runs are judged on their own examples.
            only: vec![rule.id.to_owned()],
            enable: vec![rule.id.to_owned()],
            // What `image-registry-not-allowed`'s documentation says its example runs with.
            allowed_registries: vec!["registry.example.com".to_owned()],
            ..Options::default()
        };
        let report = check(vec![Source::new("example.yaml", yaml)], &options);
        assert!(
            report.errors.is_empty(),
            "{}: example does not parse: {:?}",
            rule.id,
            report.errors
        );
        report.findings.iter().filter(|f| f.rule == rule.id).count()
    }

    #[test]
    fn every_rule_example_fails_once_and_its_fix_passes() {
        for rule in RULES {
            // The rendered Markdown: a `---` document separator must start its line.
            let (failing, passing) = examples(&rule.info().help);
            assert_eq!(
                findings_of(rule, &failing),
                1,
                "{}: failing example",
                rule.id
            );
            assert_eq!(
                findings_of(rule, &passing),
                0,
                "{}: passing example",
                rule.id
            );
        }
    }

    #[test]
    fn registry_ids_are_unique_kebab_case_with_documented_sections() {
        let mut seen = HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            for section in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(rule.docs.contains(section), "{} lacks `{section}`", rule.id);
            }
            assert!(
                rule.remediation.ends_with('.'),
                "{}: remediation must end in a period",
                rule.id
            );
            assert!(!rule.title.is_empty());
        }
    }

    /// STYLE.md's doc sections, in their order. The first three are required (above); the
    /// others are optional (references: see the next test).
    const DOC_SECTIONS: &[&str] = &[
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Options",
        "## Known problems",
        "## Fix safety",
        "## Version history",
        "## References",
    ];

    #[test]
    fn doc_sections_are_known_in_order_and_end_with_references() {
        for rule in RULES {
            let help = rule.info().help;
            let mut in_code = false;
            let headings: Vec<&str> = help
                .lines()
                .filter(|line| {
                    if line.starts_with("```") {
                        in_code = !in_code;
                    }
                    !in_code && line.starts_with("## ")
                })
                .collect();
            let order: Vec<usize> = headings
                .iter()
                .map(|heading| {
                    DOC_SECTIONS
                        .iter()
                        .position(|known| known == heading)
                        .unwrap_or_else(|| panic!("{}: unknown section `{heading}`", rule.id))
                })
                .collect();
            assert!(
                order.windows(2).all(|pair| pair[0] < pair[1]),
                "{}: sections out of order or repeated: {headings:?}",
                rule.id
            );
        }
    }

    /// The standards a rule checks are data (`crate::data::standards`), shown beside the
    /// docs: a reference list that numbered them too would drift from it. A rule cites
    /// a reference or a standard.
    #[test]
    fn references_are_cited_and_leave_standards_to_their_table() {
        for rule in RULES {
            let info = rule.info();
            let Some(references) = info.help.split("## References").nth(1) else {
                assert!(!info.standards.is_empty(), "{}: nothing cited", rule.id);
                continue;
            };
            assert!(
                references.lines().any(|line| line.starts_with("- ")),
                "{}: an empty `## References`",
                rule.id
            );
            assert!(
                !references.contains("CIS Kubernetes Benchmark")
                    && !references.contains("NSA/CISA"),
                "{}: a standard in the references",
                rule.id
            );
        }
    }
}
