use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Services of `type: LoadBalancer` that set no `loadBalancerSourceRanges`
    /// (nor the `service.beta.kubernetes.io/load-balancer-source-ranges` annotation) and
    /// are not marked internal with their cloud provider's annotation (GKE, AWS, Azure,
    /// Oracle, OpenStack, IBM).
    ///
    /// ## Why is this bad?
    /// Such a Service gets a public address that accepts connections from the whole
    /// internet. Anything behind it that was meant for a few clients (an admin port, a
    /// database, an internal API) is exposed to scanning and attack.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: db
    /// spec:
    ///   type: LoadBalancer
    ///   selector:
    ///     app: db
    ///   ports:
    ///   - port: 5432
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: db
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges:
    ///   - 203.0.113.0/24
    ///   selector:
    ///     app: db
    ///   ports:
    ///   - port: 5432
    /// ```
    ///
    /// ## Known problems
    /// Public entry points (an ingress controller, a public web site) are meant to be
    /// reachable from anywhere; suppress the finding on them with a reason. Internal
    /// load balancers of providers not listed above are reported.
    ///
    /// ## References
    /// - NSA/CISA Kubernetes Hardening Guide: Network separation and hardening
    pub static LOAD_BALANCER_WITHOUT_SOURCE_RANGES = Rule {
        id: "load-balancer-without-source-ranges",
        title: "LoadBalancer Service open to any address",
        category: Category::Network,
        severity: Severity::Low,
        applies_to: "Service",
        remediation: "Set `spec.loadBalancerSourceRanges` to the client networks, or make the load balancer internal.",
        references: &[
            "https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#restricting-load-balancer-access",
            "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// Annotations that make a cloud load balancer internal, with the value that does so
/// (`None`: any value but `false`).
const INTERNAL_ANNOTATIONS: &[(&str, Option<&str>)] = &[
    ("networking.gke.io/load-balancer-type", Some("internal")),
    ("cloud.google.com/load-balancer-type", Some("internal")),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        None,
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Some("internal"),
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        Some("true"),
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Some("private"),
    ),
];

fn is_internal(object: &Object<'_>) -> bool {
    INTERNAL_ANNOTATIONS.iter().any(|(key, wanted)| {
        object.annotation(key).is_some_and(|value| match wanted {
            Some(wanted) => value.eq_ignore_ascii_case(wanted),
            None => !value.eq_ignore_ascii_case("false"),
        })
    })
}

fn has_source_ranges(object: &Object<'_>) -> bool {
    let ranges = object
        .at("/spec/loadBalancerSourceRanges")
        .and_then(|n| n.as_seq())
        .is_some_and(|items| !items.is_empty());
    ranges
        || object
            .annotation(SOURCE_RANGES_ANNOTATION)
            .is_some_and(|v| !v.trim().is_empty())
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Service" || object.api_version != "v1" {
        return;
    }
    let is_load_balancer = object.at("/spec/type").and_then(|n| n.as_str()) == Some("LoadBalancer");
    if !is_load_balancer || has_source_ranges(object) || is_internal(object) {
        return;
    }
    out.report(
        object,
        "/spec/type",
        "service `type: LoadBalancer` accepts traffic from any address (no `loadBalancerSourceRanges`)",
    );
}
