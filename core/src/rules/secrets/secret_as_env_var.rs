use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers that take a Secret into their environment: a variable with
    /// `valueFrom.secretKeyRef`, or `envFrom` with a `secretRef` (every key of the
    /// Secret). Off by default: this is the most common way to pass credentials and
    /// not a misconfiguration in itself; enable it (`--enable secret-as-env-var`)
    /// where policy asks for secrets as files (CIS 5.4.1).
    ///
    /// ## Why is this bad?
    /// Environment variables leak more easily than files: they are inherited by every
    /// child process, printed by debug endpoints, crash reporters and `env` in a
    /// support session, readable in `/proc/<pid>/environ`, and cannot be rotated
    /// without restarting the container. A mounted file can be read-only to one user
    /// and is updated in place when the Secret changes.
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
    ///       valueFrom:
    ///         secretKeyRef:
    ///           name: web-db
    ///           key: password
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
    ///     - name: DB_PASSWORD_FILE
    ///       value: /etc/web-db/password
    ///     volumeMounts:
    ///     - name: web-db
    ///       mountPath: /etc/web-db
    ///       readOnly: true
    ///   volumes:
    ///   - name: web-db
    ///     secret:
    ///       secretName: web-db
    ///       defaultMode: 0400
    /// ```
    ///
    /// ## Known problems
    /// Many programs read credentials only from the environment; for those the
    /// finding is a note, not something to fix.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static SECRET_AS_ENV_VAR = Rule {
        id: "secret-as-env-var",
        title: "Secret passed as an environment variable",
        category: Category::Secrets,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Mount the Secret as a read-only volume and let the program read the file.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: false,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    for c in &pod.containers {
        let container = format!("{} `{}`", c.kind.noun(), c.name());
        for (j, var) in c.env(object).iter().enumerate() {
            let Some(selector) = var
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            else {
                continue;
            };
            out.report(
                object,
                c.at(&format!("env/{j}/valueFrom/secretKeyRef")),
                format!(
                    "{container} reads key `{}` of secret `{}` into `{}`",
                    selector.key, selector.name, var.name
                ),
            );
        }
        for (j, source) in c.container.env_from.iter().flatten().enumerate() {
            let Some(secret) = &source.secret_ref else {
                continue;
            };
            out.report(
                object,
                c.at(&format!("envFrom/{j}/secretRef")),
                format!(
                    "{container} loads every key of secret `{}` into its environment",
                    secret.name
                ),
            );
        }
    }
}
