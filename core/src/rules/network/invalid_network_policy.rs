use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags the parts of a NetworkPolicy that the API server refuses: a label
    /// selector with an unknown operator, `In`/`NotIn` without `values`,
    /// `Exists`/`DoesNotExist` with `values`, a label key or value that is not a valid
    /// label (a number or boolean where a string belongs, spaces, more than 63
    /// characters), a peer with nothing or with `ipBlock` next to a selector, a CIDR
    /// that does not parse, a port that is neither a number nor a name, an `endPort`
    /// below `port`. The rest of the analysis reads such a selector or peer as
    /// matching nothing.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails on the policy, and the pods it was meant to isolate stay
    /// open; in a pipeline that ignores the error, nobody notices.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///     - {key: app, operator: Equals, values: [db]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///     - {key: app, operator: In, values: [db]}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
    /// - https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/
    pub static INVALID_NETWORK_POLICY = Rule {
        id: "invalid-network-policy",
        title: "NetworkPolicy the API server refuses",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "NetworkPolicy",
        remediation: "Fix the field as the message says; label selector operators are `In`, `NotIn`, `Exists` and `DoesNotExist`, and label values are strings.",
        references: &[
            "https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    for (object, problem) in &network.problems {
        out.report(
            network.object(*object),
            problem.pointer.clone(),
            problem.message.clone(),
        );
    }
}
