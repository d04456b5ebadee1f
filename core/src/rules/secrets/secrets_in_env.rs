use super::scan::Place;
use super::{inner, report_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags environment variables of containers (including init and ephemeral
    /// containers) that hold a literal credential in `value`: variables whose name ends
    /// in a credential word (`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `APIKEY`, also
    /// run together as in `PGPASSWORD`; `PASS`, `CREDENTIALS`; `KEY` after `API`,
    /// `PRIVATE`, `SECRET`, `ACCESS`, `ENCRYPTION`, `SIGNING` or `SSH`) with a literal
    /// value, and variables of any name whose value holds a credential of a known
    /// format: cloud keys (AWS, GCP service account, Azure storage key and SAS, OCI),
    /// GitHub, GitLab, Slack, Stripe, Twilio, SendGrid, npm and PyPI tokens, JWTs, PEM
    /// private keys, URLs and connection strings with a password, htpasswd hashes and
    /// kubeconfig credentials. A value that is a whole configuration file or script is
    /// read line by line (`password=…`, `--token=…`).
    ///
    /// Values that are empty, references (`$(VAR)`, `${VAR}`, `{{ … }}`), placeholders
    /// (`<token>`, `changeme`, `REPLACE_ME`, `example`, `dummy`, `xxxx`, `***`, the
    /// variable's own name), SOPS-encrypted (`ENC[…]`), paths, booleans or numbers are
    /// not credentials and are not reported. Names that only mention a credential
    /// (`PASSWORD_FILE`, `SECRET_NAME`) are not either, nor `valueFrom` references.
    ///
    /// ## Why is this bad?
    /// The credential is stored in plain text in the manifest, in version control, in
    /// every copy of the pod spec (`kubectl get -o yaml`, audit logs, CI logs) and is
    /// readable by anyone who can read the workload, which is far more people than can
    /// read Secrets.
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
    ///     image: shop/web:1.4.2
    ///     env:
    ///     - name: DB_PASSWORD
    ///       value: s3cr3t-passw0rd
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
    ///     image: shop/web:1.4.2
    ///     env:
    ///     - name: DB_PASSWORD
    ///       valueFrom:
    ///         secretKeyRef:
    ///           name: web-db
    ///           key: password
    /// ```
    ///
    /// ## Known problems
    /// Example manifests use well-known demo passwords on purpose; they are still
    /// reported, since such manifests get copied. Vendors' documented example keys
    /// (`AKIAIOSFODNN7EXAMPLE`) say `EXAMPLE` and are not.
    pub static SECRETS_IN_ENV = Rule {
        id: "secrets-in-env",
        title: "Credential in a container environment variable",
        category: Category::Secrets,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Store the credential in a Secret and mount it as a file, or reference it with `valueFrom.secretKeyRef`.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    report_hits(ctx, object, out, &[Place::Env], |found, hit| {
        format!(
            "{} sets `{}` to {}{}",
            found.container.as_deref().unwrap_or("container"),
            found.label,
            hit.what,
            inner(hit)
        )
    });
}
