use super::scan::Place;
use super::{inner, report_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags container `command` and `args` words that hold a credential: a credential
    /// of a known format (as in `secrets-in-env`: a URL or connection string with a
    /// password, a token, a private key), or a flag named like a credential with a
    /// literal value (`--db-password=…`, `--token …`, `API_KEY=…` in a shell script).
    /// References (`$(DB_PASSWORD)`, `${TOKEN}`) and placeholders are not reported.
    ///
    /// ## Why is this bad?
    /// The credential is in the manifest in plain text, and at run time in the
    /// process's command line, which every process on the node can read
    /// (`/proc/<pid>/cmdline`, `ps`), and which monitoring agents and crash reports
    /// collect.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   containers:
    ///   - name: worker
    ///     image: shop/worker:2.1.0
    ///     args:
    ///     - --queue=postgres://worker:Vq8-rT2kLm9x@db.shop.svc:5432/jobs
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   containers:
    ///   - name: worker
    ///     image: shop/worker:2.1.0
    ///     env:
    ///     - name: QUEUE_URL
    ///       valueFrom:
    ///         secretKeyRef:
    ///           name: worker-queue
    ///           key: url
    ///     args:
    ///     - --queue=$(QUEUE_URL)
    /// ```
    ///
    /// ## Known problems
    /// Expanding a Secret-backed variable into `args` (`$(QUEUE_URL)`, as in the
    /// passing example) keeps the manifest clean but still puts the value on the
    /// command line at run time; a file is better where the program can read one.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static SECRET_IN_COMMAND_LINE = Rule {
        id: "secret-in-command-line",
        title: "Credential in a container command line",
        category: Category::Secrets,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Store the credential in a Secret, mount it as a file (or reference it from an environment variable), and pass the program its path.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    report_hits(ctx, object, out, &[Place::CommandLine], |found, hit| {
        format!(
            "{} passes {} in `{}`{}",
            found.container.as_deref().unwrap_or("container"),
            hit.what,
            found.label,
            inner(hit)
        )
    });
}
