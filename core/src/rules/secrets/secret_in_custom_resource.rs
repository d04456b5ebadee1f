use super::scan::Place;
use super::{inner, report_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Finds credentials written inline in the fields of well-known custom resources that
    /// take free-form values: Argo CD `Application` and `ApplicationSet` Helm `values`,
    /// `valuesObject` and `parameters`, Flux `HelmRelease` `spec.values`, and Grafana
    /// Operator `GrafanaDatasource` `spec.datasource.secureJsonData`. Each value is read
    /// as the other secrets rules read theirs: the detector table, then a credential name
    /// (`password`, `auth.token`, a Helm parameter's `name`) with a literal value that is
    /// not a placeholder or a reference. The secret is never printed.
    ///
    /// ## Why is this bad?
    /// These resources live in Git next to the rest of the manifests and are readable by
    /// everyone who can list them in the cluster: a chart's `auth.password` passed through
    /// them is as exposed as one in a ConfigMap. Most operators take credentials only as
    /// Secret references (Velero, CloudNativePG, cert-manager, Crossplane, KEDA, Flux
    /// sources), so those resources are not read here.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: helm.toolkit.fluxcd.io/v2
    /// kind: HelmRelease
    /// metadata:
    ///   name: db
    /// spec:
    ///   interval: 10m
    ///   chart:
    ///     spec: {chart: postgresql, sourceRef: {kind: HelmRepository, name: bitnami}}
    ///   values:
    ///     auth:
    ///       username: app
    ///       password: Vq8rT2kLm9xWz4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: helm.toolkit.fluxcd.io/v2
    /// kind: HelmRelease
    /// metadata:
    ///   name: db
    /// spec:
    ///   interval: 10m
    ///   chart:
    ///     spec: {chart: postgresql, sourceRef: {kind: HelmRepository, name: bitnami}}
    ///   values:
    ///     auth:
    ///       username: app
    ///       existingSecret: db-auth
    /// ```
    ///
    /// ## References
    /// - https://fluxcd.io/flux/components/helm/helmreleases/#values-references
    /// - https://argo-cd.readthedocs.io/en/stable/user-guide/helm/
    /// - https://grafana.github.io/grafana-operator/docs/datasources/
    pub static SECRET_IN_CUSTOM_RESOURCE = Rule {
        id: "secret-in-custom-resource",
        title: "Credential inline in a custom resource",
        category: Category::Secrets,
        severity: Severity::High,
        applies_to: "Application, ApplicationSet (Argo CD), HelmRelease (Flux), GrafanaDatasource (Grafana Operator)",
        remediation: "Keep the credential in a Secret and reference it (`valuesFrom`, a chart's `existingSecret`, `valuesFrom` of the datasource).",
        references: &[
            "https://fluxcd.io/flux/components/helm/helmreleases/#values-references",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    report_hits(ctx, object, out, &[Place::CustomResource], |found, hit| {
        format!(
            "`{}` of {} `{}` holds {}{}",
            found.label,
            object.kind,
            object.name().unwrap_or("?"),
            hit.what,
            inner(hit)
        )
    });
}
