use std::collections::{HashMap, HashSet};

use serde_json::json;

use crate::declare_rule;
use crate::model::{with_pods, Object};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags pods that get their service account's API token mounted although
    /// nothing in the input suggests they use it: neither the pod nor its
    /// `ServiceAccount` (when it is in the input) sets
    /// `automountServiceAccountToken: false`, and no `RoleBinding` or
    /// `ClusterRoleBinding` in the input names that service account. The pod's
    /// setting wins over the service account's, as in the API server.
    ///
    /// ## Why is this bad?
    /// Every process in the pod can read the token from
    /// `/var/run/secrets/kubernetes.io/serviceaccount/token` and call the API server
    /// with it. After a compromise that is the first thing an attacker tries; a pod
    /// that never talks to the API should not carry a credential for it.
    ///
    /// Severity: low: a token that no binding grants anything is hygiene; what a bound
    /// token can do is judged by the RBAC rules.
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
    ///   automountServiceAccountToken: false
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Known problems
    /// Bindings that live outside the input are not seen, and a pod can use its token
    /// without any RBAC binding (Vault's Kubernetes auth, token review by a third
    /// party). Suppress the rule for such a workload with `kubecheck.io/ignore`.
    ///
    /// ## Fix safety
    /// The fix sets `automountServiceAccountToken: false` on the pod; an application
    /// that does call the API server then fails to authenticate.
    ///
    /// ## References
    /// - Kubernetes docs: Configure Service Accounts for Pods (opt out of API credential automounting)
    pub static AUTOMOUNT_SERVICE_ACCOUNT_TOKEN = Rule {
        id: "automount-service-account-token",
        title: "Service account token mounted without need",
        category: Category::PodSecurity,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template; ServiceAccount, RoleBinding and ClusterRoleBinding are read",
        remediation: "Set `automountServiceAccountToken: false` on the pod (or its ServiceAccount) unless it calls the Kubernetes API.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// A service account: its namespace (as written in the input) and name.
type AccountKey<'a> = (Option<&'a str>, &'a str);

/// Service accounts that a binding in the input names as a subject.
fn bound_accounts<'a>(objects: &'a [Object<'a>]) -> HashSet<AccountKey<'a>> {
    let mut bound = HashSet::new();
    for binding in objects
        .iter()
        .filter(|o| o.group() == "rbac.authorization.k8s.io")
        .filter(|o| o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding")
    {
        let Some(subjects) = binding.at("/subjects").and_then(|s| s.as_seq()) else {
            continue;
        };
        for subject in subjects {
            let field = |key: &str| subject.get(key).and_then(|n| n.as_str());
            if field("kind") != Some("ServiceAccount") {
                continue;
            }
            if let Some(name) = field("name") {
                bound.insert((field("namespace").or(binding.namespace()), name));
            }
        }
    }
    bound
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    // Looked up once per pod: by key, the first declaration of each account.
    let mut accounts: HashMap<AccountKey<'_>, Option<bool>> = HashMap::new();
    for o in objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount" && o.api_version == "v1")
    {
        let Some(name) = o.name() else { continue };
        let automount = o
            .at("/automountServiceAccountToken")
            .and_then(|n| n.as_bool());
        accounts.entry((o.namespace(), name)).or_insert(automount);
    }
    let bound = bound_accounts(objects);
    for (object, pod) in with_pods(objects) {
        let account = pod
            .spec
            .service_account_name
            .as_deref()
            .or(pod.spec.service_account.as_deref())
            .filter(|name| !name.is_empty())
            .unwrap_or("default");
        let key = (object.namespace(), account);
        let by_account = accounts.get(&key).copied().flatten();
        if pod.spec.automount_service_account_token.or(by_account) == Some(false)
            || bound.contains(&key)
        {
            continue;
        }
        let pointer = pod.at("automountServiceAccountToken");
        out.report(
            object,
            &pointer,
            format!(
                "pod mounts the API token of service account `{account}`, which no binding in the input grants anything; set `automountServiceAccountToken: false` if it does not call the API"
            ),
        )
        .fix_set("set `automountServiceAccountToken: false`", pointer, json!(false))
        .fix_is_safe();
    }
}
