use super::{command_words, runs_apiserver};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Finds containers that run `kube-apiserver` (a control-plane static pod such as
    /// kubeadm's `/etc/kubernetes/manifests/kube-apiserver.yaml`) and flags the
    /// command-line flags that switch off authentication or authorization:
    /// - `--anonymous-auth=true`;
    /// - `--authorization-mode` including `AlwaysAllow`;
    /// - `--enable-admission-plugins` including `AlwaysAdmit`;
    /// - `--insecure-port` other than `0`, or `--insecure-bind-address`;
    /// - `--token-auth-file` or `--basic-auth-file` (static credentials).
    ///
    /// Flags are read from `command` and `args`, as `--flag=value` or `--flag value`,
    /// also inside a `sh -c` string. Only values that are set are judged; defaults are
    /// not.
    ///
    /// ## Why is this bad?
    /// Each of these lets requests reach the API without a verified identity or
    /// without a permission check: anonymous requests, an authorizer that allows
    /// everything, an admission chain that admits everything, a plain-HTTP port that
    /// skips authentication and authorization entirely, or static tokens and passwords
    /// that cannot be rotated without a restart and never expire.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   hostNetwork: true
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.34.1
    ///     command:
    ///     - kube-apiserver
    ///     - --authorization-mode=Node,RBAC
    ///     - --anonymous-auth=true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   hostNetwork: true
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.34.1
    ///     command:
    ///     - kube-apiserver
    ///     - --authorization-mode=Node,RBAC
    ///     - --anonymous-auth=false
    /// ```
    ///
    /// ## Known problems
    /// Flags set through a `--config` file or environment expansion are not seen.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 1.2 (API Server): `--anonymous-auth` is false, `--token-auth-file` is not set, `--authorization-mode` is not `AlwaysAllow`, the `AlwaysAdmit` admission plugin is not set
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static INSECURE_APISERVER_FLAG = Rule {
        id: "insecure-apiserver-flag",
        title: "API server flag that disables authentication or authorization",
        category: Category::Rbac,
        severity: Severity::Critical,
        applies_to: "Pods and workloads running kube-apiserver",
        remediation: "Remove the flag or set it to its secure value, and authenticate clients with certificates or an identity provider and authorize them with RBAC.",
        references: &[
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
            "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Why a flag set to `value` is insecure, if it is.
fn insecurity(flag: &str, value: &str) -> Option<&'static str> {
    let listed = |wanted: &str| value.split(',').any(|v| v.trim() == wanted);
    match flag {
        "--anonymous-auth" if value.eq_ignore_ascii_case("true") => {
            Some("accepts anonymous requests")
        }
        "--authorization-mode" if listed("AlwaysAllow") => Some("authorizes every request"),
        "--enable-admission-plugins" | "--admission-control" if listed("AlwaysAdmit") => {
            Some("admits every request")
        }
        "--insecure-port" if value != "0" => {
            Some("serves the API over plain HTTP without authentication")
        }
        "--insecure-bind-address" => Some("serves the API over plain HTTP without authentication"),
        "--token-auth-file" => Some("accepts static bearer tokens"),
        "--basic-auth-file" => Some("accepts static passwords"),
        _ => None,
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    for c in &pod.containers {
        let words = command_words(c);
        if !runs_apiserver(&words) {
            continue;
        }
        for (i, word) in words.iter().enumerate() {
            if !word.text.starts_with("--") {
                continue;
            }
            let (flag, value) = match word.text.split_once('=') {
                Some((flag, value)) => (flag, value),
                // `--flag value`: the value is the next word unless that is a flag.
                None => match words.get(i + 1) {
                    Some(next) if !next.text.starts_with("--") => (word.text, next.text),
                    // A boolean flag given alone is true.
                    _ => (word.text, "true"),
                },
            };
            if let Some(why) = insecurity(flag, value) {
                out.report(
                    object,
                    word.pointer.clone(),
                    format!("{} `{}` {why} (`{flag}={value}`)", c.kind.noun(), c.name()),
                );
            }
        }
    }
}
