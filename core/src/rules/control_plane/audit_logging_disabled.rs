use super::settings::{read, Component};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags kube-apiserver without audit logging: neither `--audit-log-path` nor
    /// `--audit-webhook-config-file` is set, or one is set but `--audit-policy-file` is
    /// not (without a policy the API server records no events). Read from static pod
    /// `command`/`args` and kubeadm `extraArgs` (v1beta3 mapping or v1beta4 list);
    /// kubeadm sets none of these flags.
    ///
    /// ## Why is this bad?
    /// The audit log is the record of who did what through the API: without it a
    /// stolen token's use, a new cluster-admin binding or a read of every Secret leaves
    /// no trace to detect or investigate.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta4
    /// kind: ClusterConfiguration
    /// apiServer:
    ///   extraArgs:
    ///   - name: audit-log-path
    ///     value: /var/log/kubernetes/audit.log
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta4
    /// kind: ClusterConfiguration
    /// apiServer:
    ///   extraArgs:
    ///   - name: audit-log-path
    ///     value: /var/log/kubernetes/audit.log
    ///   - name: audit-policy-file
    ///     value: /etc/kubernetes/audit-policy.yaml
    /// ```
    ///
    /// ## Known problems
    /// Managed control planes (EKS, GKE, AKS) audit outside the manifests; their API
    /// servers are not in the input.
    pub static AUDIT_LOGGING_DISABLED = Rule {
        id: "audit-logging-disabled",
        title: "API server without audit logging",
        category: Category::Rbac,
        severity: Severity::Medium,
        applies_to: "Static pods and workloads running kube-apiserver, kubeadm ClusterConfiguration",
        remediation: "Set `--audit-policy-file` and `--audit-log-path` (or `--audit-webhook-config-file`).",
        references: &[
            "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if settings.component != Component::ApiServer {
            continue;
        }
        let backend = ["audit-log-path", "audit-webhook-config-file"]
            .into_iter()
            .find_map(|flag| settings.get(flag));
        let policy = settings.is_set("audit-policy-file");
        match backend {
            None => {
                out.report(
                    object,
                    settings.anchor.clone(),
                    format!(
                        "{} keeps no audit log (neither `--audit-log-path` nor `--audit-webhook-config-file` is set)",
                        settings.subject
                    ),
                );
            }
            Some(backend) if !policy => {
                out.report(
                    object,
                    backend.pointer.clone(),
                    format!(
                        "{} records no audit events: `--{}` is set but `--audit-policy-file` is not",
                        settings.subject, backend.flag
                    ),
                );
            }
            Some(_) => {}
        }
    }
}
