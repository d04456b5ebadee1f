use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags well-known operator resources that send backups or credentials to an object
    /// store or an identity provider without TLS:
    /// - Velero `BackupStorageLocation` (`velero.io`): `spec.config.s3Url` or `publicUrl`
    ///   over `http://`, or `spec.config.insecureSkipTLSVerify: "true"`;
    /// - CloudNativePG `Cluster` (`postgresql.cnpg.io`): `endpointURL` over `http://` in
    ///   `spec.backup.barmanObjectStore` or an `spec.externalClusters[].barmanObjectStore`,
    ///   and the Barman Cloud plugin's `ObjectStore` (`barmancloud.cnpg.io`)
    ///   `spec.configuration.endpointURL`;
    /// - Flux `Bucket` (`source.toolkit.fluxcd.io`): `spec.insecure: true` (plain HTTP to
    ///   `spec.endpoint`), or an `spec.sts.endpoint` over `http://`;
    /// - Argo CD's `argocd-cm` ConfigMap: an `issuer` over `http://` in `oidc.config`.
    ///
    /// Plain HTTP is high. It is low when the host is loopback or a Service of the
    /// cluster (`minio`, `minio.backup.svc`, `….svc.cluster.local`): the traffic then
    /// crosses only the pod network, which a cluster may or may not encrypt. Skipping
    /// certificate verification over HTTPS is medium.
    ///
    /// Field names are those of the operators' API types: Velero's AWS plugin
    /// (`velero-plugin-for-aws/object_store.go`), CloudNativePG's `barman-cloud`
    /// (`pkg/api/config.go`), Flux `source-controller` (`api/v1/bucket_types.go`).
    ///
    /// ## Why is this bad?
    /// A Velero backup holds every Secret of the backed-up namespaces, a CloudNativePG base
    /// backup and WAL hold the whole database with its password hashes, and a Flux bucket
    /// holds what the cluster will apply: in plain text, anyone on the path reads them, and
    /// can change what is restored or applied. An OIDC client sends its client secret and
    /// receives users' tokens from the issuer, and trusts the issuer's signing keys; over
    /// HTTP anyone on the path can log in as any user.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: velero.io/v1
    /// kind: BackupStorageLocation
    /// metadata:
    ///   name: default
    ///   namespace: velero
    /// spec:
    ///   provider: aws
    ///   objectStorage:
    ///     bucket: backups
    ///   config:
    ///     region: minio
    ///     s3Url: http://backups.example.com:9000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: velero.io/v1
    /// kind: BackupStorageLocation
    /// metadata:
    ///   name: default
    ///   namespace: velero
    /// spec:
    ///   provider: aws
    ///   objectStorage:
    ///     bucket: backups
    ///     caCert: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    ///   config:
    ///     region: minio
    ///     s3Url: https://backups.example.com:9000
    /// ```
    ///
    /// ## Known problems
    /// The kube-apiserver's `--oidc-issuer-url` is not checked here: the API server
    /// refuses to start with an issuer that is not `https`. Object-store settings inside
    /// application config files (Loki, Thanos, Tempo) are not read.
    ///
    /// ## References
    /// - https://velero.io/docs/main/api-types/backupstoragelocation/
    /// - https://cloudnative-pg.io/documentation/current/backup_barmanobjectstore/
    /// - https://fluxcd.io/flux/components/source/buckets/#insecure
    /// - https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#existing-oidc-provider
    pub static OPERATOR_ENDPOINT_INSECURE_TRANSPORT = Rule {
        id: "operator-endpoint-insecure-transport",
        title: "Operator sends backups or credentials to an endpoint without TLS",
        category: Category::Encryption,
        severity: Severity::High,
        applies_to: "BackupStorageLocation (Velero), Cluster and ObjectStore (CloudNativePG), Bucket (Flux), ConfigMap argocd-cm (Argo CD)",
        remediation: "Use an `https://` endpoint that the operator verifies (give it the CA instead of skipping verification).",
        references: &[
            "https://velero.io/docs/main/api-types/backupstoragelocation/",
            "https://fluxcd.io/flux/components/source/buckets/#insecure",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Where a plain-HTTP endpoint leads, which sets the severity.
fn plain_http_severity(host: &str) -> Severity {
    if stays_in_cluster(host) {
        Severity::Low
    } else {
        Severity::High
    }
}

/// Whether `host` (with or without a port) is loopback or a Service of the cluster: a
/// single-label name (`minio`, resolved in the pod's namespace) or a `.svc` name.
fn stays_in_cluster(host: &str) -> bool {
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host == "::1"
        || host.starts_with("127.")
        || host.ends_with(".svc")
        || host.ends_with(".svc.cluster.local")
        || host.contains(".svc.")
        || (!host.is_empty() && !host.contains('.') && !host.contains(':'))
}

/// The host of an `http://` URL; `None` for any other scheme.
fn plain_http_host(url: &str) -> Option<&str> {
    let rest = url.trim();
    let scheme_len = "http://".len();
    let rest = rest
        .get(..scheme_len)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .map(|_| &rest[scheme_len..])?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

fn report_plain_http(
    object: &Object<'_>,
    pointer: String,
    what: &str,
    url: &str,
    out: &mut Emitter,
) {
    let Some(host) = plain_http_host(url) else {
        return;
    };
    let severity = plain_http_severity(host);
    let scope = if severity == Severity::Low {
        " inside the cluster"
    } else {
        ""
    };
    out.report(
        object,
        pointer,
        format!("{what} is reached over plain HTTP{scope} (`http://{host}`)"),
    )
    .severity = Some(severity);
}

fn str_at<'a>(object: &Object<'a>, pointer: &str) -> Option<&'a str> {
    object.at(pointer).and_then(Node::as_str)
}

fn check_velero(object: &Object<'_>, out: &mut Emitter) {
    for key in ["s3Url", "publicUrl"] {
        let pointer = format!("/spec/config/{key}");
        if let Some(url) = str_at(object, &pointer) {
            report_plain_http(
                object,
                pointer,
                &format!("backup storage `{key}`"),
                url,
                out,
            );
        }
    }
    // Velero's plugin reads the value with Go's `strconv.ParseBool`.
    let pointer = "/spec/config/insecureSkipTLSVerify";
    let skip = str_at(object, pointer)
        .map(|v| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"))
        .or_else(|| object.at(pointer).and_then(Node::as_bool));
    if skip == Some(true) {
        out.report(
            object,
            pointer.to_owned(),
            "backup storage does not verify the object store's certificate (`insecureSkipTLSVerify: \"true\"`)".to_owned(),
        )
        .severity = Some(Severity::Medium);
    }
}

fn check_barman_object_store(object: &Object<'_>, base: &str, what: &str, out: &mut Emitter) {
    let pointer = format!("{base}/endpointURL");
    if let Some(url) = str_at(object, &pointer) {
        report_plain_http(object, pointer, what, url, out);
    }
}

fn check_flux_bucket(object: &Object<'_>, out: &mut Emitter) {
    if object.at("/spec/insecure").and_then(Node::as_bool) == Some(true) {
        let host = str_at(object, "/spec/endpoint").unwrap_or("");
        report_plain_http(
            object,
            "/spec/insecure".to_owned(),
            "bucket endpoint",
            &format!("http://{host}"),
            out,
        );
    }
    if let Some(url) = str_at(object, "/spec/sts/endpoint") {
        report_plain_http(
            object,
            "/spec/sts/endpoint".to_owned(),
            "security token service",
            url,
            out,
        );
    }
}

/// The top-level `issuer` of Argo CD's `oidc.config` (a YAML document in a string).
fn oidc_issuer(config: &str) -> Option<&str> {
    config.lines().find_map(|line| {
        let value = line.strip_prefix("issuer:")?.trim();
        Some(value.trim_matches(|c| c == '"' || c == '\''))
    })
}

fn check_argocd_cm(object: &Object<'_>, out: &mut Emitter) {
    let pointer = "/data/oidc.config";
    if let Some(issuer) = str_at(object, pointer).and_then(oidc_issuer) {
        report_plain_http(object, pointer.to_owned(), "the OIDC issuer", issuer, out);
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    match (object.group(), object.kind.as_str()) {
        ("velero.io", "BackupStorageLocation") => check_velero(object, out),
        ("postgresql.cnpg.io", "Cluster") => {
            check_barman_object_store(
                object,
                "/spec/backup/barmanObjectStore",
                "backup object store",
                out,
            );
            let external = object
                .at("/spec/externalClusters")
                .and_then(Node::as_seq)
                .unwrap_or_default();
            for (i, cluster) in external.iter().enumerate() {
                let name = cluster.get("name").and_then(Node::as_str).unwrap_or("?");
                check_barman_object_store(
                    object,
                    &format!("/spec/externalClusters/{i}/barmanObjectStore"),
                    &format!("object store of external cluster `{name}`"),
                    out,
                );
            }
        }
        ("barmancloud.cnpg.io", "ObjectStore") => {
            check_barman_object_store(object, "/spec/configuration", "object store", out);
        }
        ("source.toolkit.fluxcd.io", "Bucket") => check_flux_bucket(object, out),
        ("", "ConfigMap") if object.name() == Some("argocd-cm") => check_argocd_cm(object, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check as check_sources, Options, Source};

    #[test]
    fn argo_cd_settings_with_an_http_issuer_fire() {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  oidc.config: |\n    name: Keycloak\n    issuer: http://sso.example.com/realms/x\n    clientSecret: $oidc.keycloak.clientSecret\n";
        let options = Options {
            only: vec![OPERATOR_ENDPOINT_INSECURE_TRANSPORT.id.to_owned()],
            ..Options::default()
        };
        let findings = check_sources(vec![Source::new("cm.yaml", yaml)], &options).findings;
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(findings[0].location.path, "/data/oidc.config");
        let https = yaml.replace("http://", "https://");
        let findings = check_sources(vec![Source::new("cm.yaml", https)], &options).findings;
        assert!(findings.is_empty());
    }

    #[test]
    fn hosts_inside_the_cluster_are_loopback_or_services() {
        for host in [
            "minio:9000",
            "minio",
            "minio.backup.svc",
            "minio.backup.svc.cluster.local:9000",
            "localhost:9000",
            "127.0.0.1",
            "[::1]:9000",
        ] {
            assert!(stays_in_cluster(host), "{host}");
        }
        for host in [
            "s3.example.com",
            "10.0.0.5:9000",
            "minio.example.com:9000",
            "",
        ] {
            assert!(!stays_in_cluster(host), "{host}");
        }
    }

    #[test]
    fn only_http_urls_have_a_plain_http_host() {
        assert_eq!(
            plain_http_host("HTTP://s3.example.com/b?x"),
            Some("s3.example.com")
        );
        assert_eq!(plain_http_host("https://s3.example.com"), None);
        assert_eq!(plain_http_host("s3.example.com"), None);
    }

    #[test]
    fn the_issuer_is_the_top_level_key() {
        let config =
            "name: Keycloak\nissuer: \"http://kc.example.com/realms/x\"\nclientID: argocd\n";
        assert_eq!(oidc_issuer(config), Some("http://kc.example.com/realms/x"));
        assert_eq!(oidc_issuer("name: x\n  issuer: http://nested\n"), None);
    }
}
