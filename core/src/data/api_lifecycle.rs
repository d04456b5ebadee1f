//! Kubernetes API versions deprecated or removed since v1.16: for each apiVersion and
//! kind, the release that deprecated it, the release that stopped serving it, and what
//! replaces it.
//!
//! Sources, in order of authority:
//! - the `k8s:prerelease-lifecycle-gen` tags of each API type, generated into
//!   `zz_generated.prerelease-lifecycle.go` of the type's package in `k8s.io/api`
//!   (`<group>/<version>/`, read on the release-1.19 … release-1.36 branches and master
//!   at 10b39a39, 2026-07-24), in `kube-aggregator` (`apiregistration/v1beta1`) and in
//!   `apiextensions-apiserver` (`apiextensions/v1beta1`): the API server stops serving a
//!   version at its `APILifecycleRemoved` release;
//! - the Deprecated API Migration Guide,
//!   <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>, for the removals
//!   of v1.16 … v1.32 and the spec changes each needs;
//! - for alpha versions whose types left `k8s.io/api` before their tagged removal, the
//!   first release branch without the type;
//! - for config-file APIs (not served, read by a component from a file): the pull
//!   request or KEP that removed them, named on the row.
//!
//! Corrections to widely used tables (pluto, kubent, Trivy), checked against the above:
//! `apps/v1beta1` never had `ReplicaSet`; `apiregistration.k8s.io/v1beta1` `APIService`
//! was deprecated in v1.19 (not v1.10); `authentication.k8s.io/v1beta1` `TokenReview`
//! in v1.19 (not v1.6); `flowcontrol.apiserver.k8s.io/v1beta2` in v1.26 (not v1.24);
//! there is no kind `FlowControl`; the `authorization.k8s.io/v1beta1` reviews were
//! removed in v1.22 like `TokenReview`.

/// A Kubernetes minor version `1.N`, as N: every release here has major version 1.
pub type Minor = u32;

/// How an object moves to the replacement, when that can be done without a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Migration {
    /// Only `apiVersion` changes: the fields mean the same.
    ApiVersion,
    /// apps/v1 workloads: `spec.selector` from the template labels where missing, and
    /// the old defaults written out where apps/v1 changed them.
    Apps,
    /// networking.k8s.io/v1 Ingress: backends as `service.name`/`service.port`,
    /// `spec.backend` as `spec.defaultBackend`, `pathType` on every path.
    Ingress,
    /// autoscaling/v2 HorizontalPodAutoscaler from v2beta1: metric targets as `target`.
    HpaV2beta1,
    /// policy/v1 PodDisruptionBudget: only when `spec.selector` selects something (an
    /// empty selector selects no pod in v1beta1 and every pod in v1).
    Pdb,
    /// admissionregistration.k8s.io/v1 webhooks: the v1beta1 defaults written out
    /// (`failurePolicy`, `matchPolicy`, `timeoutSeconds`, `admissionReviewVersions`) and
    /// `sideEffects` where v1 accepts it.
    Webhook,
    /// A person has to rewrite the object (see [`ApiChange::changes`]).
    Manual,
}

/// What replaces an API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub api_version: &'static str,
    /// The kind in the replacement, when it is not the same.
    pub kind: Option<&'static str>,
    /// The first release serving the replacement.
    pub since: Minor,
}

/// One apiVersion and the kinds of it this row covers.
#[derive(Clone, Copy, Debug)]
pub struct ApiChange {
    pub api_version: &'static str,
    pub kinds: &'static [&'static str],
    pub deprecated: Minor,
    /// `None`: deprecated but still served (a GA API, which is never removed within v1).
    pub removed: Option<Minor>,
    /// `None`: nothing replaces it.
    pub replacement: Option<Replacement>,
    pub migration: Migration,
    /// What changes in the object besides `apiVersion` (empty when nothing does).
    pub changes: &'static str,
    pub source: &'static str,
}

const fn to(api_version: &'static str, since: Minor) -> Option<Replacement> {
    Some(Replacement {
        api_version,
        kind: None,
        since,
    })
}

/// The official list of removals, named in findings.
pub const DEPRECATION_GUIDE: &str =
    "https://kubernetes.io/docs/reference/using-api/deprecation-guide/";
const APPS_CHANGES: &str = "`spec.selector` is required and can no longer change (the template's labels keep the same pods); `spec.rollbackTo` is gone; `updateStrategy` of DaemonSets and StatefulSets defaults to `RollingUpdate` (it was `OnDelete`)";
const INGRESS_CHANGES: &str = "`backend.serviceName` and `backend.servicePort` become `backend.service.name` and `backend.service.port.number` (or `.port.name`), `spec.backend` becomes `spec.defaultBackend`, and every path needs a `pathType` (`ImplementationSpecific` keeps the old matching)";
const WEBHOOK_CHANGES: &str = "`sideEffects` must be `None` or `NoneOnDryRun` and `admissionReviewVersions` is required; the defaults change: `failurePolicy` `Ignore` to `Fail`, `matchPolicy` `Exact` to `Equivalent`, `timeoutSeconds` 30 to 10";
const PLC_CHANGES: &str =
    "`spec.limited.assuredConcurrencyShares` is renamed `spec.limited.nominalConcurrencyShares`";

/// Every deprecated or removed API version, oldest removal first.
pub static API_CHANGES: &[ApiChange] = &[
    // --- removed in v1.16 ---
    ApiChange {
        api_version: "extensions/v1beta1",
        kinds: &["Deployment", "DaemonSet", "ReplicaSet"],
        deprecated: 8,
        removed: Some(16),
        replacement: to("apps/v1", 9),
        migration: Migration::Apps,
        changes: "`spec.selector` is required and can no longer change (the template's labels keep the same pods); `spec.rollbackTo` and DaemonSet `spec.templateGeneration` are gone; DaemonSet `updateStrategy` defaults to `RollingUpdate` (it was `OnDelete`)",
        source: "k8s.io/api extensions/v1beta1 prerelease-lifecycle; deprecation guide #v1-16",
    },
    ApiChange {
        api_version: "apps/v1beta1",
        kinds: &["Deployment", "StatefulSet", "ControllerRevision"],
        deprecated: 8,
        removed: Some(16),
        replacement: to("apps/v1", 9),
        migration: Migration::Apps,
        changes: APPS_CHANGES,
        source: "k8s.io/api apps/v1beta1 prerelease-lifecycle; deprecation guide #v1-16",
    },
    ApiChange {
        api_version: "apps/v1beta2",
        kinds: &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"],
        deprecated: 9,
        removed: Some(16),
        replacement: to("apps/v1", 9),
        migration: Migration::Apps,
        changes: "`spec.selector` is required and can no longer change (the template's labels keep the same pods)",
        source: "k8s.io/api apps/v1beta2 prerelease-lifecycle; deprecation guide #v1-16",
    },
    ApiChange {
        api_version: "extensions/v1beta1",
        kinds: &["NetworkPolicy"],
        deprecated: 9,
        removed: Some(16),
        replacement: to("networking.k8s.io/v1", 7),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api extensions/v1beta1 prerelease-lifecycle; deprecation guide #v1-16",
    },
    ApiChange {
        api_version: "extensions/v1beta1",
        kinds: &["PodSecurityPolicy"],
        deprecated: 11,
        removed: Some(16),
        replacement: to("policy/v1beta1", 10),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api extensions/v1beta1 prerelease-lifecycle; deprecation guide #v1-16",
    },
    // --- removed in v1.21 (alpha) ---
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1alpha1",
        kinds: &["FlowSchema", "PriorityLevelConfiguration"],
        deprecated: 20,
        removed: Some(21),
        replacement: to("flowcontrol.apiserver.k8s.io/v1beta1", 20),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api flowcontrol/v1alpha1 prerelease-lifecycle (its replacement tag names v1beta3, which came later; v1beta1 was served from v1.20)",
    },
    // --- removed in v1.22 ---
    ApiChange {
        api_version: "admissionregistration.k8s.io/v1beta1",
        kinds: &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        deprecated: 16,
        removed: Some(22),
        replacement: to("admissionregistration.k8s.io/v1", 16),
        migration: Migration::Webhook,
        changes: WEBHOOK_CHANGES,
        source: "k8s.io/api admissionregistration/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "apiextensions.k8s.io/v1beta1",
        kinds: &["CustomResourceDefinition"],
        deprecated: 16,
        removed: Some(22),
        replacement: to("apiextensions.k8s.io/v1", 16),
        migration: Migration::Manual,
        changes: "every version needs a structural `schema.openAPIV3Schema`; `spec.version`, `spec.validation`, `spec.subresources` and `spec.additionalPrinterColumns` move into each `spec.versions[*]`; `spec.preserveUnknownFields: true` is refused (use `x-kubernetes-preserve-unknown-fields`); `JSONPath` becomes `jsonPath`",
        source: "apiextensions-apiserver apiextensions/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "apiregistration.k8s.io/v1beta1",
        kinds: &["APIService"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("apiregistration.k8s.io/v1", 10),
        migration: Migration::ApiVersion,
        changes: "",
        source: "kube-aggregator apiregistration/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "authentication.k8s.io/v1beta1",
        kinds: &["TokenReview"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("authentication.k8s.io/v1", 6),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api authentication/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "authorization.k8s.io/v1beta1",
        kinds: &["SubjectAccessReview", "SelfSubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("authorization.k8s.io/v1", 6),
        migration: Migration::Manual,
        changes: "`spec.group` is renamed `spec.groups`",
        source: "k8s.io/api authorization/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "certificates.k8s.io/v1beta1",
        kinds: &["CertificateSigningRequest"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("certificates.k8s.io/v1", 19),
        migration: Migration::Manual,
        changes: "`spec.signerName` and `spec.usages` are required (`kubernetes.io/legacy-unknown` cannot be requested); `status.certificate` must be PEM; the conditions `Approved`, `Denied` and `Failed` need `status: True`",
        source: "k8s.io/api certificates/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "coordination.k8s.io/v1beta1",
        kinds: &["Lease"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("coordination.k8s.io/v1", 14),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api coordination/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "extensions/v1beta1",
        kinds: &["Ingress"],
        deprecated: 14,
        removed: Some(22),
        replacement: to("networking.k8s.io/v1", 19),
        migration: Migration::Ingress,
        changes: INGRESS_CHANGES,
        source: "k8s.io/api extensions/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["Ingress"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("networking.k8s.io/v1", 19),
        migration: Migration::Ingress,
        changes: INGRESS_CHANGES,
        source: "k8s.io/api networking/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["IngressClass"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("networking.k8s.io/v1", 19),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api networking/v1beta1 prerelease-lifecycle (its replacement tag names IngressClassList); deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "rbac.authorization.k8s.io/v1beta1",
        kinds: &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        deprecated: 17,
        removed: Some(22),
        replacement: to("rbac.authorization.k8s.io/v1", 8),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api rbac/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "scheduling.k8s.io/v1beta1",
        kinds: &["PriorityClass"],
        deprecated: 14,
        removed: Some(22),
        replacement: to("scheduling.k8s.io/v1", 14),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api scheduling/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIDriver"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("storage.k8s.io/v1", 18),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["CSINode"],
        deprecated: 17,
        removed: Some(22),
        replacement: to("storage.k8s.io/v1", 17),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["StorageClass"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("storage.k8s.io/v1", 6),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["VolumeAttachment"],
        deprecated: 19,
        removed: Some(22),
        replacement: to("storage.k8s.io/v1", 13),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle; deprecation guide #v1-22",
    },
    // --- removed in v1.24 ---
    ApiChange {
        api_version: "storage.k8s.io/v1alpha1",
        kinds: &["VolumeAttachment"],
        deprecated: 21,
        removed: Some(24),
        replacement: to("storage.k8s.io/v1", 13),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1alpha1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1alpha1",
        kinds: &["CSIStorageCapacity"],
        deprecated: 21,
        removed: Some(24),
        replacement: to("storage.k8s.io/v1beta1", 21),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1alpha1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "audit.k8s.io/v1alpha1",
        kinds: &["Policy"],
        deprecated: 21,
        removed: Some(24),
        replacement: to("audit.k8s.io/v1", 12),
        migration: Migration::ApiVersion,
        changes: "",
        source: "kube-apiserver audit policy file (--audit-policy-file); deprecated by kubernetes/kubernetes#98858, removed by #108092 (CHANGELOG-1.24)",
    },
    ApiChange {
        api_version: "audit.k8s.io/v1beta1",
        kinds: &["Policy"],
        deprecated: 21,
        removed: Some(24),
        replacement: to("audit.k8s.io/v1", 12),
        migration: Migration::ApiVersion,
        changes: "",
        source: "kube-apiserver audit policy file (--audit-policy-file); deprecated by kubernetes/kubernetes#98858, removed by #108092 (CHANGELOG-1.24)",
    },
    // --- removed in v1.25 ---
    ApiChange {
        api_version: "batch/v1beta1",
        kinds: &["CronJob"],
        deprecated: 21,
        removed: Some(25),
        replacement: to("batch/v1", 21),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api batch/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "discovery.k8s.io/v1beta1",
        kinds: &["EndpointSlice"],
        deprecated: 21,
        removed: Some(25),
        replacement: to("discovery.k8s.io/v1", 21),
        migration: Migration::Manual,
        changes: "per endpoint, `topology` becomes `deprecatedTopology` and its `topology.kubernetes.io/zone` key becomes `zone`; `hints` is new",
        source: "k8s.io/api discovery/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "events.k8s.io/v1beta1",
        kinds: &["Event"],
        deprecated: 22,
        removed: Some(25),
        replacement: to("events.k8s.io/v1", 19),
        migration: Migration::Manual,
        changes: "`deprecatedCount`, `deprecatedFirstTimestamp`, `deprecatedLastTimestamp` and `deprecatedSource` replace `count`, `firstTimestamp`, `lastTimestamp` and `source`; `type` is `Normal` or `Warning`; `reportingController` is required on create",
        source: "k8s.io/api events/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "autoscaling/v2beta1",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated: 22,
        removed: Some(25),
        replacement: to("autoscaling/v2", 23),
        migration: Migration::HpaV2beta1,
        changes: "metric targets move into `target` (`targetAverageUtilization: 80` becomes `target: {type: Utilization, averageUtilization: 80}`), and `metricName`/`metricSelector` into `metric: {name, selector}`",
        source: "k8s.io/api autoscaling/v2beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "node.k8s.io/v1beta1",
        kinds: &["RuntimeClass"],
        deprecated: 22,
        removed: Some(25),
        replacement: to("node.k8s.io/v1", 20),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api node/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "policy/v1beta1",
        kinds: &["PodDisruptionBudget"],
        deprecated: 21,
        removed: Some(25),
        replacement: to("policy/v1", 21),
        migration: Migration::Pdb,
        changes: "an empty `spec.selector` selects every pod of the namespace (in v1beta1 it selected none)",
        source: "k8s.io/api policy/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    ApiChange {
        api_version: "policy/v1beta1",
        kinds: &["PodSecurityPolicy"],
        deprecated: 21,
        removed: Some(25),
        replacement: None,
        migration: Migration::Manual,
        changes: "nothing replaces it: enforce Pod Security Admission with `pod-security.kubernetes.io/enforce` namespace labels (kubecheck's `pod-security-policy` rule maps the policy to a level)",
        source: "k8s.io/api policy/v1beta1 prerelease-lifecycle; deprecation guide #v1-25",
    },
    // --- removed in v1.26 ---
    ApiChange {
        api_version: "autoscaling/v2beta2",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated: 23,
        removed: Some(26),
        replacement: to("autoscaling/v2", 23),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api autoscaling/v2beta2 prerelease-lifecycle; deprecation guide #v1-26",
    },
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta1",
        kinds: &["FlowSchema"],
        deprecated: 23,
        removed: Some(26),
        replacement: to("flowcontrol.apiserver.k8s.io/v1beta3", 26),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api flowcontrol/v1beta1 prerelease-lifecycle; deprecation guide #v1-26",
    },
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta1",
        kinds: &["PriorityLevelConfiguration"],
        deprecated: 23,
        removed: Some(26),
        replacement: to("flowcontrol.apiserver.k8s.io/v1beta3", 26),
        migration: Migration::Manual,
        changes: PLC_CHANGES,
        source: "k8s.io/api flowcontrol/v1beta1 prerelease-lifecycle; deprecation guide #v1-26",
    },
    // --- removed in v1.27 ---
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIStorageCapacity"],
        deprecated: 24,
        removed: Some(27),
        replacement: to("storage.k8s.io/v1", 24),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle; deprecation guide #v1-27",
    },
    // --- removed in v1.28 and v1.29: kube-scheduler's config file ---
    ApiChange {
        api_version: "kubescheduler.config.k8s.io/v1beta2",
        kinds: &["KubeSchedulerConfiguration"],
        deprecated: 25,
        removed: Some(28),
        replacement: to("kubescheduler.config.k8s.io/v1", 25),
        migration: Migration::Manual,
        changes: "plugin sets and defaults differ between versions: compare with the v1 defaults",
        source: "KEP-785 (kubernetes/enhancements keps/sig-scheduling/785-scheduler-component-config-api); removed by kubernetes/kubernetes#117649",
    },
    ApiChange {
        api_version: "kubescheduler.config.k8s.io/v1beta3",
        kinds: &["KubeSchedulerConfiguration"],
        deprecated: 26,
        removed: Some(29),
        replacement: to("kubescheduler.config.k8s.io/v1", 25),
        migration: Migration::ApiVersion,
        changes: "",
        source: "KEP-785 (kubernetes/enhancements keps/sig-scheduling/785-scheduler-component-config-api)",
    },
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta2",
        kinds: &["FlowSchema"],
        deprecated: 26,
        removed: Some(29),
        replacement: to("flowcontrol.apiserver.k8s.io/v1", 29),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api flowcontrol/v1beta2 prerelease-lifecycle; deprecation guide #v1-29",
    },
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta2",
        kinds: &["PriorityLevelConfiguration"],
        deprecated: 26,
        removed: Some(29),
        replacement: to("flowcontrol.apiserver.k8s.io/v1", 29),
        migration: Migration::Manual,
        changes: PLC_CHANGES,
        source: "k8s.io/api flowcontrol/v1beta2 prerelease-lifecycle; deprecation guide #v1-29",
    },
    // --- removed in v1.32 ---
    ApiChange {
        api_version: "flowcontrol.apiserver.k8s.io/v1beta3",
        kinds: &["FlowSchema", "PriorityLevelConfiguration"],
        deprecated: 29,
        removed: Some(32),
        replacement: to("flowcontrol.apiserver.k8s.io/v1", 29),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api flowcontrol/v1beta3 prerelease-lifecycle; deprecation guide #v1-32",
    },
    ApiChange {
        api_version: "admissionregistration.k8s.io/v1alpha1",
        kinds: &["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"],
        deprecated: 29,
        removed: Some(32),
        replacement: to("admissionregistration.k8s.io/v1", 30),
        migration: Migration::Manual,
        changes: "bindings need `spec.validationActions`",
        source: "k8s.io/api admissionregistration/v1alpha1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "authentication.k8s.io/v1alpha1",
        kinds: &["SelfSubjectReview"],
        deprecated: 29,
        removed: Some(32),
        replacement: to("authentication.k8s.io/v1", 28),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api authentication/v1alpha1 prerelease-lifecycle",
    },
    // --- removed in v1.33 ---
    ApiChange {
        api_version: "authentication.k8s.io/v1beta1",
        kinds: &["SelfSubjectReview"],
        deprecated: 30,
        removed: Some(33),
        replacement: to("authentication.k8s.io/v1", 28),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api authentication/v1beta1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "networking.k8s.io/v1alpha1",
        kinds: &["IPAddress", "ServiceCIDR"],
        deprecated: 30,
        removed: Some(33),
        replacement: to("networking.k8s.io/v1", 33),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api networking/v1alpha1 prerelease-lifecycle (the types left k8s.io/api after release-1.33)",
    },
    // --- removed in v1.34 ---
    ApiChange {
        api_version: "admissionregistration.k8s.io/v1beta1",
        kinds: &["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"],
        deprecated: 31,
        removed: Some(34),
        replacement: to("admissionregistration.k8s.io/v1", 30),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api admissionregistration/v1beta1 prerelease-lifecycle",
    },
    // --- removed in v1.35 ---
    ApiChange {
        api_version: "storage.k8s.io/v1alpha1",
        kinds: &["VolumeAttributesClass"],
        deprecated: 32,
        removed: Some(35),
        replacement: to("storage.k8s.io/v1", 34),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1alpha1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "storagemigration.k8s.io/v1alpha1",
        kinds: &["StorageVersionMigration"],
        deprecated: 33,
        removed: Some(35),
        replacement: to("storagemigration.k8s.io/v1beta1", 35),
        migration: Migration::Manual,
        changes: "",
        source: "k8s.io/api storagemigration/v1alpha1 prerelease-lifecycle (tagged for v1.36; the type left k8s.io/api after release-1.34)",
    },
    // --- deprecated, removed after v1.36 ---
    ApiChange {
        api_version: "certificates.k8s.io/v1alpha1",
        kinds: &["ClusterTrustBundle"],
        deprecated: 34,
        removed: Some(37),
        replacement: to("certificates.k8s.io/v1beta1", 33),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api certificates/v1alpha1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "networking.k8s.io/v1beta1",
        kinds: &["IPAddress", "ServiceCIDR"],
        deprecated: 34,
        removed: Some(37),
        replacement: to("networking.k8s.io/v1", 33),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api networking/v1beta1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "storage.k8s.io/v1beta1",
        kinds: &["VolumeAttributesClass"],
        deprecated: 34,
        removed: Some(37),
        replacement: to("storage.k8s.io/v1", 34),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api storage/v1beta1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "resource.k8s.io/v1beta1",
        kinds: &["DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"],
        deprecated: 35,
        removed: Some(38),
        replacement: to("resource.k8s.io/v1", 34),
        migration: Migration::Manual,
        changes: "device requests move under `exactly` (`spec.devices.requests[*].exactly`)",
        source: "k8s.io/api resource/v1beta1 prerelease-lifecycle",
    },
    ApiChange {
        api_version: "resource.k8s.io/v1beta2",
        kinds: &["DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"],
        deprecated: 36,
        removed: Some(39),
        replacement: to("resource.k8s.io/v1", 34),
        migration: Migration::ApiVersion,
        changes: "",
        source: "k8s.io/api resource/v1beta2 prerelease-lifecycle",
    },
    // --- GA, deprecated, still served ---
    ApiChange {
        api_version: "v1",
        kinds: &["ComponentStatus"],
        deprecated: 19,
        removed: None,
        replacement: None,
        migration: Migration::Manual,
        changes: "nothing replaces it: read component health from the components' own `/livez` and `/readyz` endpoints",
        source: "k8s.io/api core/v1/types.go: `Deprecated: This API is deprecated in v1.19+`",
    },
    ApiChange {
        api_version: "v1",
        kinds: &["Endpoints"],
        deprecated: 33,
        removed: None,
        replacement: Some(Replacement {
            api_version: "discovery.k8s.io/v1",
            kind: Some("EndpointSlice"),
            since: 21,
        }),
        migration: Migration::Manual,
        changes: "an EndpointSlice names its Service with the label `kubernetes.io/service-name` and lists `endpoints` with `addresses` and `conditions`",
        source: "k8s.io/api core/v1/types.go: `Deprecated: This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice.`",
    },
];

/// The row for `api_version` and `kind`, if that API version is deprecated.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static ApiChange> {
    API_CHANGES
        .iter()
        .find(|row| row.api_version == api_version && row.kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rows_are_ordered_unique_and_consistent() {
        let mut seen = HashSet::new();
        for row in API_CHANGES {
            for kind in row.kinds {
                assert!(
                    seen.insert((row.api_version, *kind)),
                    "{} {kind} twice",
                    row.api_version
                );
            }
            assert!(!row.kinds.is_empty() && !row.source.is_empty());
            if let Some(removed) = row.removed {
                assert!(
                    row.deprecated < removed,
                    "{}: removed after deprecated",
                    row.api_version
                );
            } else {
                // Only a GA API stays served once deprecated.
                assert!(!row.api_version.contains("alpha") && !row.api_version.contains("beta"));
            }
            match row.replacement {
                Some(replacement) => {
                    assert_ne!(replacement.api_version, row.api_version);
                    // The replacement is served by the release that stops serving the
                    // old version, and goes on being served after it.
                    if let Some(removed) = row.removed {
                        assert!(replacement.since <= removed, "{}", row.api_version);
                    }
                    let kind = replacement.kind.unwrap_or(row.kinds[0]);
                    if let Some(next) = lookup(replacement.api_version, kind) {
                        assert!(
                            next.removed.is_none_or(|r| Some(r) > row.removed),
                            "{}: its replacement goes first",
                            row.api_version
                        );
                    }
                }
                None => assert_eq!(row.migration, Migration::Manual, "{}", row.api_version),
            }
            if row.migration == Migration::Manual {
                assert!(
                    !row.changes.is_empty() || row.replacement.is_some(),
                    "{}",
                    row.api_version
                );
            }
        }
        let removals: Vec<Minor> = API_CHANGES
            .iter()
            .map(|r| r.removed.unwrap_or(u32::MAX))
            .collect();
        assert!(removals.windows(2).all(|w| w[0] <= w[1]), "rows by removal");
    }
}
