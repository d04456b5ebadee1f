use serde_json::json;

use crate::declare_rule;
use crate::model::{ContainerRef, Object, PodTemplate};
use crate::pointer;
use crate::pss::since;
use crate::rules::pod_security::pss_overlap::{control_in_effect, is_windows};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Linux pods in which a container has no seccomp profile that the target
    /// Kubernetes version honours, so it runs `Unconfined` unless the node's kubelet
    /// defaults to `RuntimeDefault`. What counts depends on `--k8s-version`:
    ///
    /// - before 1.19 only the annotations `seccomp.security.alpha.kubernetes.io/pod`
    ///   and `container.seccomp.security.alpha.kubernetes.io/<container>` exist (the
    ///   `seccompProfile` field is dropped as unknown);
    /// - from 1.19 to 1.26 the `securityContext.seccompProfile` field or the
    ///   annotations;
    /// - from 1.27 on (and when no version is given) only the field: the annotations
    ///   are ignored.
    ///
    /// An explicit `Unconfined` profile is the Pod Security Standards baseline control
    /// `seccompProfile_baseline`, not this rule. The restricted control
    /// `seccompProfile_restricted` (policy v1.19 and later) also requires a profile:
    /// this rule is silent while that control is part of the run (the default
    /// `--pss restricted:latest`) and speaks for baseline or older policy versions.
    ///
    /// ## Why is this bad?
    /// Without a seccomp profile every system call is open to the container, including
    /// the rarely used ones behind most kernel container escapes. `RuntimeDefault`
    /// blocks them and breaks almost nothing. Kubernetes only makes it the default
    /// when the kubelet runs with `seccompDefault: true` (GA in 1.27); on older
    /// clusters it can never be the default.
    ///
    /// Severity: medium: a missing seccomp profile leaves the full system call surface
    /// open: defence in depth missing.
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
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Options
    /// `--k8s-version 1.N` selects which ways of setting the profile count (see above);
    /// `--pss LEVEL[:VERSION]` decides whether the restricted control covers this.
    ///
    /// ## Known problems
    /// A cluster whose kubelets all run with `seccompDefault: true` gives every pod
    /// `RuntimeDefault`; the manifest cannot show that. Disable the rule there.
    ///
    /// ## Fix safety
    /// The fix sets the pod's profile to `RuntimeDefault` (the annotation before 1.19).
    /// A program that needs a blocked system call (some debuggers, old JVMs) fails.
    ///
    /// ## References
    /// - Kubernetes docs: Restrict a Container's Syscalls with seccomp
    pub static NO_SECCOMP_PROFILE = Rule {
        id: "no-seccomp-profile",
        title: "No seccomp profile",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (before Kubernetes 1.19, the annotation `seccomp.security.alpha.kubernetes.io/pod: runtime/default`).",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// Which ways of setting a profile the target version honours.
#[derive(Clone, Copy)]
struct Honoured {
    field: bool,
    annotation: bool,
}

impl Honoured {
    fn for_version(version: Option<(u32, u32)>) -> Self {
        match version {
            Some((1, minor)) => Honoured {
                field: minor >= 19,
                annotation: minor < 27,
            },
            // Unknown, or a major version beyond 1: the newest behaviour.
            _ => Honoured {
                field: true,
                annotation: false,
            },
        }
    }
}

fn pod_has_profile(pod: &PodTemplate, honoured: Honoured) -> bool {
    let field = pod
        .spec
        .security_context
        .as_ref()
        .is_some_and(|s| s.seccomp_profile.is_some());
    let annotation = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(POD_ANNOTATION));
    (honoured.field && field) || (honoured.annotation && annotation)
}

fn container_has_profile(pod: &PodTemplate, c: &ContainerRef, honoured: Honoured) -> bool {
    let field = c
        .container
        .security_context
        .as_ref()
        .is_some_and(|s| s.seccomp_profile.is_some());
    let annotation = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(&format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name())));
    (honoured.field && field) || (honoured.annotation && annotation)
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
            "seccompProfile_restricted",
            since::SECCOMP_PROFILE_FIELDS,
        )
    {
        return;
    }
    let honoured = Honoured::for_version(ctx.options.kubernetes_version);
    if pod_has_profile(pod, honoured) {
        return;
    }
    let missing: Vec<&ContainerRef> = pod
        .containers
        .iter()
        .filter(|c| !container_has_profile(pod, c, honoured))
        .collect();
    if missing.is_empty() {
        return;
    }
    let version_note = match ctx.options.kubernetes_version {
        Some((major, minor)) => format!(" for Kubernetes {major}.{minor}"),
        None => String::new(),
    };
    if missing.len() == pod.containers.len() {
        let (pointer, value) = if honoured.field {
            (
                pod.at("securityContext/seccompProfile/type"),
                json!("RuntimeDefault"),
            )
        } else {
            (
                format!(
                    "{}/annotations/{}",
                    pod.meta_pointer,
                    pointer::escape(POD_ANNOTATION)
                ),
                json!("runtime/default"),
            )
        };
        out.report(
            object,
            &pointer,
            format!("pod sets no seccomp profile{version_note}: its containers run `Unconfined`"),
        )
        .fix_set("use the `RuntimeDefault` seccomp profile", pointer, value)
        .fix_is_safe();
        return;
    }
    for c in missing {
        out.report(
            object,
            c.at("securityContext/seccompProfile"),
            format!(
                "{} `{}` has no seccomp profile{version_note}: it runs `Unconfined`",
                c.kind.noun(),
                c.name()
            ),
        );
    }
}
