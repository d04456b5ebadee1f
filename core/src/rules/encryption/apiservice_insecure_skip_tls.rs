use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags APIServices (`apiregistration.k8s.io`) backed by a service that set
    /// `spec.insecureSkipTLSVerify: true`. Local APIServices (no `spec.service`) are
    /// served by the API server itself and not reported.
    ///
    /// ## Why is this bad?
    /// The API server proxies requests for the APIService's group to the backing
    /// service, with the requesting user's identity in headers. Without verifying the
    /// serving certificate, anyone who can intercept or impersonate that service (a pod
    /// that takes over its endpoints, a spoofed DNS answer) receives those requests and
    /// can answer them falsely: for `metrics.k8s.io`, autoscaling decisions.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiregistration.k8s.io/v1
    /// kind: APIService
    /// metadata:
    ///   name: v1beta1.metrics.k8s.io
    /// spec:
    ///   group: metrics.k8s.io
    ///   version: v1beta1
    ///   groupPriorityMinimum: 100
    ///   versionPriority: 100
    ///   insecureSkipTLSVerify: true
    ///   service:
    ///     name: metrics-server
    ///     namespace: kube-system
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiregistration.k8s.io/v1
    /// kind: APIService
    /// metadata:
    ///   name: v1beta1.metrics.k8s.io
    ///   annotations:
    ///     cert-manager.io/inject-ca-from: kube-system/metrics-server
    /// spec:
    ///   group: metrics.k8s.io
    ///   version: v1beta1
    ///   groupPriorityMinimum: 100
    ///   versionPriority: 100
    ///   service:
    ///     name: metrics-server
    ///     namespace: kube-system
    /// ```
    ///
    /// ## Known problems
    /// Setting `insecureSkipTLSVerify: false` alone breaks the APIService until its
    /// `caBundle` holds the CA that signed the service's certificate, so no fix is
    /// offered.
    pub static APISERVICE_INSECURE_SKIP_TLS = Rule {
        id: "apiservice-insecure-skip-tls",
        title: "APIService skips TLS verification",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "APIService",
        remediation: "Set `spec.caBundle` to the CA of the service's serving certificate and remove `insecureSkipTLSVerify`.",
        references: &[
            "https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/",
            "https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "APIService" || object.group() != "apiregistration.k8s.io" {
        return;
    }
    // A local APIService (no `spec.service`) is served by the API server itself: no
    // connection, nothing to verify.
    let service = object
        .at("/spec/service")
        .filter(|s| !s.is_null())
        .and_then(|s| s.get("name"))
        .and_then(|n| n.as_str());
    let Some(service) = service else { return };
    let pointer = "/spec/insecureSkipTLSVerify";
    if object.at(pointer).and_then(|n| n.as_bool()) == Some(true) {
        out.report(
            object,
            pointer,
            format!("api service sets `insecureSkipTLSVerify: true`: requests proxied to service `{service}` go to whoever answers, with the caller's identity"),
        );
    }
}
