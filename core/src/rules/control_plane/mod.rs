//! Control plane: how kube-apiserver, the kubelet, kube-controller-manager,
//! kube-scheduler and etcd authenticate, authorize, audit and expose themselves, read from
//! static pod manifests, kubeadm configurations and component configuration files.

pub mod audit_logging_disabled;
pub mod profiling_enabled;
pub(crate) mod settings;
pub mod unauthenticated_port;
pub mod weak_admission_plugins;
pub mod weak_authentication;
pub mod weak_authorization_mode;

use crate::model::Object;
use crate::rules::{Emitter, RawFinding};
use crate::severity::Severity;
use settings::{Setting, Settings};

/// Reports `problem` of `settings` at `setting`, citing it, with `severity` when given.
pub(crate) fn report<'e>(
    out: &'e mut Emitter,
    object: &Object<'_>,
    settings: &Settings,
    setting: &Setting,
    problem: &str,
    severity: Option<Severity>,
) -> &'e mut RawFinding {
    let finding = out.report(
        object,
        setting.pointer.clone(),
        format!("{} {problem} {}", settings.subject, setting.cite()),
    );
    finding.severity = severity;
    finding
}

#[cfg(test)]
mod tests {
    use crate::{check, Options, Source};

    /// `(rule, severity)` of every finding of this area's rules on `yaml`, sorted.
    fn verdicts(yaml: &str) -> Vec<(String, String)> {
        let rules = [
            "weak-authentication",
            "weak-authorization-mode",
            "unauthenticated-port",
            "weak-admission-plugins",
            "audit-logging-disabled",
            "profiling-enabled",
            "unencrypted-secrets-at-rest",
            "weak-tls-config",
            "etcd-insecure-transport",
            "apiserver-backend-tls-unverified",
        ];
        let options = Options {
            only: rules.iter().map(|r| (*r).to_owned()).collect(),
            ..Options::default()
        };
        let report = check(vec![Source::new("in.yaml", yaml)], &options);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let mut found: Vec<(String, String)> = report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), format!("{:?}", f.severity).to_lowercase()))
            .collect();
        found.sort();
        found
    }

    /// A default kubeadm cluster fails the CIS items kube-bench reports for it
    /// (1.2.1, 1.2.5, 1.2.15, 1.2.16, 1.2.27, 1.3.2) and nothing else; its etcd passes.
    #[test]
    fn kubeadm_static_pods_are_reported_for_what_kubeadm_leaves_at_defaults() {
        let found = verdicts(include_str!("kubeadm_static_pods.yaml"));
        let expected: Vec<(String, String)> = [
            ("apiserver-backend-tls-unverified", "medium"),
            ("audit-logging-disabled", "medium"),
            ("profiling-enabled", "low"),
            ("profiling-enabled", "low"),
            ("unencrypted-secrets-at-rest", "high"),
            ("weak-authentication", "medium"),
        ]
        .iter()
        .map(|(r, s)| ((*r).to_owned(), (*s).to_owned()))
        .collect();
        assert_eq!(found, expected);
    }

    /// A `ClusterConfiguration` that overrides nothing gets the verdicts of the static
    /// pods kubeadm writes from it (its scheduler too, absent from the pods above).
    #[test]
    fn an_empty_cluster_configuration_matches_kubeadms_static_pods() {
        for version in ["v1beta3", "v1beta4"] {
            let config = format!(
                "apiVersion: kubeadm.k8s.io/{version}\nkind: ClusterConfiguration\nmetadata: {{name: c}}\n"
            );
            let mut from_config = verdicts(&config);
            let scheduler = ("profiling-enabled".to_owned(), "low".to_owned());
            let i = from_config.iter().position(|v| *v == scheduler).unwrap();
            from_config.remove(i);
            assert_eq!(
                from_config,
                verdicts(include_str!("kubeadm_static_pods.yaml")),
                "{version}"
            );
        }
    }
}
