use super::describe_ports;
use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Cidr;
use crate::netpol::ports::sensitive;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::{Node, Value};
use serde_json::json;

declare_rule! {
    /// ## What it does
    /// Flags Services of `type: LoadBalancer` that set no `loadBalancerSourceRanges`
    /// (nor the `service.beta.kubernetes.io/load-balancer-source-ranges` annotation) and
    /// are not marked internal with their cloud provider's annotation (GKE, AWS, Azure,
    /// Oracle, OpenStack, IBM), or whose ranges include every address (`0.0.0.0/0`,
    /// `::/0`). The severity follows what is exposed: high when a port (`port` or a
    /// numeric `targetPort`) carries an admin or data protocol (SSH, a database, the
    /// kubelet, …; the table is in `core/src/netpol/ports.rs`), low otherwise.
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
    /// ## Fix safety
    /// The fix adds `loadBalancerSourceRanges: [192.0.2.0/24]`, a documentation range
    /// (RFC 5737) that admits nobody: the Service is unreachable from outside until you
    /// put your clients' ranges there. It is offered only when no range is set.
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

/// The source ranges (field, else annotation) and whether one of them is every address.
fn source_ranges(object: &Object<'_>) -> (bool, Option<String>) {
    let mut ranges: Vec<(String, String)> = object
        .at("/spec/loadBalancerSourceRanges")
        .and_then(|n| n.as_seq())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            Some((
                n.as_str()?.trim().to_owned(),
                format!("/spec/loadBalancerSourceRanges/{i}"),
            ))
        })
        .collect();
    if ranges.is_empty() {
        if let Some(value) = object.annotation(SOURCE_RANGES_ANNOTATION) {
            let at = format!(
                "/metadata/annotations/{}",
                crate::pointer::escape(SOURCE_RANGES_ANNOTATION)
            );
            ranges = value
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| (r.to_owned(), at.clone()))
                .collect();
        }
    }
    let everything = ranges
        .iter()
        .find(|(r, _)| Cidr::parse(r).is_some_and(|c| c.is_everything()))
        .map(|(_, at)| at.clone());
    (!ranges.is_empty(), everything)
}

/// `(port, pointer)` of each Service port and numeric `targetPort`.
pub(super) fn service_ports(object: &Object<'_>) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for (i, port) in object
        .at("/spec/ports")
        .and_then(|n| n.as_seq())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if port
            .get("protocol")
            .and_then(|p| p.as_str())
            .is_some_and(|p| p != "TCP")
        {
            continue;
        }
        for field in ["port", "targetPort"] {
            if let Some(n) = port.get(field).and_then(number) {
                out.push((n, format!("/spec/ports/{i}/{field}")));
            }
        }
    }
    out
}

fn number(node: &Node) -> Option<u16> {
    match &node.value {
        Value::Scalar(s) => s.int().and_then(|i| u16::try_from(i).ok()),
        _ => None,
    }
}

/// The sensitive ports among `ports`, described (empty when none).
pub(super) fn sensitive_service_ports(ports: &[(u16, String)]) -> String {
    describe_ports(
        ports
            .iter()
            // No image behind a Service port: only ports that need no corroboration.
            .filter_map(|(n, _)| {
                let row = sensitive(*n).filter(|row| row.only_with.is_none())?;
                Some((*n, row.service))
            }),
    )
}

/// What the fix admits: TEST-NET-1 (RFC 5737), which no client has, so the fix cannot open
/// anything; the user puts the real ranges in its place.
const PLACEHOLDER_RANGE: &str = "192.0.2.0/24";

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Service" || object.api_version != "v1" {
        return;
    }
    let is_load_balancer = object.at("/spec/type").and_then(|n| n.as_str()) == Some("LoadBalancer");
    if !is_load_balancer || is_internal(object) {
        return;
    }
    let (has_ranges, everything) = source_ranges(object);
    let (pointer, mut message) = match (has_ranges, everything) {
        (false, _) => (
            "/spec/type".to_owned(),
            "service `type: LoadBalancer` accepts traffic from any address (no `loadBalancerSourceRanges`)".to_owned(),
        ),
        (true, Some(at)) => (
            at,
            "service `type: LoadBalancer` accepts traffic from any address (its source ranges include every address)".to_owned(),
        ),
        (true, None) => return,
    };
    let sensitive = sensitive_service_ports(&service_ports(object));
    if !sensitive.is_empty() {
        message.push_str(&format!(", on {sensitive}"));
    }
    let finding = out.report(object, pointer, message);
    if !sensitive.is_empty() {
        finding.severity = Some(Severity::High);
    }
    if !has_ranges {
        finding.fix_set(
            "admit only `192.0.2.0/24`, a documentation range: replace it with your clients' ranges",
            "/spec/loadBalancerSourceRanges",
            json!([PLACEHOLDER_RANGE]),
        );
    }
}
