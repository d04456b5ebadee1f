use k8s_openapi::api::core::v1::Capabilities;
use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::since;
use crate::rules::pod_security::pss_overlap::{capability_name, control_in_effect, is_windows};
use crate::rules::{Check, Ctx, Emitter, FixSpec};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Linux containers (including init and ephemeral containers) that keep the
    /// `NET_RAW` capability: they neither drop `NET_RAW` (or `ALL`) in
    /// `securityContext.capabilities.drop`, or they add it back.
    ///
    /// The Pod Security Standards restricted level (policy v1.22 and later, control
    /// `capabilities_restricted`) already requires dropping `ALL`. To avoid reporting
    /// one problem twice, this rule is silent while that control is part of the run
    /// (the default `--pss restricted:latest`) and speaks when a lower level or an
    /// older policy version is selected, or the control is disabled.
    ///
    /// ## Why is this bad?
    /// Container runtimes grant `NET_RAW` by default. It lets a process craft raw
    /// packets: ARP and DNS spoofing of other pods on the node, and exploitation of
    /// kernel networking bugs. Almost no application needs it (only `ping` and
    /// similar tools do).
    ///
    /// Severity: medium: raw packets allow spoofing on the node's network: defence in depth
    /// missing (the capability table holds this severity).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       capabilities:
    ///         add: ["NET_RAW"]
    ///         drop: ["ALL"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## Options
    /// `--pss LEVEL[:VERSION]` decides whether the restricted `capabilities_restricted`
    /// control covers this (see above).
    ///
    /// ## Fix safety
    /// When the container has no `drop` list, the fix adds `drop: ["NET_RAW"]`; tools
    /// such as `ping` stop working in it.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Capabilities
    pub static NET_RAW_CAPABILITY = Rule {
        id: "net-raw-capability",
        title: "Container keeps the NET_RAW capability",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Drop `ALL` capabilities (or at least `NET_RAW`) in `securityContext.capabilities.drop`, and do not add `NET_RAW`.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The index of the first entry of `list` that names one of `wanted`.
fn position(list: Option<&Vec<String>>, wanted: &[&str]) -> Option<usize> {
    list.into_iter()
        .flatten()
        .position(|cap| wanted.contains(&capability_name(cap).as_str()))
}

enum NetRaw {
    /// At this index of `capabilities.add`.
    Added(usize),
    NotDropped,
}

fn keeps_net_raw(caps: Option<&Capabilities>) -> Option<NetRaw> {
    let add = caps.and_then(|c| c.add.as_ref());
    let drop = caps.and_then(|c| c.drop.as_ref());
    if let Some(i) = position(add, &["NET_RAW", "ALL"]) {
        Some(NetRaw::Added(i))
    } else if position(drop, &["NET_RAW", "ALL"]).is_none() {
        Some(NetRaw::NotDropped)
    } else {
        None
    }
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if is_windows(&pod.spec)
        || control_in_effect(
            ctx,
            "capabilities_restricted",
            since::CAPABILITIES_RESTRICTED,
        )
    {
        return;
    }
    for c in &pod.containers {
        let caps = c
            .container
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref());
        let (noun, name) = (c.kind.noun(), c.name());
        match keeps_net_raw(caps) {
            Some(NetRaw::Added(i)) => {
                out.report(
                    object,
                    c.at(&format!("securityContext/capabilities/add/{i}")),
                    format!("{noun} `{name}` adds the `NET_RAW` capability"),
                );
            }
            Some(NetRaw::NotDropped) => {
                let pointer = c.at("securityContext/capabilities/drop");
                let finding = out.report(
                    object,
                    &pointer,
                    format!("{noun} `{name}` does not drop the `NET_RAW` capability"),
                );
                finding.fix(
                    FixSpec::new("drop `NET_RAW`").add(format!("{pointer}/-"), json!("NET_RAW")),
                );
            }
            None => {}
        }
    }
}
